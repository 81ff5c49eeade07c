#!/bin/bash
# The whole GPU-machine run (one `device` call): makes the tiny HF folders and their float64
# transformers logits, packs them into $OUT/hf.tar.gz with the log. Unpack into tests/data/hf/.
set -euo pipefail
export PYTHONUNBUFFERED=1
: "${OUT:?OUT must name the output folder}"
work=$(mktemp -d)
python3 -c 'import sys, torch, transformers, tokenizers, safetensors, jinja2; print(sys.version); print("torch", torch.__version__, "transformers", transformers.__version__, "tokenizers", tokenizers.__version__, "safetensors", safetensors.__version__)'
set -o pipefail
python3 tools/hf-reference/make_reference.py "$work/hf" 2>&1 | tee "$OUT/log.txt"
tar -C "$work" -czf "$OUT/hf.tar.gz" hf
ls -la "$OUT"
