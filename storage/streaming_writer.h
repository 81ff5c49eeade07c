// StreamingWriter: takes the token pieces of one assistant message as they are generated and
// saves the text so far at most once per flush interval (default 500 ms, so a kill loses well
// under a second) and at every phase change (thinking -> answering). Plain class: the
// StorageWorker keeps one per streaming message; tests drive it directly.
#pragma once

#include "records.h"

#include <QElapsedTimer>
#include <QString>

namespace rwb::storage {

class MessageStore;

enum class StreamPhase { Thinking, Answering };

class StreamingWriter {
public:
    static constexpr int kDefaultFlushIntervalMs = 500;

    StreamingWriter(MessageStore& store, qint64 messageId,
                    int flushIntervalMs = kDefaultFlushIntervalMs);

    // Adds a piece; saves first if the phase changed, and after it if the interval has passed.
    bool append(StreamPhase phase, const QString& piece);
    bool flushIfDue(); // for a timer: saves if unsaved text is older than the interval
    bool flush();      // saves now if anything is unsaved
    bool finish(const MessageOutcome& outcome); // final text, state and figures

    qint64 messageId() const { return m_messageId; }
    const QString& answer() const { return m_answer; }
    const QString& reasoning() const { return m_reasoning; }
    int flushCount() const { return m_flushes; }
    bool hasUnsaved() const { return m_dirty; }

private:
    MessageStore& m_store;
    qint64 m_messageId;
    int m_intervalMs;
    QString m_answer;
    QString m_reasoning;
    StreamPhase m_phase = StreamPhase::Thinking;
    bool m_started = false;
    bool m_dirty = false;
    int m_flushes = 0;
    QElapsedTimer m_sinceFlush;
};

} // namespace rwb::storage
