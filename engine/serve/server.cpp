// Server (see server.h): routes, API key check, limits and the two response modes.
#include "serve/server.h"

#include "serve/openai_response.h"
#include "serve/session_pool.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace rwb::serve {
namespace {

ApiError make_error(int status, std::string type, std::string code, std::string message) {
    ApiError e;
    e.http_status = status;
    e.type = std::move(type);
    e.code = std::move(code);
    e.message = std::move(message);
    return e;
}

void send_error(httplib::Response& res, const ApiError& e) {
    res.status = e.http_status;
    res.set_content(error_body(e), "application/json");
}

// Compares without stopping at the first difference, so timing does not reveal the key.
bool same_secret(const std::string& a, const std::string& b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (size_t i = 0; i < a.size(); ++i) diff |= uint8_t(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
    return diff == 0 && !b.empty();
}

int64_t unix_now() {
    return int64_t(std::time(nullptr));
}

} // namespace

bool is_loopback_host(const std::string& host) {
    return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

struct Server::Impl {
    std::vector<ServedModel> models;
    ServeOptions options;
    std::unique_ptr<SessionPool> pool;
    httplib::Server http;
    std::atomic<uint64_t> next_request{1};
    std::mutex log_mutex;
    int64_t started = unix_now();

    int64_t n_ctx_of(size_t m) const {
        return std::min<int64_t>(options.n_ctx, models[m].model->info().n_ctx_train);
    }

    void log(const char* fmt, auto... args) {
        if (!options.log_requests) return;
        std::lock_guard lock(log_mutex);
        std::fprintf(stderr, fmt, args...);
        std::fflush(stderr);
    }

    void routes();
    void chat(const httplib::Request& req, httplib::Response& res);
};

void Server::Impl::routes() {
    http.set_payload_max_length(options.max_body_bytes);
    const int n_threads = options.http_threads > 0 ? options.http_threads : options.parallel + 16;
    http.new_task_queue = [n_threads] { return new httplib::ThreadPool(size_t(n_threads)); };

    // The key guards the API; /health says only how busy the server is.
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        if (options.api_key.empty() || req.path == "/health")
            return httplib::Server::HandlerResponse::Unhandled;
        const std::string auth = req.get_header_value("Authorization");
        const std::string prefix = "Bearer ";
        if (auth.rfind(prefix, 0) == 0 && same_secret(auth.substr(prefix.size()), options.api_key))
            return httplib::Server::HandlerResponse::Unhandled;
        send_error(res, make_error(401, "invalid_request_error", "invalid_api_key",
                                   auth.empty() ? "missing API key (Authorization: Bearer KEY)"
                                                : "incorrect API key"));
        log("[serve] %s %s -> 401\n", req.method.c_str(), req.path.c_str());
        return httplib::Server::HandlerResponse::Handled;
    });
    // httplib's own refusals (unknown path, body too large...) get a JSON body too.
    http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;
        if (res.status == 404)
            send_error(res, make_error(404, "invalid_request_error", "not_found",
                                       "no route for " + req.method + " " + req.path));
        else if (res.status == 413)
            send_error(res, make_error(413, "invalid_request_error", "request_too_large",
                                       "the request body is too large"));
        else
            send_error(res, make_error(res.status, "invalid_request_error", "http_error",
                                       "HTTP error " + std::to_string(res.status)));
    });

    http.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content("{\"status\":\"ok\",\"active\":" + std::to_string(pool->active()) +
                            ",\"queued\":" + std::to_string(pool->queued()) + "}",
                        "application/json");
    });
    http.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
        std::vector<std::string> ids;
        for (const auto& m : models) ids.push_back(m.id);
        res.set_content(models_body(ids, started), "application/json");
    });
    http.Post("/v1/chat/completions",
              [this](const httplib::Request& req, httplib::Response& res) { chat(req, res); });
}

