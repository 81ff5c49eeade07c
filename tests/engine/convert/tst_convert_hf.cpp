// `rwb convert` end to end on the tiny Hugging Face folders of tests/data/hf (random weights made
// with transformers on the GPU machine, see tests/data/hf/README.md): the built rwb converts them,
// the GGUF is checked against config.json and against llama.cpp's own files (same tensor names
// and metadata keys), and `rwb logits --all` on the result is compared with transformers' float64
// logits of the same folder. Bad folders must fail with one line and write nothing.
#include "engine/convert/gguf_reference_forward.h"
#include "gguf/gguf_file.h"
#include "rwb/tokenizer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>
#include <set>

using rwb::GgmlType;
using rwb::gguf::GgufFile;
using rwb::gguf::ValueType;

namespace {

const QString kData = QStringLiteral(RWB_TEST_DATA_DIR);
const QString kHf = kData + "/hf";

struct Run {
    int code = -1;
    QString out;
    QString err;
};

Run run_rwb(const QStringList& args, int timeout_ms = 120000) {
    QProcess p;
    p.start(QStringLiteral(RWB_CLI_PATH), args);
    Run r;
    if (!p.waitForFinished(timeout_ms)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QJsonObject read_json(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

bool write_bytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

bool copy_dir(const QString& from, const QString& to) {
    QDir().mkpath(to);
    for (const QString& name : QDir(from).entryList(QDir::Files))
        if (!QFile::copy(from + "/" + name, to + "/" + name)) return false;
    return true;
}

std::vector<int> read_ids(const QString& path) {
    QFile f(path);
    std::vector<int> ids;
    if (!f.open(QIODevice::ReadOnly)) return ids;
    for (const QString& t : QString::fromUtf8(f.readAll()).split(' ', Qt::SkipEmptyParts))
        ids.push_back(t.trimmed().toInt());
    return ids;
}

std::vector<float> read_f32(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    const QByteArray b = f.readAll();
    std::vector<float> v(static_cast<size_t>(b.size()) / 4);
    std::memcpy(v.data(), b.constData(), v.size() * 4);
    return v;
}

// Relative L2 error of each row (position), the largest over rows.
double max_row_rel_l2(const std::vector<float>& got, const std::vector<float>& ref,
                      size_t n_vocab) {
    double worst = 0;
    for (size_t r = 0; r * n_vocab < ref.size(); ++r) {
        double num = 0, den = 0;
        for (size_t c = 0; c < n_vocab; ++c) {
            const double d = double(got[r * n_vocab + c]) - double(ref[r * n_vocab + c]);
            num += d * d;
            den += double(ref[r * n_vocab + c]) * double(ref[r * n_vocab + c]);
        }
        worst = std::max(worst, std::sqrt(num / den));
    }
    return worst;
}

// Rewrites DIR/model.safetensors after `edit` changed its header (entries removed, dtypes
// relabelled); tensor bytes are carried over and packed again in the new header's order.
bool rewrite_safetensors(const QString& path, const std::function<void(QJsonObject&)>& edit) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return false;
    const QByteArray all = f.readAll();
    f.close();
    quint64 hlen = 0;
    std::memcpy(&hlen, all.constData(), 8);
    QJsonObject header = QJsonDocument::fromJson(all.mid(8, qsizetype(hlen))).object();
    const QByteArray data = all.mid(qsizetype(8 + hlen));
    edit(header);
    QByteArray out_data;
    for (const QString& key : header.keys()) {
        if (key == "__metadata__") continue;
        QJsonObject e = header[key].toObject();
        const QJsonArray off = e["data_offsets"].toArray();
        const auto begin = qsizetype(off[0].toInteger()), end = qsizetype(off[1].toInteger());
        e["data_offsets"] =
            QJsonArray{qint64(out_data.size()), qint64(out_data.size() + end - begin)};
        out_data += data.mid(begin, end - begin);
        header[key] = e;
    }
    const QByteArray h = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QByteArray bytes(8, '\0');
    const quint64 n = quint64(h.size());
    std::memcpy(bytes.data(), &n, 8);
    return write_bytes(path, bytes + h + out_data);
}

QString first_line(const QString& s) {
    return s.trimmed().section('\n', 0, 0);
}

} // namespace

class TstConvertHf : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;

    // Converts an HF folder; QVERIFY-style failure text in `why` when it does not work.
    QString convert(const QString& folder, const QString& type, QString* why = nullptr) {
        const QString out = tmp_.filePath(QFileInfo(folder).fileName() + "-" + type + ".gguf");
        Run r = run_rwb({"convert", folder, "-o", out, "--type", type});
        if (r.code != 0) {
            if (why) *why = "rwb convert failed: " + r.err + r.out;
            return {};
        }
        return out;
    }

    // rwb logits over the sequence file; empty (and `skip` set) when rwb logits is not built yet.
    std::vector<float> logits(const QString& gguf, const QString& seq, bool* skip, QString* why) {
        QFile f(kHf + "/tokens/" + seq + ".txt");
        if (!f.open(QIODevice::ReadOnly)) {
            *why = "missing token file " + seq;
            return {};
        }
        const QString ids = QString::fromUtf8(f.readAll()).trimmed();
        const QString out = tmp_.filePath(QFileInfo(gguf).completeBaseName() + "." + seq + ".f32");
        // F32 KV cache: the default F16 cache alone adds ~2e-4 (tests/data/reference/README.md).
        Run r = run_rwb(
            {"logits", "-m", gguf, "--tokens", ids, "--out", out, "--all", "--kv-type", "f32"});
        if (r.code != 0) {
            *skip = r.err.contains("not available in this build");
            *why = "rwb logits failed: " + first_line(r.err);
            return {};
        }
        return read_f32(out);
    }

    void check_logits(const QString& folder, const QString& type, double tolerance) {
        QString why;
        const QString gguf = convert(kHf + "/" + folder, type, &why);
        QVERIFY2(!gguf.isEmpty(), qPrintable(why));
        const QJsonObject cfg = read_json(kHf + "/" + folder + "/config.json");
        const auto n_vocab = static_cast<size_t>(cfg["vocab_size"].toInt());
        QVERIFY(n_vocab > 0);
        for (const QString seq : {"seq1", "seq17", "seq64", "seq200"}) {
            bool skip = false;
            std::vector<float> got = logits(gguf, seq, &skip, &why);
            if (skip) QSKIP(qPrintable("rwb logits is not built yet: " + why));
            QVERIFY2(!got.empty(), qPrintable(why));
            const std::vector<float> ref = read_f32(kHf + "/logits/" + folder + "." + seq + ".f32");
            QVERIFY2(!ref.empty() && ref.size() % n_vocab == 0, qPrintable("bad reference " + seq));
            QCOMPARE(got.size(), ref.size());
            const double err = max_row_rel_l2(got, ref, n_vocab);
            qInfo("%s --type %s %s: max rel L2 over positions %.3e", qPrintable(folder),
                  qPrintable(type), qPrintable(seq), err);
            QVERIFY2(err < tolerance,
                     qPrintable(QString("rel L2 %1 >= %2").arg(err).arg(tolerance)));
        }
    }

private slots:
    void initTestCase() {
        QVERIFY2(QFileInfo::exists(kHf + "/qwen2-f32/config.json"), "tests/data/hf is missing");
        QVERIFY(tmp_.isValid());
    }

    void qwen2_metadata_and_tensors() {
        QString why;
        const QString path = convert(kHf + "/qwen2-f32", "f32", &why);
        QVERIFY2(!path.isEmpty(), qPrintable(why));
        auto f = GgufFile::open(path.toStdString());
        QVERIFY2(f.is_ok(), f.message().c_str());
        const GgufFile& g = *f.value();
        const QJsonObject cfg = read_json(kHf + "/qwen2-f32/config.json");
        QCOMPARE(g.get_string("general.architecture").value(), std::string("qwen2"));
        QCOMPARE(g.get_uint("qwen2.block_count").value(),
                 uint64_t(cfg["num_hidden_layers"].toInt()));
        QCOMPARE(g.get_uint("qwen2.embedding_length").value(),
                 uint64_t(cfg["hidden_size"].toInt()));
        QCOMPARE(g.get_uint("qwen2.feed_forward_length").value(),
                 uint64_t(cfg["intermediate_size"].toInt()));
        QCOMPARE(g.get_uint("qwen2.attention.head_count").value(),
                 uint64_t(cfg["num_attention_heads"].toInt()));
        QCOMPARE(g.get_uint("qwen2.attention.head_count_kv").value(),
                 uint64_t(cfg["num_key_value_heads"].toInt()));
        QCOMPARE(g.get_uint("qwen2.context_length").value(),
                 uint64_t(cfg["max_position_embeddings"].toInt()));
        QCOMPARE(g.get_float("qwen2.rope.freq_base").value(), 10000.0);
        QVERIFY(std::abs(g.get_float("qwen2.attention.layer_norm_rms_epsilon").value() - 1e-6) <
                1e-12);
        QCOMPARE(g.get_uint("general.file_type").value(), uint64_t(0));
        QCOMPARE(g.get_string("tokenizer.ggml.model").value(), std::string("gpt2"));
        // The qwen2 regex plus R1's begin-of-sentence token: llama.cpp's name for R1-Distill-Qwen.
        QCOMPARE(g.get_string("tokenizer.ggml.pre").value(), std::string("deepseek-r1-qwen"));

        // Vocabulary padded to the embedding rows, as llama.cpp's converter does.
        const int n_vocab = cfg["vocab_size"].toInt();
        auto tokens = g.get_string_array("tokenizer.ggml.tokens").value();
        auto types = g.get_int_array("tokenizer.ggml.token_type").value();
        QCOMPARE(int(tokens.size()), n_vocab);
        QCOMPARE(int(types.size()), n_vocab);
        QCOMPARE(tokens.back(), "[PAD" + std::to_string(n_vocab - 1) + "]");
        QCOMPARE(types.back(), int64_t(5));
        const QJsonObject tok = read_json(kHf + "/qwen2-f32/tokenizer.json");
        const QJsonArray added = tok["added_tokens"].toArray();
        for (const auto& a : added) {
            const QJsonObject o = a.toObject();
            QCOMPARE(QString::fromStdString(tokens[size_t(o["id"].toInt())]),
                     o["content"].toString());
        }
        QCOMPARE(g.get_string_array("tokenizer.ggml.merges").value().size(),
                 size_t(tok["model"].toObject()["merges"].toArray().size()));
        const auto bos = g.get_uint("tokenizer.ggml.bos_token_id").value();
        QCOMPARE(QString::fromStdString(tokens[bos]), QStringLiteral("<｜begin▁of▁sentence｜>"));
        QCOMPARE(QString::fromStdString(tokens[g.get_uint("tokenizer.ggml.eos_token_id").value()]),
                 QStringLiteral("<｜end▁of▁sentence｜>"));
        QVERIFY(g.get_bool("tokenizer.ggml.add_bos_token").value());
        const QJsonObject tcfg = read_json(kHf + "/qwen2-f32/tokenizer_config.json");
        QCOMPARE(QString::fromStdString(g.get_string("tokenizer.chat_template").value()),
                 tcfg["chat_template"].toString());

        const int64_t n_embd = cfg["hidden_size"].toInt();
        const auto* emb = g.find_tensor("token_embd.weight");
        QVERIFY(emb != nullptr);
        QCOMPARE(emb->ne, (std::vector<uint64_t>{uint64_t(n_embd), uint64_t(n_vocab)}));
        QCOMPARE(emb->type, GgmlType::F32);
        const auto* qb = g.find_tensor("blk.1.attn_q.bias");
        QVERIFY(qb != nullptr);
        QCOMPARE(qb->ne, (std::vector<uint64_t>{uint64_t(n_embd)}));
        QVERIFY(g.find_tensor("output.weight") != nullptr);
        QVERIFY(g.find_tensor("rope_freqs.weight") == nullptr);
        QCOMPARE(g.tensors().size(), size_t(2 + 2 * 12 + 1)); // embd, output(+norm), 12 per layer
    }

    void llama_metadata_and_rope_freqs() {
        QString why;
        const QString path = convert(kHf + "/llama-f32", "f32", &why); // the sharded folder
        QVERIFY2(!path.isEmpty(), qPrintable(why));
        QVERIFY(QFileInfo::exists(kHf + "/llama-f32/model.safetensors.index.json"));
        auto f = GgufFile::open(path.toStdString());
        QVERIFY2(f.is_ok(), f.message().c_str());
        const GgufFile& g = *f.value();
        const QJsonObject cfg = read_json(kHf + "/llama-f32/config.json");
        const int head_dim = cfg["hidden_size"].toInt() / cfg["num_attention_heads"].toInt();
        QCOMPARE(g.get_string("general.architecture").value(), std::string("llama"));
        QCOMPARE(g.get_string("tokenizer.ggml.pre").value(), std::string("llama-bpe"));
        QCOMPARE(g.get_uint("llama.rope.dimension_count").value(), uint64_t(head_dim));
        QCOMPARE(g.get_uint("llama.vocab_size").value(), uint64_t(cfg["vocab_size"].toInt()));
        QCOMPARE(g.get_float("llama.rope.freq_base").value(), 500000.0);
        const auto* rf = g.find_tensor("rope_freqs.weight");
        QVERIFY(rf != nullptr);
        QCOMPARE(rf->ne, (std::vector<uint64_t>{uint64_t(head_dim / 2)}));
        const float* v = reinterpret_cast<const float*>(g.tensor_data(*rf));
        QCOMPARE(v[0], 1.0f);                // high frequencies unscaled
        QCOMPARE(v[head_dim / 2 - 1], 8.0f); // low frequencies divided by the factor
        // chat template from chat_template.jinja (the newer transformers layout)
        QFile jinja(kHf + "/llama-f32/chat_template.jinja");
        QVERIFY(jinja.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromStdString(g.get_string("tokenizer.chat_template").value()),
                 QString::fromUtf8(jinja.readAll()));
    }

    // Our files carry the keys and tensors llama.cpp's converter writes (values differ: other
    // models), so llama.cpp and every GGUF tool read them the same way.
    void same_layout_as_llamacpp_files_data() {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("reference");
        QTest::newRow("qwen2") << "qwen2-f32"
                               << "qwen2-tiny-f32.gguf";
        QTest::newRow("llama") << "llama-f32"
                               << "llama-tiny-f32.gguf";
    }
    void same_layout_as_llamacpp_files() {
        QFETCH(QString, folder);
        QFETCH(QString, reference);
        const QString ref_path = kData + "/reference/models/" + reference;
        QVERIFY2(QFileInfo::exists(ref_path), qPrintable("missing " + ref_path));
        QString why;
        const QString path = convert(kHf + "/" + folder, "f32", &why);
        QVERIFY2(!path.isEmpty(), qPrintable(why));
        auto ours = GgufFile::open(path.toStdString());
        auto theirs = GgufFile::open(ref_path.toStdString());
        QVERIFY2(ours.is_ok(), ours.message().c_str());
        QVERIFY2(theirs.is_ok(), theirs.message().c_str());
        std::set<std::string> our_keys;
        for (const auto& e : ours.value()->metadata()) our_keys.insert(e.key);
        for (const auto& e : theirs.value()->metadata()) {
            const auto* mine = ours.value()->find(e.key);
            QVERIFY2(mine != nullptr, qPrintable(QString::fromStdString("missing key " + e.key)));
            QVERIFY2(mine->type == e.value.type,
                     qPrintable(QString::fromStdString("type of " + e.key)));
            if (e.value.type == ValueType::ARRAY)
                QVERIFY2(mine->elem_type == e.value.elem_type,
                         qPrintable(QString::fromStdString("element type of " + e.key)));
            our_keys.erase(e.key);
        }
        // Keys llama.cpp writes when the HF folder has them (the reference models had none).
        const std::set<std::string> optional = {"tokenizer.chat_template",
                                                "tokenizer.ggml.padding_token_id",
                                                "tokenizer.ggml.add_eos_token"};
        for (const auto& k : our_keys)
            QVERIFY2(optional.count(k), qPrintable(QString::fromStdString("unexpected key " + k)));
        std::set<std::string> a, b;
        for (const auto& t : ours.value()->tensors())
            a.insert(t.name + "/" + std::to_string(t.ne.size()));
        for (const auto& t : theirs.value()->tensors())
            b.insert(t.name + "/" + std::to_string(t.ne.size()));
        QCOMPARE(a, b);
    }

    // The float64 oracle first proves it computes llama.cpp's model: on llama.cpp-made files it
    // reproduces the reference logits computed from those files (tests/data/reference).
    void oracle_reproduces_llamacpp_reference_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("seq");
        QTest::newRow("qwen2 f32") << "qwen2-tiny-f32"
                                   << "seq17";
        QTest::newRow("llama f32") << "llama-tiny-f32"
                                   << "seq150";
        QTest::newRow("llama q8_0") << "llama-tiny-q8_0"
                                    << "seq17";
    }
    void oracle_reproduces_llamacpp_reference() {
        QFETCH(QString, name);
        QFETCH(QString, seq);
        const QString ref_dir = kData + "/reference";
        auto f = GgufFile::open((ref_dir + "/models/" + name + ".gguf").toStdString());
        QVERIFY2(f.is_ok(), f.message().c_str());
        std::string error;
        const auto got = rwb::testing::reference_forward(
            *f.value(), read_ids(ref_dir + "/tokens/" + seq + ".txt"), error);
        QVERIFY2(error.empty(), error.c_str());
        const auto ref = read_f32(ref_dir + "/logits/" + name + "." + seq + ".exact.f32");
        QCOMPARE(got.size(), ref.size());
        const double err = max_row_rel_l2(got, ref, 1024);
        qInfo("oracle vs llama.cpp reference %s %s: %.3e", qPrintable(name), qPrintable(seq), err);
        QVERIFY(err < 1e-6);
    }

