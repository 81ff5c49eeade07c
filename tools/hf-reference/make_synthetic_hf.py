#!/usr/bin/env python3
"""Writes a larger synthetic Llama-shaped HF folder (BF16 random weights, sharded) with the
Python standard library only, to measure `rwb convert` throughput and memory on real-sized
tensors. Values are random BF16 numbers of magnitude ~2^-7..2^-6 (no NaN/Inf); the tokenizer is
copied from tests/data/hf/llama-f32. Not test data: nothing is compared against it.

usage: make_synthetic_hf.py OUT_DIR [--hidden 2048] [--layers 4] [--ffn 5632] [--vocab 32000]
"""
import argparse
import json
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZER_DIR = os.path.join(HERE, "..", "..", "tests", "data", "hf", "llama-f32")


def random_bf16(n):
    low = os.urandom(n)  # mantissa bits and the exponent's lowest bit
    # high byte: sign + exponent bits 7..1 chosen so the exponent is 0x78/0x79 (2^-7..2^-6)
    high = os.urandom(n).translate(bytes((0x3C | (b & 0x80)) for b in range(256)))
    out = bytearray(2 * n)
    out[0::2] = low
    out[1::2] = high
    return bytes(out)


def write_shard(path, tensors):
    header, offset = {}, 0
    for name, shape in tensors:
        n = 1
        for d in shape:
            n *= d
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [offset, offset + 2 * n]}
        offset += 2 * n
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for name, shape in tensors:
            n = 1
            for d in shape:
                n *= d
            f.write(random_bf16(n))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--hidden", type=int, default=2048)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=5632)
    ap.add_argument("--vocab", type=int, default=32000)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    h, heads, kv = a.hidden, a.hidden // 64, max(1, a.hidden // 256)
    weight_map = {}
    shard0 = [("model.embed_tokens.weight", (a.vocab, h)), ("model.norm.weight", (h,)),
              ("lm_head.weight", (a.vocab, h))]
    shards = [shard0]
    for i in range(a.layers):
        p = f"model.layers.{i}."
        shards.append([(p + "input_layernorm.weight", (h,)),
                       (p + "self_attn.q_proj.weight", (h, h)),
                       (p + "self_attn.k_proj.weight", (kv * 64, h)),
                       (p + "self_attn.v_proj.weight", (kv * 64, h)),
                       (p + "self_attn.o_proj.weight", (h, h)),
                       (p + "post_attention_layernorm.weight", (h,)),
                       (p + "mlp.gate_proj.weight", (a.ffn, h)),
                       (p + "mlp.up_proj.weight", (a.ffn, h)),
                       (p + "mlp.down_proj.weight", (h, a.ffn))])
    for k, tensors in enumerate(shards):
        fn = f"model-{k + 1:05d}-of-{len(shards):05d}.safetensors"
        write_shard(os.path.join(a.out_dir, fn), tensors)
        for name, _ in tensors:
            weight_map[name] = fn
    with open(os.path.join(a.out_dir, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {}, "weight_map": weight_map}, f)
    cfg = {"architectures": ["LlamaForCausalLM"], "hidden_size": h, "intermediate_size": a.ffn,
           "num_hidden_layers": a.layers, "num_attention_heads": heads, "num_key_value_heads": kv,
           "vocab_size": a.vocab, "max_position_embeddings": 131072, "rms_norm_eps": 1e-5,
           "rope_theta": 500000.0, "torch_dtype": "bfloat16",
           "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                            "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}}
    with open(os.path.join(a.out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    for name in ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja"):
        shutil.copy(os.path.join(TOKENIZER_DIR, name), a.out_dir)


if __name__ == "__main__":
    main()
