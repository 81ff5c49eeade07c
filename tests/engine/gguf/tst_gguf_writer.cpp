// GgufWriter -> GgufFile round trips: every scalar and array value type (nested arrays too),
// tensors of several types under several alignments, a 150k-token vocabulary; re-writing every
// llama.cpp reference model gives back its exact bytes; failures (producer error, missing
// directory, file size limit, invalid input) leave no file and no temporary behind.
#include "gguf/gguf_file.h"
#include "gguf/gguf_writer.h"
#include "gguf_test_paths.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#ifdef __linux__
#include <csignal>
#include <sys/resource.h>
#endif

using namespace rwb;
using namespace rwb::gguf;
using namespace gguf_test;

namespace {

Value scalar(ValueType t) {
    Value v;
    v.type = t;
    return v;
}
Value uval(ValueType t, uint64_t u) {
    Value v = scalar(t);
    v.u = u;
    return v;
}
Value ival(ValueType t, int64_t i) {
    Value v = scalar(t);
    v.i = i;
    return v;
}
Value fval(ValueType t, double f) {
    Value v = scalar(t);
    v.f = f;
    return v;
}
Value int_array(ValueType et, std::vector<int64_t> xs) {
    Value v = scalar(ValueType::ARRAY);
    v.elem_type = et;
    v.ints = std::move(xs);
    return v;
}
Value float_array(ValueType et, std::vector<double> xs) {
    Value v = scalar(ValueType::ARRAY);
    v.elem_type = et;
    v.floats = std::move(xs);
    return v;
}
Value string_array(std::vector<std::string> xs) {
    Value v = scalar(ValueType::ARRAY);
    v.elem_type = ValueType::STRING;
    v.strings = std::move(xs);
    return v;
}
Value array_of(std::vector<Value> items) {
    Value v = scalar(ValueType::ARRAY);
    v.elem_type = ValueType::ARRAY;
    v.items = std::move(items);
    return v;
}

bool same(const Value& a, const Value& b) {
    if (a.type != b.type || a.u != b.u || a.i != b.i || a.s != b.s) return false;
    if (!(a.f == b.f || (std::isnan(a.f) && std::isnan(b.f)))) return false;
    if (a.type != ValueType::ARRAY) return true;
    if (a.elem_type != b.elem_type || a.strings != b.strings || a.ints != b.ints ||
        a.floats != b.floats || a.items.size() != b.items.size())
        return false;
    for (size_t k = 0; k < a.items.size(); ++k)
        if (!same(a.items[k], b.items[k])) return false;
    return true;
}

std::vector<uint8_t> read_bytes(const QString& path) {
    std::ifstream in(path.toStdString(), std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
    std::vector<uint8_t> v(n);
    for (size_t k = 0; k < n; ++k) v[k] = uint8_t(seed + k * 7);
    return v;
}

// Every value the writer can express, with edge values.
std::vector<MetaEntry> every_value() {
    std::vector<MetaEntry> m;
    auto add = [&](std::string k, Value v) { m.push_back({std::move(k), std::move(v)}); };
    add("t.u8", uval(ValueType::UINT8, 255));
    add("t.i8", ival(ValueType::INT8, -128));
    add("t.u16", uval(ValueType::UINT16, 65535));
    add("t.i16", ival(ValueType::INT16, -32768));
    add("t.u32", uval(ValueType::UINT32, 4294967295u));
    add("t.i32", ival(ValueType::INT32, std::numeric_limits<int32_t>::min()));
    add("t.u64", uval(ValueType::UINT64, std::numeric_limits<uint64_t>::max()));
    add("t.i64", ival(ValueType::INT64, std::numeric_limits<int64_t>::min()));
    add("t.f32", fval(ValueType::FLOAT32, double(1.0f / 3.0f)));
    add("t.f32nan", fval(ValueType::FLOAT32, std::nan("")));
    add("t.f64", fval(ValueType::FLOAT64, M_PI));
    add("t.bool_true", uval(ValueType::BOOL, 1));
    add("t.bool_false", uval(ValueType::BOOL, 0));
    Value s = scalar(ValueType::STRING);
    s.s = std::string("caf\xc3\xa9 \xe6\xbc\xa2\0nul", 13);
    add("t.string", s);
    add("t.empty_string", scalar(ValueType::STRING));
    add("t.a_u8", int_array(ValueType::UINT8, {0, 1, 255}));
    add("t.a_i8", int_array(ValueType::INT8, {-128, 0, 127}));
    add("t.a_u16", int_array(ValueType::UINT16, {0, 65535}));
    add("t.a_i16", int_array(ValueType::INT16, {-32768, 32767}));
    add("t.a_u32", int_array(ValueType::UINT32, {0, 4294967295LL}));
    add("t.a_i32", int_array(ValueType::INT32, {-2147483648LL, 2147483647}));
    add("t.a_u64", int_array(ValueType::UINT64, {0, -1})); // -1 = bit pattern of UINT64_MAX
    add("t.a_i64", int_array(ValueType::INT64, {std::numeric_limits<int64_t>::min(), 5}));
    add("t.a_bool", int_array(ValueType::BOOL, {1, 0, 1}));
    add("t.a_f32", float_array(ValueType::FLOAT32, {0.5, -2.25, 1e-6f}));
    add("t.a_f64", float_array(ValueType::FLOAT64, {M_E, -0.0, 1e300}));
    add("t.a_string", string_array({"", "a", std::string("\0\xff", 2), "\xf0\x9f\x98\x80"}));
    add("t.a_empty", int_array(ValueType::INT32, {}));
    add("t.a_empty_strings", string_array({}));
    add("t.nested_ints",
        array_of({int_array(ValueType::INT32, {1, 2}), int_array(ValueType::INT32, {}),
                  int_array(ValueType::INT32, {-3})}));
    add("t.nested_strings", array_of({string_array({"x", "y"}), string_array({"z"})}));
    add("t.nested3", array_of({array_of({float_array(ValueType::FLOAT64, {1.5})}), array_of({})}));
    return m;
}

} // namespace

class TstGgufWriter : public QObject {
    Q_OBJECT
private slots:
    void every_value_type_round_trips() {
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/values.gguf").toStdString();
        const auto values = every_value();
        GgufWriter w;
        for (const auto& e : values) w.add(e.key, e.value);
        w.add_uint8("h.u8", 7);
        w.add_uint32("h.u32", 123456);
        w.add_int32("h.i32", -5);
        w.add_uint64("h.u64", 1ULL << 40);
        w.add_float32("h.f32", 0.1f);
        w.add_bool("h.bool", true);
        w.add_string("h.string", "hello");
        w.add_string_array("h.strings", {"a", "bb"});
        w.add_int32_array("h.ints", {1, -2, 3});
        w.add_float32_array("h.floats", {0.25f, 1e-6f});
        QVERIFY(w.write(path));
        QVERIFY(!QFile::exists(QString::fromStdString(path + ".tmp")));

        auto f = GgufFile::open(path);
        QVERIFY2(f, f.message().c_str());
        QCOMPARE((*f)->version(), 3u);
        QCOMPARE((*f)->metadata().size(), values.size() + 10);
        for (size_t k = 0; k < values.size(); ++k) {
            QCOMPARE((*f)->metadata()[k].key, values[k].key); // order is kept
            QVERIFY2(same((*f)->metadata()[k].value, values[k].value), values[k].key.c_str());
        }
        QCOMPARE(*(*f)->get_uint("h.u8"), uint64_t(7));
        QCOMPARE(*(*f)->get_uint("h.u32"), uint64_t(123456));
        QCOMPARE(*(*f)->get_int("h.i32"), int64_t(-5));
        QCOMPARE(*(*f)->get_uint("h.u64"), uint64_t(1) << 40);
        QCOMPARE(*(*f)->get_float("h.f32"), double(0.1f));
        QCOMPARE(*(*f)->get_bool("h.bool"), true);
        QCOMPARE(*(*f)->get_string("h.string"), std::string("hello"));
        QCOMPARE(*(*f)->get_string_array("h.strings"), (std::vector<std::string>{"a", "bb"}));
        QCOMPARE(*(*f)->get_int_array("h.ints"), (std::vector<int64_t>{1, -2, 3}));
        QCOMPARE(*(*f)->get_float_array("h.floats"), (std::vector<double>{0.25, double(1e-6f)}));
        QCOMPARE(*(*f)->get_float_array("t.a_u16"), (std::vector<double>{0, 65535}));
        // UINT64 elements above INT64_MAX do not pass as int64.
        QVERIFY(!(*f)->get_int_array("t.a_u64"));
        QVERIFY(!(*f)->get_int("t.u64"));
        QCOMPARE(*(*f)->get_uint("t.u64"), std::numeric_limits<uint64_t>::max());
        QVERIFY(!(*f)->get_uint("t.i8")); // negative
        QCOMPARE((*f)->find("t.nested3")->items[0].items[0].floats, std::vector<double>{1.5});
    }