void Server::Impl::chat(const httplib::Request& req, httplib::Response& res) {
    const uint64_t rid = next_request++;
    auto request = std::make_shared<CompletionRequest>();
    ApiError error;
    RequestLimits limits;
    limits.max_tokens = options.max_tokens;
    if (!parse_completion_request(req.body, limits, *request, error)) {
        log("[serve] #%llu 400 %s\n", (unsigned long long)rid, error.message.c_str());
        return send_error(res, error);
    }
    size_t m = 0;
    while (m < models.size() && models[m].id != request->model) ++m;
    if (m == models.size()) {
        log("[serve] #%llu 404 unknown model %s\n", (unsigned long long)rid,
            request->model.c_str());
        return send_error(res, make_error(404, "invalid_request_error", "model_not_found",
                                          "the model '" + request->model +
                                              "' does not exist (see GET /v1/models)"));
    }
    auto prompt = std::make_shared<PreparedPrompt>();
    if (!prepare_prompt(*models[m].model, *request, n_ctx_of(m), options.max_tokens, *prompt,
                        error))
        return send_error(res, error);

    std::unique_ptr<SessionLease> lease;
    std::string why;
    switch (pool->acquire(m, options.queue_timeout_s, lease, why)) {
    case SessionPool::Wait::Ok:
        break;
    case SessionPool::Wait::TimedOut:
        return send_error(res, make_error(503, "server_error", "server_busy",
                                          "all generation slots stayed busy; retry later"));
    case SessionPool::Wait::Stopping:
        return send_error(
            res, make_error(503, "server_error", "shutting_down", "the server is shutting down"));
    case SessionPool::Wait::Failed:
        return send_error(res, make_error(500, "server_error", "internal_error", why));
    }

    CompletionIdentity who{new_completion_id(), unix_now(), request->model};
    auto finish_log = [this, rid, prompt](const CompletionOutcome& o, const char* mode) {
        const char* what = o.ok ? o.finish_reason.c_str()
                                : (o.client_gone ? "cancelled (client disconnected)" : "failed");
        log("[serve] #%llu %s prompt=%lld completion=%lld finish=%s %.2fs\n",
            (unsigned long long)rid, mode, (long long)prompt->ids.size(),
            (long long)o.usage.completion_tokens, what, o.seconds);
    };

    if (!request->stream) {
        std::string reasoning, content;
        const auto o = run_completion(lease->session(), *request, *prompt, options.reasoning,
                                      [&](const std::string& r, const std::string& c) {
                                          reasoning += r;
                                          content += c;
                                          return true;
                                      });
        lease.reset();
        finish_log(o, "whole");
        if (!o.ok) return send_error(res, o.error);
        res.set_content(completion_body(who, reasoning, content, o.finish_reason, o.usage),
                        "application/json");
        return;
    }

    // The lease travels with the provider: released when httplib drops the response.
    std::shared_ptr<SessionLease> held(std::move(lease));
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider(
        "text/event-stream",
        [this, held, request, prompt, who, finish_log](size_t, httplib::DataSink& sink) {
            bool first = true;
            const auto o = run_completion(held->session(), *request, *prompt, options.reasoning,
                                          [&](const std::string& r, const std::string& c) {
                                              const std::string ev = chunk_event(who, first, r, c);
                                              first = false;
                                              return sink.write(ev.data(), ev.size());
                                          });
            finish_log(o, "stream");
            if (o.client_gone) return false; // httplib closes the connection
            std::string tail;
            if (o.ok) {
                if (first) tail = chunk_event(who, true, "", "");
                tail += final_chunk_event(who, o.finish_reason, o.usage);
                tail += kDoneEvent;
            } else {
                tail = "data: " + error_body(o.error) + "\n\n"; // no [DONE]: the stream failed
            }
            sink.write(tail.data(), tail.size());
            sink.done();
            return true;
        });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::create(std::vector<ServedModel> models,
                                               ServeOptions options) {
    using R = Result<std::unique_ptr<Server>>;
    if (models.empty()) return R::error("no model to serve");
    if (!is_loopback_host(options.host) && options.api_key.empty())
        return R::error("an API key is required to listen on " + options.host +
                        " (not a loopback address): --api-key KEY or RWB_API_KEY");
    if (options.parallel < 1) return R::error("parallel must be at least 1");
    if (options.max_tokens < 1) return R::error("the token limit must be at least 1");
    std::vector<std::shared_ptr<const Model>> plain;
    for (const auto& m : models) {
        if (!m.model->tokenizer())
            return R::error(m.id +
                            ": no usable tokenizer: " + m.model->tokenizer_status().message());
        if (auto sp = find_r1_special_tokens(*m.model->tokenizer()); !sp)
            return R::error(m.id + ": not an R1 chat model (" + sp.message() + ")");
        for (const auto& other : plain)
            if (other == m.model) return R::error("model given twice");
        plain.push_back(m.model);
    }
    auto impl = std::make_unique<Impl>();
    impl->models = std::move(models);
    impl->options = options;
    SessionOptions so;
    so.n_ctx = options.n_ctx;
    so.n_threads = options.threads;
    impl->pool = std::make_unique<SessionPool>(std::move(plain), so, options.parallel);
    impl->routes();
    return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Result<int> Server::bind() {
    const auto& o = impl_->options;
    if (o.port == 0) {
        const int port = impl_->http.bind_to_any_port(o.host);
        if (port <= 0) return Result<int>::error("cannot listen on " + o.host);
        return port;
    }
    if (!impl_->http.bind_to_port(o.host, o.port))
        return Result<int>::error("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                                  " (in use, or not an address of this machine)");
    return o.port;
}

Status Server::listen() {
    if (!impl_->http.listen_after_bind()) return Status::error("the server stopped unexpectedly");
    return Status::ok();
}

void Server::stop() {
    impl_->pool->cancel_all();
    impl_->http.stop();
}

} // namespace rwb::serve
