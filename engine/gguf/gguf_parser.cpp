// GGUF parsing. Layout (little-endian): magic "GGUF", u32 version, u64 tensor count, u64
// metadata count, metadata (string key, u32 type, value), tensor infos (string name, u32 n_dims,
// u64 ne[n_dims], u32 type, u64 offset), padding to the alignment, tensor data.
#include "gguf/gguf_parser.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_set>

namespace rwb::gguf {

static_assert(std::endian::native == std::endian::little,
              "GGUF parsing assumes a little-endian host");

namespace {

std::string num(uint64_t v) {
    return std::to_string(v);
}

bool mul_overflows(uint64_t a, uint64_t b, uint64_t& out) {
    if (a != 0 && b > UINT64_MAX / a) return true;
    out = a * b;
    return false;
}

// Smallest encoding of one value of type t: bounds array lengths before allocating.
uint64_t min_encoded_size(ValueType t) {
    switch (t) {
    case ValueType::UINT8:
    case ValueType::INT8:
    case ValueType::BOOL:
        return 1;
    case ValueType::UINT16:
    case ValueType::INT16:
        return 2;
    case ValueType::UINT32:
    case ValueType::INT32:
    case ValueType::FLOAT32:
        return 4;
    case ValueType::UINT64:
    case ValueType::INT64:
    case ValueType::FLOAT64:
    case ValueType::STRING:
        return 8;
    case ValueType::ARRAY:
        return 12;
    }
    return 1;
}

bool is_known_value_type(uint32_t t) {
    return t <= static_cast<uint32_t>(ValueType::FLOAT64);
}

// Printable for error messages: control bytes escaped, long names cut.
std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 80)) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            static const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    if (s.size() > 80) out += "...";
    return out;
}

class Parse {
public:
    Parse(const uint8_t* data, uint64_t size) : d_(data), n_(size) {}

    Status run(std::vector<MetaEntry>& meta, std::vector<TensorInfo>& tensors, uint32_t& version,
               uint64_t& alignment, uint64_t& data_offset);

private:
    uint64_t left() const { return n_ - pos_; }

