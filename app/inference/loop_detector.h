// ThoughtLoopDetector: notices when a live thought keeps repeating itself, the way small R1
// distills sometimes get stuck ("Wait, let me check again..." paragraph after paragraph, or the
// same long run of text over and over). Rule: the last kWindow characters of the thought (with
// some letters in them, not just whitespace or punctuation) occur at least kRepeats times within
// the last kHorizon characters. Exact repeats of 64 characters three times are very rare in a
// thought that is still making progress, and every loop of a sentence or paragraph produces them.
#pragma once

#include <QString>

namespace rwb::app {

class ThoughtLoopDetector {
public:
    static constexpr int kWindow = 64;
    static constexpr int kRepeats = 3;
    static constexpr int kHorizon = 8192;

    // Adds thought text; returns true once, when the loop is first seen.
    bool add(const QString& thinking);
    bool looping() const { return m_looping; }
    void reset();

private:
    QString m_tail; // the last kHorizon characters of the thought
    bool m_looping = false;
};

} // namespace rwb::app
