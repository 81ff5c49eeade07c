#!/bin/bash
# Runs the CUDA backend's checks and benchmarks on the GPU machine, writing logs to $OUT.
# Expects .device/bin (rwb, librwb_cuda.so, tst_cuda_ops, tst_cuda_backend, bench_cuda_ops built for sm_90 on the dev machine;
# the GPU machine has no Qt and no PCRE2/nlohmann headers to build them) and .device/reference
# (a subset of tests/data/reference). Usage: scripts/device-cuda.sh [test|ops|bench|all|ncu|prof]
# (all = test + bench; ops, the per-op timings, ncu and prof, the kernel times of a prompt and
# of decode steps, run on their own).
# RWB_BENCH_SHAPES (default "1.5b 7b") and RWB_BENCH_TYPES pick the rwb bench files.
set -u
what=${1:-all}
OUT=${OUT:-/tmp/rwb-device-out}
mkdir -p "$OUT"
B=$PWD/.device/bin
# The binaries may travel packed (.device/bin.tar.xz) to stay under the 64 MiB upload limit.
[ -d "$B" ] || { [ -f .device/bin.tar.xz ] && tar xJf .device/bin.tar.xz -C .device; }
# Debian libraries the GPU machine's image lacks (ICU 72, cpp-httplib, brotli), packed small.
mkdir -p /tmp/rwb-lib && tar xJf .device/libs.tar.xz -C /tmp/rwb-lib
export LD_LIBRARY_PATH=/tmp/rwb-lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export RWB_CUDA_MODULE=$B/librwb_cuda.so
export RWB_REFERENCE_DIR=$PWD/.device/reference
{ nvidia-smi; ldd "$B/rwb" "$B/librwb_cuda.so"; } >"$OUT/env.txt" 2>&1
if [ "$what" = all ] || [ "$what" = test ]; then
  # Every kernel launcher against the CPU engine's op on fresh random inputs (seed in the log).
  timeout 150 "$B/tst_cuda_ops" >"$OUT/ops-test.log" 2>&1
  echo "tst_cuda_ops rc=$?" | tee -a "$OUT/ops-test.log"
  grep -E "^(PASS|FAIL|SKIP)|^  (fail|note):|seed" "$OUT/ops-test.log"
  timeout 200 "$B/tst_cuda_backend" >"$OUT/test.log" 2>&1
  rc=$?
  echo "tst_cuda_backend rc=$rc" | tee -a "$OUT/test.log"
  if [ $rc != 0 ]; then # which part is at fault: the mat-vec kernel, sampling, batching?
    for v in RWB_CUDA_MATVEC=warp RWB_CUDA_DEVICE_SAMPLING=0 RWB_CUDA_BATCH_WAIT_US=0; do
      env $v timeout 100 "$B/tst_cuda_backend" >"$OUT/test-$v.log" 2>&1
      echo "tst_cuda_backend with $v rc=$?" | tee -a "$OUT/test.log"
      grep FAIL "$OUT/test-$v.log" | head -5
    done
  fi
  grep -c PASS "$OUT/test.log"; grep FAIL "$OUT/test.log" | head -20
fi
if [ "$what" = ops ]; then
  timeout 120 "$B/bench_cuda_ops" --shape all --types f16,q8_0,q4_k,q6_k >"$OUT/ops.log" 2>&1
  # The global-memory mat-vec for comparison (RWB_CUDA_MATVEC=warp).
  RWB_CUDA_MATVEC=warp timeout 60 "$B/bench_cuda_ops" --shape 1.5b --types f16,q4_k --ctx 128 \
    >"$OUT/ops-warp.log" 2>&1
  cat "$OUT/ops.log" "$OUT/ops-warp.log"
