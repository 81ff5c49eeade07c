// The OpenAI-compatible HTTP server of `rwb serve`: GET /v1/models, POST /v1/chat/completions
// (streamed as server-sent events or whole), GET /health. Every request runs on its own Session
// over the shared Model; at most `parallel` generate at once, later ones wait their turn (503
// after queue_timeout). A client that disconnects mid-stream cancels its generation. Errors are
// OpenAI-style JSON with the matching HTTP status. httplib stays behind the pimpl.
#pragma once

#include "serve/completion_runner.h"

#include "rwb/model.h"
#include "rwb/status.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rwb::serve {

struct ServeOptions {
    std::string host = "127.0.0.1";
    int port = 8080;     // 0: any free port (bind() says which)
    std::string api_key; // empty: no key needed (refused by create() off loopback)
    size_t max_body_bytes = 1 << 20;
    int64_t max_tokens = 4096; // cap on max_tokens, and the default when a request gives none
    int64_t n_ctx = 4096;      // context of each session (at most the model's)
    int parallel = 4;          // generations at once
    int threads = 1;           // compute threads per generation
    int http_threads = 0;      // 0: parallel + 16 (waiting requests hold a thread each)
    double queue_timeout_s = 60;
    ReasoningFormat reasoning = ReasoningFormat::Split;
    bool log_requests = true; // one line per request on stderr
};

struct ServedModel {
    std::string id; // the "model" name clients use
    std::shared_ptr<const Model> model;
};

// 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(const std::string& host);

class Server {
public:
    // Checks the options (a non-loopback host needs an API key) and the models (tokenizer and
    // R1 template); nothing is bound yet.
    static Result<std::unique_ptr<Server>> create(std::vector<ServedModel> models,
                                                  ServeOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    Result<int> bind(); // the port actually bound
    Status listen();    // serves until stop(); call after bind()
    void stop();        // any thread: cancels running generations, then stops listening

private:
    struct Impl;
    explicit Server(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace rwb::serve
