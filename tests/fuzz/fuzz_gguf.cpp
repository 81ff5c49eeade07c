// libFuzzer entry: parse arbitrary bytes as GGUF (GgufFile::open_memory runs the same parser
// as open()). Any crash, sanitizer report or broken invariant (gguf_fuzz_checks.h) aborts.
#include "gguf_fuzz_checks.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto f = rwb::gguf::GgufFile::open_memory(std::span<const uint8_t>(data, size), "fuzz");
    const std::string problem =
        f ? gguf_fuzz::check_opened(**f) : gguf_fuzz::check_refused(f.message());
    if (!problem.empty()) {
        std::fprintf(stderr, "gguf invariant broken: %s (%s)\n", problem.c_str(),
                     f ? "opened" : f.message().c_str());
        std::abort();
    }
    return 0;
}
