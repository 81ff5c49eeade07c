#include "chat/message_stats.h"

#include <QLocale>
#include <QStringList>

namespace rwb::ui {

QString formatMessageStats(const MessageStats& stats) {
    const QLocale en(QLocale::English);
    QStringList parts;
    if (!stats.model.isEmpty()) parts << stats.model;
    if (stats.tokensPerSecond >= 0) {
        const QString rate = stats.tokensPerSecond < 100
                                 ? en.toString(stats.tokensPerSecond, 'f', 1)
                                 : en.toString(qint64(std::llround(stats.tokensPerSecond)));
        parts << QStringLiteral("%1 tok/s").arg(rate);
    }
    if (stats.timeToFirstTokenMs >= 0)
        parts << QStringLiteral("TTFT %1 ms")
                     .arg(en.toString(qint64(std::llround(stats.timeToFirstTokenMs))));
    QString tokens;
    if (stats.thinkingTokens > 0)
        tokens = QStringLiteral("%1 thinking + %2 answer tokens")
                     .arg(en.toString(stats.thinkingTokens), en.toString(stats.answerTokens));
    else
        tokens = QStringLiteral("%1 answer tokens").arg(en.toString(stats.answerTokens));
    parts << tokens;
    return parts.join(QStringLiteral(" · "));
}

} // namespace rwb::ui
