// GgufFile against llama.cpp's own files (tests/data/reference/models, facts from its README):
// architecture, hyper-parameters, tokenizer keys, every tensor's name/shape/type, data placement
// inside the mapping, exact tensor bytes (f32/bf16 vs the dequantized reference), that open
// does not read the weights, and the typed accessors' errors.
#include "gguf/gguf_file.h"
#include "gguf/gguf_metadata.h"
#include "gguf_test_paths.h"
#include "reference_facts.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

using namespace rwb;
using namespace rwb::gguf;
using namespace gguf_test;

namespace {

std::shared_ptr<GgufFile> open_or_die(const QString& path) {
    auto f = GgufFile::open(path.toStdString());
    if (!f) qFatal("%s: %s", qPrintable(path), f.message().c_str());
    return f.value();
}

std::vector<uint8_t> read_bytes(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

#ifdef __linux__
uint64_t resident_bytes() {
    std::ifstream in("/proc/self/statm");
    uint64_t size = 0, resident = 0;
    in >> size >> resident;
    return resident * 4096;
}
#endif

} // namespace

class TstGgufReader : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY2(QDir(models_dir()).exists(),
                 qPrintable("reference models missing: " + models_dir()));
    }

    void metadata_matches_readme_data() {
        QTest::addColumn<QString>("name");
        for (const auto& n : reference_model_names()) QTest::newRow(qPrintable(n)) << n;
    }
    void metadata_matches_readme() {
        QFETCH(QString, name);
        auto f = open_or_die(model_path(name));
        const ArchFacts a = facts_for(name);
        QCOMPARE(f->version(), 3u);
        QCOMPARE(f->alignment(), uint64_t(32));
        QCOMPARE(f->data_offset() % 32, uint64_t(0));
        QCOMPARE(f->file_size(), uint64_t(QFileInfo(model_path(name)).size()));
        QCOMPARE(*architecture(*f), a.arch);
        QCOMPARE(*arch_uint(*f, "block_count"), uint64_t(2));
        QCOMPARE(*arch_uint(*f, "context_length"), a.context);
        QCOMPARE(*arch_uint(*f, "embedding_length"), uint64_t(256));
        QCOMPARE(*arch_uint(*f, "feed_forward_length"), a.n_ff);
        QCOMPARE(*arch_uint(*f, "attention.head_count"), uint64_t(4));
        QCOMPARE(*arch_uint(*f, "attention.head_count_kv"), uint64_t(2));
        QCOMPARE(*arch_float(*f, "rope.freq_base"), a.rope_base);
        QCOMPARE(arch_key(*f, "attention.layer_norm_rms_epsilon")->type, ValueType::FLOAT32);
        QCOMPARE(*arch_float(*f, "attention.layer_norm_rms_epsilon"), double(float(a.rms_eps)));
        QCOMPARE(arch_key(*f, "rope.dimension_count") != nullptr, a.arch == "llama");
        QCOMPARE(file_type(*f).value_or(9999), expected_ftype(name));

        QCOMPARE(*f->get_string("tokenizer.ggml.model"), std::string("gpt2"));
        QCOMPARE(*f->get_string("tokenizer.ggml.pre"), a.pre);
        auto tokens = f->get_string_array("tokenizer.ggml.tokens");
        QVERIFY2(tokens, tokens.message().c_str());
        QCOMPARE(tokens->size(), size_t(1024));
        QCOMPARE((*tokens)[65], std::string("A"));        // GPT-2 byte tokens in byte order
        QCOMPARE((*tokens)[32], std::string("\xc4\xa0")); // space is U+0120 in GPT-2's map
        QCOMPARE(f->get_string_array("tokenizer.ggml.merges")->size(), size_t(35));
        QCOMPARE(*f->get_uint("tokenizer.ggml.bos_token_id"), a.bos);
        QCOMPARE(*f->get_uint("tokenizer.ggml.eos_token_id"), a.eos);
        QCOMPARE(*f->get_bool("tokenizer.ggml.add_bos_token"), a.add_bos);
        if (a.arch == "qwen2") {
            QCOMPARE((*tokens)[1021], std::string("<|endoftext|>"));
            QCOMPARE((*tokens)[1023], std::string("<|im_end|>"));
        } else {
            QCOMPARE((*tokens)[1019], std::string("<|begin_of_text|>"));
            QCOMPARE((*tokens)[1023], std::string("<|eot_id|>"));
        }
    }

    void tensors_match_readme_data() { metadata_matches_readme_data(); }
    void tensors_match_readme() {
        QFETCH(QString, name);
        auto f = open_or_die(model_path(name));
        const auto expected = expected_tensors(facts_for(name));
        QCOMPARE(f->tensors().size(), expected.size());
        uint64_t params = 0;
        for (const auto& [tname, ne] : expected) {
            const TensorInfo* t = f->find_tensor(tname);
            QVERIFY2(t, tname.c_str());
            QCOMPARE(t->ne, ne);
            QCOMPARE(t->type, expected_type(name, tname, ne.size()));
            uint64_t n = 1;
            for (uint64_t d : ne) n *= d;
            QCOMPARE(t->n_elements, n);
            QCOMPARE(t->n_bytes, *ggml_row_bytes(t->type, ne[0]) * (n / ne[0]));
            params += n;
        }
        QCOMPARE(parameter_count(*f), params);
        QVERIFY(f->find_tensor("blk.2.attn_q.weight") == nullptr);
        QVERIFY(f->find_tensor("") == nullptr);
    }

    void tensor_data_lies_inside_the_mapping_data() { metadata_matches_readme_data(); }
    void tensor_data_lies_inside_the_mapping() {
        QFETCH(QString, name);
        auto f = open_or_die(model_path(name));
        QVERIFY(f->is_mapped());
        const uint8_t* begin = f->mapped_data();
        const uint8_t* end = begin + f->file_size();
        uint64_t total = 0;
        for (const auto& t : f->tensors()) {
            const uint8_t* p = f->tensor_data(t);
            QVERIFY(p >= begin + f->data_offset());
            QVERIFY(p + t.n_bytes <= end);
            QCOMPARE(uint64_t(p - begin) % f->alignment(), uint64_t(0));
            total += t.n_bytes;
        }
        // llama.cpp pads each tensor to 32 bytes: the data section is the tensors and padding.
        QVERIFY(f->data_offset() + total <= f->file_size());
        QVERIFY(f->file_size() - f->data_offset() - total < 32 * f->tensors().size());
    }

    // f32 tensors are stored as is; bf16 widens to f32 by a 16-bit shift: both must equal
    // llama.cpp's dequantized blk.0.ffn_down.weight.
    void tensor_bytes_equal_reference_dequant_data() {
        QTest::addColumn<QString>("name");
        for (const char* n :
             {"qwen2-tiny-f32", "llama-tiny-f32", "qwen2-tiny-bf16", "llama-tiny-bf16"})
            QTest::newRow(n) << QString(n);
    }
    void tensor_bytes_equal_reference_dequant() {
        QFETCH(QString, name);
        auto f = open_or_die(model_path(name));
        const auto ref =
            read_bytes(reference_dir() + "/dequant/" + name + ".blk.0.ffn_down.weight.f32");
        const TensorInfo* t = f->find_tensor("blk.0.ffn_down.weight");
        QVERIFY(t);
        QCOMPARE(uint64_t(ref.size()), t->n_elements * 4);
        const uint8_t* p = f->tensor_data(*t);
        if (t->type == GgmlType::F32) {
            QVERIFY(std::memcmp(p, ref.data(), ref.size()) == 0);
        } else {
            QCOMPARE(t->type, GgmlType::BF16);
            for (uint64_t k = 0; k < t->n_elements; ++k) {
                uint16_t b;
                uint32_t r;
                std::memcpy(&b, p + 2 * k, 2);
                std::memcpy(&r, ref.data() + 4 * k, 4);
                QCOMPARE(uint32_t(b) << 16, r);
            }
        }
    }

    void rope_freqs_match_readme() {
        auto f = open_or_die(model_path("llama-tiny-f32"));
        const TensorInfo* t = f->find_tensor("rope_freqs.weight");
        QVERIFY(t);
        std::vector<float> v(32);
        std::memcpy(v.data(), f->tensor_data(*t), 32 * 4);
        for (int k = 0; k < 15; ++k) QCOMPARE(v[k], 1.0f);
        QVERIFY(std::fabs(v[15] - 1.5534146f) < 1e-6f);
        QVERIFY(std::fabs(v[16] - 2.69453f) < 1e-5f);
        QVERIFY(std::fabs(v[17] - 5.257327f) < 1e-5f);
        for (int k = 18; k < 32; ++k) QCOMPARE(v[k], 8.0f);
    }

    // The weights stay on disk until used: opening the 8 MB f32 model adds far less than its
    // size to the resident set, touching every tensor afterwards adds about all of it.
    void open_does_not_read_tensor_data() {
#ifdef __linux__
        const QString path = model_path("llama-tiny-f32");
        const uint64_t size = uint64_t(QFileInfo(path).size());
        const uint64_t before = resident_bytes();
        auto f = open_or_die(path);
        const uint64_t after_open = resident_bytes();
        QVERIFY2(after_open - before < size / 4,
                 qPrintable(QString("open grew RSS by %1 bytes").arg(after_open - before)));
        volatile uint8_t sink = 0;
        for (const auto& t : f->tensors())
            for (uint64_t k = 0; k < t.n_bytes; k += 512) sink = sink + f->tensor_data(t)[k];
        const uint64_t after_touch = resident_bytes();
        QVERIFY2(
            after_touch - after_open > size / 2,
            qPrintable(QString("touching grew RSS by %1 bytes").arg(after_touch - after_open)));
#else
        QSKIP("RSS is read from /proc on Linux");
#endif
    }

    void typed_accessors_report_what_they_found() {
        auto f = open_or_die(model_path("qwen2-tiny-q8_0"));
        auto s = f->get_string("qwen2.block_count");
        QVERIFY(!s);
        QCOMPARE(s.message(),
                 std::string("gguf: key 'qwen2.block_count' is a uint32, expected a string"));
        auto missing = f->get_uint("qwen2.no_such_key");
        QVERIFY(!missing);
        QCOMPARE(missing.message(), std::string("gguf: key 'qwen2.no_such_key' not found"));
        auto u = f->get_uint("qwen2.rope.freq_base");
        QVERIFY(!u);
        QVERIFY(u.message().find("is a float32, expected an unsigned integer") !=
                std::string::npos);
        QVERIFY(!f->get_int_array("tokenizer.ggml.tokens"));
        QVERIFY(f->get_int_array("tokenizer.ggml.tokens").message().find("an array of string") !=
                std::string::npos);
        QVERIFY(!f->get_bool("general.architecture"));
        QVERIFY(!f->get_string_array("tokenizer.ggml.token_type"));
        QCOMPARE(*f->get_float("qwen2.block_count"), 2.0);
        QCOMPARE(*f->get_int("qwen2.block_count"), int64_t(2));
        auto types = f->get_int_array("tokenizer.ggml.token_type");
        QVERIFY2(types, types.message().c_str());
        QCOMPARE(types->size(), size_t(1024));
        QCOMPARE((*types)[1023], int64_t(3)); // control token
        QCOMPARE((*types)[0], int64_t(1));    // normal token
        QCOMPARE(f->find("no.such.key"), nullptr);
    }

    void refuses_what_is_not_a_gguf_file() {
        QTemporaryDir dir;
        auto missing = GgufFile::open((dir.path() + "/nope.gguf").toStdString());
        QVERIFY(!missing);
        QVERIFY(missing.message().find("cannot open") != std::string::npos);
        QVERIFY(missing.message().find("No such file") != std::string::npos);
        auto directory = GgufFile::open(dir.path().toStdString());
        QVERIFY(!directory);
        QVERIFY(directory.message().find("is not a regular file") != std::string::npos);
        QFile empty(dir.path() + "/empty.gguf");
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        auto e = GgufFile::open(empty.fileName().toStdString());
        QVERIFY(!e);
        QVERIFY(e.message().find("is empty") != std::string::npos);
        QFile text(dir.path() + "/text.gguf");
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("hello, world: not a model\n");
        text.close();
        auto t = GgufFile::open(text.fileName().toStdString());
        QVERIFY(!t);
        QCOMPARE(t.message(), std::string("gguf: not a GGUF file (magic 'hell', expected 'GGUF')"));
    }

    void open_memory_parses_the_same_as_open() {
        const auto bytes = read_bytes(model_path("llama-tiny-q4_k_m"));
        auto m = GgufFile::open_memory(bytes, "copy");
        QVERIFY2(m, m.message().c_str());
        auto f = open_or_die(model_path("llama-tiny-q4_k_m"));
        QVERIFY(!(*m)->is_mapped());
        QCOMPARE((*m)->metadata().size(), f->metadata().size());
        QCOMPARE((*m)->tensors().size(), f->tensors().size());
        for (size_t k = 0; k < f->tensors().size(); ++k) {
            const auto& a = f->tensors()[k];
            const auto& b = (*m)->tensors()[k];
            QCOMPARE(a.name, b.name);
            QCOMPARE(a.offset, b.offset);
            QVERIFY(std::memcmp(f->tensor_data(a), (*m)->tensor_data(b), a.n_bytes) == 0);
        }
    }

    void helpers_name_file_types_and_counts() {
        QCOMPARE(file_type_name(15), std::string("Q4_K_M"));
        QCOMPARE(file_type_name(17), std::string("Q5_K_M"));
        QCOMPARE(file_type_name(18), std::string("Q6_K"));
        QCOMPARE(file_type_name(7), std::string("Q8_0"));
        QCOMPARE(file_type_name(1), std::string("F16"));
        QCOMPARE(file_type_name(0), std::string("F32"));
        QCOMPARE(file_type_name(32), std::string("BF16"));
        QCOMPARE(file_type_name(2), std::string("Q4_0"));
        QCOMPARE(file_type_name(1024 + 15), std::string("Q4_K_M (guessed)"));
        QCOMPARE(file_type_name(99), std::string("unknown (99)"));
        QCOMPARE(human_count(1543714304), std::string("1.54 B"));
        QCOMPARE(human_count(494032768), std::string("494 M"));
        QCOMPARE(human_count(70553706496ULL), std::string("70.6 B"));
        QCOMPARE(human_count(999), std::string("999"));
        QCOMPARE(human_bytes(8415264), std::string("8.03 MiB"));
        QCOMPARE(human_bytes(512), std::string("512 B"));
        auto f = open_or_die(model_path("llama-tiny-q6_k"));
        QCOMPARE(arch_key_name(*f, "context_length"), std::string("llama.context_length"));
        QVERIFY(!chat_template(*f)); // the tiny models carry no chat template
    }
};

QTEST_GUILESS_MAIN(TstGgufReader)
#include "tst_gguf_reader.moc"
