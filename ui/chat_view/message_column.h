// MessageColumn: the scrolling column of message widgets in the chat. It follows the bottom
// while content grows (streaming) as long as the user has not scrolled up; scrolling back to the
// bottom re-engages following.
#pragma once

#include <QList>
#include <QScrollArea>

class QLabel;
class QVBoxLayout;

namespace rwb::ui {

class MessageWidget;

class MessageColumn : public QScrollArea {
    Q_OBJECT
public:
    explicit MessageColumn(QWidget* parent = nullptr);

    void append(MessageWidget* widget);
    // Deletes the widgets from `index` on (a branch switch or a new branch replaces them).
    void truncate(int index);
    void clear() { truncate(0); }
    const QList<MessageWidget*>& widgets() const { return m_widgets; }
    int indexOfMessage(qint64 messageId) const; // -1 if not shown
    MessageWidget* widgetForMessage(qint64 messageId) const;

    void setPlaceholder(const QString& text); // shown while the column is empty
    QString placeholder() const;

    bool isFollowingBottom() const { return m_follow; }
    void scrollToBottom();

private:
    void updatePlaceholder();

    QWidget* m_content;
    QVBoxLayout* m_layout;
    QLabel* m_placeholder;
    QList<MessageWidget*> m_widgets;
    bool m_follow = true;
};

} // namespace rwb::ui