fi
if [ "$what" = ncu ]; then
  # Hardware counters of the staged mat-vec kernels at one shape and type (RWB_NCU_SHAPE,
  # RWB_NCU_TYPES; default 7b q4_k), each launched once: where the time goes without guessing.
  RWB_BENCH_ONCE=1 timeout 240 ncu --clock-control none -k regex:staged_kernel \
    --section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats \
    --section Occupancy --section LaunchStats --section SchedulerStats --section InstructionStats \
    "$B/bench_cuda_ops" --shape "${RWB_NCU_SHAPE:-7b}" --types "${RWB_NCU_TYPES:-q4_k}" --ctx 128 \
    >"$OUT/ncu.txt" 2>&1
  echo "ncu rc=$?"; grep -cE "staged_kernel" "$OUT/ncu.txt"
fi
if [ "$what" = prof ]; then
  # Where a prompt's and a decode step's time goes, kernel by kernel (nsys; ncu's per-kernel
  # duration where nsys is missing). RWB_PROF_FILES: "shape:type ..." (default 7B F16 and Q8_0,
  # 1.5B Q4_K_M).
  for st in ${RWB_PROF_FILES:-7b:f16 7b:q8_0 1.5b:q4_k_m}; do
    shape=${st%%:*} t=${st##*:} m=/tmp/r1-${st%%:*}-${st##*:}.gguf
    [ -f "$m" ] || timeout 200 "$B/rwb" synth --like r1-qwen-$shape --type "$t" -o "$m" -q -t 16
    for pn in "-p 512 -n 0" "-p 0 -n 64"; do
      tag=$shape-$t-$(echo "$pn" | tr -d ' -')
      echo "== $tag" | tee -a "$OUT/prof.txt"
      if command -v nsys >/dev/null; then
        timeout 200 nsys profile -t cuda --cuda-graph-trace=node -o /tmp/p-$tag -f true \
          "$B/rwb" bench -m "$m" --backend cuda $pn -r 1 >/tmp/nsys.log 2>&1
        nsys stats -q -r cuda_gpu_kern_sum -f csv /tmp/p-$tag.nsys-rep 2>/dev/null |
          python3 -c "
import csv, sys
rows = list(csv.DictReader(l for l in sys.stdin if l.count(',') > 3))
tot = sum(float(r['Total Time (ns)']) for r in rows)
print('kernels total %.2f ms' % (tot / 1e6))
for r in rows[:14]:
    print('%6.2f ms %5.1f%% %6s x %8.1f us  %s' % (float(r['Total Time (ns)']) / 1e6, 100 * float(r['Total Time (ns)']) / tot,
          r['Instances'], float(r['Avg (ns)']) / 1e3, r['Name'][:110]))
" >>"$OUT/prof.txt" 2>&1
      else
        RWB_CUDA_NO_GRAPHS=1 timeout 200 ncu --metrics gpu__time_duration.sum --csv \
          "$B/rwb" bench -m "$m" --backend cuda $pn -r 1 2>/dev/null | python3 -c "
import csv, sys, collections
t = collections.Counter(); c = collections.Counter()
for r in csv.DictReader(l for l in sys.stdin if l.startswith('\"')):
    if r.get('Metric Name') == 'gpu__time_duration.sum':
        v = float(r['Metric Value'].replace(',', '')); u = r['Metric Unit']
        v *= {'nsecond': 1e-3, 'ns': 1e-3, 'usecond': 1, 'us': 1, 'msecond': 1e3, 'ms': 1e3}.get(u, 1)
        t[r['Kernel Name'][:110]] += v; c[r['Kernel Name'][:110]] += 1
tot = sum(t.values()); print('kernels total %.2f ms (ncu, no graphs)' % (tot / 1e3))
for k, v in t.most_common(14): print('%8.1f us %5.1f%% %5d x  %s' % (v, 100 * v / tot, c[k], k))
" >>"$OUT/prof.txt" 2>&1
      fi
    done
    [ "$shape" = 7b ] && rm -f "$m"
  done
  cat "$OUT/prof.txt"
fi
if [ "$what" = all ] || [ "$what" = bench ]; then
  for shape in ${RWB_BENCH_SHAPES:-1.5b 7b}; do
  for t in ${RWB_BENCH_TYPES:-q4_k_m q8_0 f16}; do
    m=/tmp/r1-$shape-$t.gguf
    [ -f "$m" ] || timeout 200 "$B/rwb" synth --like r1-qwen-$shape --type "$t" -o "$m" -q -t 16
    echo "== $shape $t ($(date -u +%FT%TZ))" >>"$OUT/bench.log"
    timeout 120 "$B/rwb" bench -m "$m" --backend cuda -p 512 -n 128 -r 3 >>"$OUT/bench.log" 2>&1
    # RWB_BENCH_AB="VAR=value ...": the same prompt again with each switch, in the same run;
    # RWB_BENCH_AB_TG the same for generation (tg128).
    for ab in ${RWB_BENCH_AB:-}; do
      echo "-- $ab" >>"$OUT/bench.log"
      env "$ab" timeout 60 "$B/rwb" bench -m "$m" --backend cuda -p 512 -n 0 -r 3 >>"$OUT/bench.log" 2>&1
    done
    for ab in ${RWB_BENCH_AB_TG:-}; do
      echo "-- $ab" >>"$OUT/bench.log"
      env "$ab" timeout 60 "$B/rwb" bench -m "$m" --backend cuda -p 0 -n 128 -r 3 >>"$OUT/bench.log" 2>&1
    done
    if [ "$t" = q4_k_m ]; then
      # Several sessions: one explicit batched step (--sessions), and as the app runs them, each
      # generating on a thread of its own through the decode batcher (--concurrent; 1 = the same
      # path alone, with sampling on the device).
      for s in 2 3; do
        timeout 60 "$B/rwb" bench -m "$m" --backend cuda -p 0 -n 128 -r 3 --sessions $s \
          >>"$OUT/bench.log" 2>&1
      done
      for s in 1 2 3; do
        timeout 60 "$B/rwb" bench -m "$m" --backend cuda -p 0 -n 128 -r 3 --sessions $s \
          --concurrent >>"$OUT/bench.log" 2>&1
      done
      if [ "$shape" = 7b ]; then
        # Half the layers on the GPU: same top-1 as all on the GPU, and faster than the CPU alone.
        timeout 90 "$B/rwb" bench -m "$m" --backend cuda --gpu-layers 14 -p 512 -n 32 -r 2 >>"$OUT/bench.log" 2>&1
        timeout 120 "$B/rwb" bench -m "$m" --backend cpu -t 16 -p 64 -n 16 -r 1 >>"$OUT/bench.log" 2>&1
        toks=$(seq 100 53 3500 | head -64 | tr '\n' ' ')
        timeout 60 "$B/rwb" logits -m "$m" --tokens "$toks" --all --backend cuda -o /tmp/full.f32 &&
          timeout 90 "$B/rwb" logits -m "$m" --tokens "$toks" --all --backend cuda --gpu-layers 14 -o /tmp/half.f32 &&
          timeout 120 "$B/rwb" logits -m "$m" --tokens "$toks" --all -t 16 -o /tmp/cpu.f32 &&
          python3 -c "
import numpy as np
load = lambda f: np.fromfile(f, np.float32).reshape(64, -1)
a = load('/tmp/full.f32')
top2 = np.sort(a, 1)[:, -2:]
for name, f in (('--gpu-layers 14', '/tmp/half.f32'), ('CPU alone', '/tmp/cpu.f32')):
    b = load(f)
    err = np.abs(a - b).max(1)
    clear = (top2[:, 1] - top2[:, 0]) > 2 * err  # rows whose top-1 margin exceeds the difference
    same = a.argmax(1) == b.argmax(1)
    print('7B Q4_K_M', name, 'vs all layers on the GPU: top-1 agrees on', int(same.sum()), 'of 64 rows,',
          int(same[clear].sum()), 'of', int(clear.sum()), 'rows whose margin exceeds twice the difference; relative L2',
          float(np.linalg.norm(a - b) / np.linalg.norm(a)))
" >>"$OUT/bench.log" 2>&1
      fi
    fi
    [ "$shape" = 7b ] && rm -f "$m" # disk: the 7B files are large
  done
  done
  cat "$OUT/bench.log"
fi
