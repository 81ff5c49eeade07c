// OpProfile report formatting.
#include "runtime/op_profile.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace rwb::runtime {

OpProfile::OpProfile() {
    const char* e = std::getenv("RWB_PROFILE");
    enabled_ = e && *e && std::strcmp(e, "0") != 0;
}

std::string OpProfile::report() const {
    static const char* kNames[] = {
        "embed",    "rms_norm",        "matmul_qkv",      "rope",
        "kv_store", "attention",       "matmul_attn_out", "matmul_ffn_gate_up",
        "swiglu",   "matmul_ffn_down", "output"};
    double total = 0;
    for (double t : totals_) total += t;
    std::string out;
    char line[128];
    for (size_t i = 0; i < totals_.size(); ++i) {
        std::snprintf(line, sizeof line, "%-20s %9.3f s  %5.1f%%\n", kNames[i], totals_[i],
                      total > 0 ? 100.0 * totals_[i] / total : 0.0);
        out += line;
    }
    std::snprintf(line, sizeof line, "%-20s %9.3f s\n", "total", total);
    return out + line;
}

} // namespace rwb::runtime