    // Our GGUF means the same model as the HF folder: the oracle's logits on the converted file
    // equal transformers' float64 logits (lossless types), or come close (quantized).
    void converted_file_means_the_hf_model_data() {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("type");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("qwen2 f32") << "qwen2-f32"
                                   << "f32" << 1e-5;
        QTest::newRow("qwen2 f16 -> f16") << "qwen2-f16"
                                          << "f16" << 1e-5;
        QTest::newRow("qwen2 f16 -> f32") << "qwen2-f16"
                                          << "f32" << 1e-5;
        QTest::newRow("llama f32 sharded") << "llama-f32"
                                           << "f32" << 1e-5;
        QTest::newRow("llama bf16 -> bf16") << "llama-bf16"
                                            << "bf16" << 1e-5;
        QTest::newRow("llama bf16 -> f16") << "llama-bf16"
                                           << "f16" << 1e-5; // bf16 values fit f16 here
        QTest::newRow("qwen2 q8_0") << "qwen2-f32"
                                    << "q8_0" << 0.05;
        // Loose bounds (random Gaussian weights quantize badly at 4 bits); exactness of the
        // quantized tensors is checked by quantized_tensors_are_the_f32_tensors_quantized.
        QTest::newRow("llama q4_k_m") << "llama-f32"
                                      << "q4_k_m" << 0.2;
        QTest::newRow("qwen2 q4_0") << "qwen2-f32"
                                    << "q4_0" << 0.4;
    }
    void converted_file_means_the_hf_model() {
        QFETCH(QString, folder);
        QFETCH(QString, type);
        QFETCH(double, tolerance);
        QString why;
        const QString path = convert(kHf + "/" + folder, type, &why);
        QVERIFY2(!path.isEmpty(), qPrintable(why));
        auto f = GgufFile::open(path.toStdString());
        QVERIFY2(f.is_ok(), f.message().c_str());
        const auto n_vocab =
            size_t(read_json(kHf + "/" + folder + "/config.json")["vocab_size"].toInt());
        for (const QString seq : {"seq17", "seq200"}) {
            std::string error;
            const auto got = rwb::testing::reference_forward(
                *f.value(), read_ids(kHf + "/tokens/" + seq + ".txt"), error);
            QVERIFY2(error.empty(), error.c_str());
            const auto ref = read_f32(kHf + "/logits/" + folder + "." + seq + ".f32");
            QCOMPARE(got.size(), ref.size());
            const double err = max_row_rel_l2(got, ref, n_vocab);
            qInfo("%s --type %s %s: oracle vs transformers max rel L2 %.3e", qPrintable(folder),
                  qPrintable(type), qPrintable(seq), err);
            QVERIFY2(err < tolerance,
                     qPrintable(QString("rel L2 %1 >= %2").arg(err).arg(tolerance)));
        }
    }

