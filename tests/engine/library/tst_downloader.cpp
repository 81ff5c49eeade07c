// Downloads against a real HTTP server on 127.0.0.1 (http_test_server.h) serving a real GGUF:
// complete download, pause and resume (byte-identical), a server that drops the connection
// mid-way, wrong checksum (no file left), 404, offline, disk full (pre-check, a 1 MiB tmpfs when
// mounting is permitted, and a write failure under RLIMIT_FSIZE), mirror rewriting, and the
// `rwb pull` exit codes.
#include "http_test_server.h"
#include "rwb_cli.h"

#include "quant/synth_writer.h"
#include "rwb/download.h"
#include "rwb/model.h"

#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

class TestDownloader : public QObject {
    Q_OBJECT

    QTemporaryDir model_dir_;
    std::string payload_;
    std::string sha_;
    std::unique_ptr<rwb::test::HttpTestServer> server_;

    rwb::DownloadRequest request(const QTemporaryDir& dir, const std::string& path) {
        rwb::DownloadRequest r;
        r.url = server_->url(path);
        r.destination = dir.filePath("out.gguf").toStdString();
        r.initial_backoff_s = 0.05;
        r.max_retries = 3;
        r.connect_timeout_s = 5;
        return r;
    }

private slots:
    void initTestCase() {
        // A real (random-weight) GGUF of about 2 MiB.
        rwb::quant::SynthShape s;
        s.name = "download test";
        s.arch = "qwen2";
        s.hidden = 128;
        s.layers = 2;
        s.heads = 2;
        s.kv_heads = 1;
        s.head_dim = 64;
        s.ffn = 256;
        s.vocab = 4096;
        s.context = 2048;
        s.qkv_bias = true;
        const std::string path = model_dir_.filePath("served.gguf").toStdString();
        QVERIFY(rwb::quant::write_synth_model(s, *rwb::quant::parse_quant_mix("f16"), {}, path));
        payload_ = read_all(path);
        QVERIFY(payload_.size() > 1000000);
        sha_ = rwb::sha256_file(path);
        QCOMPARE(sha_.size(), size_t(64));
        server_ = std::make_unique<rwb::test::HttpTestServer>(payload_);
    }

    void complete_download() {
        QTemporaryDir dir;
        auto req = request(dir, "/file/m.gguf");
        req.sha256 = sha_;
        std::vector<rwb::DownloadProgress> seen;
        const auto r = rwb::download_file(req, [&](const auto& p) { seen.push_back(p); });
        QVERIFY2(r.ok(), r.message.c_str());
        QCOMPARE(r.sha256, sha_);
        QCOMPARE(read_all(req.destination), payload_);
        QVERIFY(!fs::exists(rwb::download_part_path(req.destination)));
        QVERIFY(!fs::exists(rwb::download_sidecar_path(req.destination)));
        QVERIFY(!seen.empty());
        QCOMPARE(seen.back().received, uint64_t(payload_.size()));
        QCOMPARE(seen.back().total, uint64_t(payload_.size()));
        // The result is a loadable model.
        auto m = rwb::Model::load(req.destination);
        QVERIFY2(m, m.message().c_str());
    }

    void pause_and_resume_byte_identical() {
        QTemporaryDir dir;
        auto req = request(dir, "/slow/m.gguf");
        req.sha256 = sha_;
        std::atomic<bool> cancel{false};
        auto r = rwb::download_file(
            req,
            [&](const rwb::DownloadProgress& p) {
                if (p.received > payload_.size() / 3) cancel = true;
            },
            &cancel);
        QCOMPARE(r.error, rwb::DownloadError::Cancelled);
        const std::string part = rwb::download_part_path(req.destination);
        QVERIFY(fs::exists(part));
        QVERIFY(fs::exists(rwb::download_sidecar_path(req.destination)));
        const auto partial = fs::file_size(part);
        QVERIFY(partial > 0 && partial < payload_.size());
        QVERIFY(!fs::exists(req.destination));

        const int before = server_->requests();
        cancel = false;
        r = rwb::download_file(req, {}, &cancel);
        QVERIFY2(r.ok(), r.message.c_str());
        QVERIFY(r.resumed);
        QCOMPARE(read_all(req.destination), payload_);
        // The second request asked for the rest only.
        const auto ranges = server_->ranges();
        QVERIFY(int(ranges.size()) > before);
        QCOMPARE(QString::fromStdString(ranges.back()),
                 QString("bytes=%1-").arg(qulonglong(partial)));
    }

    void server_drops_connection_then_resume() {
        QTemporaryDir dir;
        auto req = request(dir, "/drop/m.gguf");
        req.sha256 = sha_;
        const auto r = rwb::download_file(req, {});
        QVERIFY2(r.ok(), r.message.c_str());
        QVERIFY(r.attempts >= 2);
        QCOMPARE(read_all(req.destination), payload_);
        QVERIFY(server_->ranges().back().rfind("bytes=", 0) == 0);
    }

    void wrong_checksum_leaves_nothing() {
        QTemporaryDir dir;
        auto req = request(dir, "/file/m.gguf");
        req.sha256 = std::string(64, '0');
        const auto r = rwb::download_file(req, {});
        QCOMPARE(r.error, rwb::DownloadError::ChecksumMismatch);
        QVERIFY(r.message.find("checksum mismatch") != std::string::npos);
        QVERIFY(r.message.find(sha_) != std::string::npos);
        QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }

    void not_found() {
        QTemporaryDir dir;
        auto req = request(dir, "/nothing/here.gguf");
        const auto r = rwb::download_file(req, {});
        QCOMPARE(r.error, rwb::DownloadError::NotFound);
        QVERIFY(r.message.find("404") != std::string::npos);
        QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }

