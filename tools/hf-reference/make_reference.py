#!/usr/bin/env python3
"""Makes tiny random-weight Hugging Face model folders and their float64 reference logits.

Run on a machine with torch + transformers + tokenizers + safetensors (the project's GPU machine,
see run_on_device.sh); the output is committed under tests/data/hf/ and used by tst_convert_hf to
check `rwb convert` end to end: HF folder -> GGUF -> our engine's logits vs transformers' logits.

Output (under OUT_DIR):
  qwen2-f32/        Qwen2ForCausalLM, F32, one model.safetensors, vocab padded past the tokenizer
  qwen2-f16/        the same weights rounded to F16 (config.json uses its own dtype field)
  llama-f32/        LlamaForCausalLM with Llama 3.1 rope scaling, F32, SHARDED (index json)
  llama-bf16/       the same weights rounded to BF16, one file, config.json rewritten to the
                    legacy form (rope_theta + rope_scaling at top level) that real R1 checkpoints use
  tokens/seqN.txt   N token ids (space-separated, no BOS)
  logits/<folder>.seqN.f32   float32 little-endian [N][vocab] logits of a float64 forward pass of
                    the folder as transformers loads it back from disk
  tokenize/<folder>.json     reference tokenizations (tokenizers library) and chat template renders
  MANIFEST.json     versions, date, configs and measured figures
Every logits file is computed from the folder re-loaded from disk, so it checks what was saved.
"""

import argparse
import copy
import datetime
import inspect
import json
import math
import os
import platform
import sys

import numpy as np
import torch

import tokenizers
import transformers
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers
from tokenizers import pre_tokenizers, processors, trainers

BOS = "<｜begin▁of▁sentence｜>"
EOS = "<｜end▁of▁sentence｜>"
USER = "<｜User｜>"
ASSISTANT = "<｜Assistant｜>"
THINK = "<think>"
END_THINK = "</think>"

# Published pre-tokenizer patterns (Qwen2's tokenizer.json and Llama 3's tokenizer.json).
QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}|"
                 r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
                  r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

# A simplified DeepSeek-R1 distill style chat template (same shape: bos, <｜User｜>, <｜Assistant｜>,
# reasoning stripped from past assistant turns, generation prompt opening <think>).
CHAT_TEMPLATE = (
    "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}"
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'system' %}{{ message['content'] }}"
    "{% elif message['role'] == 'user' %}{{ '<｜User｜>' + message['content'] }}"
    "{% elif message['role'] == 'assistant' %}"
    "{% set content = message['content'] %}"
    "{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}"
    "{{ '<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<｜Assistant｜><think>\\n' }}{% endif %}")

TRAIN_TEXT = """\
The quick brown fox jumps over the lazy dog. A reasoning model thinks step by step before it answers.
Let's compute 12 + 345 = 357, then 6789 * 2 = 13578. Numbers like 3.14159 and 2.71828 appear often.
def add(a, b):
    return a + b

for i in range(10):
    print(i, add(i, i))
She said: "It's fine, we'll see; they've gone and I'd rather stay." Don't worry, you're right!
Wait, maybe I should check the answer again. So the answer is 42. Therefore the final answer is \\boxed{42}.
Übermäßig große Häuser, café, naïve, résumé. 你好，世界！ 数学问题很有趣。 こんにちは 🙂🚀
   indented   text	with tabs
and new lines


and more spaces.  Thinking... thinking... done. The user asks about primes: 2, 3, 5, 7, 11, 13.
"""

SAMPLE_TEXTS = [
    "Hello world",
    "The quick brown fox jumps over the lazy dog.",
    "12345 + 678 = 13023",
    "  leading spaces and trailing  ",
    "line one\nline two\n\n\tindented",
    "It's we'll they've I'D",
    "naïve café 你好 🙂",
    BOS + "Hi" + USER + "What is 2+2?" + ASSISTANT + THINK + "\nfour" + END_THINK + EOS,
]


def log(*a):
    print(*a, flush=True)


def train_tokenizer(pattern, with_nfc, with_bos_template, vocab_size):
    tok = Tokenizer(models.BPE())
    if with_nfc:
        tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=[])
    tok.train_from_iterator([TRAIN_TEXT] * 3, trainer=trainer)
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False)
                            for t in (BOS, EOS, USER, ASSISTANT)])
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in (THINK, END_THINK)])
    bos_id = tok.token_to_id(BOS)
    if with_bos_template:
        tok.post_processor = processors.TemplateProcessing(
            single=BOS + " $A", pair=BOS + " $A " + BOS + " $B", special_tokens=[(BOS, bos_id)])
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    return tok


