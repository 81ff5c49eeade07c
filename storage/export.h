// Export of conversations to Markdown (for reading: the visible branch, reasoning in a
// collapsible <details> block) and to JSON (complete: every branch, all figures and provenance,
// in a versioned format), and import of that JSON without duplicating what is already there
// (rows are matched by uuid). Export -> import into an empty database -> export is byte-identical.
#pragma once

#include <QByteArray>
#include <QString>
#include <QVector>

namespace rwb::storage {

class MessageStore;

inline constexpr const char* kJsonFormatName = "reasoning-workbench-history";
inline constexpr int kJsonFormatVersion = 1;

QString exportMarkdown(MessageStore& store, qint64 conversationId, QString* error = nullptr);
QString exportAllMarkdown(MessageStore& store, QString* error = nullptr);

// conversationIds empty = every conversation. Returns an empty array on error.
QByteArray exportJson(MessageStore& store, const QVector<qint64>& conversationIds = {},
                      QString* error = nullptr);

struct ImportResult {
    bool ok = false;
    QString error; // one line; the database is unchanged when !ok
    int conversationsAdded = 0;
    int messagesAdded = 0;
    int messagesSkipped = 0; // already present
};

// All or nothing: one transaction.
ImportResult importJson(MessageStore& store, const QByteArray& json);

} // namespace rwb::storage
