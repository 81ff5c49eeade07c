#!/usr/bin/env bash
# Runs the whole demo-model training on the GPU machine in one call; results land in $OUT:
# one tarball per model (HF folder, F16 safetensors, under 16 MB each), cards.json and the log.
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONUNBUFFERED=1
WORK=$(mktemp -d)
python3 -c "import torch, transformers, tokenizers; print('torch', torch.__version__, 'transformers', transformers.__version__, 'tokenizers', tokenizers.__version__, torch.cuda.get_device_name(0))"
PACK_DIR="$OUT" timeout 560 python3 train.py "$WORK" ${TRAIN_ARGS:-} 2>&1 | tee "$OUT/train.log" || true
cp "$WORK/cards.json" "$OUT/" 2>/dev/null || true
ls -la "$OUT"