    // Each tensor of a quantized conversion is byte for byte the quantization (quant library, in
    // the type the file declares) of the same tensor of the f32 conversion, whose meaning the
    // oracle test above establishes: so row order, permutation and tensor choice are right too.
    void quantized_tensors_are_the_f32_tensors_quantized_data() {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("type");
        QTest::newRow("qwen2 q8_0") << "qwen2-f32"
                                    << "q8_0";
        QTest::newRow("qwen2 q4_0") << "qwen2-f32"
                                    << "q4_0";
        QTest::newRow("llama q4_k_m") << "llama-f32"
                                      << "q4_k_m";
        QTest::newRow("llama q5_k_m") << "llama-f32"
                                      << "q5_k_m";
        QTest::newRow("llama q6_k") << "llama-f32"
                                    << "q6_k";
        QTest::newRow("llama bf16") << "llama-bf16"
                                    << "bf16";
    }
    void quantized_tensors_are_the_f32_tensors_quantized() {
        QFETCH(QString, folder);
        QFETCH(QString, type);
        QString why;
        const QString qpath = convert(kHf + "/" + folder, type, &why);
        QVERIFY2(!qpath.isEmpty(), qPrintable(why));
        const QString fpath = convert(kHf + "/" + folder, "f32", &why);
        QVERIFY2(!fpath.isEmpty(), qPrintable(why));
        auto q = GgufFile::open(qpath.toStdString());
        auto f = GgufFile::open(fpath.toStdString());
        QVERIFY2(q.is_ok() && f.is_ok(), "cannot open the converted files");
        QCOMPARE(q.value()->tensors().size(), f.value()->tensors().size());
        std::set<GgmlType> seen;
        for (const auto& t : q.value()->tensors()) {
            const auto* src = f.value()->find_tensor(t.name);
            QVERIFY2(src != nullptr && src->type == GgmlType::F32, t.name.c_str());
            QCOMPARE(t.ne, src->ne);
            seen.insert(t.type);
            if (t.ne.size() == 1) QCOMPARE(t.type, GgmlType::F32); // norms, biases, rope_freqs
            std::vector<uint8_t> expect(t.n_bytes);
            const auto* x = reinterpret_cast<const float*>(f.value()->tensor_data(*src));
            const int64_t cols = int64_t(t.ne[0]);
            const int64_t rows = int64_t(t.n_elements) / cols;
            const uint64_t row_bytes = t.n_bytes / uint64_t(rows);
            for (int64_t r = 0; r < rows; ++r)
                QVERIFY(rwb::quant::quantize_row(t.type, x + r * cols,
                                                 expect.data() + uint64_t(r) * row_bytes, cols)
                            .is_ok());
            QVERIFY2(std::memcmp(expect.data(), q.value()->tensor_data(t), t.n_bytes) == 0,
                     t.name.c_str());
        }
        qInfo("%s --type %s: types %s", qPrintable(folder), qPrintable(type),
              [&] {
                  std::string names;
                  for (auto ty : seen) names += std::string(rwb::ggml_type_name(ty)) + " ";
                  return names;
              }()
                  .c_str());
        QVERIFY(seen.size() >= 2); // the 2-D weights got something other than F32
    }