    void tensors_are_aligned_and_exact_data() {
        QTest::addColumn<int>("alignment");
        QTest::newRow("1") << 1;
        QTest::newRow("32") << 32;
        QTest::newRow("64") << 64;
        QTest::newRow("4096") << 4096;
    }
    void tensors_are_aligned_and_exact() {
        QFETCH(int, alignment);
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/t.gguf").toStdString();
        struct Spec {
            std::string name;
            GgmlType type;
            std::vector<uint64_t> ne;
            uint64_t bytes;
        };
        const std::vector<Spec> specs = {
            {"a", GgmlType::F32, {3}, 12},        {"b", GgmlType::Q4_0, {64, 3}, 2 * 18 * 3},
            {"c", GgmlType::F16, {5, 7}, 70},     {"d", GgmlType::Q6_K, {256, 1, 2}, 420},
            {"e", GgmlType::I8, {1, 1, 1, 9}, 9},
        };
        GgufWriter w;
        w.set_alignment(uint64_t(alignment));
        w.add_string("general.architecture", "test");
        int calls = 0;
        for (size_t k = 0; k < specs.size(); ++k) {
            const auto& s = specs[k];
            if (k % 2 == 0) {
                QVERIFY(w.add_tensor(s.name, s.type, s.ne, pattern(s.bytes, uint8_t(k))));
            } else {
                QVERIFY(w.add_tensor(s.name, s.type, s.ne, [&, k](std::span<uint8_t> out) {
                    ++calls;
                    if (out.size() != specs[k].bytes) return Status::error("wrong span size");
                    auto p = pattern(out.size(), uint8_t(k));
                    std::memcpy(out.data(), p.data(), p.size());
                    return Status::ok();
                }));
            }
        }
        QVERIFY(w.write(path));
        QCOMPARE(calls, 2);
        auto f = GgufFile::open(path);
        QVERIFY2(f, f.message().c_str());
        QCOMPARE((*f)->alignment(), uint64_t(alignment));
        QCOMPARE((*f)->find("general.alignment") != nullptr, alignment != 32);
        QCOMPARE((*f)->data_offset() % uint64_t(alignment), uint64_t(0));
        QCOMPARE((*f)->tensors().size(), specs.size());
        uint64_t expect_offset = 0;
        for (size_t k = 0; k < specs.size(); ++k) {
            const TensorInfo& t = (*f)->tensors()[k];
            QCOMPARE(t.name, specs[k].name);
            QCOMPARE(t.type, specs[k].type);
            QCOMPARE(t.ne, specs[k].ne);
            QCOMPARE(t.n_bytes, specs[k].bytes);
            QCOMPARE(t.offset, expect_offset);
            expect_offset += (specs[k].bytes + alignment - 1) / alignment * alignment;
            const auto want = pattern(specs[k].bytes, uint8_t(k));
            QVERIFY(std::memcmp((*f)->tensor_data(t), want.data(), want.size()) == 0);
        }
        QCOMPARE((*f)->file_size(), (*f)->data_offset() + expect_offset);
    }

