// The request side of the OpenAI chat-completions API as `rwb serve` understands it: the JSON
// body is checked field by field and turned into a CompletionRequest, or into an ApiError that
// names the offending field (the shape OpenAI's own errors have). Unknown fields are ignored, as
// OpenAI-compatible servers do, so clients that send extras (user, logprobs: false...) work.
#pragma once

#include "rwb/chat.h"
#include "rwb/sampling.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rwb::serve {

// An error as the API reports it: HTTP status + {"error": {message, type, param, code}}.
struct ApiError {
    int http_status = 400;
    std::string type = "invalid_request_error";
    std::string code;
    std::string message;
    std::string param; // the request field at fault, if any
};

struct CompletionRequest {
    std::string model;
    std::vector<ChatMessage> messages;
    bool stream = false;
    SamplerParams sampler = SamplerParams::r1_default(); // temperature, top_p, seed, penalties
    int64_t max_tokens = -1;                             // -1: the server's cap
    std::vector<std::string> stop;                       // up to 4 stop sequences
    int32_t thinking_budget = 0; // extension: force </think> after N thought tokens (0: off)
};

struct RequestLimits {
    int64_t max_tokens = 4096;  // largest max_tokens a request may ask for
    size_t max_messages = 1024; // messages in one request
};

// Parses and validates a chat-completions body. Returns false and fills `error` on bad input.
bool parse_completion_request(const std::string& body, const RequestLimits& limits,
                              CompletionRequest& out, ApiError& error);

} // namespace rwb::serve
