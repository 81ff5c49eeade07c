// LibraryDialog: the Catalog and Downloads tabs.
#include "library/library_dialog.h"

#include "library/download_manager.h"

#include "rwb/catalog.h"

#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rwb::ui {
namespace {
constexpr int kEntryRole = Qt::UserRole + 1; // "r1-distill-qwen-1.5b:q4_k_m"

QString eta_text(double s) {
    if (s < 0) return QStringLiteral("–");
    const qint64 t = qint64(s + 0.5);
    return QStringLiteral("%1:%2").arg(t / 60).arg(t % 60, 2, 10, QLatin1Char('0'));
}
} // namespace

QWidget* LibraryDialog::build_catalog_tab() {
    auto* page = new QWidget(this);
    catalog_model_ = new QStandardItemModel(0, 6, page);
    catalog_model_->setHorizontalHeaderLabels({tr("Model"), tr("Quantization"), tr("File size"),
                                               tr("Memory needed"), tr("Fit"), tr("Source")});
    catalog_view_ = new QTableView(page);
    catalog_view_->setModel(catalog_model_);
    catalog_view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    catalog_view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    catalog_view_->horizontalHeader()->setStretchLastSection(true);
    auto* download = new QPushButton(tr("Download"), page);
    connect(download, &QPushButton::clicked, this, [this] {
        const auto rows = catalog_view_->selectionModel()->selectedRows();
        if (!rows.isEmpty()) downloadCatalogRow(rows.first().row());
    });
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(catalog_view_);
    auto* row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(download);
    layout->addLayout(row);
    fill_catalog();
    return page;
}

void LibraryDialog::fill_catalog() {
    const MachineMemory machine = probe_machine_memory_with_gpus(); // RAM + free VRAM per GPU
    const auto pick = recommend_pick(builtin_catalog(), machine, n_ctx_);
    catalog_model_->removeRows(0, catalog_model_->rowCount());
    for (const auto& p : evaluate_catalog(builtin_catalog(), machine, n_ctx_)) {
        const QString entry = QString::fromStdString(catalog_entry_name(p.ref));
        const bool recommended = pick && pick->ref.file == p.ref.file;
        QString fit = p.ref.file->parts > 1
                          ? tr("split into %1 parts (not loadable)").arg(p.ref.file->parts)
                          : QString::fromStdString(p.verdict.summary);
        if (recommended) fit = tr("★ recommended — %1").arg(fit);
        QList<QStandardItem*> items = {
            new QStandardItem(QString::fromStdString(p.ref.model->name)),
            new QStandardItem(QString::fromStdString(p.ref.file->quant).toUpper()),
            new QStandardItem(QString::fromStdString(format_bytes(p.footprint.file_bytes))),
            new QStandardItem(QString::fromStdString(format_bytes(p.estimate.total()))),
            new QStandardItem(fit),
            new QStandardItem(QString::fromStdString(p.ref.file->url))};
        items[0]->setData(entry, kEntryRole);
        catalog_model_->appendRow(items);
    }
}

void LibraryDialog::downloadCatalogRow(int row) {
    if (row < 0 || row >= catalog_model_->rowCount()) return;
    const QString entry = catalog_model_->item(row, 0)->data(kEntryRole).toString();
    const auto ref = find_catalog_entry(builtin_catalog(), entry.toStdString());
    if (!ref) return;
    if (ref->file->parts > 1) {
        status_->setText(tr("%1 is split into parts, which the engine cannot load").arg(entry));
        return;
    }
    QDir().mkpath(download_dir_);
    const QString file = QString::fromStdString(ref->file->file).section('/', -1);
    downloads_->start(QString::fromStdString(ref->file->url), download_dir_ + "/" + file,
                      QString::fromStdString(ref->file->sha256), ref->file->size);
}

QWidget* LibraryDialog::build_downloads_tab() {
    auto* page = new QWidget(this);
    download_table_ = new QTableWidget(0, 6, page);
    download_table_->setHorizontalHeaderLabels(
        {tr("File"), tr("Progress"), tr("Speed"), tr("ETA"), tr("State"), tr("Message")});
    download_table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    download_table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    download_table_->horizontalHeader()->setStretchLastSection(true);
    auto selected_id = [this]() -> QString {
        const int r = download_table_->currentRow();
        return r < 0 || !download_table_->item(r, 0)
                   ? QString()
                   : download_table_->item(r, 0)->data(Qt::UserRole).toString();
    };
    auto* pause = new QPushButton(tr("Pause"), page);
    auto* resume = new QPushButton(tr("Resume"), page);
    auto* discard = new QPushButton(tr("Discard"), page);
    connect(pause, &QPushButton::clicked, this,
            [this, selected_id] { downloads_->pause(selected_id()); });
    connect(resume, &QPushButton::clicked, this,
            [this, selected_id] { downloads_->resume(selected_id()); });
    connect(discard, &QPushButton::clicked, this,
            [this, selected_id] { downloads_->discard(selected_id()); });
    mirror_ = new QLineEdit(downloads_->mirror(), page);
    mirror_->setPlaceholderText(tr("e.g. https://hf-mirror.com (replaces huggingface.co)"));
    proxy_ = new QLineEdit(downloads_->proxy(), page);
    proxy_->setPlaceholderText(tr("e.g. http://proxy:3128 (empty: system settings)"));
    connect(mirror_, &QLineEdit::editingFinished, this, [this] {
        downloads_->setMirror(mirror_->text().trimmed());
        settings_->setValue("library/mirror", downloads_->mirror());
    });
    connect(proxy_, &QLineEdit::editingFinished, this, [this] {
        downloads_->setProxy(proxy_->text().trimmed());
        settings_->setValue("library/proxy", downloads_->proxy());
    });
    auto* form = new QFormLayout;
    form->addRow(tr("Mirror:"), mirror_);
    form->addRow(tr("Proxy:"), proxy_);
    auto* row = new QHBoxLayout;
    row->addWidget(pause);
    row->addWidget(resume);
    row->addWidget(discard);
    row->addStretch();
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(download_table_);
    layout->addLayout(row);
    layout->addLayout(form);
    return page;
}

void LibraryDialog::refresh_downloads() {
    const auto& items = downloads_->items();
    download_table_->setRowCount(int(items.size()));
    for (int i = 0; i < int(items.size()); ++i) {
        const auto& it = items[i];
        const QString state = [&] {
            switch (it.state) {
            case app::DownloadItem::State::Queued:
                return tr("queued");
            case app::DownloadItem::State::Running:
                return tr("downloading");
            case app::DownloadItem::State::Paused:
                return tr("paused");
            case app::DownloadItem::State::Done:
                return tr("done");
            case app::DownloadItem::State::Failed:
                return tr("failed");
            }
            return QString();
        }();
        const QString progress = it.total
                                     ? QStringLiteral("%1% (%2 / %3)")
                                           .arg(int(100.0 * double(it.received) / double(it.total)))
                                           .arg(QString::fromStdString(format_bytes(it.received)),
                                                QString::fromStdString(format_bytes(it.total)))
                                     : QString::fromStdString(format_bytes(it.received));
        const QStringList cells = {
            it.destination.section('/', -1),
            progress,
            QString::fromStdString(format_bytes(quint64(it.bytes_per_second))) + "/s",
            eta_text(it.eta_seconds),
            state,
            it.message};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == 0) item->setData(Qt::UserRole, it.id);
            download_table_->setItem(i, c, item);
        }
    }
}

} // namespace rwb::ui