    template <typename T>
    Status read(T& v, const char* what) {
        if (sizeof(T) > left()) return truncated(what, sizeof(T));
        std::memcpy(&v, d_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return {};
    }
    Status read_string(std::string_view& out, const char* what);
    // count elements of file type T into out (count already bounded by the bytes left).
    template <typename T, typename Out>
    Status read_numbers(std::vector<Out>& out, uint64_t count) {
        if (count > left() / sizeof(T)) return truncated("array elements", count * sizeof(T));
        out.resize(count);
        for (uint64_t k = 0; k < count; ++k) {
            T x;
            std::memcpy(&x, d_ + pos_ + k * sizeof(T), sizeof(T));
            out[k] = static_cast<Out>(x);
        }
        pos_ += count * sizeof(T);
        return {};
    }
    Status read_value(ValueType type, Value& v, int depth);
    Status read_array(Value& v, int depth);
    Status read_metadata(uint64_t n_kv, std::vector<MetaEntry>& meta);
    Status read_alignment(const std::vector<MetaEntry>& meta, uint64_t& alignment);
    Status read_tensor_info(TensorInfo& t, uint64_t alignment);
    Status check_placement(std::vector<TensorInfo>& tensors, uint64_t data_offset);

    std::string where() const;
    Status fail(const std::string& msg) const { return Status::error("gguf: " + msg + where()); }
    Status truncated(const char* what, uint64_t need) const {
        return Status::error("gguf: file truncated: " + std::string(what) + " at offset " +
                             num(pos_) + " needs " + num(need) + " bytes, only " + num(left()) +
                             " left" + where());
    }

    const uint8_t* d_;
    uint64_t n_;
    uint64_t pos_ = 0;

    // Where we are, for messages.
    enum class Section { Header, Metadata, Tensors } section_ = Section::Header;
    uint64_t index_ = 0;
    std::string_view name_;
    bool in_element_ = false;
    uint64_t elements_left_ = kMaxArrayElementsTotal;
    uint64_t nested_left_ = kMaxNestedArraysTotal;
    uint64_t element_ = 0;
};

std::string Parse::where() const {
    std::string w;
    if (section_ == Section::Metadata) {
        w = " (metadata entry " + num(index_);
        if (!name_.empty()) w += " '" + printable(name_) + "'";
        if (in_element_) w += ", array element " + num(element_);
        w += ")";
    } else if (section_ == Section::Tensors) {
        w = " (tensor info " + num(index_);
        if (!name_.empty()) w += " '" + printable(name_) + "'";
        w += ")";
    }
    return w;
}

Status Parse::read_string(std::string_view& out, const char* what) {
    uint64_t len = 0;
    RWB_RETURN_IF_ERROR(read(len, what));
    if (len > left())
        return fail(std::string(what) + " of " + num(len) + " bytes at offset " + num(pos_) +
                    " runs past end of file (" + num(left()) + " bytes left)");
    out = std::string_view(reinterpret_cast<const char*>(d_ + pos_), len);
    pos_ += len;
    return {};
}

Status Parse::read_value(ValueType type, Value& v, int depth) {
    v.type = type;
    switch (type) {
    case ValueType::UINT8: {
        uint8_t x = 0;
        RWB_RETURN_IF_ERROR(read(x, "uint8 value"));
        v.u = x;
        return {};
    }
    case ValueType::INT8: {
        int8_t x = 0;
        RWB_RETURN_IF_ERROR(read(x, "int8 value"));
        v.i = x;
        return {};
    }
    case ValueType::UINT16: {
        uint16_t x = 0;
        RWB_RETURN_IF_ERROR(read(x, "uint16 value"));
        v.u = x;
        return {};
    }
    case ValueType::INT16: {
        int16_t x = 0;
        RWB_RETURN_IF_ERROR(read(x, "int16 value"));
        v.i = x;
        return {};
    }
    case ValueType::UINT32: {
        uint32_t x = 0;
        RWB_RETURN_IF_ERROR(read(x, "uint32 value"));
        v.u = x;
        return {};
    }
    case ValueType::INT32: {
        int32_t x = 0;
        RWB_RETURN_IF_ERROR(read(x, "int32 value"));
        v.i = x;
        return {};
    }
    case ValueType::UINT64:
        return read(v.u, "uint64 value");
    case ValueType::INT64:
        return read(v.i, "int64 value");
    case ValueType::FLOAT32: {
        float x = 0;
        RWB_RETURN_IF_ERROR(read(x, "float32 value"));
        v.f = x;
        return {};
    }
    case ValueType::FLOAT64:
        return read(v.f, "float64 value");
    case ValueType::BOOL: {
        uint8_t x = 0;
        RWB_RETURN_IF_ERROR(read(x, "bool value"));
        if (x > 1) return fail("bool value " + num(x) + " is neither 0 nor 1");
        v.u = x;
        return {};
    }
    case ValueType::STRING: {
        std::string_view s;
        RWB_RETURN_IF_ERROR(read_string(s, "string value"));
        v.s.assign(s);
        return {};
    }
    case ValueType::ARRAY:
        return read_array(v, depth + 1);
    }
    return fail("unknown value type " + num(static_cast<uint32_t>(type)));
}

Status Parse::read_array(Value& v, int depth) {
    v.type = ValueType::ARRAY;
    if (depth > kMaxArrayDepth)
        return fail("arrays nested deeper than " + num(kMaxArrayDepth) + " levels");
    uint32_t et = 0;
    uint64_t count = 0;
    RWB_RETURN_IF_ERROR(read(et, "array element type"));
    if (!is_known_value_type(et)) return fail("array has unknown element type " + num(et));
    RWB_RETURN_IF_ERROR(read(count, "array length"));
    const auto elem = static_cast<ValueType>(et);
    v.elem_type = elem;
    if (count > left() / min_encoded_size(elem))
        return fail("array of " + num(count) + " " + std::string(value_type_name(elem)) +
                    " elements cannot fit in the " + num(left()) + " bytes left");
    if (count > elements_left_)
        return fail("metadata arrays hold more than " + num(kMaxArrayElementsTotal) +
                    " elements in total");
    elements_left_ -= count;
    if (elem == ValueType::ARRAY) {
        if (count > nested_left_)
            return fail("more than " + num(kMaxNestedArraysTotal) + " nested arrays");
        nested_left_ -= count;
    }
    const bool outer = depth == 1;
    auto mark = [&](uint64_t k) {
        if (outer) {
            in_element_ = true;
            element_ = k;
        }
    };
    switch (elem) {
    case ValueType::STRING:
        v.strings.reserve(count);
        for (uint64_t k = 0; k < count; ++k) {
            mark(k);
            std::string_view s;
            RWB_RETURN_IF_ERROR(read_string(s, "string element"));
            v.strings.emplace_back(s);
        }
        break;
    case ValueType::ARRAY:
        v.items.reserve(count);
        for (uint64_t k = 0; k < count; ++k) {
            mark(k);
            v.items.emplace_back();
            RWB_RETURN_IF_ERROR(read_array(v.items.back(), depth + 1));
        }
        break;
    case ValueType::FLOAT32:
        return read_numbers<float>(v.floats, count);
    case ValueType::FLOAT64:
        return read_numbers<double>(v.floats, count);
    case ValueType::UINT8:
        return read_numbers<uint8_t>(v.ints, count);
    case ValueType::INT8:
        return read_numbers<int8_t>(v.ints, count);
    case ValueType::UINT16:
        return read_numbers<uint16_t>(v.ints, count);
    case ValueType::INT16:
        return read_numbers<int16_t>(v.ints, count);
    case ValueType::UINT32:
        return read_numbers<uint32_t>(v.ints, count);
    case ValueType::INT32:
        return read_numbers<int32_t>(v.ints, count);
    case ValueType::UINT64:
        return read_numbers<uint64_t>(v.ints, count); // bit pattern kept
    case ValueType::INT64:
        return read_numbers<int64_t>(v.ints, count);
    case ValueType::BOOL:
        RWB_RETURN_IF_ERROR(read_numbers<uint8_t>(v.ints, count));
        for (uint64_t k = 0; k < count; ++k)
            if (v.ints[k] > 1) {
                mark(k);
                return fail("bool value " + num(uint64_t(v.ints[k])) + " is neither 0 nor 1");
            }
        break;
    }
    if (outer) in_element_ = false;
    return {};
}

Status Parse::read_metadata(uint64_t n_kv, std::vector<MetaEntry>& meta) {
    section_ = Section::Metadata;
    meta.reserve(n_kv);
    std::unordered_set<std::string_view> seen;
    seen.reserve(n_kv);
    for (uint64_t k = 0; k < n_kv; ++k) {
        index_ = k;
        name_ = {};
        std::string_view key;
        RWB_RETURN_IF_ERROR(read_string(key, "key"));
        if (!is_valid_key(key))
            return fail("invalid key '" + printable(key) + "' (" + num(key.size()) +
                        " bytes; keys are 1..65535 printable ASCII characters)");
        name_ = key;
        if (!seen.insert(key).second) return fail("duplicate key '" + printable(key) + "'");
        uint32_t type = 0;
        RWB_RETURN_IF_ERROR(read(type, "value type"));
        if (!is_known_value_type(type)) return fail("unknown value type " + num(type));
        MetaEntry e;
        e.key.assign(key);
        RWB_RETURN_IF_ERROR(read_value(static_cast<ValueType>(type), e.value, 0));
        meta.push_back(std::move(e));
    }
    return {};
}

Status Parse::read_alignment(const std::vector<MetaEntry>& meta, uint64_t& alignment) {
    section_ = Section::Header;
    for (const auto& e : meta) {
        if (e.key != "general.alignment") continue;
        const Value& v = e.value;
        uint64_t a = 0;
        switch (v.type) {
        case ValueType::UINT8:
        case ValueType::UINT16:
        case ValueType::UINT32:
        case ValueType::UINT64:
            a = v.u;
            break;
        case ValueType::INT8:
        case ValueType::INT16:
        case ValueType::INT32:
        case ValueType::INT64:
            a = v.i > 0 ? static_cast<uint64_t>(v.i) : 0;
            break;
        default:
            return fail("general.alignment is a " + std::string(value_type_name(v.type)) +
                        ", expected an unsigned integer");
        }
        if (a == 0 || !std::has_single_bit(a) || a > kMaxAlignment)
            return fail("general.alignment must be a non-zero power of two up to 2^30, got " +
                        (v.i < 0 ? std::to_string(v.i) : num(a)));
        alignment = a;
    }
    return {};
}

Status Parse::read_tensor_info(TensorInfo& t, uint64_t alignment) {
    name_ = {};
    std::string_view name;
    RWB_RETURN_IF_ERROR(read_string(name, "tensor name"));
    if (name.empty()) return fail("empty tensor name");
    if (name.size() > kMaxTensorNameBytes)
        return fail("tensor name of " + num(name.size()) + " bytes is longer than " +
                    num(kMaxTensorNameBytes));
    for (char c : name)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return fail("tensor name '" + printable(name) + "' contains control characters");
    name_ = name;
    t.name.assign(name);

    uint32_t n_dims = 0;
    RWB_RETURN_IF_ERROR(read(n_dims, "dimension count"));
    if (n_dims == 0 || n_dims > kMaxTensorDims)
        return fail("tensor has " + num(n_dims) + " dimensions (1.." + num(kMaxTensorDims) +
                    " allowed)");
    t.ne.resize(n_dims);
    uint64_t elements = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
        RWB_RETURN_IF_ERROR(read(t.ne[d], "dimension"));
        if (t.ne[d] == 0) return fail("dimension " + num(d) + " is 0");
        if (mul_overflows(elements, t.ne[d], elements) || elements > uint64_t(INT64_MAX))
            return fail("element count overflows (dimension " + num(d) + " = " + num(t.ne[d]) +
                        ")");
    }
    t.n_elements = elements;

