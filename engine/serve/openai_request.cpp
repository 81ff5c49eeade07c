// Field-by-field validation of a chat-completions request (see openai_request.h). Uses
// nlohmann-json without exceptions: every access is preceded by a type check.
#include "serve/openai_request.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace rwb::serve {
namespace {

using json = nlohmann::json;

bool fail(ApiError& e, std::string param, std::string message) {
    e = ApiError{};
    e.param = std::move(param);
    e.message = std::move(message);
    e.code = "invalid_value";
    return false;
}

// A message's content: a string, or an array of {"type": "text", "text": ...} parts.
bool read_content(const json& c, const std::string& where, std::string& out, ApiError& e) {
    if (c.is_string()) {
        out = c.get<std::string>();
        return true;
    }
    if (c.is_null()) { // assistant turns may carry null content
        out.clear();
        return true;
    }
    if (!c.is_array()) return fail(e, where, where + " must be a string or an array of parts");
    out.clear();
    for (const auto& part : c) {
        if (!part.is_object()) return fail(e, where, where + " parts must be objects");
        auto type = part.find("type");
        auto text = part.find("text");
        if (type == part.end() || !type->is_string() || type->get<std::string>() != "text")
            return fail(e, where, "only text content parts are supported");
        if (text == part.end() || !text->is_string())
            return fail(e, where, "a text content part needs a string 'text'");
        out += text->get<std::string>();
    }
    return true;
}

bool read_messages(const json& j, const RequestLimits& limits, CompletionRequest& out,
                   ApiError& e) {
    auto it = j.find("messages");
    if (it == j.end()) return fail(e, "messages", "'messages' is required");
    if (!it->is_array() || it->empty())
        return fail(e, "messages", "'messages' must be a non-empty array");
    if (it->size() > limits.max_messages)
        return fail(e, "messages",
                    "too many messages (at most " + std::to_string(limits.max_messages) + ")");
    for (size_t i = 0; i < it->size(); ++i) {
        const json& m = (*it)[i];
        const std::string where = "messages[" + std::to_string(i) + "]";
        if (!m.is_object()) return fail(e, where, where + " must be an object");
        auto role = m.find("role");
        if (role == m.end() || !role->is_string())
            return fail(e, where + ".role", where + ".role must be a string");
        std::string name = role->get<std::string>();
        if (name == "developer") name = "system"; // OpenAI's newer name for the system role
        auto parsed = parse_chat_role(name);
        if (!parsed)
            return fail(e, where + ".role",
                        "unsupported role '" + role->get<std::string>() +
                            "' (system, developer, user or assistant)");
        ChatMessage msg;
        msg.role = *parsed;
        auto content = m.find("content");
        if (content == m.end()) return fail(e, where + ".content", where + ".content is required");
        if (!read_content(*content, where + ".content", msg.content, e)) return false;
        out.messages.push_back(std::move(msg));
    }
    return true;
}

bool read_number(const json& j, const char* key, double lo, double hi, double& out, ApiError& e) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return true;
    if (!it->is_number()) return fail(e, key, std::string("'") + key + "' must be a number");
    const double v = it->get<double>();
    if (!std::isfinite(v) || v < lo || v > hi)
        return fail(e, key,
                    std::string("'") + key + "' must be between " + std::to_string(lo) + " and " +
                        std::to_string(hi));
    out = v;
    return true;
}

bool read_integer(const json& j, const char* key, int64_t lo, int64_t hi, int64_t& out,
                  ApiError& e) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return true;
    if (!it->is_number_integer())
        return fail(e, key, std::string("'") + key + "' must be an integer");
    if (it->is_number_unsigned() ? it->get<uint64_t>() > uint64_t(hi)
                                 : (it->get<int64_t>() < lo || it->get<int64_t>() > hi))
        return fail(e, key,
                    std::string("'") + key + "' must be between " + std::to_string(lo) + " and " +
                        std::to_string(hi));
    out = it->is_number_unsigned() ? int64_t(it->get<uint64_t>()) : it->get<int64_t>();
    return true;
}

bool read_stop(const json& j, CompletionRequest& out, ApiError& e) {
    auto it = j.find("stop");
    if (it == j.end() || it->is_null()) return true;
    if (it->is_string()) {
        if (!it->get<std::string>().empty()) out.stop.push_back(it->get<std::string>());
        return true;
    }
    if (!it->is_array() || it->size() > 4)
        return fail(e, "stop", "'stop' must be a string or an array of at most 4 strings");
    for (const auto& s : *it) {
        if (!s.is_string()) return fail(e, "stop", "'stop' entries must be strings");
        if (!s.get<std::string>().empty()) out.stop.push_back(s.get<std::string>());
    }
    return true;
}

} // namespace

bool parse_completion_request(const std::string& body, const RequestLimits& limits,
                              CompletionRequest& out, ApiError& e) {
    const json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return fail(e, "", "the request body is not valid JSON");
    if (!j.is_object()) return fail(e, "", "the request body must be a JSON object");
    out = CompletionRequest{};

    auto model = j.find("model");
    if (model == j.end() || !model->is_string() || model->get<std::string>().empty())
        return fail(e, "model", "'model' is required (a string; see GET /v1/models)");
    out.model = model->get<std::string>();
    if (!read_messages(j, limits, out, e)) return false;

    if (auto s = j.find("stream"); s != j.end() && !s->is_null()) {
        if (!s->is_boolean()) return fail(e, "stream", "'stream' must be true or false");
        out.stream = s->get<bool>();
    }
    double temperature = out.sampler.temperature, top_p = out.sampler.top_p;
    double presence = 0, frequency = 0;
    if (!read_number(j, "temperature", 0.0, 2.0, temperature, e)) return false;
    if (!read_number(j, "top_p", 0.0, 1.0, top_p, e)) return false;
    if (!read_number(j, "presence_penalty", -2.0, 2.0, presence, e)) return false;
    if (!read_number(j, "frequency_penalty", -2.0, 2.0, frequency, e)) return false;
    out.sampler.temperature = float(temperature);
    out.sampler.top_p = float(top_p);
    out.sampler.presence_penalty = float(presence);
    out.sampler.frequency_penalty = float(frequency);

    int64_t seed = 0, n = 1, budget = 0;
    if (!read_integer(j, "seed", INT64_MIN, INT64_MAX, seed, e)) return false;
    out.sampler.seed = uint64_t(seed);
    if (!read_integer(j, "n", 1, 1, n, e)) return false; // one choice per request
    // max_completion_tokens is the newer name; it wins when both are given.
    if (!read_integer(j, "max_tokens", 1, limits.max_tokens, out.max_tokens, e)) return false;
    if (!read_integer(j, "max_completion_tokens", 1, limits.max_tokens, out.max_tokens, e))
        return false;
    if (!read_integer(j, "thinking_budget", 0, INT32_MAX, budget, e)) return false;
    out.thinking_budget = int32_t(budget);
    if (!read_stop(j, out, e)) return false;
    if (Status s = out.sampler.validate(); !s) return fail(e, "", s.message());
    return true;
}

} // namespace rwb::serve
