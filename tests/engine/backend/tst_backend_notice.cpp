// The CUDA backend is a separately loaded module: without it (here: RWB_CUDA_MODULE naming a
// file that does not exist) `rwb logits --backend cuda|auto` must still run, on the CPU, print
// exactly one notice line, and write the same logits as --backend cpu.
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Run {
    int code = -1;
    QString err;
};

Run rwb(const QStringList& args, const QString& module) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("RWB_CUDA_MODULE", module);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(RWB_CLI_PATH), args);
    Run r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QByteArray read_all(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TstBackendNotice : public QObject {
    Q_OBJECT
private slots:
    void missing_module_runs_on_cpu_with_one_line() {
        const QString model =
            QStringLiteral(RWB_TEST_DATA_DIR "/reference/models/qwen2-tiny-q4_k_m.gguf");
        if (!QFile::exists(model)) QSKIP("reference model not present");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString missing = dir.filePath("no-such-dir/librwb_cuda.so");
        const QStringList base = {"logits", "-m", model, "--tokens", "1 2 3 4 5 6 7 8"};
        const Run cpu = rwb(base + QStringList{"-o", dir.filePath("cpu.f32")}, missing);
        QCOMPARE(cpu.code, 0);
        QVERIFY2(cpu.err.isEmpty(), qPrintable(cpu.err)); // --backend cpu never looks for it
        for (const QString backend : {QStringLiteral("cuda"), QStringLiteral("auto")}) {
            const QString out = dir.filePath(backend + ".f32");
            const Run r = rwb(base + QStringList{"-o", out, "--backend", backend}, missing);
            QCOMPARE(r.code, 0);
            const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
            QCOMPARE(lines.size(), 1);
            QVERIFY2(lines[0].startsWith("CUDA backend unavailable: ") &&
                         lines[0].contains(missing) && lines[0].endsWith("; running on the CPU"),
                     qPrintable(lines[0]));
            QCOMPARE(read_all(out), read_all(dir.filePath("cpu.f32")));
        }
    }

    void bad_backend_name_is_one_line_error() {
        const QString model =
            QStringLiteral(RWB_TEST_DATA_DIR "/reference/models/qwen2-tiny-q4_k_m.gguf");
        if (!QFile::exists(model)) QSKIP("reference model not present");
        const Run r =
            rwb({"logits", "-m", model, "--tokens", "1", "-o", "/dev/null", "--backend", "tpu"},
                "/nonexistent");
        QCOMPARE(r.code, 1);
        QCOMPARE(r.err.trimmed(),
                 QStringLiteral("rwb logits: unknown backend 'tpu' (cpu, cuda or auto)"));
    }
};

QTEST_GUILESS_MAIN(TstBackendNotice)
#include "tst_backend_notice.moc"