    // F32 output must reproduce transformers' float64 logits (bf16/f16 sources convert losslessly
    // to f32, so the same bound holds against the logits of those folders).
    void logits_match_transformers_data() {
        QTest::addColumn<QString>("folder");
        QTest::addColumn<QString>("type");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("qwen2 f32") << "qwen2-f32"
                                   << "f32" << 1e-4;
        QTest::newRow("qwen2 f16 source") << "qwen2-f16"
                                          << "f32" << 1e-4;
        QTest::newRow("llama f32 sharded") << "llama-f32"
                                           << "f32" << 1e-4;
        QTest::newRow("llama bf16 source") << "llama-bf16"
                                           << "f32" << 1e-4;
        // Same-type output: still the folder's own weights, only the engine's arithmetic differs.
        QTest::newRow("qwen2 f16 -> f16") << "qwen2-f16"
                                          << "f16" << 2e-3;
        QTest::newRow("llama bf16 -> bf16") << "llama-bf16"
                                            << "bf16" << 1e-2;
    }
    void logits_match_transformers() {
        QFETCH(QString, folder);
        QFETCH(QString, type);
        QFETCH(double, tolerance);
        check_logits(folder, type, tolerance);
    }

    // The vocabulary written into the GGUF tokenizes like the folder's tokenizer.json does with
    // the Hugging Face tokenizers library (tests/data/hf/tokenize/, made on the GPU machine).
    void gguf_vocabulary_encodes_like_tokenizers_data() {
        QTest::addColumn<QString>("folder");
        QTest::newRow("qwen2") << "qwen2-f32";
        QTest::newRow("llama") << "llama-f32";
    }
    void gguf_vocabulary_encodes_like_tokenizers() {
        QFETCH(QString, folder);
        QString why;
        const QString path = convert(kHf + "/" + folder, "f32", &why);
        QVERIFY2(!path.isEmpty(), qPrintable(why));
        auto tok = rwb::Tokenizer::load_gguf(path.toStdString());
        QVERIFY2(tok.is_ok(), tok.message().c_str());
        const QJsonObject ref = read_json(kHf + "/tokenize/" + folder + ".json");
        QJsonArray cases = ref["encode"].toArray();
        for (const auto& c : ref["chat"].toArray()) cases.append(c);
        QVERIFY(cases.size() >= 8);
        for (const auto& c : cases) {
            const QJsonObject o = c.toObject();
            std::vector<rwb::TokenId> expect;
            for (const auto& id : o["ids"].toArray()) expect.push_back(id.toInt());
            const auto got =
                tok->encode(o["text"].toString().toStdString(), /*parse_special=*/true);
            QVERIFY2(got == expect, qPrintable("text: " + o["text"].toString()));
        }
    }