def added_tokens_decoder(tok):
    out = {}
    for tid, at in sorted(tok.get_added_tokens_decoder().items()):
        out[str(tid)] = {"content": at.content, "lstrip": at.lstrip, "normalized": at.normalized,
                         "rstrip": at.rstrip, "single_word": at.single_word, "special": at.special}
    return out


def write_tokenizer(tok, folder, token_style, template_in_config):
    tok.save(os.path.join(folder, "tokenizer.json"))
    if token_style == "dict":  # the AddedToken dict form real R1 configs use
        as_tok = lambda t: {"__type": "AddedToken", "content": t, "lstrip": False,
                            "normalized": True, "rstrip": False, "single_word": False}
    else:
        as_tok = lambda t: t
    cfg = {
        "add_bos_token": True,
        "add_eos_token": False,
        "added_tokens_decoder": added_tokens_decoder(tok),
        "bos_token": as_tok(BOS),
        "clean_up_tokenization_spaces": False,
        "eos_token": as_tok(EOS),
        "legacy": True,
        "model_max_length": 16384,
        "pad_token": as_tok(EOS),
        "sp_model_kwargs": {},
        "tokenizer_class": "LlamaTokenizerFast",
        "unk_token": None,
        "use_default_system_prompt": False,
    }
    if template_in_config:
        cfg["chat_template"] = CHAT_TEMPLATE
    else:  # newer transformers keep the template in its own file
        with open(os.path.join(folder, "chat_template.jinja"), "w", encoding="utf-8") as f:
            f.write(CHAT_TEMPLATE)
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2, ensure_ascii=False)


def rope_kwargs(config_cls, theta, scaling):
    """transformers 5 moved rope_theta/rope_scaling into rope_parameters; accept either API."""
    params = inspect.signature(config_cls.__init__).parameters
    if "rope_parameters" in params:
        rp = {"rope_type": "default", "rope_theta": theta}
        if scaling:
            rp.update(scaling)
        return {"rope_parameters": rp}
    kw = {"rope_theta": theta}
    if scaling:
        kw["rope_scaling"] = dict(scaling)
    return kw


def init_weights(model, seed, hidden):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            shape = tuple(p.shape)
            n = torch.randn(shape, generator=g, dtype=torch.float64)
            if "embed_tokens" in name:
                v = n
            elif "lm_head" in name:
                v = n * (3.0 / math.sqrt(hidden))
            elif name.endswith(".bias"):
                v = 0.1 * n
            elif p.dim() == 1:  # RMSNorm weights
                v = 1.0 + 0.1 * n
            else:
                v = n / math.sqrt(shape[1])
            p.copy_(v.to(p.dtype))


def make_model(arch, cfg_kwargs, seed):
    cfg_cls = getattr(transformers, arch.replace("ForCausalLM", "Config"))
    cfg = cfg_cls(**cfg_kwargs)
    cfg.architectures = [arch]
    torch.manual_seed(seed)
    model = getattr(transformers, arch)(cfg)
    init_weights(model, seed + 1, cfg.hidden_size)
    return model.float().eval()


def save_model(model, folder, dtype, shard):
    os.makedirs(folder, exist_ok=True)
    m = copy.deepcopy(model).to(dtype)  # keep the float32 weights for the other folders
    kw = {"max_shard_size": shard} if shard else {}
    try:
        m.save_pretrained(folder, safe_serialization=True, **kw)
    except TypeError:  # transformers without the safe_serialization flag (always safetensors)
        m.save_pretrained(folder, **kw)


def load_f64(folder):
    try:
        m = transformers.AutoModelForCausalLM.from_pretrained(folder, attn_implementation="eager")
    except (TypeError, ValueError):
        m = transformers.AutoModelForCausalLM.from_pretrained(folder)
    return m.to(torch.float64).eval()


def forward(model, ids):
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids], dtype=torch.long), use_cache=False)
    return out.logits[0]


def rel_l2(a, b):
    return float(torch.linalg.norm((a - b).double()) / torch.linalg.norm(b.double()))


def render_template(messages, add_generation_prompt):
    import jinja2.sandbox
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    return env.from_string(CHAT_TEMPLATE).render(messages=messages, bos_token=BOS, eos_token=EOS,
                                                 add_generation_prompt=add_generation_prompt)


