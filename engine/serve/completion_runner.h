// One chat completion on one Session: the R1 template, the sampler settings of the request, the
// reasoning split (or the raw text with its <think> tags), stop sequences, and a delta callback
// per token. The same code serves streamed and whole responses; the HTTP layer only decides
// where the deltas go. A callback returning false (client gone) cancels the generation.
#pragma once

#include "serve/openai_request.h"
#include "serve/openai_response.h"

#include "rwb/session.h"

#include <functional>
#include <string>
#include <vector>

namespace rwb::serve {

enum class ReasoningFormat {
    Split, // thought in reasoning_content, answer in content (DeepSeek's API, vLLM, SGLang)
    Raw,   // everything in content, the thought inside <think>...</think>
};

// The prompt ids of a request, checked against the context; ApiError when it does not fit.
struct PreparedPrompt {
    std::vector<TokenId> ids;
    int64_t max_tokens = 0; // what may be generated: min(request or cap, context left)
};
bool prepare_prompt(const Model& model, const CompletionRequest& request, int64_t n_ctx,
                    int64_t max_tokens_cap, PreparedPrompt& out, ApiError& error);

// Called with the text of each token (either part may be empty); false stops the generation.
using DeltaSink = std::function<bool(const std::string& reasoning, const std::string& content)>;

struct CompletionOutcome {
    bool ok = false;
    bool client_gone = false;  // the sink refused a delta
    ApiError error;            // when !ok
    std::string finish_reason; // "stop" or "length"
    Usage usage;
    double seconds = 0;
};

CompletionOutcome run_completion(Session& session, const CompletionRequest& request,
                                 const PreparedPrompt& prompt, ReasoningFormat format,
                                 const DeltaSink& sink);

} // namespace rwb::serve