    // llama.cpp wrote these files; our writer given the same metadata and tensors must
    // reproduce them byte for byte.
    void rewriting_reference_models_is_byte_identical_data() {
        QTest::addColumn<QString>("name");
        for (const auto& n : reference_model_names()) QTest::newRow(qPrintable(n)) << n;
    }
    void rewriting_reference_models_is_byte_identical() {
        QFETCH(QString, name);
        auto src = GgufFile::open(model_path(name).toStdString());
        QVERIFY2(src, src.message().c_str());
        const GgufFile& g = **src;
        GgufWriter w;
        w.set_alignment(g.alignment());
        for (const auto& e : g.metadata()) w.add(e.key, e.value);
        for (const auto& t : g.tensors()) {
            const uint8_t* p = g.tensor_data(t);
            QVERIFY(w.add_tensor(t.name, t.type, t.ne, [p](std::span<uint8_t> out) {
                std::memcpy(out.data(), p, out.size());
                return Status::ok();
            }));
        }
        QTemporaryDir dir;
        const QString out = dir.path() + "/copy.gguf";
        const Status st = w.write(out.toStdString());
        QVERIFY2(st, st.message().c_str());
        QVERIFY(read_bytes(out) == read_bytes(model_path(name)));
    }

    void large_vocabulary_round_trips() {
        std::vector<std::string> tokens, merges;
        for (int k = 0; k < 152000; ++k) tokens.push_back("tok" + std::to_string(k * 7919));
        for (int k = 0; k < 280000; ++k)
            merges.push_back("m" + std::to_string(k) + " " + std::to_string(k % 977));
        QTemporaryDir dir;
        const std::string path = (dir.path() + "/vocab.gguf").toStdString();
        GgufWriter w;
        w.add_string_array("tokenizer.ggml.tokens", tokens);
        w.add_string_array("tokenizer.ggml.merges", merges);
        w.add_int32_array("tokenizer.ggml.token_type", std::vector<int32_t>(tokens.size(), 1));
        QVERIFY(w.write(path));
        auto f = GgufFile::open(path);
        QVERIFY2(f, f.message().c_str());
        QVERIFY(*(*f)->get_string_array("tokenizer.ggml.tokens") == tokens);
        QVERIFY(*(*f)->get_string_array("tokenizer.ggml.merges") == merges);
        QCOMPARE((*f)->get_int_array("tokenizer.ggml.token_type")->size(), tokens.size());
    }