    void offline() {
        // A port nothing listens on: bind a socket without listen(), keep it bound so no one
        // else takes the port; connecting is refused.
        const int sock = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(sock >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        QCOMPARE(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        socklen_t len = sizeof addr;
        QCOMPARE(::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len), 0);
        const int port = ntohs(addr.sin_port);
        QTemporaryDir dir;
        rwb::DownloadRequest req;
        req.url = "http://127.0.0.1:" + std::to_string(port) + "/m.gguf";
        req.destination = dir.filePath("m.gguf").toStdString();
        req.max_retries = 1;
        req.initial_backoff_s = 0.01;
        const auto r = rwb::download_file(req, {});
        QCOMPARE(r.error, rwb::DownloadError::Offline);
        QVERIFY2(r.message.find("cannot reach 127.0.0.1 (offline?)") != std::string::npos,
                 r.message.c_str());
        QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
        ::close(sock);
    }

    void mirror_rewrites_host() {
        QTemporaryDir dir;
        rwb::DownloadRequest req;
        req.url = "https://huggingface.co/file/m.gguf";
        req.mirror = server_->url("");
        req.destination = dir.filePath("m.gguf").toStdString();
        req.sha256 = sha_;
        const auto r = rwb::download_file(req, {});
        QVERIFY2(r.ok(), r.message.c_str());
    }

    // Disk full, three ways: (1) the free-space check before starting, with an expected size
    // larger than any disk; (2) a real 1 MiB tmpfs when this process may mount one (root in a
    // container usually may not: then skipped with a message); (3) writes failing with EFBIG
    // under RLIMIT_FSIZE in an `rwb pull` child (same code path as ENOSPC).
    void disk_full_precheck() {
        QTemporaryDir dir;
        auto req = request(dir, "/file/m.gguf");
        req.expected_size = uint64_t(1) << 60;
        const int before = server_->requests();
        const auto r = rwb::download_file(req, {});
        QCOMPARE(r.error, rwb::DownloadError::DiskFull);
        QVERIFY(r.message.find("not enough disk space") != std::string::npos);
        QCOMPARE(server_->requests(), before); // refused before connecting
        QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    }

    void disk_full_tmpfs() {
        QTemporaryDir dir;
        const std::string mnt = dir.filePath("small").toStdString();
        fs::create_directories(mnt);
        if (geteuid() != 0 || ::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=1m") != 0)
            QSKIP("cannot mount a 1 MiB tmpfs here (needs root and mount permission)");
        auto req = request(dir, "/file/m.gguf");
        req.destination = mnt + "/m.gguf";
        const auto r = rwb::download_file(req, {});
        ::umount(mnt.c_str());
        QCOMPARE(r.error, rwb::DownloadError::DiskFull);
        QVERIFY2(r.message.find("not enough disk space") != std::string::npos, r.message.c_str());
    }

    void disk_full_write_failure() {
        QTemporaryDir dir;
        QProcess p;
        p.setChildProcessModifier([] {
            ::signal(SIGXFSZ, SIG_IGN); // write() then fails with EFBIG instead of killing
            rlimit lim{256 * 1024, 256 * 1024};
            ::setrlimit(RLIMIT_FSIZE, &lim);
        });
        p.start(RWB_CLI_PATH, {"pull", QString::fromStdString(server_->url("/file/m.gguf")), "-o",
                               dir.path(), "-q"});
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 4);
        QVERIFY2(err.contains("disk full while writing"), qPrintable(err));
        QVERIFY(!QFile::exists(dir.filePath("m.gguf")));
    }

    void pull_cli_exit_codes() {
        QTemporaryDir dir;
        const QString url = QString::fromStdString(server_->url("/file/m.gguf"));
        auto ok = rwb::test::run_rwb(
            {"pull", url, "--sha256", QString::fromStdString(sha_), "-o", dir.path()});
        QCOMPARE(ok.code, 0);
        QVERIFY(ok.out.contains("(verified)"));
        QCOMPARE(read_all(dir.filePath("m.gguf").toStdString()), payload_);

        QTemporaryDir dir2;
        auto bad =
            rwb::test::run_rwb({"pull", url, "--sha256", QString(64, 'a'), "-o", dir2.path()});
        QCOMPARE(bad.code, 3);
        QVERIFY(bad.err.contains("checksum mismatch"));
        QVERIFY(QDir(dir2.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());

        auto missing = rwb::test::run_rwb(
            {"pull", QString::fromStdString(server_->url("/none/x.gguf")), "-o", dir2.path()});
        QCOMPARE(missing.code, 2);
        QVERIFY(missing.err.contains("not found (HTTP 404)"));

        auto unknown = rwb::test::run_rwb({"pull", "no-such-model:q4_k_m"});
        QCOMPARE(unknown.code, 1);
        QVERIFY(unknown.err.contains("not in the catalog"));
        auto split = rwb::test::run_rwb({"pull", "r1-distill-llama-70b:f16"});
        QCOMPARE(split.code, 1);
        QVERIFY(split.err.contains("split into 3 parts"));
        auto badsha = rwb::test::run_rwb({"pull", url, "--sha256", "xyz"});
        QCOMPARE(badsha.code, 1);
        auto list = rwb::test::run_rwb({"pull", "--list"});
        QCOMPARE(list.code, 0);
        QVERIFY(list.out.contains("r1-distill-qwen-1.5b:q4_k_m"));
        QVERIFY(list.out.contains("recommended"));
    }
};

QTEST_GUILESS_MAIN(TestDownloader)
#include "tst_downloader.moc"
