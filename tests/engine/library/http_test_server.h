// A small HTTP server on 127.0.0.1 for download tests (cpp-httplib): serves one payload under
// several paths with Range support (httplib applies the requested range to the content
// provider), an ETag, and misbehaviours on demand: /drop/* closes the connection after half the
// bytes on the first request, /slow/* sends 16 KiB every 2 ms. Every request's Range header is
// recorded.
#pragma once

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rwb::test {

class HttpTestServer {
public:
    explicit HttpTestServer(std::string payload) : payload_(std::move(payload)) {
        auto serve = [this](const httplib::Request& req, httplib::Response& res, int mode) {
            {
                std::lock_guard lock(mutex_);
                ranges_.push_back(req.get_header_value("Range"));
            }
            const int request_no = requests_.fetch_add(1);
            res.set_header("ETag", "\"rwb-test-1\"");
            res.set_header("Accept-Ranges", "bytes");
            res.set_content_provider(
                payload_.size(), "application/octet-stream",
                [this, mode, request_no](size_t offset, size_t length, httplib::DataSink& sink) {
                    const size_t chunk = 16 * 1024;
                    size_t end = offset + length;
                    // Drop mode: the first request stops half-way and closes the connection.
                    const bool drop = mode == 1 && request_no == first_drop_request_.load();
                    if (drop) end = offset + length / 2;
                    for (size_t pos = offset; pos < end; pos += chunk) {
                        if (mode == 2) std::this_thread::sleep_for(std::chrono::milliseconds(2));
                        if (!sink.write(payload_.data() + pos, std::min(chunk, end - pos)))
                            return false;
                    }
                    return !drop;
                });
        };
        server_.Get("/file/(.*)", [serve](const auto& q, auto& r) { serve(q, r, 0); });
        server_.Get("/drop/(.*)", [this, serve](const auto& q, auto& r) {
            int expected = -1;
            first_drop_request_.compare_exchange_strong(expected, requests_.load());
            serve(q, r, 1);
        });
        server_.Get("/slow/(.*)", [serve](const auto& q, auto& r) { serve(q, r, 2); });
        port_ = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~HttpTestServer() {
        server_.stop();
        thread_.join();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    int port() const { return port_; }
    int requests() const { return requests_.load(); }
    std::vector<std::string> ranges() const {
        std::lock_guard lock(mutex_);
        return ranges_;
    }

private:
    std::string payload_;
    httplib::Server server_;
    std::thread thread_;
    int port_ = 0;
    std::atomic<int> requests_{0};
    std::atomic<int> first_drop_request_{-1};
    mutable std::mutex mutex_;
    std::vector<std::string> ranges_;
};

} // namespace rwb::test
