// CompareSession: what the columns stream back (thinking and answer deltas, stats, the end of a
// reply) and whether the finished answers agree. See compare_session.h.
#include "compare/compare_session.h"

#include "rwb/eval_grading.h"

namespace rwb::compare {

void CompareSession::onDelta(int i, quint64 tag, const QString& thinking, const QString& answer) {
    Column& c = *m_columns[size_t(i)];
    if (tag != c.tag) return;
    ColumnMetrics& m = c.result.metrics;
    if (m.ttftMs < 0 && !(thinking.isEmpty() && answer.isEmpty()))
        m.ttftMs = double(c.clock.nsecsElapsed()) / 1e6;
    c.result.thinking += thinking;
    if (!answer.isEmpty()) {
        if (m.firstAnswerMs < 0) m.firstAnswerMs = double(c.clock.nsecsElapsed()) / 1e6;
        c.result.answer += answer;
        setState(i, ColumnState::Answering);
    } else if (!thinking.isEmpty() && c.result.state == ColumnState::Loading) {
        setState(i, ColumnState::Thinking);
    }
    emit columnDelta(i, thinking, answer);
}

void CompareSession::onStats(int i, quint64 tag, const rwb::app::StreamStats& s) {
    Column& c = *m_columns[size_t(i)];
    if (tag != c.tag) return;
    ColumnMetrics& m = c.result.metrics;
    if (s.timeToFirstTokenMs > 0) m.ttftMs = s.timeToFirstTokenMs;
    m.thinkingTokens = s.thinkingTokens;
    m.answerTokens = s.answerTokens;
    if (s.thinkingSeconds > 0) m.thinkingSeconds = s.thinkingSeconds;
    takeMemory(m, s);
    c.heldVram = m.vramBytes;
    emit columnMetricsChanged(i);
}

void CompareSession::takeMemory(ColumnMetrics& m, const rwb::app::StreamStats& s) {
    m.vramBytes = qMax(m.vramBytes, s.vramBytes);
    if (s.peakMemoryBytes <= m.peakMemoryBytes) return;
    m.peakMemoryBytes = s.peakMemoryBytes;
    m.peakWeightsBytes = s.peakWeightsBytes;
    m.peakSessionBytes = s.peakSessionBytes;
}

void CompareSession::onFinished(int i, quint64 tag, const rwb::app::GenerationOutcome& o) {
    Column& c = *m_columns[size_t(i)];
    if (tag != c.tag) return;
    ColumnResult& r = c.result;
    ColumnMetrics& m = r.metrics;
    r.thinking = o.reasoning;
    r.answer = o.answer;
    r.error = o.error;
    m.thinkingTokens = o.stats.thinkingTokens;
    m.answerTokens = o.stats.answerTokens;
    if (o.stats.timeToFirstTokenMs > 0) m.ttftMs = o.stats.timeToFirstTokenMs;
    if (o.stats.thinkingSeconds > 0) m.thinkingSeconds = o.stats.thinkingSeconds;
    // Phase speeds: thought tokens over thinking time; answer tokens over the rest of the
    // generation (first token to the end).
    const double total = double(c.clock.nsecsElapsed()) / 1e9 - qMax(0.0, m.ttftMs) / 1000.0;
    if (m.thinkingSeconds > 0) m.thinkingTokensPerSecond = m.thinkingTokens / m.thinkingSeconds;
    const double answerSeconds = total - m.thinkingSeconds;
    if (answerSeconds > 0 && m.answerTokens > 0)
        m.answerTokensPerSecond = m.answerTokens / answerSeconds;
    m.promptTokens = o.stats.promptTokens;
    takeMemory(m, o.stats);
    c.heldVram = m.vramBytes;
    if (c.remote) m.cost = c.endpoint.cost(m.promptTokens, m.thinkingTokens + m.answerTokens);
    m.extractedAnswer = QString::fromStdString(rwb::eval::extract_answer(r.answer.toStdString()));
    setState(i, o.end == rwb::app::GenerationEnd::Complete      ? ColumnState::Finished
                : o.end == rwb::app::GenerationEnd::Interrupted ? ColumnState::Stopped
                                                                : ColumnState::Failed);
    emit columnMetricsChanged(i);
    emit columnFinished(i);
    startWaiting();
    if (!isRunning()) emit allFinished();
}

bool CompareSession::answersAgree() const {
    QString first;
    int answered = 0;
    for (const auto& c : m_columns) {
        if (c->result.state != ColumnState::Finished) continue;
        const QString a = c->result.metrics.extractedAnswer;
        if (a.isEmpty()) return false;
        const QString n = QString::fromStdString(rwb::eval::normalize_answer(a.toStdString()));
        if (answered++ == 0)
            first = n;
        else if (n != first)
            return false;
    }
    return answered >= 2;
}

} // namespace rwb::compare
