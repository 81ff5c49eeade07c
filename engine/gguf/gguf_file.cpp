// GgufFile: opening (map + parse), lookups and typed accessors.
#include "gguf/gguf_file.h"

#include "gguf/file_mapping.h"
#include "gguf/gguf_parser.h"

#include <algorithm>
#include <limits>

namespace rwb::gguf {

std::string_view value_type_name(ValueType t) {
    switch (t) {
    case ValueType::UINT8:
        return "uint8";
    case ValueType::INT8:
        return "int8";
    case ValueType::UINT16:
        return "uint16";
    case ValueType::INT16:
        return "int16";
    case ValueType::UINT32:
        return "uint32";
    case ValueType::INT32:
        return "int32";
    case ValueType::FLOAT32:
        return "float32";
    case ValueType::BOOL:
        return "bool";
    case ValueType::STRING:
        return "string";
    case ValueType::ARRAY:
        return "array";
    case ValueType::UINT64:
        return "uint64";
    case ValueType::INT64:
        return "int64";
    case ValueType::FLOAT64:
        return "float64";
    }
    return "unknown";
}

uint64_t Value::array_size() const {
    if (type != ValueType::ARRAY) return 0;
    switch (elem_type) {
    case ValueType::STRING:
        return strings.size();
    case ValueType::ARRAY:
        return items.size();
    case ValueType::FLOAT32:
    case ValueType::FLOAT64:
        return floats.size();
    default:
        return ints.size();
    }
}

namespace {

bool is_unsigned_int(ValueType t) {
    return t == ValueType::UINT8 || t == ValueType::UINT16 || t == ValueType::UINT32 ||
           t == ValueType::UINT64;
}
bool is_signed_int(ValueType t) {
    return t == ValueType::INT8 || t == ValueType::INT16 || t == ValueType::INT32 ||
           t == ValueType::INT64;
}

// "an array of string", "a float32": what a key actually holds, for error messages.
std::string describe(const Value& v) {
    if (v.type == ValueType::ARRAY)
        return "an array of " + std::string(value_type_name(v.elem_type));
    std::string n(value_type_name(v.type));
    return (n[0] == 'i' ? "an " : "a ") + n;
}

template <typename T>
Result<T> wrong_type(std::string_view key, const Value& v, const char* expected) {
    return Result<T>::error("gguf: key '" + std::string(key) + "' is " + describe(v) +
                            ", expected " + expected);
}

template <typename T>
Result<T> missing(std::string_view key) {
    return Result<T>::error("gguf: key '" + std::string(key) + "' not found");
}

} // namespace

GgufFile::~GgufFile() {
    delete static_cast<FileMapping*>(mapping_);
}

static Result<std::shared_ptr<GgufFile>> finish_open(std::shared_ptr<GgufFile> f, Status st) {
    if (!st) return st;
    return f;
}

Result<std::shared_ptr<GgufFile>> GgufFile::open(const std::string& path) {
    auto mapped = FileMapping::map_readonly(path);
    if (!mapped) return mapped.status();
    std::shared_ptr<GgufFile> f(new GgufFile());
    f->path_ = path;
    f->base_ = (*mapped)->data();
    f->size_ = (*mapped)->size();
    f->mapping_ = mapped->release();
    Status st = GgufParser::parse(*f);
    if (st) f->build_tensor_index();
    return finish_open(std::move(f), std::move(st));
}

Result<std::shared_ptr<GgufFile>> GgufFile::open_memory(std::span<const uint8_t> bytes,
                                                        std::string name) {
    std::shared_ptr<GgufFile> f(new GgufFile());
    f->path_ = std::move(name);
    f->owned_.assign(bytes.begin(), bytes.end());
    f->base_ = f->owned_.data();
    f->size_ = f->owned_.size();
    Status st = GgufParser::parse(*f);
    if (st) f->build_tensor_index();
    return finish_open(std::move(f), std::move(st));
}

void GgufFile::build_tensor_index() {
    tensor_index_.clear();
    tensor_index_.reserve(tensors_.size());
    for (size_t k = 0; k < tensors_.size(); ++k) tensor_index_.emplace_back(tensors_[k].name, k);
    std::sort(tensor_index_.begin(), tensor_index_.end());
}

const Value* GgufFile::find(std::string_view key) const {
    for (const auto& e : metadata_)
        if (e.key == key) return &e.value;
    return nullptr;
}

const TensorInfo* GgufFile::find_tensor(std::string_view name) const {
    auto it =
        std::lower_bound(tensor_index_.begin(), tensor_index_.end(), name,
                         [](const auto& entry, std::string_view n) { return entry.first < n; });
    if (it == tensor_index_.end() || it->first != name) return nullptr;
    return &tensors_[it->second];
}

Result<std::string> GgufFile::get_string(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return missing<std::string>(key);
    if (v->type != ValueType::STRING) return wrong_type<std::string>(key, *v, "a string");
    return v->s;
}

Result<uint64_t> GgufFile::get_uint(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return missing<uint64_t>(key);
    if (is_unsigned_int(v->type)) return v->u;
    if (is_signed_int(v->type)) {
        if (v->i < 0)
            return Result<uint64_t>::error("gguf: key '" + std::string(key) + "' is negative (" +
                                           std::to_string(v->i) + "), expected a count");
        return static_cast<uint64_t>(v->i);
    }
    return wrong_type<uint64_t>(key, *v, "an unsigned integer");
}

Result<int64_t> GgufFile::get_int(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return missing<int64_t>(key);
    if (is_signed_int(v->type)) return v->i;
    if (is_unsigned_int(v->type)) {
        if (v->u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return Result<int64_t>::error("gguf: key '" + std::string(key) + "' value " +
                                          std::to_string(v->u) + " does not fit in int64");
        return static_cast<int64_t>(v->u);
    }
    return wrong_type<int64_t>(key, *v, "an integer");
}

Result<double> GgufFile::get_float(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return missing<double>(key);
    if (v->type == ValueType::FLOAT32 || v->type == ValueType::FLOAT64) return v->f;
    if (is_unsigned_int(v->type)) return static_cast<double>(v->u);
    if (is_signed_int(v->type)) return static_cast<double>(v->i);
    return wrong_type<double>(key, *v, "a number");
}

Result<bool> GgufFile::get_bool(std::string_view key) const {
    const Value* v = find(key);
    if (!v) return missing<bool>(key);
    if (v->type != ValueType::BOOL) return wrong_type<bool>(key, *v, "a bool");
    return v->u != 0;
}

Result<std::vector<std::string>> GgufFile::get_string_array(std::string_view key) const {
    using R = Result<std::vector<std::string>>;
    const Value* v = find(key);
    if (!v) return missing<std::vector<std::string>>(key);
    if (v->type != ValueType::ARRAY || v->elem_type != ValueType::STRING)
        return wrong_type<std::vector<std::string>>(key, *v, "an array of string");
    return R(v->strings);
}

Result<std::vector<int64_t>> GgufFile::get_int_array(std::string_view key) const {
    using V = std::vector<int64_t>;
    const Value* v = find(key);
    if (!v) return missing<V>(key);
    if (v->type != ValueType::ARRAY ||
        !(is_signed_int(v->elem_type) || is_unsigned_int(v->elem_type) ||
          v->elem_type == ValueType::BOOL))
        return wrong_type<V>(key, *v, "an array of integers");
    if (v->elem_type == ValueType::UINT64)
        for (size_t k = 0; k < v->ints.size(); ++k)
            if (v->ints[k] < 0)
                return Result<V>::error("gguf: key '" + std::string(key) + "' element " +
                                        std::to_string(k) + " does not fit in int64");
    return Result<V>(v->ints);
}

Result<std::vector<double>> GgufFile::get_float_array(std::string_view key) const {
    using V = std::vector<double>;
    const Value* v = find(key);
    if (!v) return missing<V>(key);
    if (v->type != ValueType::ARRAY) return wrong_type<V>(key, *v, "an array of numbers");
    if (v->elem_type == ValueType::FLOAT32 || v->elem_type == ValueType::FLOAT64)
        return Result<V>(v->floats);
    if (v->elem_type == ValueType::UINT64) {
        V out;
        out.reserve(v->ints.size());
        for (int64_t x : v->ints) out.push_back(static_cast<double>(static_cast<uint64_t>(x)));
        return out;
    }
    if (is_signed_int(v->elem_type) || is_unsigned_int(v->elem_type))
        return V(v->ints.begin(), v->ints.end());
    return wrong_type<V>(key, *v, "an array of numbers");
}

} // namespace rwb::gguf
