// A stored conversation whose answer holds a fenced code block (the demo models only do
// arithmetic, so the code-block screenshot shows a conversation written here, through storage).
#pragma once

#include <QString>

namespace rwb::tools {

// Writes the conversation into the history database at `databasePath` (created if missing).
// Returns its id, or 0 with `error` set.
qint64 storeCodeBlockConversation(const QString& databasePath, QString* error);

} // namespace rwb::tools
