// LibraryDialog: construction, scanning and import.
#include "library/library_dialog.h"

#include "library/download_manager.h"
#include "library/library_model.h"
#include "library/library_scanner.h"

#include <QDialogButtonBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>

namespace rwb::ui {

LibraryDialog::LibraryDialog(QSettings* settings, QWidget* parent)
    : QDialog(parent), settings_(settings) {
    qRegisterMetaType<rwb::app::LibraryEntry>();
    if (!settings_) {
        settings_ = new QSettings();
        owns_settings_ = true;
    }
    setWindowTitle(tr("Model library"));
    setAcceptDrops(true);
    folders_ = settings_->value("library/folders").toStringList();
    download_dir_ =
        settings_
            ->value("library/download_dir",
                    QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/models")
            .toString();
    model_ = new app::LibraryModel(this);
    downloads_ = new app::DownloadManager(settings_, this);
    downloads_->setMirror(settings_->value("library/mirror").toString());
    downloads_->setProxy(settings_->value("library/proxy").toString());

    // Scanner on its own thread; results come back queued.
    scan_thread_ = new QThread(this);
    scanner_ = new app::LibraryScanner();
    scanner_->moveToThread(scan_thread_);
    connect(scan_thread_, &QThread::finished, scanner_, &QObject::deleteLater);
    connect(this, &LibraryDialog::requestScan, scanner_, &app::LibraryScanner::scan);
    connect(this, &LibraryDialog::requestScanFiles, scanner_, &app::LibraryScanner::scanFiles);
    // Files removed from the library stay out of later scans until imported again.
    connect(scanner_, &app::LibraryScanner::entryFound, this, [this](const app::LibraryEntry& e) {
        if (!settings_->value("library/excluded").toStringList().contains(e.path))
            model_->addEntry(e);
    });
    connect(scanner_, &app::LibraryScanner::finished, this, [this](int n) {
        scanning_ = false;
        status_->setText(tr("%n file(s) read", nullptr, n));
        emit scanFinished(n);
    });
    scan_thread_->start();

    auto* tabs = new QTabWidget(this);
    tabs->addTab(build_models_tab(), tr("Models"));
    tabs->addTab(build_catalog_tab(), tr("Catalog"));
    tabs->addTab(build_downloads_tab(), tr("Downloads"));
    status_ = new QLabel(this);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(status_);
    layout->addWidget(buttons);
    resize(1000, 560);

    connect(downloads_, &app::DownloadManager::itemChanged, this, [this] { refresh_downloads(); });
    connect(downloads_, &app::DownloadManager::finished, this,
            [this](const QString& id, bool ok, const QString& message) {
                status_->setText(ok ? tr("downloaded %1").arg(id) : message);
                if (ok) importFiles({id});
            });
    refresh_downloads();
}

LibraryDialog::~LibraryDialog() {
    scanner_->cancel();
    scan_thread_->quit();
    scan_thread_->wait();
    if (owns_settings_) delete settings_;
}

QWidget* LibraryDialog::build_models_tab() {
    auto* page = new QWidget(this);
    table_ = new QTableView(page);
    table_->setModel(model_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->horizontalHeader()->setStretchLastSection(true);
    table_->setAcceptDrops(false); // drops go to the dialog
    // activated: double-click or Enter, as the platform defines it.
    connect(table_, &QTableView::activated, this, [this](const QModelIndex& i) {
        const auto& e = model_->entry(i.row());
        if (!e.broken) emit modelChosen(e.path);
    });
    auto* add_folder = new QPushButton(tr("Add folder…"), page);
    auto* import = new QPushButton(tr("Import file…"), page);
    auto* remove = new QPushButton(tr("Remove"), page);
    auto* remove_delete = new QPushButton(tr("Delete file…"), page);
    auto* rescan_button = new QPushButton(tr("Rescan"), page);
    auto* use = new QPushButton(tr("Use"), page);
    connect(add_folder, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Folder with GGUF models"));
        if (!d.isEmpty()) addFolder(d);
    });
    connect(import, &QPushButton::clicked, this, [this] {
        const QStringList f = QFileDialog::getOpenFileNames(
            this, tr("Import models"), {}, tr("GGUF models (*.gguf);;All files (*)"));
        if (!f.isEmpty()) importFiles(f);
    });
    connect(remove, &QPushButton::clicked, this, [this] { removeSelected(false); });
    connect(remove_delete, &QPushButton::clicked, this, [this] { removeSelected(true); });
    connect(rescan_button, &QPushButton::clicked, this, &LibraryDialog::rescan);
    connect(use, &QPushButton::clicked, this, [this] {
        const auto rows = table_->selectionModel()->selectedRows();
        if (!rows.isEmpty() && !model_->entry(rows.first().row()).broken)
            emit modelChosen(model_->entry(rows.first().row()).path);
    });
    auto* row = new QHBoxLayout;
    for (auto* b : {add_folder, import, rescan_button, remove, remove_delete}) row->addWidget(b);
    row->addStretch();
    row->addWidget(use);
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(table_);
    layout->addLayout(row);
    return page;
}

void LibraryDialog::save_folders() {
    settings_->setValue("library/folders", folders_);
}

void LibraryDialog::addFolder(const QString& folder) {
    if (!folders_.contains(folder)) folders_ << folder;
    save_folders();
    scanning_ = true;
    emit requestScan({folder}, n_ctx_);
}

void LibraryDialog::importFiles(const QStringList& files) {
    QStringList imported = settings_->value("library/files").toStringList();
    QStringList excluded = settings_->value("library/excluded").toStringList();
    for (const auto& f : files) {
        const QString abs = QFileInfo(f).absoluteFilePath();
        if (!imported.contains(abs)) imported << abs;
        excluded.removeAll(abs);
    }
    settings_->setValue("library/files", imported);
    settings_->setValue("library/excluded", excluded);
    scanning_ = true;
    emit requestScanFiles(files, n_ctx_);
}

void LibraryDialog::rescan() {
    model_->clear();
    QStringList folders = folders_;
    if (include_defaults_) folders += app::default_model_folders();
    scanning_ = true;
    emit requestScan(folders, n_ctx_);
    const QStringList files = settings_->value("library/files").toStringList();
    if (!files.isEmpty()) emit requestScanFiles(files, n_ctx_);
}

void LibraryDialog::removeSelected(bool delete_file, bool confirmed) {
    const auto rows =
        table_->selectionModel() ? table_->selectionModel()->selectedRows() : QModelIndexList{};
    if (rows.isEmpty()) return;
    const int row = rows.first().row();
    const QString path = model_->entry(row).path;
    if (delete_file && !confirmed &&
        QMessageBox::question(this, tr("Delete model file"),
                              tr("Delete %1 from disk? This cannot be undone.").arg(path)) !=
            QMessageBox::Yes)
        return;
    if (!model_->removeRow(row, delete_file)) {
        status_->setText(tr("cannot delete %1").arg(path));
        return;
    }
    QStringList files = settings_->value("library/files").toStringList();
    files.removeAll(path);
    settings_->setValue("library/files", files);
    if (!delete_file) {
        QStringList excluded = settings_->value("library/excluded").toStringList();
        if (!excluded.contains(path)) excluded << path;
        settings_->setValue("library/excluded", excluded);
    }
}

void LibraryDialog::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void LibraryDialog::dropEvent(QDropEvent* e) {
    QStringList files;
    for (const QUrl& u : e->mimeData()->urls())
        if (u.isLocalFile()) files << u.toLocalFile();
    if (!files.isEmpty()) {
        importFiles(files);
        e->acceptProposedAction();
    }
}

} // namespace rwb::ui