def tokenize_reference(tok, folder, out_path):
    convs = [[{"role": "user", "content": "What is 2+2?"}],
             [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"},
              {"role": "assistant", "content": "<think>\nplan\n</think>\n\nHello!"},
              {"role": "user", "content": "And 3+3?"}]]
    rec = {"encode": [{"text": t, "ids": tok.encode(t, add_special_tokens=False).ids}
                      for t in SAMPLE_TEXTS],
           "chat": []}
    for c in convs:
        text = render_template(c, True)
        rec["chat"].append({"messages": c, "add_generation_prompt": True, "text": text,
                            "ids": tok.encode(text, add_special_tokens=False).ids})
    try:  # what transformers itself does with the saved folder (informative)
        at = transformers.AutoTokenizer.from_pretrained(folder)
        rec["transformers_chat_text"] = [at.apply_chat_template(c, tokenize=False,
                                                                add_generation_prompt=True)
                                         for c in convs]
        rec["transformers_encode"] = [at.encode(t, add_special_tokens=False) for t in SAMPLE_TEXTS]
        same = rec["transformers_encode"] == [e["ids"] for e in rec["encode"]]
        same_chat = rec["transformers_chat_text"] == [c["text"] for c in rec["chat"]]
        log(f"  transformers AutoTokenizer agrees: encode {same}, chat template {same_chat}")
    except Exception as e:  # noqa: BLE001 - keep going, this part is only a cross-check
        log(f"  transformers AutoTokenizer failed: {type(e).__name__}: {e}")
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(rec, f, indent=1, ensure_ascii=False)


