// rwb serve -m FILE... [--host H] [--port N] [--api-key KEY]: the engine as an OpenAI-compatible
// HTTP server (engine/serve). Prints "listening on http://HOST:PORT" once it accepts connections
// (--port 0 picks a free port, which tests read from that line). Ctrl-C / SIGTERM cancel the
// running generations and stop it.
#include "cli_args.h"
#include "commands.h"

#ifdef RWB_HAVE_SERVE
#include "tool_common.h"

#include "serve/server.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <pthread.h>
#include <thread>

namespace rwb::cli {
namespace {

std::string model_id(const std::string& path) {
    std::string stem = std::filesystem::path(path).filename().string();
    if (stem.size() > 5 && stem.substr(stem.size() - 5) == ".gguf") stem.resize(stem.size() - 5);
    return stem;
}

} // namespace

int cmd_serve(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {{"-m", "--model"},
         true,
         "GGUF model file (repeat, or list files after the options)",
         "FILE"},
        {{"--host"}, true, "address to listen on (default 127.0.0.1)", "HOST"},
        {{"--port"}, true, "port (default 8080; 0 = any free port)", "N"},
        {{"--api-key"},
         true,
         "required Bearer key (default: $RWB_API_KEY; needed off loopback)",
         "KEY"},
        {{"-c", "--ctx"}, true, "context per request (default 4096, at most the model's)", "N"},
        {{"--max-tokens"}, true, "largest max_tokens a request may ask (default 4096)", "N"},
        {{"--max-body"}, true, "largest request body in bytes (default 1048576)", "N"},
        {{"--parallel"}, true, "generations at once (default 4); others wait", "N"},
        {{"--queue-timeout"}, true, "seconds a request may wait for a slot (default 60)", "S"},
        {{"-t", "--threads"}, true, "compute threads per generation (default 1)", "N"},
        {{"--reasoning-format"},
         true,
         "split: thought in reasoning_content (default); raw: <think> tags in content",
         "FMT"},
        {{"-q", "--quiet"}, false, "no per-request log lines on stderr", ""},
        {{"-h", "--help"}, false, "show this help", ""},
    };
    auto args = CliArgs::parse(argc, argv, specs);
    if (!args) return fail("serve", args.message());
    if (args->has("--help")) {
        std::printf("%s", format_help("rwb serve -m FILE... [options]", specs).c_str());
        return 0;
    }
    std::vector<std::string> files = args->get_all("--model");
    for (const auto& p : args->positional()) files.push_back(p);
    if (files.empty()) return fail("serve", "-m FILE is required");

    serve::ServeOptions o;
    o.host = args->get("--host", "127.0.0.1");
    o.api_key = args->get("--api-key");
    if (o.api_key.empty())
        if (const char* env = std::getenv("RWB_API_KEY")) o.api_key = env;
    auto port = args->get_int("--port", 8080);
    auto ctx = args->get_int("--ctx", 4096);
    auto max_tokens = args->get_int("--max-tokens", 4096);
    auto max_body = args->get_int("--max-body", 1 << 20);
    auto parallel = args->get_int("--parallel", 4);
    auto threads = args->get_int("--threads", 1);
    auto queue = args->get_double("--queue-timeout", 60);
    for (const Status* s : {&port.status(), &ctx.status(), &max_tokens.status(), &max_body.status(),
                            &parallel.status(), &threads.status(), &queue.status()})
        if (!s->is_ok()) return fail("serve", s->message());
    if (*port < 0 || *port > 65535) return fail("serve", "--port must be 0 to 65535");
    if (*ctx < 16) return fail("serve", "--ctx must be at least 16");
    if (*max_tokens < 1) return fail("serve", "--max-tokens must be at least 1");
    if (*max_body < 1024 || *max_body > (int64_t(1) << 30))
        return fail("serve", "--max-body must be 1024 to 1073741824 bytes");
    if (*parallel < 1 || *parallel > 256) return fail("serve", "--parallel must be 1 to 256");
    if (*threads < 1 || *threads > 1024) return fail("serve", "--threads must be 1 to 1024");
    if (!(*queue > 0)) return fail("serve", "--queue-timeout must be positive");
    o.port = int(*port);
    o.n_ctx = *ctx;
    o.max_tokens = *max_tokens;
    o.max_body_bytes = size_t(*max_body);
    o.parallel = int(*parallel);
    o.threads = int(*threads);
    o.queue_timeout_s = *queue;
    o.log_requests = !args->has("--quiet");
    const std::string fmt = args->get("--reasoning-format", "split");
    if (fmt == "split")
        o.reasoning = serve::ReasoningFormat::Split;
    else if (fmt == "raw")
        o.reasoning = serve::ReasoningFormat::Raw;
    else
        return fail("serve", "--reasoning-format must be split or raw");
    // Checked before loading gigabytes of weights.
    if (!serve::is_loopback_host(o.host) && o.api_key.empty())
        return fail("serve", "an API key is required to listen on " + o.host +
                                 " (not a loopback address): --api-key KEY or RWB_API_KEY");

    std::vector<serve::ServedModel> models;
    for (const auto& f : files) {
        const std::string id = model_id(f);
        for (const auto& m : models)
            if (m.id == id) return fail("serve", "two models are named '" + id + "'");
        auto model = Model::load(f);
        if (!model) return fail("serve", model.message());
        models.push_back({id, *model});
    }
    auto server = serve::Server::create(std::move(models), o);
    if (!server) return fail("serve", server.message());
    auto bound = (*server)->bind();
    if (!bound) return fail("serve", bound.message());

    // Signals are taken by one thread with sigwait (blocked everywhere else, including the
    // server's threads, which inherit this mask), so stopping never runs in a signal handler.
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up must not kill the server
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    serve::Server* srv = server->get();
    std::thread waiter([&stop_signals, srv] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        srv->stop();
    });

    const std::string shown =
        o.host.find(':') != std::string::npos && o.host[0] != '[' ? "[" + o.host + "]" : o.host;
    std::fprintf(stderr, "rwb serve: %zu model(s):", files.size());
    for (const auto& f : files) std::fprintf(stderr, " %s", model_id(f).c_str());
    std::fprintf(stderr, "%s\n", o.api_key.empty() ? " (no API key)" : " (API key required)");
    std::printf("listening on http://%s:%d\n", shown.c_str(), *bound);
    std::fflush(stdout);
    Status s = (*server)->listen();
    pthread_kill(waiter.native_handle(), SIGTERM); // wakes the waiter if no signal came
    waiter.join();
    if (!s) return fail("serve", s.message());
    return 0;
}

} // namespace rwb::cli

#else
namespace rwb::cli {
int cmd_serve(int, char**) {
    return fail("serve", "not available in this build (needs libcpp-httplib-dev)");
}
} // namespace rwb::cli
#endif
