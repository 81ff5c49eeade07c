// MessageStats: the figures of the stats line under an assistant answer, and its formatting:
// "rwb-demo-medium · 1,234 tok/s · TTFT 45 ms · 318 thinking + 42 answer tokens".
#pragma once

#include <QString>

namespace rwb::ui {

struct MessageStats {
    QString model;                  // display name of the model; omitted when empty
    double tokensPerSecond = -1.0;  // generation speed; omitted when < 0
    double timeToFirstTokenMs = -1; // omitted when < 0
    int thinkingTokens = 0;
    int answerTokens = 0;
};

// Numbers use thousands separators ("1,234"); tok/s below 100 keep one decimal ("42.5 tok/s").
QString formatMessageStats(const MessageStats& stats);

} // namespace rwb::ui
