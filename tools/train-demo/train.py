"""Trains the bundled demo family: a teacher on the task, then two students distilled from the
teacher's own sampled chains of thought (as the R1 distills were made). Writes Hugging Face folders
(config.json, model.safetensors in F16, tokenizer.json, tokenizer_config.json) that `rwb convert` turns
into the GGUF files shipped in resources/models/.

usage: python3 train.py OUT_DIR [--quick] [--check] [--resume DIR]

Every stage runs a fixed number of steps (no wall-clock caps) in PyTorch's deterministic mode, so a
rerun with the same seed on the same kind of GPU gives the same weights; the log prints each model's
SHA256 to show it. --resume DIR takes each model already trained in DIR (the folders a cut-short run
packed) instead of training it again; models are still built in the same order, so the random
initialisation of the ones left to train is the same as in an uninterrupted run. --check adds the trainer's own quick greedy accuracy (150 held-out problems).
"""
import hashlib
import json
import math
import os
import random
import re
import sys
import time
import traceback

# Deterministic cuBLAS needs a fixed workspace; set before CUDA starts.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
import torch
from tokenizers import Tokenizer
from transformers import Qwen2Config, Qwen2ForCausalLM

import build_tokenizer
import tasks

SEED = 20261129
SIZES = {
    # name: (hidden, layers, heads, kv_heads, ffn, tied)
    "rwb-demo-small": (96, 2, 2, 1, 256, True),
    "rwb-demo-medium": (192, 4, 3, 1, 512, True),
    "rwb-demo-large": (320, 6, 5, 1, 896, True),
}
BOS, EOS, USER, ASSISTANT = "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>"
T0 = time.time()


def log(*args):
    print(f"[{time.time() - T0:7.1f}s]", *args, flush=True)


def prompt_text(problem):
    return f"{BOS}{USER}{problem}{ASSISTANT}<think>\n"


def boxed(text):
    m = re.findall(r"\\boxed\{([^{}]*)\}", text)
    return m[-1].strip() if m else None


class Data:
    def __init__(self, tok, held_out):
        self.tok = tok
        self.held_out = held_out
        self.pad = tok.token_to_id("<｜▁pad▁｜>")
        self.eos = tok.token_to_id(EOS)

    def encode_pair(self, problem, completion):
        p = self.tok.encode(prompt_text(problem), add_special_tokens=False).ids
        c = self.tok.encode(completion, add_special_tokens=False).ids + [self.eos]
        return p, c

    def task_examples(self, rng, n, max_digits):
        """n fresh task examples (held-out problems skipped), tokenized in one batch call."""
        probs, comps = [], []
        while len(probs) < n:
            p, a, t = tasks.sample(rng, max_digits)
            if p not in self.held_out:
                probs.append(prompt_text(p))
                comps.append(tasks.completion(t, a))
        ps = self.tok.encode_batch(probs, add_special_tokens=False)
        cs = self.tok.encode_batch(comps, add_special_tokens=False)
        return [(p.ids, c.ids + [self.eos]) for p, c in zip(ps, cs)]

    def batch(self, pairs, device):
        n = max(len(p) + len(c) for p, c in pairs)
        ids = torch.full((len(pairs), n), self.pad, dtype=torch.long)
        labels = torch.full((len(pairs), n), -100, dtype=torch.long)
        mask = torch.zeros((len(pairs), n), dtype=torch.long)
        for i, (p, c) in enumerate(pairs):
            seq = p + c
            ids[i, : len(seq)] = torch.tensor(seq)
            labels[i, len(p): len(seq)] = torch.tensor(c)
            mask[i, : len(seq)] = 1
        return ids.to(device), labels.to(device), mask.to(device)


def make_model(name, vocab, tok):
    h, L, nh, nkv, ffn, tied = SIZES[name]
    cfg = Qwen2Config(vocab_size=vocab, hidden_size=h, intermediate_size=ffn, num_hidden_layers=L,
                      num_attention_heads=nh, num_key_value_heads=nkv, max_position_embeddings=4096,
                      rope_theta=10000.0, rms_norm_eps=1e-6, tie_word_embeddings=tied,
                      bos_token_id=tok.token_to_id(BOS), eos_token_id=tok.token_to_id(EOS),
                      use_sliding_window=False, torch_dtype="float16",
                      # Eager attention: its backward is deterministic (the fused SDPA kernels' is not).
                      attn_implementation="eager")
    return Qwen2ForCausalLM(cfg)


