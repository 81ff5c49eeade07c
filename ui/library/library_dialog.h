// LibraryDialog: the Library window. Three tabs:
//  - Models: the GGUF files found in the chosen folders and the default LM Studio / Hugging Face /
//    Ollama folders (scanned on a worker thread, read-only), with import by drag-and-drop or file
//    dialog and remove (optionally deleting the file after a confirmation);
//  - Catalog: the six R1 distills in five quantizations with the engine's memory estimate and fit
//    verdict for this machine, the recommended pick marked, and Download;
//  - Downloads: progress, speed, ETA, pause/resume (kept across restarts), mirror/proxy.
// Double-clicking a model (or "Use") emits modelChosen(path).
#pragma once

#include <QDialog>
#include <QStringList>

class QLabel;
class QLineEdit;
class QSettings;
class QStandardItemModel;
class QTableView;
class QTableWidget;
class QThread;

namespace rwb::app {
class DownloadManager;
class LibraryModel;
class LibraryScanner;
} // namespace rwb::app

namespace rwb::ui {

class LibraryDialog : public QDialog {
    Q_OBJECT
public:
    // settings: folders, downloads and mirror/proxy are kept there (not owned; null: defaults
    // of QSettings()).
    explicit LibraryDialog(QSettings* settings = nullptr, QWidget* parent = nullptr);
    ~LibraryDialog() override;

    app::LibraryModel* libraryModel() const { return model_; }
    app::DownloadManager* downloads() const { return downloads_; }
    QTableView* modelTable() const { return table_; }
    QTableView* catalogTable() const { return catalog_view_; }
    QTableWidget* downloadTable() const { return download_table_; }
    // Folders scanned besides the defaults.
    QStringList folders() const { return folders_; }
    void setIncludeDefaultFolders(bool on) { include_defaults_ = on; }
    void setDownloadFolder(const QString& dir) { download_dir_ = dir; }
    bool isScanning() const { return scanning_; }

public slots:
    void addFolder(const QString& folder);
    void importFiles(const QStringList& files);
    void rescan();
    // Removes the selected row; with delete_file asks for confirmation first unless
    // confirmed is true.
    void removeSelected(bool delete_file, bool confirmed = false);
    void downloadCatalogRow(int row);

signals:
    void modelChosen(const QString& path);
    void scanFinished(int files);
    // Queued to the scanner thread.
    void requestScan(const QStringList& folders, qint64 n_ctx);
    void requestScanFiles(const QStringList& files, qint64 n_ctx);

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    QWidget* build_models_tab();
    QWidget* build_catalog_tab();
    QWidget* build_downloads_tab();
    void fill_catalog();
    void refresh_downloads();
    void save_folders();

    QSettings* settings_;
    bool owns_settings_ = false;
    app::LibraryModel* model_;
    app::LibraryScanner* scanner_;
    QThread* scan_thread_;
    app::DownloadManager* downloads_;
    QTableView* table_ = nullptr;
    QTableView* catalog_view_ = nullptr;
    QStandardItemModel* catalog_model_ = nullptr;
    QTableWidget* download_table_ = nullptr;
    QLabel* status_ = nullptr;
    QLineEdit* mirror_ = nullptr;
    QLineEdit* proxy_ = nullptr;
    QStringList folders_;
    QString download_dir_;
    bool include_defaults_ = true;
    bool scanning_ = false;
    qint64 n_ctx_ = 4096;
};

} // namespace rwb::ui