    uint32_t type_id = 0;
    RWB_RETURN_IF_ERROR(read(type_id, "tensor type"));
    auto traits = ggml_type_traits(type_id);
    if (!traits) return fail("unknown tensor type " + num(type_id));
    t.type = traits->type;
    if (t.ne[0] % traits->block_size != 0)
        return fail("row length " + num(t.ne[0]) + " of type " + std::string(traits->name) +
                    " is not a multiple of its block size " + num(traits->block_size));
    uint64_t bytes = 0;
    if (mul_overflows(t.ne[0] / traits->block_size, traits->bytes_per_block, bytes))
        return fail("byte size overflows");
    for (uint32_t d = 1; d < n_dims; ++d)
        if (mul_overflows(bytes, t.ne[d], bytes)) return fail("byte size overflows");
    t.n_bytes = bytes;

    RWB_RETURN_IF_ERROR(read(t.offset, "tensor offset"));
    if (t.offset % alignment != 0)
        return fail("offset " + num(t.offset) + " is not a multiple of the alignment " +
                    num(alignment));
    return {};
}

Status Parse::check_placement(std::vector<TensorInfo>& tensors, uint64_t data_offset) {
    section_ = Section::Header;
    for (const auto& t : tensors) {
        const std::string q = "tensor '" + printable(t.name) + "'";
        uint64_t end = t.offset + t.n_bytes;
        if (end < t.offset || data_offset + end < end)
            return fail(q + " offset " + num(t.offset) + " + size " + num(t.n_bytes) +
                        " overflows");
        if (data_offset + end > n_)
            return fail(q + " data [" + num(data_offset + t.offset) + ".." +
                        num(data_offset + end) + ") extends past end of file (size " + num(n_) +
                        ")");
    }
    std::vector<const TensorInfo*> order;
    order.reserve(tensors.size());
    for (const auto& t : tensors) order.push_back(&t);
    std::sort(order.begin(), order.end(),
              [](const TensorInfo* a, const TensorInfo* b) { return a->offset < b->offset; });
    for (size_t k = 1; k < order.size(); ++k) {
        const TensorInfo& a = *order[k - 1];
        const TensorInfo& b = *order[k];
        if (b.offset < a.offset + a.n_bytes)
            return fail("tensors '" + printable(a.name) + "' [" + num(a.offset) + ".." +
                        num(a.offset + a.n_bytes) + ") and '" + printable(b.name) + "' [" +
                        num(b.offset) + ".." + num(b.offset + b.n_bytes) +
                        ") overlap in the data section");
    }
    return {};
}