def train(model, next_batch, steps, lr, device, name):
    """AdamW, linear warm-up then cosine decay over a fixed number of steps."""
    model.to(device).train()
    start = time.time()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), weight_decay=0.01)
    warm = max(1, steps // 20)
    for step in range(steps):
        f = step / warm if step < warm else 0.5 * (1 + math.cos(math.pi * step / steps))
        for g in opt.param_groups:
            g["lr"] = lr * max(f, 0.02)
        ids, labels, mask = next_batch()
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 250 == 0:
            log(f"{name} step {step}/{steps} loss {loss.item():.4f}")
    log(f"{name} finished {steps} steps in {time.time() - start:.0f}s, last loss {loss.item():.4f}")
    model.eval()
    return steps


@torch.no_grad()
def generate(model, data, problems, device, temperature, seed, max_new=700, batch=12000):
    """Batched sampling with a KV cache; returns completions (text after the prompt)."""
    g = torch.Generator(device=device).manual_seed(seed)
    out = []
    for s in range(0, len(problems), batch):
        chunk = problems[s: s + batch]
        prompts = [data.tok.encode(prompt_text(p), add_special_tokens=False).ids for p in chunk]
        n = max(len(p) for p in prompts)
        ids = torch.full((len(chunk), n), data.pad, dtype=torch.long)
        mask = torch.zeros((len(chunk), n), dtype=torch.long)
        for i, p in enumerate(prompts):  # left padding
            ids[i, n - len(p):] = torch.tensor(p)
            mask[i, n - len(p):] = 1
        ids, mask = ids.to(device), mask.to(device)
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            res = model(input_ids=ids, attention_mask=mask, position_ids=pos, use_cache=True)
        past, logits = res.past_key_values, res.logits[:, -1, :].float()
        done = torch.zeros(len(chunk), dtype=torch.bool, device=device)
        gen = []
        last_pos = pos[:, -1]
        for _ in range(max_new):
            if temperature == 0:
                nxt = logits.argmax(-1)
            else:
                probs = torch.softmax(logits / temperature, -1)
                sp, si = probs.sort(-1, descending=True)
                keep = (sp.cumsum(-1) - sp) < 0.95
                sp = sp * keep
                nxt = si.gather(-1, torch.multinomial(sp / sp.sum(-1, keepdim=True), 1, generator=g)).squeeze(-1)
            nxt = torch.where(done, torch.full_like(nxt, data.pad), nxt)
            gen.append(nxt)
            done |= nxt == data.eos
            if bool(done.all()):
                break
            mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=-1)
            last_pos = last_pos + 1
            with torch.autocast("cuda", dtype=torch.bfloat16):
                res = model(input_ids=nxt.unsqueeze(-1), attention_mask=mask, position_ids=last_pos.unsqueeze(-1),
                            past_key_values=past, use_cache=True)
            past, logits = res.past_key_values, res.logits[:, -1, :].float()
        toks = torch.stack(gen, -1).tolist()
        for row in toks:
            if data.eos in row:
                row = row[: row.index(data.eos)]
            out.append(data.tok.decode([t for t in row if t != data.pad], skip_special_tokens=False))
    return out


def accuracy(model, data, problem_set, device):
    problem_set = problem_set[:150]  # a quick check; the reported figures come from `rwb eval`
    comps = generate(model, data, [p["problem"] for p in problem_set], device, 0.0, 0)
    ok = sum(boxed(c) == str(p["answer"]) for c, p in zip(comps, problem_set))
    return ok / len(problem_set)


def safe_accuracy(model, data, problem_set, device):
    try:
        return accuracy(model, data, problem_set, device)
    except Exception:
        traceback.print_exc()
        return None


def save(model, tok_path, out_dir, name, cards):
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    model.half().save_pretrained(d, safe_serialization=True)
    model.float()
    digest = hashlib.sha256(open(os.path.join(d, "model.safetensors"), "rb").read()).hexdigest()
    cards[name]["weights_sha256"] = digest
    log(f"{name} weights sha256 {digest}")
    import shutil
    shutil.copy(tok_path, os.path.join(d, "tokenizer.json"))
    template = open(os.path.join(os.path.dirname(__file__), "chat_template.jinja")).read().strip()
    json.dump({"tokenizer_class": "LlamaTokenizerFast", "bos_token": BOS, "eos_token": EOS,
               "pad_token": "<｜▁pad▁｜>", "add_bos_token": True, "add_eos_token": False,
               "model_max_length": 4096, "chat_template": template},
              open(os.path.join(d, "tokenizer_config.json"), "w"), ensure_ascii=False, indent=1)
    json.dump(cards[name], open(os.path.join(d, "training.json"), "w"), indent=1)
    # Pack each model as soon as it exists, so a run cut short by the device limit still returns it.
    pack_dir = os.environ.get("PACK_DIR")
    if pack_dir:
        import tarfile
        with tarfile.open(os.path.join(pack_dir, f"{name}.tar.gz"), "w:gz") as tar:
            tar.add(d, arcname=name)