    // Quantized output: the quant mix's types, and logits still close (random weights quantize
    // worse than trained ones; see tests/data/reference/README.md for the scale).
    void quantized_output() {
        QString why;
        const QString path = convert(kHf + "/qwen2-f32", "q8_0", &why);
        QVERIFY2(!path.isEmpty(), qPrintable(why));
        auto f = GgufFile::open(path.toStdString());
        QVERIFY2(f.is_ok(), f.message().c_str());
        QCOMPARE(f.value()->get_uint("general.file_type").value(), uint64_t(7));
        QCOMPARE(f.value()->find_tensor("blk.0.ffn_down.weight")->type, GgmlType::Q8_0);
        QCOMPARE(f.value()->find_tensor("blk.0.attn_norm.weight")->type, GgmlType::F32);
        QCOMPARE(f.value()->find_tensor("blk.0.attn_k.bias")->type, GgmlType::F32);
        const QString km = convert(kHf + "/llama-f32", "q4_k_m", &why);
        QVERIFY2(!km.isEmpty(), qPrintable(why));
        auto k = GgufFile::open(km.toStdString());
        QVERIFY2(k.is_ok(), k.message().c_str());
        QCOMPARE(k.value()->get_uint("general.file_type").value(), uint64_t(15));
        // hidden 128 rows are not whole 256-element K blocks: the mix falls back to Q8_0
        QCOMPARE(k.value()->find_tensor("blk.0.attn_q.weight")->type, GgmlType::Q8_0);
        QCOMPARE(k.value()->find_tensor("rope_freqs.weight")->type, GgmlType::F32);
        bool skip = false;
        std::vector<float> got = logits(path, "seq64", &skip, &why);
        if (skip) QSKIP(qPrintable("rwb logits is not built yet: " + why));
        QVERIFY2(!got.empty(), qPrintable(why));
        const auto ref = read_f32(kHf + "/logits/qwen2-f32.seq64.f32");
        const double err = max_row_rel_l2(
            got, ref, size_t(read_json(kHf + "/qwen2-f32/config.json")["vocab_size"].toInt()));
        qInfo("qwen2-f32 --type q8_0 seq64: max rel L2 %.3e", err);
        QVERIFY(err < 0.05);
    }

