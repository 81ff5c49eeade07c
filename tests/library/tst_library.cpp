// Model library on real GGUF files: folder scanning on a worker thread (magic detection of
// extension-less blobs, symlinks read once), metadata, duplicates by content fingerprint, a
// corrupt file listed as broken with the engine's reason without stopping the scan, remove and
// delete; the Library dialog offscreen (scan, modelChosen, catalog with the fit); background
// downloads from a 127.0.0.1 server that are paused, survive a "restart" and resume.
#include "engine/library/http_test_server.h"

#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "library/download_manager.h"
#include "library/library_dialog.h"
#include "library/library_model.h"
#include "library/library_scanner.h"
#include "quant/synth_writer.h"
#include "rwb/download.h"
#include "rwb/fit.h"

#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <fstream>
#include <sstream>

using rwb::app::LibraryModel;

namespace {

rwb::quant::SynthShape small_shape(const std::string& name, const std::string& arch, int vocab) {
    rwb::quant::SynthShape s;
    s.name = name;
    s.arch = arch;
    s.hidden = 128;
    s.layers = 2;
    s.heads = 2;
    s.kv_heads = 1;
    s.head_dim = 64;
    s.ffn = 256;
    s.vocab = vocab;
    s.context = 2048;
    s.qkv_bias = arch == "qwen2";
    return s;
}

std::string read_all(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A header-only GGUF (no tensors) carrying a DeepSeek-R1 chat template (its <｜Assistant｜>
// marker; no <think>, no R1 name).
bool write_template_gguf(const QString& path) {
    rwb::gguf::GgufWriter w;
    w.add_string("general.architecture", "llama");
    w.add_string("general.name", "templated");
    w.add_uint32("llama.embedding_length", 64);
    w.add_uint32("llama.block_count", 1);
    w.add_uint32("llama.feed_forward_length", 128);
    w.add_uint32("llama.attention.head_count", 1);
    w.add_uint32("llama.context_length", 1024);
    w.add_string("tokenizer.chat_template", "{% for m in messages %}<\xef\xbd\x9c"
                                            "Assistant\xef\xbd\x9c>{% endfor %}");
    return bool(w.write(path.toStdString()));
}

} // namespace

class TestLibrary : public QObject {
    Q_OBJECT

    QTemporaryDir root_;
    QString m1_, copy_, blob_, bad_, templ_, link_;
    std::string bad_reason_;

    QList<rwb::app::LibraryEntry> scan(const QStringList& folders) {
        QThread thread;
        auto* scanner = new rwb::app::LibraryScanner();
        scanner->moveToThread(&thread);
        connect(&thread, &QThread::finished, scanner, &QObject::deleteLater);
        QList<rwb::app::LibraryEntry> found;
        connect(scanner, &rwb::app::LibraryScanner::entryFound, this,
                [&](const rwb::app::LibraryEntry& e) { found << e; });
        QSignalSpy done(scanner, &rwb::app::LibraryScanner::finished);
        thread.start();
        QMetaObject::invokeMethod(scanner, [=] { scanner->scan(folders, 4096); });
        if (!done.wait(30000)) qWarning("scan timed out");
        QCoreApplication::processEvents();
        thread.quit();
        thread.wait();
        return found;
    }

private slots:
    void initTestCase() {
        qRegisterMetaType<rwb::app::LibraryEntry>();
        QDir(root_.path()).mkpath("a");
        QDir(root_.path()).mkpath("b/nested");
        QDir(root_.path()).mkpath("blobs");
        m1_ = root_.filePath("a/DeepSeek-R1-Distill-Tiny-Q8_0.gguf");
        QVERIFY(rwb::quant::write_synth_model(
            small_shape("DeepSeek-R1-Distill-Qwen-Tiny", "qwen2", 2048),
            *rwb::quant::parse_quant_mix("q8_0"), {}, m1_.toStdString()));
        copy_ = root_.filePath("b/nested/copy.gguf");
        QVERIFY(QFile::copy(m1_, copy_));
        // An Ollama-style blob: no extension, found by its magic.
        blob_ = root_.filePath("blobs/sha256-0123abcd");
        QVERIFY(rwb::quant::write_synth_model(small_shape("plain llama", "llama", 1024),
                                              *rwb::quant::parse_quant_mix("f16"), {},
                                              blob_.toStdString()));
        // Corrupt: a real GGUF cut short in its tensor data.
        bad_ = root_.filePath("b/truncated.gguf");
        {
            const std::string bytes = read_all(m1_);
            std::ofstream out(bad_.toStdString(), std::ios::binary);
            out.write(bytes.data(), std::streamsize(bytes.size() / 2));
        }
        auto opened = rwb::gguf::GgufFile::open(bad_.toStdString());
        QVERIFY(!opened);
        bad_reason_ = opened.message();
        templ_ = root_.filePath("a/templated.gguf");
        QVERIFY(write_template_gguf(templ_));
        // Not a model, and a symlink to a file already seen (read once).
        QFile txt(root_.filePath("a/notes.txt"));
        QVERIFY(txt.open(QIODevice::WriteOnly));
        txt.write("hello");
        txt.close();
        link_ = root_.filePath("b/link.gguf");
        QVERIFY(QFile::link(m1_, link_));
    }

    void scan_finds_models_with_metadata() {
        const auto found = scan({root_.path()});
        QStringList paths;
        for (const auto& e : found) paths << e.path;
        // m1 (or its symlink, whichever came first), copy, blob, truncated, templated.
        QCOMPARE(found.size(), 5);
        QVERIFY(paths.contains(copy_));
        QVERIFY(paths.contains(blob_));
        QVERIFY(paths.contains(bad_));
        QVERIFY(paths.contains(templ_));
        for (const auto& e : found) {
            if (e.path == blob_) {
                QVERIFY(!e.broken);
                QCOMPARE(e.architecture, QString("llama"));
                QCOMPARE(e.quantization, QString("f16"));
                QCOMPARE(e.context_length, qint64(2048));
                QVERIFY(!e.is_r1_distill);
                QVERIFY(!e.has_chat_template);
                QVERIFY(e.parameters > 500000);
                QVERIFY(!e.fit.isEmpty());
                // Without a CUDA device (CI) no GPU is offered: a CPU verdict for this tiny file.
                if (rwb::probe_gpus().empty())
                    QVERIFY2(e.fit.startsWith("fits on CPU"), qPrintable(e.fit));
                else
                    QVERIFY2(e.fit.contains("GPU"), qPrintable(e.fit));
            } else if (e.path == copy_) {
                QCOMPARE(e.architecture, QString("qwen2"));
                QCOMPARE(e.quantization, QString("q8_0"));
                QVERIFY(e.is_r1_distill); // from general.name
                QCOMPARE(e.file_size, quint64(QFileInfo(m1_).size()));
            } else if (e.path == templ_) {
                QVERIFY(e.has_chat_template);
                QVERIFY(e.is_r1_distill); // from the template markers
            }
        }
    }

    void corrupt_file_is_broken_with_reason() {
        const auto found = scan({root_.filePath("b")});
        bool seen = false;
        for (const auto& e : found)
            if (e.path == bad_) {
                seen = true;
                QVERIFY(e.broken);
                QCOMPARE(e.error, QString::fromStdString(bad_reason_));
            }
        QVERIFY(seen);
        QVERIFY(found.size() >= 2); // the scan went on past the broken file
    }

    void duplicates_by_content() {
        LibraryModel model;
        for (const auto& e : scan({root_.path()})) model.addEntry(e);
        int dups = 0;
        for (int r = 0; r < model.rowCount(); ++r) {
            const QString of =
                model.data(model.index(r, 0), LibraryModel::DuplicateOfRole).toString();
            const QString status = model.data(model.index(r, LibraryModel::Status)).toString();
            if (!of.isEmpty()) {
                ++dups;
                QVERIFY(status.startsWith("duplicate of "));
                QCOMPARE(model.entry(r).fingerprint, model.entry(model.rowOfPath(of)).fingerprint);
            }
            if (model.entry(r).path == bad_) QVERIFY(status.startsWith("broken: "));
        }
        QCOMPARE(dups, 1); // copy.gguf and the original (the symlink is the same file)
    }

    void remove_and_delete() {
        QTemporaryDir dir;
        const QString f = dir.filePath("x.gguf");
        QVERIFY(QFile::copy(m1_, f));
        LibraryModel model;
        model.addEntry(rwb::app::read_library_entry(f, 4096));
        model.addEntry(rwb::app::read_library_entry(blob_, 4096));
        QCOMPARE(model.rowCount(), 2);
        QVERIFY(model.removeRow(1, false));
        QVERIFY(QFile::exists(blob_));
        QVERIFY(model.removeRow(0, true));
        QVERIFY(!QFile::exists(f));
        QCOMPARE(model.rowCount(), 0);
    }

    void dialog_scans_and_emits_model_chosen() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("s.ini"), QSettings::IniFormat);
        rwb::ui::LibraryDialog dialog(&settings);
        dialog.setIncludeDefaultFolders(false);
        QSignalSpy finished(&dialog, &rwb::ui::LibraryDialog::scanFinished);
        dialog.addFolder(root_.filePath("blobs"));
        QVERIFY(finished.wait(30000));
        QTRY_COMPARE(dialog.libraryModel()->rowCount(), 1);
        QSignalSpy chosen(&dialog, &rwb::ui::LibraryDialog::modelChosen);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QTableView* table = dialog.modelTable();
        table->selectRow(0);
        QPushButton* use = nullptr;
        for (auto* b : dialog.findChildren<QPushButton*>())
            if (b->text() == "Use") use = b;
        QVERIFY(use);
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(chosen.count(), 1);
        QCOMPARE(chosen.first().first().toString(), blob_);
        // Remove (no delete): stays out of a rescan; import brings it back.
        table->selectRow(0);
        dialog.removeSelected(false);
        QCOMPARE(dialog.libraryModel()->rowCount(), 0);
        QVERIFY(QFile::exists(blob_));
        dialog.rescan();
        QVERIFY(finished.wait(30000));
        QCOMPARE(dialog.libraryModel()->rowCount(), 0);
        dialog.importFiles({blob_});
        QTRY_COMPARE(dialog.libraryModel()->rowCount(), 1);
        // Folders are remembered.
        QCOMPARE(settings.value("library/folders").toStringList(),
                 QStringList{root_.filePath("blobs")});
        // The catalog: six models x five quantizations with a memory figure and a verdict.
        auto* catalog = dialog.catalogTable()->model();
        QCOMPARE(catalog->rowCount(), 30);
        for (int r = 0; r < catalog->rowCount(); ++r) {
            QVERIFY(!catalog->index(r, 3).data().toString().isEmpty());
            QVERIFY(!catalog->index(r, 4).data().toString().isEmpty());
        }
    }

