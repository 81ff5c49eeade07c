// ThoughtLoopDetector; see loop_detector.h.
#include "inference/loop_detector.h"

namespace rwb::app {

bool ThoughtLoopDetector::add(const QString& thinking) {
    if (m_looping || thinking.isEmpty()) return false;
    m_tail += thinking;
    if (m_tail.size() > kHorizon) m_tail.remove(0, m_tail.size() - kHorizon);
    if (m_tail.size() < kWindow * kRepeats) return false;
    const QStringView window = QStringView(m_tail).right(kWindow);
    int letters = 0;
    for (QChar c : window)
        if (c.isLetterOrNumber()) ++letters;
    if (letters < kWindow / 4) return false;
    if (QStringView(m_tail).count(window) < kRepeats) return false;
    m_looping = true;
    return true;
}

void ThoughtLoopDetector::reset() {
    m_tail.clear();
    m_looping = false;
}

} // namespace rwb::app