    // Tied embeddings (no lm_head in the checkpoint): no output.weight, as llama.cpp expects, and
    // the oracle then uses token_embd as the output projection.
    void tied_embeddings_have_no_output_tensor() {
        QTemporaryDir dir;
        const QString folder = dir.filePath("tied");
        QVERIFY(copy_dir(kHf + "/qwen2-f32", folder));
        QVERIFY(rewrite_safetensors(folder + "/model.safetensors",
                                    [](QJsonObject& h) { h.remove("lm_head.weight"); }));
        QJsonObject cfg = read_json(folder + "/config.json");
        cfg["tie_word_embeddings"] = true;
        QVERIFY(write_bytes(folder + "/config.json", QJsonDocument(cfg).toJson()));
        QString why;
        const QString path = convert(folder, "q4_0", &why);
        QVERIFY2(!path.isEmpty(), qPrintable(why));
        auto f = GgufFile::open(path.toStdString());
        QVERIFY2(f.is_ok(), f.message().c_str());
        QVERIFY(f.value()->find_tensor("output.weight") == nullptr);
        QCOMPARE(f.value()->tensors().size(), size_t(2 + 2 * 12));
        // token_embd is now the output: the mix's output rule (Q6_K, which rows of 64 cannot
        // hold, so Q8_0) instead of the base Q4_0 the other weights get
        QCOMPARE(f.value()->find_tensor("token_embd.weight")->type, GgmlType::Q8_0);
        QCOMPARE(f.value()->find_tensor("blk.0.ffn_up.weight")->type, GgmlType::Q4_0);
        std::string error;
        const auto logits = rwb::testing::reference_forward(*f.value(), {1, 2, 3}, error);
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(logits.size(), size_t(3 * cfg["vocab_size"].toInt()));
    }

