// The response side of the OpenAI API as JSON text: error bodies, the model list, a whole
// chat.completion and the chat.completion.chunk events of a stream ("data: {...}\n\n").
// Generated text may hold U+FFFD replacements but is always valid UTF-8 in the output.
#pragma once

#include "serve/openai_request.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rwb::serve {

struct Usage {
    int64_t prompt_tokens = 0;
    int64_t completion_tokens = 0;
    int64_t reasoning_tokens = 0;
};

// Identity shared by every chunk of one completion.
struct CompletionIdentity {
    std::string id; // "chatcmpl-..."
    int64_t created = 0;
    std::string model;
};

std::string error_body(const ApiError& error);
std::string models_body(const std::vector<std::string>& ids, int64_t created);

std::string completion_body(const CompletionIdentity& who, const std::string& reasoning,
                            const std::string& content, const std::string& finish_reason,
                            const Usage& usage);

// One SSE event carrying a delta: role (first chunk only), reasoning_content, content.
std::string chunk_event(const CompletionIdentity& who, bool with_role, const std::string& reasoning,
                        const std::string& content);
// The last chunk: empty delta, finish_reason and usage; followed by "data: [DONE]".
std::string final_chunk_event(const CompletionIdentity& who, const std::string& finish_reason,
                              const Usage& usage);
inline constexpr const char* kDoneEvent = "data: [DONE]\n\n";

std::string new_completion_id();

} // namespace rwb::serve
