// statsOf, restoreMessage; see message_restore.h.
#include "chat_view/message_restore.h"

#include "chat/answer_view.h"
#include "chat/message_widget.h"
#include "chat/thinking_block.h"

namespace rwb::ui {

using rwb::storage::MessageRole;
using rwb::storage::MessageState;

MessageStats statsOf(const rwb::storage::Message& m, const QString& modelName) {
    MessageStats s;
    s.model = !modelName.isEmpty() ? modelName : m.modelName; // seen streaming, or as stored
    s.tokensPerSecond = m.tokensPerSecond > 0 ? m.tokensPerSecond : -1.0;
    s.timeToFirstTokenMs = m.timeToFirstTokenMs > 0 ? m.timeToFirstTokenMs : -1.0;
    s.thinkingTokens = int(m.thinkingTokens);
    s.answerTokens = int(m.answerTokens);
    return s;
}

bool wasInterrupted(const rwb::storage::Message& m) {
    return m.state == MessageState::Interrupted || m.state == MessageState::Cancelled ||
           m.state == MessageState::Streaming;
}

void restoreMessage(MessageWidget* widget, const rwb::storage::Message& m,
                    const QString& modelName) {
    widget->setMessageId(m.id);
    if (m.role != MessageRole::Assistant) {
        widget->setUserText(m.answer);
        return;
    }
    const bool interrupted = wasInterrupted(m);
    if (!m.reasoning.isEmpty()) {
        // A thought with no answer after it was cut off mid-thought.
        widget->thinkingBlock()->restore(m.reasoning, m.thinkingSeconds, int(m.thinkingTokens),
                                         interrupted && m.answer.isEmpty());
    }
    widget->answerView()->setMarkdown(m.answer);
    widget->setInterrupted(interrupted);
    widget->setGenerating(false);
    if (m.state != MessageState::Streaming) widget->setStats(statsOf(m, modelName));
}

} // namespace rwb::ui