    void downloads_pause_survive_restart_and_resume() {
        // A 16 MiB model served at about 8 MB/s: long enough to pause half-way.
        QTemporaryDir dir;
        const QString served = dir.filePath("served.gguf");
        auto big = small_shape("bigger", "qwen2", 16384);
        big.hidden = 256;
        big.heads = 4;
        QVERIFY(rwb::quant::write_synth_model(big, *rwb::quant::parse_quant_mix("f16"), {},
                                              served.toStdString()));
        const std::string payload = read_all(served);
        rwb::test::HttpTestServer server(payload);
        const std::string sha = rwb::sha256_file(served.toStdString());
        const QString ini = dir.filePath("s.ini");
        const QString dest = dir.filePath("dl/m.gguf");
        QDir().mkpath(dir.filePath("dl"));
        {
            QSettings settings(ini, QSettings::IniFormat);
            rwb::app::DownloadManager dm(&settings);
            QSignalSpy changed(&dm, &rwb::app::DownloadManager::itemChanged);
            dm.start(QString::fromStdString(server.url("/slow/m.gguf")), dest,
                     QString::fromStdString(sha));
            QTRY_VERIFY_WITH_TIMEOUT(dm.item(dest) && dm.item(dest)->received > 0, 20000);
            dm.pause(dest);
            QTRY_COMPARE_WITH_TIMEOUT(int(dm.item(dest)->state),
                                      int(rwb::app::DownloadItem::State::Paused), 20000);
            QVERIFY(QFile::exists(dest + ".part"));
            QVERIFY(!QFile::exists(dest));
        }
        // "Restart": a new manager on the same settings lists the download as paused.
        QSettings settings(ini, QSettings::IniFormat);
        rwb::app::DownloadManager dm(&settings);
        QCOMPARE(dm.items().size(), 1);
        QCOMPARE(int(dm.items()[0].state), int(rwb::app::DownloadItem::State::Paused));
        QVERIFY(dm.items()[0].received > 0);
        QSignalSpy finished(&dm, &rwb::app::DownloadManager::finished);
        dm.resume(dest);
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
        QCOMPARE(read_all(dest), payload);
        QVERIFY(server.ranges().back().rfind("bytes=", 0) == 0);
        // Finished downloads are no longer remembered.
        QSettings again(ini, QSettings::IniFormat);
        QCOMPARE(again.beginReadArray("library/downloads"), 0);
        again.endArray();
    }
};

QTEST_MAIN(TestLibrary)
#include "tst_library.moc"