    void failed_producer_leaves_nothing_behind() {
        QTemporaryDir dir;
        const QString path = dir.path() + "/model.gguf";
        QFile old(path);
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("previous contents");
        old.close();
        GgufWriter w;
        w.add_string("general.architecture", "test");
        QVERIFY(w.add_tensor("ok", GgmlType::F32, {4}, pattern(16, 1)));
        QVERIFY(w.add_tensor("broken", GgmlType::F32, {4}, [](std::span<uint8_t>) {
            return Status::error("source tensor unreadable");
        }));
        const Status st = w.write(path.toStdString());
        QVERIFY(!st);
        QVERIFY2(st.message().find("producing tensor 'broken' failed: source tensor unreadable") !=
                     std::string::npos,
                 st.message().c_str());
        QVERIFY(!QFile::exists(path + ".tmp"));
        QCOMPARE(read_bytes(path),
                 (std::vector<uint8_t>{'p', 'r', 'e', 'v', 'i', 'o', 'u', 's', ' ', 'c', 'o', 'n',
                                       't', 'e', 'n', 't', 's'}));
    }

    void missing_directory_is_reported() {
        QTemporaryDir dir;
        GgufWriter w;
        w.add_bool("x.y", true);
        const Status st = w.write((dir.path() + "/no/such/dir/m.gguf").toStdString());
        QVERIFY(!st);
        QVERIFY2(st.message().find("cannot create") != std::string::npos, st.message().c_str());
        QVERIFY(st.message().find("No such file or directory") != std::string::npos);
    }

    // A full disk as the writer sees it: write() fails part way (here EFBIG from a file size
    // limit; ENOSPC takes the same path).
    void write_error_midway_removes_the_temporary() {
#ifdef __linux__
        QTemporaryDir dir;
        const QString path = dir.path() + "/big.gguf";
        GgufWriter w;
        QVERIFY(w.add_tensor("big", GgmlType::F32, {1 << 20}, [](std::span<uint8_t> out) {
            std::memset(out.data(), 1, out.size());
            return Status::ok();
        }));
        struct rlimit old {};
        QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
        auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 256 * 1024;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
        const Status st = w.write(path.toStdString());
        setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, old_handler);
        QVERIFY(!st);
        QVERIFY2(st.message().find("File too large") != std::string::npos, st.message().c_str());
        QVERIFY(st.message().find("was not written") != std::string::npos);
        QVERIFY(!QFile::exists(path));
        QVERIFY(!QFile::exists(path + ".tmp"));
#else
        QSKIP("uses RLIMIT_FSIZE");
#endif
    }

