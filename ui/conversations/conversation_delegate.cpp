// ConversationDelegate; see conversation_delegate.h.
#include "conversations/conversation_delegate.h"

#include "conversations/conversation_list_model.h"

#include <QApplication>
#include <QDateTime>
#include <QLocale>
#include <QPainter>

namespace rwb::ui {

namespace {
constexpr int kPadding = 6;
const QString kPin = QStringLiteral("\U0001F4CC "); // pushpin

QFont detailFont(const QFont& base) {
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * 0.85);
    return f;
}
} // namespace

QString ConversationDelegate::detailText(const QModelIndex& index) {
    const QString snippet = index.data(ConversationListModel::SnippetRole).toString();
    if (!snippet.isEmpty()) return snippet;
    const QDateTime updated = index.data(ConversationListModel::UpdatedRole).toDateTime();
    if (!updated.isValid()) return {};
    const QDateTime local = updated.toLocalTime();
    if (local.date() == QDate::currentDate())
        return QLocale().toString(local.time(), QLocale::ShortFormat);
    return QLocale().toString(local.date(), QLocale::ShortFormat);
}

void ConversationDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                 const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString title = opt.text;
    opt.text.clear();
    QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorRole textRole = selected ? QPalette::HighlightedText : QPalette::Text;
    const QRect r = opt.rect.adjusted(kPadding, kPadding / 2, -kPadding, -kPadding / 2);
    const QFontMetrics titleMetrics(opt.font);
    const bool pinned = index.data(ConversationListModel::PinnedRole).toBool();

    painter->save();
    QFont titleFont = opt.font;
    titleFont.setBold(pinned);
    painter->setFont(titleFont);
    painter->setPen(opt.palette.color(textRole));
    const QRect titleRect(r.left(), r.top(), r.width(), titleMetrics.height());
    const QString shownTitle = (pinned ? kPin : QString()) + title;
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(titleFont).elidedText(shownTitle, Qt::ElideRight, r.width()));

    const QFont small = detailFont(opt.font);
    painter->setFont(small);
    QColor muted = opt.palette.color(textRole);
    muted.setAlphaF(0.65f);
    painter->setPen(muted);
    const QRect detailRect(r.left(), titleRect.bottom() + 2, r.width(),
                           QFontMetrics(small).height());
    painter->drawText(
        detailRect, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetrics(small).elidedText(detailText(index), Qt::ElideRight, detailRect.width()));
    painter->restore();
}

QSize ConversationDelegate::sizeHint(const QStyleOptionViewItem& option,
                                     const QModelIndex& index) const {
    Q_UNUSED(index);
    const int h = QFontMetrics(option.font).height() +
                  QFontMetrics(detailFont(option.font)).height() + kPadding + 2;
    return {200, h};
}

} // namespace rwb::ui
