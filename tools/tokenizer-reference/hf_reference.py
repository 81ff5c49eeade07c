#!/usr/bin/env python3
"""Cross-check of reference-ids.jsonl with the Rust Hugging Face `tokenizers` library (the
tokenizer the models were trained with). Writes the ids it gives for every corpus string and
vocabulary to OUT (default tests/data/tokenizer/reference-ids-hf.jsonl), same format as
make_reference.mjs. Needs `pip install tokenizers` (run on a machine that has it)."""
import json
import os
import sys
import tarfile

from tokenizers import Tokenizer

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, "..", "..", "tests", "data", "tokenizer")
out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(data, "reference-ids-hf.jsonl")


def tokenizer_json(archive):
    with tarfile.open(os.path.join(data, archive)) as t:
        return json.loads(t.extractfile("tokenizer.json").read().decode("utf-8"))


qwen = tokenizer_json("qwen2-tokenizer.tar.xz")
llama = tokenizer_json("llama3-tokenizer.tar.xz")
r1_added = json.load(open(os.path.join(data, "r1-distill-qwen-added-tokens.json"), encoding="utf-8"))
r1 = json.loads(json.dumps(qwen))
r1["added_tokens"] = [{"id": t["id"], "content": t["content"], "single_word": False, "lstrip": False,
                       "rstrip": False, "normalized": False, "special": t["special"]}
                      for t in r1_added["added_tokens"]]
toks = {name: Tokenizer.from_str(json.dumps(j)) for name, j in
        (("qwen2", qwen), ("llama3", llama), ("r1qwen", r1))}

with open(os.path.join(data, "corpus.jsonl"), encoding="utf-8") as f, open(out_path, "w") as out:
    for line in f:
        item = json.loads(line)
        text = bytes.fromhex(item["hex"]).decode("utf-8", errors="replace") if "hex" in item else item["text"]
        rec = {"id": item["id"]}
        for name, t in toks.items():
            rec[name] = t.encode(text, add_special_tokens=False).ids
        out.write(json.dumps(rec, separators=(",", ":")) + "\n")
print("wrote", out_path)