Status Parse::run(std::vector<MetaEntry>& meta, std::vector<TensorInfo>& tensors, uint32_t& version,
                  uint64_t& alignment, uint64_t& data_offset) {
    uint32_t magic = 0;
    if (n_ < 4) return Status::error("gguf: not a GGUF file (" + num(n_) + " bytes)");
    std::memcpy(&magic, d_, 4);
    if (magic != kGgufMagic) {
        std::string shown;
        for (int k = 0; k < 4; ++k) {
            char c = static_cast<char>(d_[k]);
            shown += (c >= 0x20 && c < 0x7f) ? std::string(1, c) : std::string("?");
        }
        return Status::error("gguf: not a GGUF file (magic '" + shown + "', expected 'GGUF')");
    }
    pos_ = 4;
    RWB_RETURN_IF_ERROR(read(version, "version"));
    if (version == 1)
        return Status::error("gguf: GGUF version 1 is not supported (only v2 and v3); "
                             "convert the model again with a current tool");
    if ((version & 0xffff) == 0 && version != 0)
        return Status::error("gguf: big-endian GGUF files are not supported");
    if (version != 2 && version != 3)
        return Status::error("gguf: unsupported GGUF version " + num(version) +
                             " (only v2 and v3)");
    uint64_t n_tensors = 0, n_kv = 0;
    RWB_RETURN_IF_ERROR(read(n_tensors, "tensor count"));
    RWB_RETURN_IF_ERROR(read(n_kv, "metadata count"));
    // Smallest possible entries: key (8+1) + type 4 + 1-byte value; name (8+1) + n_dims 4 +
    // one dim 8 + type 4 + offset 8.
    constexpr uint64_t kMinKv = 14, kMinTensor = 33;
    if (n_kv > left() / kMinKv || n_tensors > left() / kMinTensor ||
        n_kv * kMinKv + n_tensors * kMinTensor > left())
        return Status::error("gguf: header claims " + num(n_tensors) + " tensors and " + num(n_kv) +
                             " metadata entries, which cannot fit in the " + num(left()) +
                             " bytes that follow");

    RWB_RETURN_IF_ERROR(read_metadata(n_kv, meta));
    RWB_RETURN_IF_ERROR(read_alignment(meta, alignment));

    section_ = Section::Tensors;
    tensors.resize(n_tensors);
    std::unordered_set<std::string_view> seen;
    seen.reserve(n_tensors);
    for (uint64_t k = 0; k < n_tensors; ++k) {
        index_ = k;
        RWB_RETURN_IF_ERROR(read_tensor_info(tensors[k], alignment));
        if (!seen.insert(name_).second)
            return fail("duplicate tensor name '" + printable(name_) + "'");
    }
    section_ = Section::Header;
    data_offset = (pos_ + alignment - 1) / alignment * alignment;
    if (n_tensors > 0 && data_offset > n_)
        return fail("data section would start at " + num(data_offset) +
                    ", past end of file (size " + num(n_) + ")");
    return check_placement(tensors, data_offset);
}

} // namespace

bool is_valid_key(std::string_view key) {
    if (key.empty() || key.size() > kMaxKeyBytes) return false;
    for (char c : key) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f) return false;
    }
    return true;
}

Status GgufParser::parse(GgufFile& file) {
    Parse p(file.base_, file.size_);
    return p.run(file.metadata_, file.tensors_, file.version_, file.alignment_, file.data_offset_);
}

} // namespace rwb::gguf
