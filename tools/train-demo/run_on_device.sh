#!/usr/bin/env bash
# Runs the whole demo-model training on the GPU machine in one call; results land in $OUT:
# one tarball per model (HF folder, F16 safetensors, under 16 MB each) and the log.
# REPLICAS=2 runs the same recipe (same seed) twice at once on the one GPU, in $OUT/rep1 and
# $OUT/rep2, to show that a rerun gives the same models (the logs print each model's SHA256).
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONUNBUFFERED=1
python3 -c "import torch, transformers, tokenizers; print('torch', torch.__version__, 'transformers', transformers.__version__, 'tokenizers', tokenizers.__version__, torch.cuda.get_device_name(0))"
# RESUME_FROM=DIR: the model tarballs of a run cut short by the 10-minute limit; those models are
# taken as they are and only the missing ones are trained (train.py --resume).
resume_args=()
if [ -n "${RESUME_FROM:-}" ]; then
    resume_dir=$(mktemp -d)
    for t in "$RESUME_FROM"/*.tar.gz; do tar -xzf "$t" -C "$resume_dir"; done
    resume_args=(--resume "$resume_dir")
fi
one_run() { # $1: folder under $OUT for the packed models
    local work
    work=$(mktemp -d)
    mkdir -p "$1"
    PACK_DIR="$1" timeout 570 python3 train.py "$work" ${TRAIN_ARGS:-} "${resume_args[@]}" >"$1.log" 2>&1 || true
}
if [ "${REPLICAS:-1}" = 1 ]; then
    one_run "$OUT/run"
else
    for i in $(seq 1 "$REPLICAS"); do one_run "$OUT/rep$i" & done
    wait
fi
for f in "$OUT"/*.log; do echo "== $f"; grep -v Warning "$f" | grep -v "^ *warnings.warn" | tail -25; done
ls -laR "$OUT"
