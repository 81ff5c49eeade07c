#!/bin/bash
# Runs the CUDA backend's checks and benchmarks on the GPU machine, writing logs to $OUT.
# Expects .device/bin (rwb, librwb_cuda.so, tst_cuda_backend built for sm_90 on the dev machine;
# the GPU machine has no Qt and no PCRE2/nlohmann headers to build them) and .device/reference
# (a subset of tests/data/reference). Usage: scripts/device-cuda.sh [test|bench|all]
set -u
what=${1:-all}
OUT=${OUT:-/tmp/rwb-device-out}
mkdir -p "$OUT"
B=$PWD/.device/bin
# Debian libraries the GPU machine's image lacks (ICU 72, cpp-httplib, brotli), packed small.
mkdir -p /tmp/rwb-lib && tar xJf .device/libs.tar.xz -C /tmp/rwb-lib
export LD_LIBRARY_PATH=/tmp/rwb-lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export RWB_CUDA_MODULE=$B/librwb_cuda.so
export RWB_REFERENCE_DIR=$PWD/.device/reference
{ nvidia-smi; ldd "$B/rwb" "$B/librwb_cuda.so"; } >"$OUT/env.txt" 2>&1
if [ "$what" != bench ]; then
  timeout 240 "$B/tst_cuda_backend" >"$OUT/test.log" 2>&1
  echo "tst_cuda_backend rc=$?" | tee -a "$OUT/test.log"
  grep -c PASS "$OUT/test.log"; grep FAIL "$OUT/test.log" | head -20
fi
if [ "$what" != test ]; then
  for t in ${RWB_BENCH_TYPES:-q4_k_m q8_0 f16}; do
    m=/tmp/r1-1.5b-$t.gguf
    [ -f "$m" ] || timeout 200 "$B/rwb" synth --like r1-qwen-1.5b --type "$t" -o "$m" -q -t 16
    echo "== $t ($(date -u +%FT%TZ))" >>"$OUT/bench.log"
    timeout 120 "$B/rwb" bench -m "$m" --backend cuda -p 512 -n 128 -r 3 >>"$OUT/bench.log" 2>&1
    if [ "$t" = q4_k_m ]; then
      echo "-- without CUDA graphs" >>"$OUT/bench.log"
      RWB_CUDA_NO_GRAPHS=1 timeout 60 "$B/rwb" bench -m "$m" --backend cuda -p 0 -n 128 -r 3 \
        >>"$OUT/bench.log" 2>&1
      for s in 2 3; do
        timeout 60 "$B/rwb" bench -m "$m" --backend cuda -p 0 -n 128 -r 3 --sessions $s \
          >>"$OUT/bench.log" 2>&1
      done
      timeout 60 "$B/rwb" bench -m "$m" --backend cuda --gpu-layers 14 -p 512 -n 32 -r 2 \
        >>"$OUT/bench.log" 2>&1
    fi
  done
  cat "$OUT/bench.log"
fi
