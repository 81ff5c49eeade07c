// CompareSession's remote columns: a saved endpoint ("remote:<id>") answers through RemoteTurn
// with the same per-column signals as a local worker (see compare_session.h).
#include "compare/compare_session.h"

namespace rwb::compare {

void CompareSession::startRemote(int i) {
    Column& c = *m_columns[size_t(i)];
    // The previous request's turn goes (its late signals carry an old tag anyway).
    if (c.turn) c.turn.release()->deleteLater();
    c.started = true;
    c.turnGenerating = false;
    c.clock.start();
    setState(i, ColumnState::Loading);
    c.turn = std::make_unique<rwb::app::RemoteTurn>(c.tag, c.result.modelPath);
    connectRemote(i, c.turn.get());
    c.turn->prepare();
}

void CompareSession::connectRemote(int i, rwb::app::RemoteTurn* turn) {
    using rwb::app::RemoteTurn;
    connect(turn, &RemoteTurn::modelReady, this, [this, i, turn](quint64 tag) {
        Column& c = *m_columns[size_t(i)];
        if (tag != c.tag || c.turn.get() != turn) return;
        rwb::app::GenerationSettings s = m_settings;
        s.modelPath = c.result.modelPath;
        s.seed = qint64(m_seed);
        c.turnGenerating = true;
        turn->generate(request(c.tag, s));
    });
    connect(turn, &RemoteTurn::failed, this, [this, i](quint64 tag, const QString& error) {
        rwb::app::GenerationOutcome o;
        o.end = rwb::app::GenerationEnd::Failed;
        o.error = error;
        onFinished(i, tag, o);
    });
    connect(turn, &RemoteTurn::delta, this,
            [this, i](quint64 tag, const QString& t, const QString& a) { onDelta(i, tag, t, a); });
    connect(turn, &RemoteTurn::statsUpdated, this,
            [this, i](quint64 tag, const rwb::app::StreamStats& s) { onStats(i, tag, s); });
    connect(turn, &RemoteTurn::thinkingFinished, this,
            [this, i](quint64 tag, double seconds, qint64 tokens) {
                if (tag != m_columns[size_t(i)]->tag) return;
                m_columns[size_t(i)]->result.metrics.thinkingSeconds = seconds;
                emit columnThinkingFinished(i, seconds, tokens);
            });
    connect(
        turn, &RemoteTurn::finished, this,
        [this, i](quint64 tag, const rwb::app::GenerationOutcome& o) { onFinished(i, tag, o); });
}

} // namespace rwb::compare
