// Markdown export: one conversation's visible branch, reasoning folded into <details>.
#include "export.h"
#include "message_store.h"

namespace rwb::storage {
namespace {

QString isoTime(const QDateTime& t) {
    return t.toUTC().toString(Qt::ISODate);
}

QString stateNote(MessageState state) {
    switch (state) {
    case MessageState::Interrupted:
        return QStringLiteral("*(interrupted: the app stopped while this was being written; "
                              "this is the text saved up to then)*\n\n");
    case MessageState::Cancelled:
        return QStringLiteral("*(stopped by the user)*\n\n");
    case MessageState::Error:
        return QStringLiteral("*(ended with an error)*\n\n");
    case MessageState::Streaming:
        return QStringLiteral("*(still being written)*\n\n");
    case MessageState::Complete:
        break;
    }
    return {};
}

QString heading(MessageStore& store, const Message& m) {
    switch (m.role) {
    case MessageRole::System:
        return QStringLiteral("### System");
    case MessageRole::User:
        return QStringLiteral("### User");
    case MessageRole::Assistant:
        break;
    }
    QStringList parts{QStringLiteral("### Assistant")};
    if (m.modelId > 0)
        if (auto model = store.model(m.modelId)) parts << model->name;
    if (m.answerTokens + m.thinkingTokens > 0)
        parts << QStringLiteral("%1 tokens").arg(m.answerTokens + m.thinkingTokens);
    if (m.tokensPerSecond > 0)
        parts << QStringLiteral("%1 tok/s").arg(QString::number(m.tokensPerSecond, 'f', 1));
    return parts.join(QStringLiteral(" · "));
}

} // namespace

QString exportMarkdown(MessageStore& store, qint64 conversationId, QString* error) {
    auto c = store.conversation(conversationId);
    if (!c) {
        if (error) *error = store.lastError();
        return {};
    }
    QString out;
    out +=
        QStringLiteral("# %1\n\n").arg(c->title.isEmpty() ? QStringLiteral("Untitled") : c->title);
    out += QStringLiteral("- Created: %1\n- Updated: %2\n")
               .arg(isoTime(c->created), isoTime(c->updated));
    if (!c->folder.isEmpty()) out += QStringLiteral("- Folder: %1\n").arg(c->folder);
    if (!c->tags.isEmpty())
        out += QStringLiteral("- Tags: %1\n").arg(c->tags.join(QStringLiteral(", ")));
    out += QLatin1Char('\n');
    if (!c->systemPrompt.isEmpty())
        out += QStringLiteral("**System prompt:**\n\n%1\n\n").arg(c->systemPrompt);
    for (const Message& m : store.visiblePath(conversationId)) {
        out += heading(store, m) + QStringLiteral("\n\n");
        out += stateNote(m.state);
        if (!m.reasoning.isEmpty()) {
            QString summary = QStringLiteral("Reasoning");
            if (m.thinkingSeconds > 0)
                summary +=
                    QStringLiteral(" (%1 s)").arg(QString::number(m.thinkingSeconds, 'f', 1));
            out += QStringLiteral("<details>\n<summary>%1</summary>\n\n%2\n\n</details>\n\n")
                       .arg(summary, m.reasoning.trimmed());
        }
        if (!m.answer.isEmpty()) out += m.answer.trimmed() + QStringLiteral("\n\n");
    }
    return out;
}

QString exportAllMarkdown(MessageStore& store, QString* error) {
    QStringList parts;
    for (qint64 id : store.allConversationIds()) {
        const QString one = exportMarkdown(store, id, error);
        if (one.isEmpty()) return {};
        parts << one;
    }
    return parts.join(QStringLiteral("---\n\n"));
}

} // namespace rwb::storage
