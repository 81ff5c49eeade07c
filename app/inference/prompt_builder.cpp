// chatMessagesFor; see prompt_builder.h.
#include "inference/prompt_builder.h"

namespace rwb::app {

std::vector<rwb::ChatMessage> chatMessagesFor(const QVector<rwb::storage::Message>& history,
                                              const QString& systemPrompt) {
    std::vector<rwb::ChatMessage> out;
    if (!systemPrompt.trimmed().isEmpty())
        out.push_back({rwb::ChatRole::System, systemPrompt.toStdString()});
    for (const auto& m : history) {
        switch (m.role) {
        case rwb::storage::MessageRole::System:
            out.push_back({rwb::ChatRole::System, m.answer.toStdString()});
            break;
        case rwb::storage::MessageRole::User:
            out.push_back({rwb::ChatRole::User, m.answer.toStdString()});
            break;
        case rwb::storage::MessageRole::Assistant:
            // The answer only: the stored reasoning never goes back to the model.
            out.push_back({rwb::ChatRole::Assistant, m.answer.toStdString()});
            break;
        }
    }
    return out;
}

} // namespace rwb::app
