// Names of roles and states as stored in the database and in exports.
#include "records.h"

namespace rwb::storage {

QString roleName(MessageRole role) {
    switch (role) {
    case MessageRole::System:
        return QStringLiteral("system");
    case MessageRole::User:
        return QStringLiteral("user");
    case MessageRole::Assistant:
        return QStringLiteral("assistant");
    }
    return {};
}

std::optional<MessageRole> roleFromName(const QString& name) {
    for (MessageRole r : {MessageRole::System, MessageRole::User, MessageRole::Assistant})
        if (roleName(r) == name) return r;
    return std::nullopt;
}

QString stateName(MessageState state) {
    switch (state) {
    case MessageState::Streaming:
        return QStringLiteral("streaming");
    case MessageState::Complete:
        return QStringLiteral("complete");
    case MessageState::Cancelled:
        return QStringLiteral("cancelled");
    case MessageState::Error:
        return QStringLiteral("error");
    case MessageState::Interrupted:
        return QStringLiteral("interrupted");
    }
    return {};
}

std::optional<MessageState> stateFromName(const QString& name) {
    for (MessageState s : {MessageState::Streaming, MessageState::Complete, MessageState::Cancelled,
                           MessageState::Error, MessageState::Interrupted})
        if (stateName(s) == name) return s;
    return std::nullopt;
}

} // namespace rwb::storage
