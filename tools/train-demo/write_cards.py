"""Writes the model cards resources/models/<name>.md from the training run's cards.json and the
`rwb eval --json` results on the held-out set (the CPU engine's figures, not the trainer's).

usage: python3 write_cards.py CARDS_JSON EVAL_JSON GREEDY_EVAL_JSON RWB_BINARY
"""
import json
import os
import subprocess
import sys

SIZES = {"rwb-demo-small": "96 hidden, 2 layers, 2 heads (1 KV head), FFN 256",
         "rwb-demo-medium": "192 hidden, 4 layers, 3 heads (1 KV head), FFN 512",
         "rwb-demo-large": "320 hidden, 6 layers, 5 heads (1 KV head), FFN 896"}


def by_name(path):
    return {os.path.basename(r["model"]).removesuffix(".gguf"): r for r in json.load(open(path))}


def main(cards_path, eval_path, greedy_path, rwb):
    cards = json.load(open(cards_path))
    results, greedy = by_name(eval_path), by_name(greedy_path)
    out_dir = os.path.join(os.path.dirname(__file__), "../../resources/models")
    for name, card in cards.items():
        r, g = results[name], greedy[name]
        info = json.loads(subprocess.check_output([rwb, "info", "--json", os.path.join(out_dir, name + ".gguf")]))
        role = ("Trained directly on the task family (the teacher)." if card["role"] == "teacher" else
                f"Distilled from {card['teacher']}: supervised on {card['traces']:,} of the teacher's own "
                "sampled chains of thought (temperature 0.6, top-p 0.95; only traces with the right "
                "boxed answer kept), as the R1 distills were made.")
        resumed = ("This model was trained in a second call that took the packed large and medium models\n"
                   "(`RESUME_FROM=...`, `train.py --resume`), the first having reached the 10-minute limit.\n"
                   if card.get("resumed") else "")
        trainer_line = (f"Greedy accuracy in the trainer (transformers, first 150 problems): "
                        f"{100 * card['hf_greedy_accuracy']:.1f}%.\n" if card.get("hf_greedy_accuracy") is not None else "")
        text = f"""# {name}

A tiny R1-style reasoning model bundled with Reasoning Workbench, so that a fresh install can chat
with a real reasoning model offline and the comparison view shows something true about size.

| | |
|---|---|
| Architecture | Qwen2 ({SIZES[name]}), tied embeddings |
| Parameters | {info['parameters']:,} |
| File | `{name}.gguf`, F16, made with `rwb convert` |
| Vocabulary | 3,072-token byte-level BPE with the R1 special tokens, DeepSeek-R1-Qwen pre-tokenizer |
| Chat template | the DeepSeek-R1 template (the prompt ends with `<think>\\n`) |

## Task
Synthetic arithmetic reasoning (`tools/train-demo/tasks.py`): addition and subtraction up to 6 digits,
comparisons, multiplication by one digit (up to 4 digits) and by two digits, one- and two-step word
problems. The chain of thought works column by column with carries and borrows, then checks itself
("Let me verify ..."), then answers "The answer is \\boxed{{...}}".

## Training
{role}
{card['steps']} steps of batch {card['batch']} (a fixed count, no wall-clock cap), AdamW, peak
learning rate {card['lr']}, warm-up then cosine decay, seed {card['seed']}, PyTorch's deterministic
mode. Command (GPU machine): `OUT=<empty dir> bash tools/train-demo/run_on_device.sh` (runs
`train.py`), then `rwb convert <OUT>/{name} -o resources/models/{name}.gguf --type f16`.
{resumed}Two runs of the recipe side by side on the same GPU produced the same weights, SHA256
`{card['weights_sha256']}` (`tools/train-demo/run5-train.log`).
The held-out problems (`resources/problem_sets/demo-arithmetic-heldout.jsonl`, 300 problems, seed
424242) are excluded from training.

## Accuracy
On the 300 held-out problems with the CPU engine,
`rwb eval -m resources/models/{name}.gguf --set resources/problem_sets/demo-arithmetic-heldout.jsonl`
(R1 sampling: temperature 0.6, top-p 0.95, seed 0) and with `--temp 0` (greedy):

| sampling | Accuracy | 95% interval | mean thinking tokens | mean answer tokens |
|---|---|---|---|---|
| temperature 0.6 | {100 * r['accuracy']:.1f}% ({round(r['accuracy'] * r['n'])}/{r['n']}) | {100 * r['accuracy_ci95'][0]:.1f}–{100 * r['accuracy_ci95'][1]:.1f}% | {r['mean_thinking_tokens']:.1f} | {r['mean_answer_tokens']:.1f} |
| greedy | {100 * g['accuracy']:.1f}% ({round(g['accuracy'] * g['n'])}/{g['n']}) | {100 * g['accuracy_ci95'][0]:.1f}–{100 * g['accuracy_ci95'][1]:.1f}% | {g['mean_thinking_tokens']:.1f} | {g['mean_answer_tokens']:.1f} |

{trainer_line}
## Limits
Knows only this task family; anything else gets arithmetic-shaped nonsense. Not a general model.
"""
        open(os.path.join(out_dir, f"{name}.md"), "w").write(text)


if __name__ == "__main__":
    main(*sys.argv[1:5])
