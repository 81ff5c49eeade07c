// One GGUF file as the library shows it: what the engine reads from its header, a content
// fingerprint for finding duplicates, and the fit verdict for this machine. Broken files keep
// the engine's one-line reason instead of metadata.
#pragma once

#include <QMetaType>
#include <QString>

namespace rwb::app {

struct LibraryEntry {
    QString path;
    QString name;         // general.name, else the file name
    QString architecture; // "qwen2", "llama"
    quint64 parameters = 0;
    QString quantization; // most common weight type, e.g. "q4_K"
    quint64 file_size = 0;
    qint64 context_length = 0;
    bool has_chat_template = false;
    bool is_r1_distill = false;
    QString fingerprint; // SHA256 over size + first and last 4 MiB (see library_scan.cpp)
    QString fit;         // the verdict line at the default context
    bool broken = false;
    QString error; // why it is broken
};

// Reads one file (GGUF magic required, whatever its name); never throws, never crashes on bad
// input: a file that is not a valid GGUF comes back broken with the reason.
LibraryEntry read_library_entry(const QString& path, qint64 n_ctx);
// True when the file starts with the GGUF magic.
bool has_gguf_magic(const QString& path);
// LM Studio, Hugging Face cache and Ollama blob folders under the home directory.
QStringList default_model_folders();

} // namespace rwb::app

Q_DECLARE_METATYPE(rwb::app::LibraryEntry)
