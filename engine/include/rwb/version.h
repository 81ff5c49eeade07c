// Version facts compiled into the engine: shown by `rwb --version` and the About box.
#pragma once

#include <string>

namespace rwb {
const char* version_string();
const char* build_date();
const char* git_commit();

// The compute backends of this process, one line: the CPU kernels picked at run time and the
// CUDA module's state, e.g. "cpu (avx2), cuda (1 device: NVIDIA H200)" or
// "cpu (avx512), cuda unavailable (no CUDA-capable device is detected)".
std::string backends_summary();

// "<program> <version>\nbuilt <date>, commit <commit>\nbackends: <backends_summary()>".
std::string build_info_text(const std::string& program);
} // namespace rwb
