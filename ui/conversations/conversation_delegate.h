// ConversationDelegate: paints one conversation row as two lines: the title (with a pin mark when
// pinned) and, below it in a smaller muted font, the search snippet or the last update time.
#pragma once

#include <QStyledItemDelegate>

namespace rwb::ui {

class ConversationDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    // The second line: the snippet in search results, else when the conversation last changed.
    static QString detailText(const QModelIndex& index);
};

} // namespace rwb::ui
