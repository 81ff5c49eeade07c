// DeltaBatcher; see delta_batcher.h.
#include "inference/delta_batcher.h"

namespace rwb::app {

DeltaBatcher::DeltaBatcher(int intervalMs) : m_intervalMs(intervalMs) {}

TextDelta DeltaBatcher::takeIfDue() {
    // The first batch goes out at once (time to first token matters most), later ones at most
    // once per interval.
    if (m_pending.isEmpty()) return {};
    if (m_sinceBatch.isValid() && m_sinceBatch.elapsed() < m_intervalMs) return {};
    return take();
}

TextDelta DeltaBatcher::take() {
    TextDelta out;
    std::swap(out, m_pending);
    if (!out.isEmpty()) {
        ++m_batches;
        m_sinceBatch.start();
    }
    return out;
}

} // namespace rwb::app
