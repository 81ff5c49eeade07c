// DeltaBatcher: coalesces the per-token text of a reply into at most one batch per interval
// (default 33 ms, i.e. ~30 UI updates per second whatever the token rate). The generation loop
// adds each token's thinking/answer text and asks takeIfDue() after every token; a phase change
// ("</think>") or the end of the stream is flushed at once with take(). Clock-driven rather
// than a QTimer because the worker thread's event loop is busy inside Session::generate.
#pragma once

#include <QElapsedTimer>
#include <QString>

namespace rwb::app {

struct TextDelta {
    QString thinking;
    QString answer;
    bool isEmpty() const { return thinking.isEmpty() && answer.isEmpty(); }
};

class DeltaBatcher {
public:
    static constexpr int kDefaultIntervalMs = 33;
    explicit DeltaBatcher(int intervalMs = kDefaultIntervalMs);

    void addThinking(const QString& text) { m_pending.thinking += text; }
    void addAnswer(const QString& text) { m_pending.answer += text; }

    // The pending text if the interval since the last batch has passed (and there is some),
    // else nothing (an empty delta).
    TextDelta takeIfDue();
    // Everything pending now, whatever the time.
    TextDelta take();
    bool hasPending() const { return !m_pending.isEmpty(); }
    int batches() const { return m_batches; }

private:
    int m_intervalMs;
    TextDelta m_pending;
    QElapsedTimer m_sinceBatch;
    int m_batches = 0;
};

} // namespace rwb::app
