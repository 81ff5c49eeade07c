// Access to the llama.cpp reference data in tests/data/reference (models, token sequences,
// float64 "exact" logits, index.tsv with llama.cpp's own error figures).
#pragma once

#include <QFile>
#include <QString>
#include <QStringList>

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

namespace model_test {

inline QString reference_dir() {
    return QStringLiteral(RWB_TEST_DATA_DIR "/reference");
}
inline QString model_path(const QString& name) {
    return reference_dir() + "/models/" + name + ".gguf";
}

inline std::vector<int32_t> read_tokens(const QString& seq) {
    QFile f(reference_dir() + "/tokens/" + seq + ".txt");
    std::vector<int32_t> ids;
    if (!f.open(QIODevice::ReadOnly)) return ids;
    for (const QString& s : QString::fromUtf8(f.readAll()).split(' ', Qt::SkipEmptyParts))
        ids.push_back(s.trimmed().toInt());
    return ids;
}

inline std::vector<float> read_f32(const QString& path) {
    QFile f(path);
    std::vector<float> v;
    if (!f.open(QIODevice::ReadOnly)) return v;
    const QByteArray b = f.readAll();
    v.resize(size_t(b.size()) / 4);
    std::memcpy(v.data(), b.constData(), v.size() * 4);
    return v;
}

struct IndexRow {
    double llamacpp_rel_l2 = 0;
    double llamacpp_top1 = 0;
};

// key "name/seq"
inline std::map<QString, IndexRow> read_index() {
    std::map<QString, IndexRow> rows;
    QFile f(reference_dir() + "/index.tsv");
    if (!f.open(QIODevice::ReadOnly)) return rows;
    for (const QString& line : QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts)) {
        if (line.startsWith('#')) continue;
        const QStringList c = line.split('\t');
        if (c.size() < 6) continue;
        rows[c[0] + "/" + c[1]] = IndexRow{c[4].toDouble(), c[5].toDouble()};
    }
    return rows;
}

inline double rel_l2(const std::vector<float>& a, const std::vector<float>& ref) {
    double num = 0, den = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        const double d = double(a[i]) - double(ref[i]);
        num += d * d;
        den += double(ref[i]) * double(ref[i]);
    }
    return std::sqrt(num / den);
}

inline double top1_agreement(const std::vector<float>& a, const std::vector<float>& ref,
                             size_t n_vocab) {
    const size_t rows = ref.size() / n_vocab;
    size_t agree = 0;
    for (size_t r = 0; r < rows; ++r) {
        size_t ia = 0, ib = 0;
        for (size_t j = 1; j < n_vocab; ++j) {
            if (a[r * n_vocab + j] > a[r * n_vocab + ia]) ia = j;
            if (ref[r * n_vocab + j] > ref[r * n_vocab + ib]) ib = j;
        }
        agree += ia == ib;
    }
    return rows ? double(agree) / double(rows) : 0.0;
}

inline QStringList reference_model_names() {
    QStringList names;
    for (const char* arch : {"qwen2", "llama"})
        for (const char* type : {"f32", "f16", "bf16", "q8_0", "q4_0", "q4_k_m", "q5_k_m", "q6_k"})
            names << QString("%1-tiny-%2").arg(arch, type);
    return names;
}

} // namespace model_test
