// GgufWriter: validates everything first, then streams header + tensors to "<path>.tmp" and
// renames it into place, so a reader never sees a half-written model. On any failure the
// temporary file is removed and the message says what happened.
#include "gguf/gguf_writer.h"

#include "gguf/gguf_parser.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <unordered_set>

#ifndef _WIN32
#include <unistd.h>
#endif

namespace rwb::gguf {

namespace {

std::string num(uint64_t v) {
    return std::to_string(v);
}

Result<uint64_t> tensor_bytes(const std::string& name, GgmlType type,
                              const std::vector<uint64_t>& ne) {
    auto bad = [&](const std::string& why) {
        return Result<uint64_t>::error("gguf writer: tensor '" + name + "': " + why);
    };
    auto traits = ggml_type_traits(type);
    if (!traits) return bad("unknown type " + num(static_cast<uint32_t>(type)));
    if (ne.empty() || ne.size() > kMaxTensorDims)
        return bad(num(ne.size()) + " dimensions (1.." + num(kMaxTensorDims) + " allowed)");
    uint64_t elements = 1;
    for (size_t d = 0; d < ne.size(); ++d) {
        if (ne[d] == 0) return bad("dimension " + num(d) + " is 0");
        if (ne[d] > uint64_t(INT64_MAX) / elements) return bad("element count overflows");
        elements *= ne[d];
    }
    if (ne[0] % traits->block_size != 0)
        return bad("row length " + num(ne[0]) + " is not a multiple of the " +
                   std::string(traits->name) + " block size " + num(traits->block_size));
    uint64_t bytes = ne[0] / traits->block_size;
    if (bytes > UINT64_MAX / traits->bytes_per_block) return bad("byte size overflows");
    bytes *= traits->bytes_per_block;
    for (size_t d = 1; d < ne.size(); ++d) {
        if (bytes > UINT64_MAX / ne[d]) return bad("byte size overflows");
        bytes *= ne[d];
    }
    return bytes;
}

bool is_int_type(ValueType t) {
    return t == ValueType::UINT8 || t == ValueType::INT8 || t == ValueType::UINT16 ||
           t == ValueType::INT16 || t == ValueType::UINT32 || t == ValueType::INT32 ||
           t == ValueType::UINT64 || t == ValueType::INT64 || t == ValueType::BOOL;
}

// Range of an integer element type as int64 (UINT64 elements are stored as bit patterns).
bool int_fits(ValueType t, int64_t x) {
    switch (t) {
    case ValueType::UINT8:
        return x >= 0 && x <= 0xff;
    case ValueType::INT8:
        return x >= -128 && x <= 127;
    case ValueType::UINT16:
        return x >= 0 && x <= 0xffff;
    case ValueType::INT16:
        return x >= -32768 && x <= 32767;
    case ValueType::UINT32:
        return x >= 0 && x <= 0xffffffffLL;
    case ValueType::INT32:
        return x >= INT32_MIN && x <= INT32_MAX;
    case ValueType::BOOL:
        return x == 0 || x == 1;
    default:
        return true;
    }
}

Status check_value(const std::string& key, const Value& v, int depth) {
    auto bad = [&](const std::string& why) {
        return Status::error("gguf writer: key '" + key + "': " + why);
    };
    switch (v.type) {
    case ValueType::UINT8:
        return v.u <= 0xff ? Status() : bad("uint8 value out of range");
    case ValueType::UINT16:
        return v.u <= 0xffff ? Status() : bad("uint16 value out of range");
    case ValueType::UINT32:
        return v.u <= 0xffffffffULL ? Status() : bad("uint32 value out of range");
    case ValueType::BOOL:
        return v.u <= 1 ? Status() : bad("bool value is neither 0 nor 1");
    case ValueType::INT8:
    case ValueType::INT16:
    case ValueType::INT32:
        return int_fits(v.type, v.i) ? Status() : bad("integer value out of range");
    case ValueType::UINT64:
    case ValueType::INT64:
    case ValueType::FLOAT32:
    case ValueType::FLOAT64:
    case ValueType::STRING:
        return {};
    case ValueType::ARRAY:
        break;
    default:
        return bad("unknown value type " + num(static_cast<uint32_t>(v.type)));
    }
    if (depth + 1 > kMaxArrayDepth)
        return bad("arrays nested deeper than " + num(kMaxArrayDepth) + " levels");
    const ValueType et = v.elem_type;
    if (et == ValueType::ARRAY) {
        for (const auto& item : v.items) {
            if (item.type != ValueType::ARRAY) return bad("nested array item is not an array");
            RWB_RETURN_IF_ERROR(check_value(key, item, depth + 1));
        }
        return {};
    }
    if (et == ValueType::STRING || et == ValueType::FLOAT32 || et == ValueType::FLOAT64) return {};
    if (!is_int_type(et)) return bad("unknown array element type");
    for (int64_t x : v.ints)
        if (!int_fits(et, x))
            return bad("array element " + std::to_string(x) + " does not fit " +
                       std::string(value_type_name(et)));
    return {};
}

// Little-endian byte sink for the header.
struct Bytes {
    std::vector<uint8_t> b;
    template <typename T>
    void put(T v) {
        const auto* p = reinterpret_cast<const uint8_t*>(&v);
        b.insert(b.end(), p, p + sizeof(T));
    }
    void put_string(std::string_view s) {
        put<uint64_t>(s.size());
        b.insert(b.end(), s.begin(), s.end());
    }
};

void put_int_as(Bytes& out, ValueType t, int64_t x) {
    switch (t) {
    case ValueType::UINT8:
    case ValueType::BOOL:
        out.put(static_cast<uint8_t>(x));
        break;
    case ValueType::INT8:
        out.put(static_cast<int8_t>(x));
        break;
    case ValueType::UINT16:
        out.put(static_cast<uint16_t>(x));
        break;
    case ValueType::INT16:
        out.put(static_cast<int16_t>(x));
        break;
    case ValueType::UINT32:
        out.put(static_cast<uint32_t>(x));
        break;
    case ValueType::INT32:
        out.put(static_cast<int32_t>(x));
        break;
    case ValueType::UINT64:
        out.put(static_cast<uint64_t>(x));
        break;
    default:
        out.put(x);
        break;
    }
}

void put_array_body(Bytes& out, const Value& v) {
    out.put(static_cast<uint32_t>(v.elem_type));
    out.put<uint64_t>(v.array_size());
    switch (v.elem_type) {
    case ValueType::STRING:
        for (const auto& s : v.strings) out.put_string(s);
        break;
    case ValueType::ARRAY:
        for (const auto& item : v.items) put_array_body(out, item);
        break;
    case ValueType::FLOAT32:
        for (double f : v.floats) out.put(static_cast<float>(f));
        break;
    case ValueType::FLOAT64:
        for (double f : v.floats) out.put(f);
        break;
    default:
        for (int64_t x : v.ints) put_int_as(out, v.elem_type, x);
        break;
    }
}

void put_value(Bytes& out, const Value& v) {
    switch (v.type) {
    case ValueType::UINT8:
    case ValueType::BOOL:
        out.put(static_cast<uint8_t>(v.u));
        break;
    case ValueType::UINT16:
        out.put(static_cast<uint16_t>(v.u));
        break;
    case ValueType::UINT32:
        out.put(static_cast<uint32_t>(v.u));
        break;
    case ValueType::UINT64:
        out.put(v.u);
        break;
    case ValueType::INT8:
    case ValueType::INT16:
    case ValueType::INT32:
    case ValueType::INT64:
        put_int_as(out, v.type, v.i);
        break;
    case ValueType::FLOAT32:
        out.put(static_cast<float>(v.f));
        break;
    case ValueType::FLOAT64:
        out.put(v.f);
        break;
    case ValueType::STRING:
        out.put_string(v.s);
        break;
    case ValueType::ARRAY:
        put_array_body(out, v);
        break;
    }
}

// An open temporary file that removes itself unless committed.
class TempFile {
public:
    TempFile(std::string tmp, std::string final_path)
        : tmp_(std::move(tmp)), final_(std::move(final_path)) {}
    ~TempFile() {
        if (f_) std::fclose(f_);
        if (!committed_) {
            std::error_code ec;
            std::filesystem::remove(std::filesystem::u8path(tmp_), ec);
        }
    }
    Status open() {
#ifdef _WIN32
        f_ = _wfopen(std::filesystem::u8path(tmp_).c_str(), L"wb");
#else
        f_ = std::fopen(tmp_.c_str(), "wb");
#endif
        if (!f_) return io_error("cannot create");
        return {};
    }
    Status write(const void* data, size_t n) {
        if (n == 0) return {};
        if (std::fwrite(data, 1, n, f_) != n) return io_error("cannot write");
        written_ += n;
        return {};
    }
    Status commit() {
        if (std::fflush(f_) != 0) return io_error("cannot write");
#ifndef _WIN32
        if (fsync(fileno(f_)) != 0) return io_error("cannot sync");
#endif
        int rc = std::fclose(f_);
        f_ = nullptr;
        if (rc != 0) return io_error("cannot close");
        std::error_code ec;
        std::filesystem::rename(std::filesystem::u8path(tmp_), std::filesystem::u8path(final_), ec);
        if (ec)
            return Status::error("gguf writer: cannot rename '" + tmp_ + "' to '" + final_ +
                                 "': " + ec.message());
        committed_ = true;
        return {};
    }
    uint64_t written() const {
        return written_;
    }

private:
    Status io_error(const char* what) {
        const int err = errno;
        return Status::error("gguf writer: " + std::string(what) + " '" + tmp_ + "' (after " +
                             num(written_) + " bytes): " + std::strerror(err) + "; '" + final_ +
                             "' was not written");
    }
    std::string tmp_, final_;
    std::FILE* f_ = nullptr;
    uint64_t written_ = 0;
    bool committed_ = false;
};

uint64_t align_up(uint64_t x, uint64_t a) {
    return (x + a - 1) / a * a;
}

} // namespace

void GgufWriter::set_alignment(uint64_t alignment) {
    alignment_ = alignment;
}

void GgufWriter::add(std::string key, Value value) {
    metadata_.push_back(MetaEntry{std::move(key), std::move(value)});
}

static Value scalar(ValueType t) {
    Value v;
    v.type = t;
    return v;
}

void GgufWriter::add_uint8(std::string key, uint8_t v) {
    Value x = scalar(ValueType::UINT8);
    x.u = v;
    add(std::move(key), std::move(x));
}
void GgufWriter::add_uint32(std::string key, uint32_t v) {
    Value x = scalar(ValueType::UINT32);
    x.u = v;
    add(std::move(key), std::move(x));
}
void GgufWriter::add_int32(std::string key, int32_t v) {
    Value x = scalar(ValueType::INT32);
    x.i = v;
    add(std::move(key), std::move(x));
}
void GgufWriter::add_uint64(std::string key, uint64_t v) {
    Value x = scalar(ValueType::UINT64);
    x.u = v;
    add(std::move(key), std::move(x));
}
void GgufWriter::add_float32(std::string key, float v) {
    Value x = scalar(ValueType::FLOAT32);
    x.f = v;
    add(std::move(key), std::move(x));
}
void GgufWriter::add_bool(std::string key, bool v) {
    Value x = scalar(ValueType::BOOL);
    x.u = v ? 1 : 0;
    add(std::move(key), std::move(x));
}
void GgufWriter::add_string(std::string key, std::string v) {
    Value x = scalar(ValueType::STRING);
    x.s = std::move(v);
    add(std::move(key), std::move(x));
}
void GgufWriter::add_string_array(std::string key, std::vector<std::string> v) {
    Value x = scalar(ValueType::ARRAY);
    x.elem_type = ValueType::STRING;
    x.strings = std::move(v);
    add(std::move(key), std::move(x));
}
void GgufWriter::add_int32_array(std::string key, const std::vector<int32_t>& v) {
    Value x = scalar(ValueType::ARRAY);
    x.elem_type = ValueType::INT32;
    x.ints.assign(v.begin(), v.end());
    add(std::move(key), std::move(x));
}
void GgufWriter::add_float32_array(std::string key, const std::vector<float>& v) {
    Value x = scalar(ValueType::ARRAY);
    x.elem_type = ValueType::FLOAT32;
    x.floats.assign(v.begin(), v.end());
    add(std::move(key), std::move(x));
}

Status GgufWriter::add_tensor(std::string name, GgmlType type, std::vector<uint64_t> ne,
                              Producer produce) {
    if (name.empty() || name.size() > kMaxTensorNameBytes)
        return Status::error("gguf writer: tensor name '" + name + "' must be 1.." +
                             num(kMaxTensorNameBytes) + " bytes");
    for (const auto& t : tensors_)
        if (t.name == name) return Status::error("gguf writer: duplicate tensor '" + name + "'");
    auto bytes = tensor_bytes(name, type, ne);
    if (!bytes) return bytes.status();
    if (!produce) return Status::error("gguf writer: tensor '" + name + "' has no data producer");
    tensors_.push_back(
        PendingTensor{std::move(name), type, std::move(ne), *bytes, std::move(produce)});
    return {};
}

Status GgufWriter::add_tensor(std::string name, GgmlType type, std::vector<uint64_t> ne,
                              std::vector<uint8_t> data) {
    auto bytes = tensor_bytes(name, type, ne);
    if (!bytes) return bytes.status();
    if (data.size() != *bytes)
        return Status::error("gguf writer: tensor '" + name + "' needs " + num(*bytes) +
                             " bytes, got " + num(data.size()));
    auto shared = std::make_shared<std::vector<uint8_t>>(std::move(data));
    return add_tensor(std::move(name), type, std::move(ne), [shared](std::span<uint8_t> out) {
        std::memcpy(out.data(), shared->data(), out.size());
        return Status::ok();
    });
}

Status GgufWriter::write(const std::string& path) const {
    if (alignment_ == 0 || !std::has_single_bit(alignment_) || alignment_ > kMaxAlignment)
        return Status::error("gguf writer: alignment " + num(alignment_) +
                             " is not a power of two up to 2^30");
    std::unordered_set<std::string_view> keys;
    bool has_alignment_key = false;
    for (const auto& e : metadata_) {
        if (!is_valid_key(e.key)) return Status::error("gguf writer: invalid key '" + e.key + "'");
        if (!keys.insert(e.key).second)
            return Status::error("gguf writer: duplicate key '" + e.key + "'");
        RWB_RETURN_IF_ERROR(check_value(e.key, e.value, 0));
        if (e.key == "general.alignment") {
            const Value& v = e.value;
            const bool is_int = v.type == ValueType::UINT32 || v.type == ValueType::UINT64 ||
                                v.type == ValueType::UINT16 || v.type == ValueType::UINT8;
            if (!is_int || v.u != alignment_)
                return Status::error("gguf writer: key general.alignment disagrees with the "
                                     "writer's alignment " +
                                     num(alignment_));
            has_alignment_key = true;
        }
    }
    const bool add_alignment_key = alignment_ != 32 && !has_alignment_key;

    Bytes head;
    head.put(kGgufMagic);
    head.put<uint32_t>(3);
    head.put<uint64_t>(tensors_.size());
    head.put<uint64_t>(metadata_.size() + (add_alignment_key ? 1 : 0));
    for (const auto& e : metadata_) {
        head.put_string(e.key);
        head.put(static_cast<uint32_t>(e.value.type));
        put_value(head, e.value);
    }
    if (add_alignment_key) {
        head.put_string("general.alignment");
        head.put(static_cast<uint32_t>(ValueType::UINT32));
        head.put(static_cast<uint32_t>(alignment_));
    }
    uint64_t offset = 0, largest = 0;
    for (const auto& t : tensors_) {
        head.put_string(t.name);
        head.put(static_cast<uint32_t>(t.ne.size()));
        for (uint64_t d : t.ne) head.put(d);
        head.put(static_cast<uint32_t>(t.type));
        head.put(offset);
        offset = align_up(offset + t.n_bytes, alignment_);
        largest = std::max(largest, t.n_bytes);
    }
    head.b.resize(align_up(head.b.size(), alignment_), 0);

    if (largest > std::numeric_limits<size_t>::max())
        return Status::error("gguf writer: a tensor is too large for this system");
    TempFile out(path + ".tmp", path);
    RWB_RETURN_IF_ERROR(out.open());
    RWB_RETURN_IF_ERROR(out.write(head.b.data(), head.b.size()));
    std::vector<uint8_t> buf;
    const std::vector<uint8_t> zeros(alignment_, 0);
    for (const auto& t : tensors_) {
        buf.assign(static_cast<size_t>(t.n_bytes), 0);
        Status st = t.produce(std::span<uint8_t>(buf.data(), buf.size()));
        if (!st)
            return Status::error("gguf writer: producing tensor '" + t.name +
                                 "' failed: " + st.message() + "; '" + path + "' was not written");
        RWB_RETURN_IF_ERROR(out.write(buf.data(), buf.size()));
        const uint64_t pad = align_up(t.n_bytes, alignment_) - t.n_bytes;
        RWB_RETURN_IF_ERROR(out.write(zeros.data(), static_cast<size_t>(pad)));
    }
    return out.commit();
}

} // namespace rwb::gguf
