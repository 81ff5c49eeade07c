"""Trains the demo models' byte-level BPE vocabulary (Qwen2-style pre-tokenizer, R1 special tokens).

Uses the `tokenizers` library. The corpus is the task family's own text plus Python's standard-library
docstrings, so ordinary English prompts also tokenize sensibly. Digits stay single tokens (as in
Qwen2), which is what lets small models do column arithmetic.
"""
import ast
import glob
import os
import random
import sys

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

import tasks

# The Qwen2 pre-tokenizer pattern (a published fact of that tokenizer), so the GGUF can say pre=qwen2.
QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")
SPECIAL = ["<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>",
           "<think>", "</think>", "<｜▁pad▁｜>"]


def stdlib_docstrings(limit_chars=3_000_000):
    out, total = [], 0
    libdir = os.path.dirname(os.__file__)
    for path in sorted(glob.glob(os.path.join(libdir, "*.py"))):
        try:
            tree = ast.parse(open(path, encoding="utf-8").read())
        except Exception:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module, ast.AsyncFunctionDef)):
                doc = ast.get_docstring(node)
                if doc:
                    out.append(doc)
                    total += len(doc)
        if total > limit_chars:
            break
    return out


def corpus(seed=7, n_tasks=40000):
    rng = random.Random(seed)
    for _ in range(n_tasks):
        p, a, t = tasks.sample(rng)
        yield p
        yield tasks.completion(t, a)
    yield from stdlib_docstrings()


def build(vocab_size, out_path):
    tok = Tokenizer(models.BPE(byte_fallback=False))
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size - len(SPECIAL), show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), special_tokens=[])
    tok.train_from_iterator(corpus(), trainer)
    tok.add_special_tokens(SPECIAL)  # appended after the BPE vocabulary, as in the R1 distills
    tok.save(out_path)
    return tok


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "tokenizer.json"
    t = build(int(os.environ.get("VOCAB", "3072")), out)
    print("vocab", t.get_vocab_size(), "->", out)
