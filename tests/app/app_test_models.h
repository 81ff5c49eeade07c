// Small real GGUF models for the app tests, written by `rwb synth` (the built binary) from a
// tiny Qwen2-shaped config: random weights, the synthetic byte-level BPE vocabulary with the R1
// special tokens, so the R1 template, the splitter and the thinking budget all run for real.
// Greedy decoding on the untied 4k vocabulary writes long varied text without an early
// end-of-generation token, at roughly a thousand tokens per second on one core.
#pragma once

#include "inference/generation_settings.h"
#include "rwb_cli.h"

#include <QDir>
#include <QFile>
#include <QString>

namespace rwb::test {

// Writes <dir>/<name>.gguf (once per dir) with the given width and depth; empty on failure
// with *error set.
inline QString makeSynthR1Model(const QString& dir, const QString& name, int hidden, int layers,
                                QString* error) {
    const QString path = QDir(dir).filePath(name + QStringLiteral(".gguf"));
    if (QFile::exists(path)) return path;
    const QString config = QDir(dir).filePath(name + QStringLiteral(".json"));
    QFile f(config);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write ") + config;
        return {};
    }
    f.write(QStringLiteral(R"({"model_type":"qwen2","hidden_size":%1,"num_hidden_layers":%2,
               "num_attention_heads":4,"num_key_value_heads":2,"intermediate_size":%3,
               "vocab_size":4096,"max_position_embeddings":4096,
               "tie_word_embeddings":false})")
                .arg(hidden)
                .arg(layers)
                .arg(hidden * 2)
                .toUtf8());
    f.close();
    const CliRun r = run_rwb({QStringLiteral("synth"), QStringLiteral("--like"), config,
                              QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("-q"),
                              QStringLiteral("-o"), path});
    if (r.code != 0) {
        *error = QStringLiteral("rwb synth failed: ") + r.err;
        return {};
    }
    return path;
}

// The fast one (~2000 tokens/s on one busy core): batching, branches, storage.
inline QString makeTinyR1Model(const QString& dir, QString* error) {
    return makeSynthR1Model(dir, QStringLiteral("tiny-r1"), 64, 2, error);
}

// A wider one, for tests that stop a generation in its middle: its 4096-token context lasts
// several seconds, so the generation is surely still running when the test stops it.
inline QString makeSlowerR1Model(const QString& dir, QString* error) {
    return makeSynthR1Model(dir, QStringLiteral("wider-r1"), 512, 4, error);
}

// Settings for the synth models above: greedy (long varied text, no early end token on these
// models), one thread, the full 4k context.
inline rwb::app::GenerationSettings fastSettings(const QString& model) {
    rwb::app::GenerationSettings g;
    g.modelPath = model;
    g.temperature = 0;
    g.topP = 1;
    g.threads = 1;
    g.contextLength = 4096;
    return g;
}

} // namespace rwb::test