    void errors_are_one_line_and_write_nothing_data() {
        QTest::addColumn<QString>("edit");
        QTest::addColumn<QString>("expected");
        QTest::newRow("gpt2") << "gpt2"
                              << "unsupported architecture GPT2LMHeadModel (supported: "
                                 "Qwen2ForCausalLM, LlamaForCausalLM)";
        QTest::newRow("tokenizer") << "tokenizer"
                                   << "pre-tokenizer";
        QTest::newRow("no config") << "no-config"
                                   << "no config.json";
        QTest::newRow("truncated weights") << "truncate"
                                           << "model.safetensors";
        QTest::newRow("bad type") << "bad-type"
                                  << "unknown type 'q3_k'";
        QTest::newRow("shape") << "shape"
                               << "config.json implies";
        QTest::newRow("no lm_head, untied") << "no-lm-head"
                                            << "missing tensor lm_head.weight";
        QTest::newRow("extra tensor") << "extra"
                                      << "unexpected tensor model.layers.0.mlp.extra.weight";
        QTest::newRow("int weights")
            << "int-dtype"
            << "model.layers.1.mlp.up_proj.weight has unsupported dtype I32";
    }
    void errors_are_one_line_and_write_nothing() {
        QFETCH(QString, edit);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString folder = dir.filePath("model");
        QVERIFY(copy_dir(kHf + "/qwen2-f32", folder));
        QString type = "f32";
        if (edit == "gpt2" || edit == "shape") {
            QJsonObject cfg = read_json(folder + "/config.json");
            if (edit == "gpt2")
                cfg["architectures"] = QJsonArray{"GPT2LMHeadModel"};
            else
                cfg["intermediate_size"] = cfg["intermediate_size"].toInt() * 2;
            QVERIFY(write_bytes(folder + "/config.json", QJsonDocument(cfg).toJson()));
        } else if (edit == "tokenizer") {
            QFile f(folder + "/tokenizer.json");
            QVERIFY(f.open(QIODevice::ReadOnly));
            QByteArray text = f.readAll();
            f.close();
            const QByteArray from = R"(\\p{N}|)";
            QVERIFY(text.contains(from));
            text.replace(from, R"(\\p{N}{1,5}|)"); // neither Qwen2's nor Llama 3's pattern
            QVERIFY(write_bytes(folder + "/tokenizer.json", text));
        } else if (edit == "no-config") {
            QVERIFY(QFile::remove(folder + "/config.json"));
        } else if (edit == "truncate") {
            QFile f(folder + "/model.safetensors");
            QVERIFY(f.resize(f.size() / 2));
        } else if (edit == "no-lm-head") {
            QVERIFY(rewrite_safetensors(folder + "/model.safetensors",
                                        [](QJsonObject& h) { h.remove("lm_head.weight"); }));
        } else if (edit == "extra") {
            QVERIFY(rewrite_safetensors(folder + "/model.safetensors", [](QJsonObject& h) {
                h["model.layers.0.mlp.extra.weight"] = h["model.norm.weight"];
            }));
        } else if (edit == "int-dtype") {
            QVERIFY(rewrite_safetensors(folder + "/model.safetensors", [](QJsonObject& h) {
                QJsonObject e = h["model.layers.1.mlp.up_proj.weight"].toObject();
                e["dtype"] = "I32";
                h["model.layers.1.mlp.up_proj.weight"] = e;
            }));
        } else if (edit == "bad-type") {
            type = "q3_k";
        }
        const QString out = dir.filePath("out.gguf");
        Run r = run_rwb({"convert", folder, "-o", out, "--type", type});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(!QFileInfo::exists(out));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 0); // no temporary left either
    }
};

QTEST_GUILESS_MAIN(TstConvertHf)
#include "tst_convert_hf.moc"
