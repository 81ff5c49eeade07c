// Filling a MessageWidget from a stored message (reopening a conversation, switching branches):
// the prompt, or the thought (collapsed, or marked stopped when it never ended), the answer, the
// "interrupted" marker and the stats line.
#pragma once

#include "chat/message_stats.h"
#include "records.h"

namespace rwb::ui {

class MessageWidget;

// The stats line figures of a stored assistant message (absent figures are left out).
// `modelName`: the model seen streaming; empty: the name stored with the message.
MessageStats statsOf(const rwb::storage::Message& message, const QString& modelName);

// True for a reply that did not end normally (stopped, cut by a crash, or still marked streaming).
bool wasInterrupted(const rwb::storage::Message& message);

// Shows `message` (finished, not streaming any more) in `widget`.
void restoreMessage(MessageWidget* widget, const rwb::storage::Message& message,
                    const QString& modelName);

} // namespace rwb::ui
