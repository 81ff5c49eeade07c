#!/usr/bin/env bash
# Fuzzes the GGUF parser with libFuzzer (clang, ASan + UBSan) for SECONDS (default 300).
# Builds only fuzz_gguf in its own build dir (build-fuzz), seeds a working corpus from
# tests/data/gguf/{corpus,bad}; crashes land in build-fuzz/fuzz-artifacts/. A crash found here
# should become a file in tests/data/gguf/bad/ (via make_gguf_cases.py) so the replay test keeps it.
set -euo pipefail
seconds=${1:-300}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${RWB_FUZZ_BUILD_DIR:-$root/build-fuzz}

if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRWB_BUILD_FUZZERS=ON -DRWB_WITH_CUDA=OFF >/dev/null
fi
cmake --build "$build" --target fuzz_gguf -j"${JOBS:-2}"

work="$build/fuzz-corpus"
artifacts="$build/fuzz-artifacts"
mkdir -p "$work" "$artifacts"
cp -n "$root"/tests/data/gguf/corpus/*.gguf "$root"/tests/data/gguf/bad/*.gguf "$work"/ 2>/dev/null || true

"$build/tests/fuzz/fuzz_gguf" "$work" \
  -dict="$root/tests/fuzz/gguf.dict" \
  -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$artifacts/" -print_final_stats=1
