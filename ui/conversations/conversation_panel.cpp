// ConversationPanel; see conversation_panel.h.
#include "conversations/conversation_panel.h"

#include "conversations/conversation_delegate.h"
#include "conversations/conversation_list_model.h"
#include "conversations/conversation_trash.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace rwb::ui {

namespace {
constexpr int kSearchDelayMs = 200;
constexpr int kUndoVisibleMs = 15000;
} // namespace

ConversationPanel::ConversationPanel(StorageRequests* requests, QWidget* parent)
    : QWidget(parent), m_model(new ConversationListModel(requests, this)),
      m_trash(new ConversationTrash(requests, this)) {
    setObjectName(QStringLiteral("conversationPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("conversationSearch"));
    m_search->setPlaceholderText(tr("Search conversations (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);

    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("conversationList"));
    m_list->setModel(m_model);
    m_list->setItemDelegate(new ConversationDelegate(m_list));
    m_list->setEditTriggers(QAbstractItemView::EditKeyPressed | QAbstractItemView::DoubleClicked);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setUniformItemSizes(true);
    layout->addWidget(m_list, 1);

    m_undoBar = new QWidget(this);
    m_undoBar->setObjectName(QStringLiteral("undoBar"));
    auto* undoLayout = new QHBoxLayout(m_undoBar);
    undoLayout->setContentsMargins(0, 0, 0, 0);
    m_undoLabel = new QLabel(m_undoBar);
    m_undoLabel->setObjectName(QStringLiteral("undoLabel"));
    m_undoLabel->setWordWrap(true);
    m_undoButton = new QPushButton(tr("Undo"), m_undoBar);
    m_undoButton->setObjectName(QStringLiteral("undoButton"));
    undoLayout->addWidget(m_undoLabel, 1);
    undoLayout->addWidget(m_undoButton);
    m_undoBar->hide();
    layout->addWidget(m_undoBar);

    m_searchDelay = new QTimer(this);
    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(kSearchDelayMs);
    m_undoHide = new QTimer(this);
    m_undoHide->setSingleShot(true);
    m_undoHide->setInterval(kUndoVisibleMs);

    // Keyboard: F2 renames (EditKeyPressed), Delete deletes, Ctrl+Z undoes a delete; all only
    // while the panel has focus so they never steal keys from the prompt editor.
    auto* del = new QAction(tr("Delete"), this);
    del->setShortcut(QKeySequence::Delete);
    del->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(del, &QAction::triggered, this, [this] {
        if (!m_list->hasFocus()) return; // Delete in the search box edits the text
        deleteCurrent();
    });
    m_list->addAction(del);
    auto* undo = new QAction(tr("Undo delete"), this);
    undo->setShortcut(QKeySequence::Undo);
    undo->setShortcutContext(Qt::WidgetShortcut);
    connect(undo, &QAction::triggered, this, &ConversationPanel::undoDelete);
    m_list->addAction(undo);

    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    connect(m_searchDelay, &QTimer::timeout, this,
            [this] { m_model->setSearchText(m_search->text()); });
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        m_searchDelay->stop();
        m_model->setSearchText(m_search->text());
        m_list->setFocus();
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& index) { onCurrentRowChanged(index); });
    connect(m_list, &QListView::customContextMenuRequested, this,
            &ConversationPanel::showContextMenu);
    connect(m_model, &ConversationListModel::refreshed, this, &ConversationPanel::reselect);
    connect(m_model, &ConversationListModel::errorOccurred, this,
            &ConversationPanel::errorOccurred);
    connect(m_undoButton, &QPushButton::clicked, this, &ConversationPanel::undoDelete);
    connect(m_undoHide, &QTimer::timeout, m_undoBar, &QWidget::hide);
    connect(m_trash, &ConversationTrash::removed, this, [this](qint64 id, const QString& title) {
        m_undoLabel->setText(tr("Deleted \u201c%1\u201d").arg(title));
        m_undoBar->show();
        m_undoHide->start();
        if (id == m_current) m_current = 0;
        m_model->refresh();
        emit conversationDeleted(id);
    });
    connect(m_trash, &ConversationTrash::restored, this, [this](qint64 id, const QString&) {
        if (!m_trash->canUndo())
            m_undoBar->hide();
        else
            m_undoLabel->setText(tr("Deleted \u201c%1\u201d").arg(m_trash->lastTitle()));
        m_model->refresh();
        emit conversationRestored(id);
    });
    connect(m_trash, &ConversationTrash::failed, this, &ConversationPanel::errorOccurred);
}

void ConversationPanel::addSection(QWidget* section) {
    auto* box = static_cast<QVBoxLayout*>(layout());
    box->insertWidget(box->indexOf(m_list) + 1, section);
}

void ConversationPanel::focusSearch() {
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void ConversationPanel::refresh() {
    m_model->refresh();
}

qint64 ConversationPanel::idAt(const QModelIndex& index) const {
    return index.isValid() ? index.data(ConversationListModel::IdRole).toLongLong() : 0;
}

void ConversationPanel::setCurrentConversation(qint64 id) {
    m_current = id;
    reselect();
}

void ConversationPanel::reselect() {
    // Model resets clear the selection: put the highlight back on the shown conversation.
    m_reselecting = true;
    const int row = m_model->rowOf(m_current);
    if (row >= 0)
        m_list->setCurrentIndex(m_model->index(row));
    else
        m_list->selectionModel()->clearCurrentIndex();
    m_reselecting = false;
}

void ConversationPanel::onCurrentRowChanged(const QModelIndex& index) {
    if (m_reselecting) return;
    const qint64 id = idAt(index);
    if (id == 0 || id == m_current) return;
    m_current = id;
    emit conversationActivated(id);
}

void ConversationPanel::renameCurrent() {
    const QModelIndex index = m_list->currentIndex();
    if (index.isValid()) m_list->edit(index);
}

void ConversationPanel::deleteCurrent() {
    const QModelIndex index = m_list->currentIndex();
    const qint64 id = idAt(index);
    if (id == 0) return;
    m_trash->remove(id, index.data(Qt::DisplayRole).toString());
}

void ConversationPanel::togglePinCurrent() {
    const QModelIndex index = m_list->currentIndex();
    const qint64 id = idAt(index);
    if (id == 0) return;
    m_model->setPinned(id, !index.data(ConversationListModel::PinnedRole).toBool());
}

void ConversationPanel::undoDelete() {
    if (m_trash->canUndo()) m_trash->undo();
}

void ConversationPanel::showContextMenu(const QPoint& pos) {
    const QModelIndex index = m_list->indexAt(pos);
    if (!index.isValid()) return;
    m_list->setCurrentIndex(index);
    QMenu menu(this);
    menu.addAction(tr("Rename"), this, &ConversationPanel::renameCurrent);
    const bool pinned = index.data(ConversationListModel::PinnedRole).toBool();
    menu.addAction(pinned ? tr("Unpin") : tr("Pin"), this, &ConversationPanel::togglePinCurrent);
    menu.addSeparator();
    menu.addAction(tr("Delete"), this, &ConversationPanel::deleteCurrent);
    menu.exec(m_list->viewport()->mapToGlobal(pos));
}

} // namespace rwb::ui