def resume(model, resume_dir, name, cards):
    """Loads `name` from a packed folder of an earlier run of this recipe; False if there is none."""
    path = os.path.join(resume_dir or "", name, "model.safetensors")
    if not resume_dir or not os.path.exists(path):
        return False
    from safetensors.torch import load_file
    state = {k: v.float() for k, v in load_file(path).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    # Tied models store no lm_head; anything else missing means another recipe made the folder.
    if unexpected or any(k != "lm_head.weight" for k in missing):
        raise SystemExit(f"{path}: not a model of this recipe ({missing} {unexpected})")
    model.tie_weights()
    cards[name] = json.load(open(os.path.join(resume_dir, name, "training.json")))
    log(f"{name} resumed from {path}")
    return True


def main():
    out_dir = sys.argv[1]
    resume_dir = sys.argv[sys.argv.index("--resume") + 1] if "--resume" in sys.argv else None
    quick = "--quick" in sys.argv
    check = "--check" in sys.argv
    device = "cuda"
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False
    torch.manual_seed(SEED)
    os.makedirs(out_dir, exist_ok=True)
    held = [json.loads(l) for l in open(os.path.join(os.path.dirname(__file__), "../../resources/problem_sets/demo-arithmetic-heldout.jsonl"))]
    tok_path = os.path.join(out_dir, "tokenizer.json")
    tok = build_tokenizer.build(3072, tok_path)
    log("tokenizer", tok.get_vocab_size())
    data = Data(tok, {p["problem"] for p in held})
    vocab = tok.get_vocab_size()
    # Fixed step counts (not time caps), so every rerun trains exactly as much.
    steps = dict(teacher=200 if quick else 900, medium=150 if quick else 900, small=150 if quick else 900)
    batch = 384
    cards = {}

    def quick_check(model, name):
        if not check:
            return
        acc = safe_accuracy(model, data, held, device)
        log(f"{name} held-out accuracy (greedy, HF, first 150) {acc}")
        cards[name]["hf_greedy_accuracy"] = acc

    # 1. Teacher: trained on the task family directly.
    rng = random.Random(SEED)
    teacher = make_model("rwb-demo-large", vocab, tok)
    log("teacher params", sum(p.numel() for p in teacher.parameters()))
    if resume(teacher, resume_dir, "rwb-demo-large", cards):
        teacher.to(device).eval()
    else:
        done = train(teacher, lambda: data.batch(data.task_examples(rng, batch, 6), device),
                     steps["teacher"], 2e-3, device, "teacher")
        cards["rwb-demo-large"] = dict(role="teacher", steps=done, batch=batch, lr=2e-3, seed=SEED)
        quick_check(teacher, "rwb-demo-large")
        save(teacher, tok_path, out_dir, "rwb-demo-large", cards)

    # 2. The teacher's own traces (temperature 0.6, top-p 0.95); only correct ones are kept.
    trng = random.Random(SEED + 1)
    probs = []
    while len(probs) < (2000 if quick else 12000):
        p, a, _ = tasks.sample(trng, 6)
        if p not in data.held_out:
            probs.append((p, a))
    try:
        comps = generate(teacher, data, [p for p, _ in probs], device, 0.6, SEED)
        kept = [(p, c) for (p, a), c in zip(probs, comps) if boxed(c) == str(a)]
        ps = tok.encode_batch([prompt_text(p) for p, _ in kept], add_special_tokens=False)
        cs = tok.encode_batch([c for _, c in kept], add_special_tokens=False)
        traces = [(p.ids, c.ids + [data.eos]) for p, c in zip(ps, cs)]
    except Exception:
        traceback.print_exc()
        traces = []
    log(f"distillation traces kept {len(traces)}/{len(probs)}")
    if len(traces) < 1000:  # never ship students trained on nothing: fall back to the task data
        log("too few traces: students train on the task data instead")
        traces = data.task_examples(trng, 30000, 6)

    # 3. Students: supervised on the teacher's traces.
    for name, key in (("rwb-demo-medium", "medium"), ("rwb-demo-small", "small")):
        srng = random.Random(SEED + 2)
        student = make_model(name, vocab, tok)
        log(name, "params", sum(p.numel() for p in student.parameters()))
        if resume(student, resume_dir, name, cards):
            continue
        done = train(student, lambda: data.batch(srng.sample(traces, batch), device), steps[key],
                     3e-3, device, name)
        cards[name] = dict(role="student", teacher="rwb-demo-large", traces=len(traces),
                           steps=done, batch=batch, lr=3e-3, seed=SEED)
        quick_check(student, name)
        save(student, tok_path, out_dir, name, cards)
    json.dump(cards, open(os.path.join(out_dir, "cards.json"), "w"), indent=1)
    log("done")


if __name__ == "__main__":
    main()
