// bench_serve_load: load figure for `rwb serve`. C clients each send streamed chat completions
// back to back for a fixed number of requests; reports requests per second, completion tokens
// per second, and time to first token (first body byte of the SSE stream = the first token's
// event: headers come earlier, when a generation slot is taken) as p50 and p99.
//   bench_serve_load --port N [--model ID] [--clients C] [--requests R] [--max-tokens T]
// Start the server yourself (bench/serve_load.sh does both).
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
    int port = 0;
    std::string model = "rwb-demo-small";
    int clients = 1;
    int requests = 16; // per client
    int max_tokens = 256;
};

const char* kQuestions[] = {"What is 17 + 25?", "What is 9 * 8?", "What is 100 - 37?",
                            "What is 12 + 30?", "What is 6 * 7?", "What is 81 - 19?"};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t i = std::min(v.size() - 1, size_t(p / 100.0 * double(v.size() - 1) + 0.5));
    return v[i];
}

long long completion_tokens(const std::string& body) {
    const std::string key = "\"completion_tokens\":";
    const size_t at = body.rfind(key);
    return at == std::string::npos ? 0 : std::atoll(body.c_str() + at + key.size());
}

} // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--port")
            o.port = std::atoi(v.c_str());
        else if (a == "--model")
            o.model = v;
        else if (a == "--clients")
            o.clients = std::atoi(v.c_str());
        else if (a == "--requests")
            o.requests = std::atoi(v.c_str());
        else if (a == "--max-tokens")
            o.max_tokens = std::atoi(v.c_str());
        else {
            std::fprintf(stderr, "bench_serve_load: unknown option %s\n", a.c_str());
            return 1;
        }
    }
    if (o.port <= 0 || o.clients < 1 || o.requests < 1) {
        std::fprintf(stderr, "usage: bench_serve_load --port N [--model ID] [--clients C] "
                             "[--requests R] [--max-tokens T]\n");
        return 1;
    }

    std::mutex mutex;
    std::vector<double> ttft_ms;
    std::atomic<long long> tokens{0};
    std::atomic<int> failures{0};
    const auto t0 = Clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < o.clients; ++c)
        threads.emplace_back([&, c] {
            httplib::Client cli("127.0.0.1", o.port);
            cli.set_read_timeout(300, 0);
            for (int r = 0; r < o.requests; ++r) {
                const std::string q = kQuestions[(c + r) % 6];
                httplib::Request req;
                req.method = "POST";
                req.path = "/v1/chat/completions";
                req.set_header("Content-Type", "application/json");
                req.body = "{\"model\":\"" + o.model +
                           "\",\"stream\":true,\"seed\":" + std::to_string(c * 1000 + r) +
                           ",\"max_tokens\":" + std::to_string(o.max_tokens) +
                           ",\"messages\":[{\"role\":\"user\",\"content\":\"" + q + "\"}]}";
                std::string body;
                double first = -1;
                const auto start = Clock::now();
                req.content_receiver = [&](const char* d, size_t n, uint64_t, uint64_t) {
                    if (first < 0)
                        first =
                            std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                    body.append(d, n);
                    return true;
                };
                auto res = cli.send(req);
                if (!res || res->status != 200 || body.find("[DONE]") == std::string::npos) {
                    ++failures;
                    continue;
                }
                tokens += completion_tokens(body);
                std::lock_guard lock(mutex);
                ttft_ms.push_back(first);
            }
        });
    for (auto& t : threads) t.join();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    const size_t done = ttft_ms.size();
    std::printf("clients %d  requests %zu  failed %d  wall %.2f s  req/s %.2f  tok/s %.0f  "
                "TTFT p50 %.1f ms  p99 %.1f ms  avg tokens/request %.0f\n",
                o.clients, done, failures.load(), secs, double(done) / secs,
                double(tokens.load()) / secs, percentile(ttft_ms, 50), percentile(ttft_ms, 99),
                done ? double(tokens.load()) / double(done) : 0.0);
    return failures.load() == 0 ? 0 : 1;
}
