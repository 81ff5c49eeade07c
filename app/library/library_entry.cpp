// read_library_entry: header-only reads through the engine (footprint_from_gguf), so scanning
// a folder of 40 GB models costs a few KiB of I/O per file plus the fingerprint's 8 MiB.
#include "library/library_entry.h"

#include "rwb/fit.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace rwb::app {

bool has_gguf_magic(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    return f.read(4) == QByteArrayLiteral("GGUF");
}

namespace {
// Hashing whole multi-gigabyte files would make every scan read them in full; the size plus
// the first and last 4 MiB (header, vocabulary, first and last tensors) tell files apart.
QString fingerprint(const QString& path, quint64 size) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(QByteArray::number(size));
    const qint64 part = 4 << 20;
    h.addData(f.read(part));
    if (qint64(size) > 2 * part) {
        f.seek(qint64(size) - part);
        h.addData(f.read(part));
    } else {
        h.addData(f.readAll());
    }
    return QString::fromLatin1(h.result().toHex());
}

bool looks_r1(const rwb::ModelFootprint& fp) {
    const QString names = QString::fromStdString(fp.name + " " + fp.basename).toLower();
    return fp.r1_template || (names.contains("deepseek") && names.contains("r1")) ||
           names.contains("r1-distill");
}
} // namespace

LibraryEntry read_library_entry(const QString& path, qint64 n_ctx) {
    LibraryEntry e;
    const QFileInfo info(path);
    e.path = info.absoluteFilePath();
    e.name = info.fileName();
    e.file_size = quint64(info.size());
    if (!has_gguf_magic(path)) {
        e.broken = true;
        e.error = QStringLiteral("not a GGUF file (no GGUF magic)");
        return e;
    }
    e.fingerprint = fingerprint(path, e.file_size);
    auto fp = rwb::footprint_from_gguf(path.toStdString());
    if (!fp) {
        e.broken = true;
        e.error = QString::fromStdString(fp.message());
        return e;
    }
    if (!fp->name.empty()) e.name = QString::fromStdString(fp->name);
    e.architecture = QString::fromStdString(fp->architecture);
    e.parameters = fp->n_params;
    e.quantization = QString::fromStdString(fp->quantization);
    e.context_length = fp->n_ctx_train;
    e.has_chat_template = fp->has_chat_template;
    e.is_r1_distill = looks_r1(*fp);
    rwb::MemoryOptions mo;
    mo.n_ctx = std::min<qint64>(n_ctx, fp->n_ctx_train > 0 ? fp->n_ctx_train : n_ctx);
    // RAM and each GPU's free memory now (no GPUs without the CUDA module or a device).
    const auto verdict =
        rwb::fit_verdict(*fp, rwb::estimate_memory(*fp, mo), rwb::probe_machine_memory_with_gpus());
    e.fit = QString::fromStdString(verdict.summary);
    return e;
}

QStringList default_model_folders() {
    const QString home = QDir::homePath();
    return {home + "/.lmstudio/models", home + "/.cache/lm-studio/models",
            home + "/.cache/huggingface/hub", home + "/.ollama/models/blobs"};
}

} // namespace rwb::app
