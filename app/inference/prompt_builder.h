// From stored messages to the engine's chat messages. R1 practice: earlier assistant turns go back
// to the model WITHOUT their reasoning (only the answer), and the system prompt, if any, comes
// first. The R1 template (engine chat.h) then renders them and opens the new thought.
#pragma once

#include "records.h"
#include "rwb/chat.h"

#include <QString>
#include <QVector>
#include <vector>

namespace rwb::app {

std::vector<rwb::ChatMessage> chatMessagesFor(const QVector<rwb::storage::Message>& history,
                                              const QString& systemPrompt);

} // namespace rwb::app
