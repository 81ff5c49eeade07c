// SseParser: the server-sent events wire format (WHATWG HTML, "event stream interpretation") fed
// with whatever byte chunks the network delivers. Lines end in CRLF, LF or CR (a CRLF split
// across two chunks counts once); ":" lines are comments; "data:" lines of one event are joined
// with "\n"; an empty line dispatches the event; a leading UTF-8 BOM is skipped. Events without
// data are not reported (as browsers do).
#pragma once

#include <QByteArray>
#include <QList>

namespace rwb::remote {

struct SseEvent {
    QByteArray event = "message"; // the "event:" field, "message" when absent
    QByteArray data;
    QByteArray id;
};

class SseParser {
public:
    // Returns the events completed by this chunk, in order.
    QList<SseEvent> feed(const QByteArray& bytes);
    // True when bytes of an unfinished line or event are waiting (a stream cut mid-event).
    bool hasPartialEvent() const { return !line_.isEmpty() || hasData_; }
    void reset() { *this = SseParser(); }

private:
    void processLine(QList<SseEvent>& out);

    QByteArray line_;
    QByteArray data_, event_, lastId_;
    bool hasData_ = false;
    bool lastWasCr_ = false;
    bool bomChecked_ = false;
};

} // namespace rwb::remote
