// SseParser (see sse_parser.h).
#include "remote/sse_parser.h"

namespace rwb::remote {

QList<SseEvent> SseParser::feed(const QByteArray& bytes) {
    QList<SseEvent> out;
    qsizetype i = 0;
    if (!bomChecked_) { // the BOM may itself arrive split: wait for three bytes
        const QByteArray head = line_ + bytes;
        if (head.size() < 3 && QByteArray("\xEF\xBB\xBF").startsWith(head)) {
            line_ = head;
            return out;
        }
        bomChecked_ = true;
        QByteArray all = head;
        if (all.startsWith("\xEF\xBB\xBF")) all.remove(0, 3);
        line_.clear();
        return feed(all);
    }
    for (; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c == '\n' && lastWasCr_) { // second half of a CRLF
            lastWasCr_ = false;
            continue;
        }
        lastWasCr_ = c == '\r';
        if (c == '\r' || c == '\n') {
            processLine(out);
            line_.clear();
        } else {
            line_ += c;
        }
    }
    return out;
}

void SseParser::processLine(QList<SseEvent>& out) {
    if (line_.isEmpty()) { // dispatch
        if (hasData_) {
            SseEvent e;
            if (!event_.isEmpty()) e.event = event_;
            e.data = data_;
            e.id = lastId_;
            out.append(e);
        }
        data_.clear();
        event_.clear();
        hasData_ = false;
        return;
    }
    if (line_.startsWith(':')) return; // comment (keep-alive pings)
    const qsizetype colon = line_.indexOf(':');
    QByteArray field = colon < 0 ? line_ : line_.left(colon);
    QByteArray value = colon < 0 ? QByteArray() : line_.mid(colon + 1);
    if (value.startsWith(' ')) value.remove(0, 1);
    if (field == "data") {
        if (hasData_) data_ += '\n';
        data_ += value;
        hasData_ = true;
    } else if (field == "event") {
        event_ = value;
    } else if (field == "id") {
        if (!value.contains('\0')) lastId_ = value;
    } // "retry" and unknown fields are ignored: the client does not reconnect by itself
}

} // namespace rwb::remote