    void invalid_input_is_refused_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("empty key") << 0 << "invalid key ''";
        QTest::newRow("key with space") << 1 << "invalid key 'a b'";
        QTest::newRow("duplicate key") << 2 << "duplicate key 'k'";
        QTest::newRow("uint8 range") << 3 << "uint8 value out of range";
        QTest::newRow("array element range") << 4 << "does not fit int8";
        QTest::newRow("nested too deep") << 5 << "nested deeper than 8";
        QTest::newRow("alignment 0") << 6 << "alignment 0 is not a power of two";
        QTest::newRow("alignment 48") << 7 << "alignment 48 is not a power of two";
        QTest::newRow("alignment key disagrees") << 8 << "general.alignment disagrees";
        QTest::newRow("nested item not array") << 9 << "nested array item is not an array";
    }
    void invalid_input_is_refused() {
        QFETCH(int, which);
        QFETCH(QString, fragment);
        GgufWriter w;
        switch (which) {
        case 0:
            w.add_bool("", true);
            break;
        case 1:
            w.add_bool("a b", true);
            break;
        case 2:
            w.add_bool("k", true);
            w.add_bool("k", false);
            break;
        case 3:
            w.add("k", uval(ValueType::UINT8, 256));
            break;
        case 4:
            w.add("k", int_array(ValueType::INT8, {1, 200}));
            break;
        case 5: {
            Value v = int_array(ValueType::INT32, {1});
            for (int d = 0; d < 8; ++d) v = array_of({v});
            w.add("k", v);
            break;
        }
        case 6:
            w.set_alignment(0);
            break;
        case 7:
            w.set_alignment(48);
            break;
        case 8:
            w.add_uint32("general.alignment", 64);
            break;
        case 9:
            w.add("k", array_of({uval(ValueType::UINT8, 1)}));
            break;
        }
        QTemporaryDir dir;
        const QString path = dir.path() + "/bad.gguf";
        const Status st = w.write(path.toStdString());
        QVERIFY(!st);
        QVERIFY2(st.message().find(fragment.toStdString()) != std::string::npos,
                 st.message().c_str());
        QVERIFY(!QFile::exists(path));
    }

    void invalid_tensors_are_refused() {
        GgufWriter w;
        auto msg = [](const Status& s) { return s.is_ok() ? std::string("ok") : s.message(); };
        QVERIFY(msg(w.add_tensor("z", GgmlType::F32, {4, 0}, std::vector<uint8_t>{}))
                    .find("dimension 1 is 0") != std::string::npos);
        QVERIFY(msg(w.add_tensor("d", GgmlType::F32, {1, 1, 1, 1, 1}, std::vector<uint8_t>(4)))
                    .find("5 dimensions") != std::string::npos);
        QVERIFY(msg(w.add_tensor("d", GgmlType::F32, {}, std::vector<uint8_t>{}))
                    .find("0 dimensions") != std::string::npos);
        QVERIFY(msg(w.add_tensor("q", GgmlType::Q4_K, {100}, std::vector<uint8_t>(100)))
                    .find("not a multiple of the q4_K block size 256") != std::string::npos);
        QVERIFY(msg(w.add_tensor("s", GgmlType::F16, {3}, std::vector<uint8_t>(5)))
                    .find("needs 6 bytes, got 5") != std::string::npos);
        QVERIFY(msg(w.add_tensor("t", GgmlType(77), {3}, std::vector<uint8_t>(3)))
                    .find("unknown type 77") != std::string::npos);
        QVERIFY(
            msg(w.add_tensor("o", GgmlType::F32, {1ULL << 40, 1ULL << 40}, [](std::span<uint8_t>) {
                return Status::ok();
            })).find("overflows") != std::string::npos);
        QVERIFY(w.add_tensor("x", GgmlType::F32, {1}, std::vector<uint8_t>(4)));
        QVERIFY(msg(w.add_tensor("x", GgmlType::F32, {1}, std::vector<uint8_t>(4)))
                    .find("duplicate tensor 'x'") != std::string::npos);
        QVERIFY(msg(w.add_tensor("", GgmlType::F32, {1}, std::vector<uint8_t>(4)))
                    .find("must be 1..255 bytes") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TstGgufWriter)
#include "tst_gguf_writer.moc"
