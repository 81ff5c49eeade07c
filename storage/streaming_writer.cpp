// StreamingWriter; see streaming_writer.h.
#include "streaming_writer.h"

#include "message_store.h"

namespace rwb::storage {

StreamingWriter::StreamingWriter(MessageStore& store, qint64 messageId, int flushIntervalMs)
    : m_store(store), m_messageId(messageId), m_intervalMs(flushIntervalMs) {
    m_sinceFlush.start();
}

bool StreamingWriter::append(StreamPhase phase, const QString& piece) {
    bool ok = true;
    if (m_started && phase != m_phase) ok = flush(); // the phase boundary is always on disk
    m_started = true;
    m_phase = phase;
    (phase == StreamPhase::Thinking ? m_reasoning : m_answer) += piece;
    m_dirty = true;
    return flushIfDue() && ok;
}

bool StreamingWriter::flushIfDue() {
    if (!m_dirty || m_sinceFlush.elapsed() < m_intervalMs) return true;
    return flush();
}

bool StreamingWriter::flush() {
    if (!m_dirty) return true;
    if (!m_store.saveStreamingText(m_messageId, m_answer, m_reasoning)) return false;
    m_dirty = false;
    ++m_flushes;
    m_sinceFlush.restart();
    return true;
}

bool StreamingWriter::finish(const MessageOutcome& outcome) {
    if (!m_store.finishMessage(m_messageId, m_answer, m_reasoning, outcome)) return false;
    m_dirty = false;
    return true;
}

} // namespace rwb::storage
