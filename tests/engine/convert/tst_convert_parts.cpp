// Parts of `rwb convert` on their own: the safetensors reader against well-formed and malformed
// files written here byte by byte (each malformation must give a one-line error, never a crash),
// config.json parsing (classic and transformers-5 rope layouts, unsupported architectures), and
// the Llama Q/K row order checked against its definition as a reshape/transpose.
#include "convert/hf_config.h"
#include "convert/llama_layout.h"
#include "convert/safetensors.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

using namespace rwb::convert;

namespace {

std::string write_file(const QString& dir, const std::string& name, const std::string& bytes) {
    const std::string path = (dir + "/" + QString::fromStdString(name)).toStdString();
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

std::string u64le(uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

// A safetensors file from a header text and a data section.
std::string safetensors_bytes(const std::string& header, const std::string& data) {
    return u64le(header.size()) + header + data;
}

std::string floats(const std::vector<float>& v) {
    std::string s(v.size() * 4, '\0');
    std::memcpy(s.data(), v.data(), s.size());
    return s;
}

} // namespace

class TstConvertParts : public QObject {
    Q_OBJECT

private slots:
    void reads_a_wellformed_file() {
        QTemporaryDir dir;
        const std::string header =
            R"({"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
            R"("b":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]}})";
        std::string data =
            floats({1, 2, 3, 4, 5, 6}) + std::string("\x80\x3f\x00\x40\x00\x00\x80\xbf", 8);
        auto f = SafetensorsFile::open(
            write_file(dir.path(), "x.safetensors", safetensors_bytes(header, data)));
        QVERIFY2(f.is_ok(), f.message().c_str());
        QCOMPARE(f.value()->tensors().size(), size_t(2));
        const SafeTensor* a = f.value()->find("a");
        QVERIFY(a != nullptr);
        QCOMPARE(a->shape, (std::vector<uint64_t>{2, 3}));
        QCOMPARE(a->n_bytes, uint64_t(24));
        float v5;
        std::memcpy(&v5, a->data + 5 * 4, 4);
        QCOMPARE(v5, 6.0f);
        const SafeTensor* b = f.value()->find("b");
        QVERIFY(b != nullptr);
        QCOMPARE(b->dtype, SafeDtype::BF16);
        QVERIFY(f.value()->find("__metadata__") == nullptr);
    }

    void rejects_malformed_files_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        auto add = [](const char* name, const std::string& bytes, const char* expected) {
            QTest::newRow(name) << QByteArray(bytes.data(), static_cast<int>(bytes.size()))
                                << QString(expected);
        };
        const std::string ok_data = floats({1, 2});
        add("too small", "abc", "too small");
        add("header longer than file", u64le(1000) + "{}", "exceeds the file");
        add("huge header length", u64le(~0ull) + "{}", "exceeds the file");
        add("not json", safetensors_bytes("{not json", ok_data), "not valid JSON");
        add("json array", safetensors_bytes("[1,2]", ok_data), "not valid JSON");
        add("unknown dtype",
            safetensors_bytes(R"({"a":{"dtype":"F7","shape":[2],"data_offsets":[0,8]}})", ok_data),
            "unknown dtype F7");
        add("offsets past end",
            safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,800]}})",
                              ok_data),
            "outside the file");
        add("offsets reversed",
            safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", ok_data),
            "outside the file");
        add("size mismatch",
            safetensors_bytes(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", ok_data),
            "does not match");
        add("negative shape",
            safetensors_bytes(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})",
                              ok_data),
            "non-negative");
        add("overflowing shape",
            safetensors_bytes(
                R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})",
                ok_data),
            "overflows");
        add("missing offsets", safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2]}})", ok_data),
            "data_offsets");
    }
    void rejects_malformed_files() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        auto f = SafetensorsFile::open(write_file(dir.path(), "bad.safetensors",
                                                  std::string(bytes.constData(), bytes.size())));
        QVERIFY(!f.is_ok());
        QVERIFY2(QString::fromStdString(f.message()).contains(expected), f.message().c_str());
        QVERIFY(f.message().find('\n') == std::string::npos);
    }

    void reads_a_sharded_index() {
        QTemporaryDir dir;
        write_file(dir.path(), "s-1.safetensors",
                   safetensors_bytes(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                     floats({7})));
        write_file(dir.path(), "s-2.safetensors",
                   safetensors_bytes(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                     floats({8})));
        write_file(dir.path(), "model.safetensors.index.json",
                   R"({"metadata":{},"weight_map":{"a":"s-1.safetensors","b":"s-2.safetensors"}})");
        auto m = SafetensorsModel::open_dir(dir.path().toStdString());
        QVERIFY2(m.is_ok(), m.message().c_str());
        QCOMPARE(m->n_files(), size_t(2));
        QCOMPARE(m->names(), (std::vector<std::string>{"a", "b"}));
        float b;
        std::memcpy(&b, m->find("b")->data, 4);
        QCOMPARE(b, 8.0f);

        // An index naming a tensor its shard lacks, or a path leaving the folder, is refused.
        write_file(dir.path(), "model.safetensors.index.json",
                   R"({"weight_map":{"a":"s-2.safetensors"}})");
        auto missing = SafetensorsModel::open_dir(dir.path().toStdString());
        QVERIFY(!missing.is_ok());
        QVERIFY2(QString::fromStdString(missing.message()).contains("not in it"),
                 missing.message().c_str());
        write_file(dir.path(), "model.safetensors.index.json",
                   R"({"weight_map":{"a":"../s-1.safetensors"}})");
        auto escape = SafetensorsModel::open_dir(dir.path().toStdString());
        QVERIFY(!escape.is_ok());
        QVERIFY2(QString::fromStdString(escape.message()).contains("invalid shard"),
                 escape.message().c_str());
    }

    void reports_a_folder_without_weights() {
        QTemporaryDir dir;
        auto m = SafetensorsModel::open_dir(dir.path().toStdString());
        QVERIFY(!m.is_ok());
        QVERIFY2(QString::fromStdString(m.message()).contains("no model.safetensors"),
                 m.message().c_str());
    }

    void parses_classic_and_rope_parameters_configs() {
        const std::string classic = R"({"architectures":["LlamaForCausalLM"],"vocab_size":100,
            "hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,
            "num_key_value_heads":2,"rms_norm_eps":1e-5,"rope_theta":500000.0,
            "rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,
            "high_freq_factor":4.0,"original_max_position_embeddings":8192},
            "max_position_embeddings":131072})";
        auto c = parse_hf_config(classic);
        QVERIFY2(c.is_ok(), c.message().c_str());
        QCOMPARE(c->arch, HfArch::Llama);
        QCOMPARE(c->head_dim, int64_t(16));
        QCOMPARE(c->rope_theta, 500000.0);
        QVERIFY(c->has_llama3_rope);
        QCOMPARE(c->llama3.high_freq_factor, 4.0);
        QVERIFY(!c->attention_bias);

        const std::string v5 = R"({"architectures":["Qwen2ForCausalLM"],"vocab_size":100,
            "hidden_size":64,"intermediate_size":128,"num_hidden_layers":2,"num_attention_heads":4,
            "num_key_value_heads":2,"rms_norm_eps":1e-6,
            "rope_parameters":{"rope_type":"default","rope_theta":10000.0}})";
        auto q = parse_hf_config(v5);
        QVERIFY2(q.is_ok(), q.message().c_str());
        QCOMPARE(q->arch, HfArch::Qwen2);
        QCOMPARE(q->rope_theta, 10000.0);
        QVERIFY(!q->has_llama3_rope);
        QVERIFY(q->attention_bias);
    }

    void rejects_unsupported_configs_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        const QString base = R"("vocab_size":100,"hidden_size":64,"intermediate_size":128,
            "num_hidden_layers":2,"num_attention_heads":4)";
        QTest::newRow("gpt2") << (R"({"architectures":["GPT2LMHeadModel"],)" + base + "}")
                              << "unsupported architecture GPT2LMHeadModel (supported: "
                                 "Qwen2ForCausalLM, LlamaForCausalLM)";
        QTest::newRow("no arch") << ("{" + base + "}") << "missing architectures";
        QTest::newRow("bad json") << "{\"architectures\": ["
                                  << "not valid JSON";
        QTest::newRow("missing hidden")
            << R"({"architectures":["LlamaForCausalLM"],"vocab_size":100})"
            << "missing hidden_size";
        QTest::newRow("yarn")
            << (R"({"architectures":["LlamaForCausalLM"],"rope_scaling":{"type":"yarn","factor":4},)" +
                base + "}")
            << "unsupported rope scaling type 'yarn'";
        QTest::newRow("uneven heads")
            << (R"({"architectures":["LlamaForCausalLM"],"num_key_value_heads":3,)" + base + "}")
            << "do not divide evenly";
    }
    void rejects_unsupported_configs() {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        auto c = parse_hf_config(json.toStdString());
        QVERIFY(!c.is_ok());
        QVERIFY2(QString::fromStdString(c.message()).contains(expected), c.message().c_str());
    }

    // Definition: view a head's rows as [2][d/2], transpose to [d/2][2] (reshape(n_head, 2, d/2,
    // ...).swapaxes(1, 2)); GGUF row h*d + 2i + j is then HF row h*d + j*d/2 + i.
    void llama_qk_order_is_the_half_swap_transpose() {
        const int64_t d = 8, n_head = 3;
        std::vector<int64_t> hf(static_cast<size_t>(n_head * d));
        for (int64_t r = 0; r < n_head * d; ++r) hf[size_t(r)] = r;
        std::vector<int64_t> expect;
        for (int64_t h = 0; h < n_head; ++h)
            for (int64_t i = 0; i < d / 2; ++i)
                for (int64_t j = 0; j < 2; ++j)
                    expect.push_back(hf[size_t(h * d + j * (d / 2) + i)]);
        std::vector<int64_t> got;
        for (int64_t r = 0; r < n_head * d; ++r) got.push_back(llama_qk_source_row(r, d));
        QCOMPARE(got, expect);
        QCOMPARE(got[1], int64_t(4)); // row 1 of head 0 is HF row d/2: the rotate_half partner
    }

    // Llama 3.1 factors for head_dim 64, theta 500000: the values in the reference GGUF made by
    // llama.cpp's converter (tests/data/reference/README.md): 15 ones, a smooth ramp, then 8.
    void llama3_rope_factors_match_llamacpp() {
        Llama3RopeScaling s;
        auto f = llama3_rope_freq_factors(s, 500000.0, 64);
        QCOMPARE(f.size(), size_t(32));
        for (int i = 0; i <= 14; ++i) QCOMPARE(f[size_t(i)], 1.0f);
        QVERIFY(qAbs(f[15] - 1.5534146f) < 1e-6f);
        QVERIFY(qAbs(f[16] - 2.69453f) < 1e-5f);
        QVERIFY(qAbs(f[17] - 5.257327f) < 1e-5f);
        for (int i = 18; i < 32; ++i) QCOMPARE(f[size_t(i)], 8.0f);
    }
};

QTEST_GUILESS_MAIN(TstConvertParts)
#include "tst_convert_parts.moc"
