// CompareRunsList: renaming and deleting stored runs (see compare_runs_list.h). The storage
// work runs where each store lives (the history on the StorageWorker's thread, the problem-set
// file on a thread of its own); the line changes only once the store has changed.
#include "compare/compare_runs_list.h"

#include "compare/problem_set_store.h"
#include "storage_worker.h"

#include <QApplication>
#include <QFile>
#include <QInputDialog>
#include <QKeyEvent>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QThread>

namespace rwb::ui::compare {

void CompareRunsList::buildActions() {
    // F2 and Delete only while the list has the focus (they mean other things elsewhere): the
    // list's own key presses are looked at before the view handles them.
    m_list->installEventFilter(this);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_list, &QWidget::customContextMenuRequested, this, &CompareRunsList::showMenu);
}

bool CompareRunsList::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_list && event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_F2 && key->modifiers() == Qt::NoModifier) {
            renameRow(m_list->currentRow());
            return true;
        }
        if (key->matches(QKeySequence::Delete) || key->key() == Qt::Key_Delete) {
            deleteRow(m_list->currentRow());
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void CompareRunsList::showMenu(const QPoint& pos) {
    QListWidgetItem* item = m_list->itemAt(pos);
    if (!item || !(item->flags() & Qt::ItemIsEnabled)) return; // the empty section's hint
    const int row = m_list->row(item);
    m_list->setCurrentRow(row);
    QMenu menu(this);
    menu.addAction(tr("Open"), this, [this, row] { activateRow(row); });
    // Problem-set runs have no name of their own to change.
    if (item->data(KindRole).toInt() == Comparison)
        menu.addAction(tr("Rename…"), this, [this, row] { renameRow(row); });
    menu.addSeparator();
    menu.addAction(tr("Delete…"), this, [this, row] { deleteRow(row); });
    menu.exec(m_list->viewport()->mapToGlobal(pos));
}

QListWidgetItem* CompareRunsList::itemFor(int kind, qint64 id) const {
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem* item = m_list->item(i);
        if (item->data(KindRole).toInt() == kind && item->data(IdRole).toLongLong() == id)
            return item;
    }
    return nullptr;
}

void CompareRunsList::renameRow(int row) {
    QListWidgetItem* item = m_list->item(row);
    if (!item || !(item->flags() & Qt::ItemIsEnabled) || item->data(KindRole).toInt() != Comparison)
        return;
    const qint64 id = item->data(IdRole).toLongLong();
    QInputDialog dialog(this);
    dialog.setObjectName(QStringLiteral("renameComparisonDialog"));
    dialog.setWindowTitle(tr("Rename comparison"));
    dialog.setLabelText(tr("Title:"));
    dialog.setTextValue(item->data(TitleRole).toString());
    if (dialog.exec() != QDialog::Accepted) return;
    const QString title = dialog.textValue().trimmed();
    if (title.isEmpty() || title == item->data(TitleRole).toString()) return;
    renameComparison(id, title);
}

void CompareRunsList::deleteRow(int row) {
    QListWidgetItem* item = m_list->item(row);
    if (!item || !(item->flags() & Qt::ItemIsEnabled)) return; // the empty section's hint
    const int kind = item->data(KindRole).toInt();
    const qint64 id = item->data(IdRole).toLongLong();
    if (kind == ProblemSet && m_busy && m_busy(id)) {
        emit errorOccurred(tr("Stop the problem-set run before deleting it."));
        return;
    }
    QMessageBox box(QMessageBox::Question, tr("Delete run"),
                    kind == Comparison
                        ? tr("Delete the comparison \u201c%1\u201d and its stored answers?")
                              .arg(item->data(TitleRole).toString())
                        : tr("Delete the problem-set run \u201c%1\u201d and its stored samples?")
                              .arg(item->data(TitleRole).toString()),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("deleteRunConfirmation"));
    box.setInformativeText(tr("This cannot be undone."));
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() != QMessageBox::Yes) return;
    deleteRun(kind, id);
}

void CompareRunsList::renameComparison(qint64 runId, const QString& title) {
    if (!m_storage) return;
    QPointer<CompareRunsList> self(this);
    QMetaObject::invokeMethod(m_storage, [storage = m_storage, self, runId, title] {
        const bool ok = storage->store().renameComparisonRun(runId, title);
        const QString error = ok ? QString() : storage->store().lastError();
        QMetaObject::invokeMethod(qApp, [self, runId, title, ok, error] {
            if (!self) return;
            if (!ok) {
                emit self->errorOccurred(tr("Cannot rename the comparison: %1").arg(error));
                return;
            }
            if (QListWidgetItem* item = self->itemFor(Comparison, runId)) {
                // The first line is the title; the date and models below stay.
                QString text = item->text();
                const qsizetype nl = text.indexOf(QLatin1Char('\n'));
                item->setText(title.trimmed() + (nl < 0 ? QString() : text.mid(nl)));
                item->setData(TitleRole, title.trimmed());
                item->setToolTip(title.trimmed());
            }
            emit self->comparisonRenamed(runId, title.trimmed());
        });
    });
}

void CompareRunsList::deleteRun(int kind, qint64 runId) {
    QPointer<CompareRunsList> self(this);
    auto finish = [self, kind, runId](bool ok, const QString& error) {
        QMetaObject::invokeMethod(qApp, [self, kind, runId, ok, error] {
            if (!self) return;
            if (!ok) {
                emit self->errorOccurred(tr("Cannot delete the run: %1").arg(error));
                return;
            }
            delete self->itemFor(kind, runId);
            if (kind == Comparison)
                emit self->comparisonDeleted(runId);
            else
                emit self->problemSetRunDeleted(runId);
        });
    };
    if (kind == Comparison) {
        if (!m_storage) return;
        QMetaObject::invokeMethod(m_storage, [storage = m_storage, runId, finish] {
            const bool ok = storage->store().deleteComparisonRun(runId);
            finish(ok, ok ? QString() : storage->store().lastError());
        });
        return;
    }
    if (m_problemSetDb.isEmpty()) return;
    // The problem-set store keeps a connection per thread, as the reading in refresh() does.
    QThread* worker = QThread::create([path = m_problemSetDb, runId, finish] {
        if (!QFile::exists(path)) return finish(false, tr("%1 does not exist").arg(path));
        rwb::compare::ProblemSetStore store(path);
        QString why = store.error();
        const bool ok = store.isOpen() && store.deleteRun(runId, &why);
        finish(ok, why);
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

} // namespace rwb::ui::compare