def rewrite_config_legacy(folder):
    """Moves rope_parameters (transformers 5) to the rope_theta/rope_scaling form of real checkpoints."""
    path = os.path.join(folder, "config.json")
    with open(path) as f:
        cfg = json.load(f)
    rp = cfg.pop("rope_parameters", None)
    if rp is not None:
        rp = dict(rp)
        cfg["rope_theta"] = rp.pop("rope_theta")
        cfg["rope_scaling"] = rp if rp.get("rope_type", "default") != "default" else None
    if "dtype" in cfg and "torch_dtype" not in cfg:
        cfg["torch_dtype"] = cfg.pop("dtype")
    with open(path, "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)


def figures(out, seqs, llama_kwargs, manifest):
    # How much the Llama 3.1 rope scaling matters on these sequences, so a test threshold of 1e-4
    # is known to catch a converter that drops it; and what F16/BF16 rounding alone does.
    ref = load_f64(os.path.join(out, "llama-f32"))
    cfg = json.loads(ref.config.to_json_string())
    noscale = dict(llama_kwargs)
    noscale.update(rope_kwargs(transformers.LlamaConfig, 500000.0, None))
    plain = getattr(transformers, "LlamaForCausalLM")(transformers.LlamaConfig(**noscale))
    plain.load_state_dict(ref.state_dict())
    plain = plain.to(torch.float64).eval()
    sens = {}
    for n in (17, 64, 200):
        sens[f"seq{n}"] = rel_l2(forward(plain, seqs[n]), forward(ref, seqs[n]))
    manifest["llama_rope_scaling_removed_rel_l2"] = sens
    log("llama without rope scaling, rel L2 vs with:", json.dumps(sens))
    qref = load_f64(os.path.join(out, "qwen2-f32"))
    f16 = load_f64(os.path.join(out, "qwen2-f16"))
    bf16 = load_f64(os.path.join(out, "llama-bf16"))
    manifest["qwen2_f16_vs_f32_rel_l2_seq64"] = rel_l2(forward(f16, seqs[64]),
                                                       forward(qref, seqs[64]))
    manifest["llama_bf16_vs_f32_rel_l2_seq64"] = rel_l2(forward(bf16, seqs[64]),
                                                        forward(ref, seqs[64]))
    log("f16 vs f32 (qwen2):", manifest["qwen2_f16_vs_f32_rel_l2_seq64"],
        "bf16 vs f32 (llama):", manifest["llama_bf16_vs_f32_rel_l2_seq64"])
    manifest["llama_loaded_config"] = cfg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    args = ap.parse_args()
    out = args.out_dir
    for sub in ("tokens", "logits", "tokenize"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    torch.set_num_threads(max(1, min(8, os.cpu_count() or 1)))
    manifest = {"date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "python": platform.python_version(), "torch": torch.__version__,
                "transformers": transformers.__version__, "tokenizers": tokenizers.__version__,
                "numpy": np.__version__, "command": " ".join(sys.argv), "models": {}}
    log("versions:", json.dumps({k: manifest[k] for k in ("python", "torch", "transformers",
                                                           "tokenizers")}))

    qtok = train_tokenizer(QWEN2_PATTERN, with_nfc=True, with_bos_template=False, vocab_size=360)
    ltok = train_tokenizer(LLAMA3_PATTERN, with_nfc=False, with_bos_template=True, vocab_size=360)
    q_ntok, l_ntok = qtok.get_vocab_size(), ltok.get_vocab_size()
    log(f"tokenizers: qwen2 {q_ntok} tokens, llama {l_ntok} tokens")
    q_vocab = (q_ntok + 63) // 64 * 64  # padded like real Qwen checkpoints (embedding > tokenizer)
    if q_vocab == q_ntok:
        q_vocab += 64
    l_vocab = l_ntok

    common = dict(attention_dropout=0.0, bos_token_id=qtok.token_to_id(BOS),
                  eos_token_id=qtok.token_to_id(EOS), tie_word_embeddings=False)
    qwen_kwargs = dict(vocab_size=q_vocab, hidden_size=64, intermediate_size=128,
                       num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                       max_position_embeddings=4096, rms_norm_eps=1e-6, use_sliding_window=False,
                       **rope_kwargs(transformers.Qwen2Config, 10000.0, None), **common)
    llama3_scaling = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                      "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}
    common["bos_token_id"], common["eos_token_id"] = ltok.token_to_id(BOS), ltok.token_to_id(EOS)
    llama_kwargs = dict(vocab_size=l_vocab, hidden_size=128, intermediate_size=256,
                        num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1,
                        max_position_embeddings=131072, rms_norm_eps=1e-5, attention_bias=False,
                        mlp_bias=False,
                        **rope_kwargs(transformers.LlamaConfig, 500000.0, llama3_scaling),
                        **common)

    qwen = make_model("Qwen2ForCausalLM", qwen_kwargs, seed=1234)
    llama = make_model("LlamaForCausalLM", llama_kwargs, seed=5678)
    log("qwen2 config:", qwen.config.to_json_string())
    log("llama config:", llama.config.to_json_string())

    folders = {
        "qwen2-f32": (qwen, torch.float32, None, qtok, "str", True),
        "qwen2-f16": (qwen, torch.float16, None, qtok, "str", True),
        "llama-f32": (llama, torch.float32, "200KB", ltok, "dict", False),
        "llama-bf16": (llama, torch.bfloat16, None, ltok, "dict", False),
    }
    for name, (model, dtype, shard, tok, style, tmpl_in_cfg) in folders.items():
        folder = os.path.join(out, name)
        save_model(model, folder, dtype, shard)
        write_tokenizer(tok, folder, style, tmpl_in_cfg)
        if name == "llama-bf16":
            rewrite_config_legacy(folder)
        gen = os.path.join(folder, "generation_config.json")
        log(f"{name}: files {sorted(os.listdir(folder))}")
        with open(os.path.join(folder, "config.json")) as f:
            log(f"{name}: config.json {f.read()}")
        tokenize_reference(tok, folder, os.path.join(out, "tokenize", name + ".json"))
        if not os.path.exists(gen):
            log(f"{name}: (no generation_config.json)")

    n_ids = min(q_vocab, l_vocab)
    seqs = {}
    for n in (1, 17, 64, 200):
        rng = np.random.default_rng(3000 + n)
        ids = [int(x) for x in rng.integers(0, n_ids, size=n)]
        seqs[n] = ids
        with open(os.path.join(out, "tokens", f"seq{n}.txt"), "w") as f:
            f.write(" ".join(map(str, ids)) + "\n")

    for name in folders:
        m = load_f64(os.path.join(out, name))
        info = {"config": json.loads(m.config.to_json_string()), "logits": {}}
        for n, ids in seqs.items():
            lg = forward(m, ids)
            arr = lg.to(torch.float32).numpy().astype("<f4")
            arr.tofile(os.path.join(out, "logits", f"{name}.seq{n}.f32"))
            p = torch.softmax(lg, dim=-1)
            info["logits"][f"seq{n}"] = {"shape": list(arr.shape), "std": float(lg.std()),
                                         "mean_max_prob": float(p.max(dim=-1).values.mean())}
        # What an float32 engine should reach: transformers' own float32 forward vs float64.
        m32 = load_f64(os.path.join(out, name)).float()
        info["f32_forward_rel_l2_seq200"] = rel_l2(forward(m32, seqs[200]).double(),
                                                   forward(m, seqs[200]))
        log(f"{name}: {json.dumps(info['logits'])} f32-vs-f64 rel L2 "
            f"{info['f32_forward_rel_l2_seq200']:.3e}")
        manifest["models"][name] = info

    try:  # informative figures only: never lose the reference data over them
        figures(out, seqs, llama_kwargs, manifest)
    except Exception as e:  # noqa: BLE001
        log(f"figures failed: {type(e).__name__}: {e}")
    with open(os.path.join(out, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    log("done")


if __name__ == "__main__":
    main()
