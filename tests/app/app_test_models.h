// Small real GGUF models for the app tests, written by `rwb synth` (the built binary) from a
// tiny Qwen2-shaped config: random weights, the synthetic byte-level BPE vocabulary with the R1
// special tokens, so the R1 template, the splitter and the thinking budget all run for real.
// Greedy decoding on the untied 4k vocabulary writes long varied text without an early
// end-of-generation token, at roughly a thousand tokens per second on one core.
#pragma once

#include "rwb_cli.h"

#include <QDir>
#include <QFile>
#include <QString>

namespace rwb::test {

// Writes <dir>/tiny-r1.gguf (once per dir); empty on failure with *error set.
inline QString makeTinyR1Model(const QString& dir, QString* error) {
    const QString path = QDir(dir).filePath(QStringLiteral("tiny-r1.gguf"));
    if (QFile::exists(path)) return path;
    const QString config = QDir(dir).filePath(QStringLiteral("tiny-r1.json"));
    QFile f(config);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write ") + config;
        return {};
    }
    f.write(R"({"model_type":"qwen2","hidden_size":64,"num_hidden_layers":2,
               "num_attention_heads":4,"num_key_value_heads":2,"intermediate_size":128,
               "vocab_size":4096,"max_position_embeddings":4096,
               "tie_word_embeddings":false})");
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

} // namespace rwb::test
