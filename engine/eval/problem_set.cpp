// JSONL problem sets (see rwb/problem_set.h).
#include "rwb/problem_set.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rwb::eval {
namespace {

using Json = nlohmann::json;
constexpr size_t kMaxFileBytes = size_t(256) << 20; // a problem set, not a corpus

// The text of a field that may be written as a string or a number; nullopt otherwise.
std::optional<std::string> text_field(const Json& obj, const char* name) {
    const auto it = obj.find(name);
    if (it == obj.end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer() || it->is_number_unsigned()) return it->dump();
    if (it->is_number_float()) return it->dump();
    return std::nullopt;
}

} // namespace

Result<std::vector<Problem>> parse_problem_set(std::string_view jsonl, const std::string& source) {
    using R = Result<std::vector<Problem>>;
    std::vector<Problem> out;
    size_t line_no = 0, pos = 0;
    while (pos < jsonl.size()) {
        size_t end = jsonl.find('\n', pos);
        if (end == std::string_view::npos) end = jsonl.size();
        std::string_view line = jsonl.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        const std::string where = source + ":" + std::to_string(line_no) + ": ";
        Json obj = Json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
        if (obj.is_discarded()) return R::error(where + "not valid JSON");
        if (!obj.is_object()) return R::error(where + "expected a JSON object");
        Problem p;
        auto problem = text_field(obj, "problem");
        if (!problem || problem->empty())
            return R::error(where + "missing or empty text field \"problem\"");
        auto answer = text_field(obj, "answer");
        if (!answer || answer->empty())
            return R::error(where + "missing or empty field \"answer\" (text or number)");
        p.problem = std::move(*problem);
        p.answer = std::move(*answer);
        auto id = text_field(obj, "id");
        p.id = id && !id->empty() ? *id : "line-" + std::to_string(line_no);
        if (auto subject = text_field(obj, "subject")) p.subject = *subject;
        out.push_back(std::move(p));
    }
    if (out.empty()) return R::error(source + ": no problems in the set");
    return out;
}

Result<std::vector<Problem>> read_problem_set(const std::string& path) {
    using R = Result<std::vector<Problem>>;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return R::error("cannot read problem set " + path + " (not a file)");
    std::ifstream in(path, std::ios::binary);
    if (!in) return R::error("cannot read problem set " + path);
    in.seekg(0, std::ios::end);
    const auto size = in.tellg();
    if (size < 0) return R::error("cannot read problem set " + path);
    if (size_t(size) > kMaxFileBytes) return R::error(path + ": too large for a problem set");
    in.seekg(0);
    std::ostringstream text;
    text << in.rdbuf();
    return parse_problem_set(text.str(), path);
}

} // namespace rwb::eval
