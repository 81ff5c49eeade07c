"""Writes the model cards resources/models/<name>.md from the training run's cards.json and the
`rwb eval --json` results on the held-out set (the CPU engine's figures, not the trainer's).

usage: python3 write_cards.py CARDS_JSON EVAL_JSON [EVAL_COMMAND]
"""
import json
import os
import sys

SIZES = {"rwb-demo-small": "96 hidden, 2 layers, 2 heads (1 KV head), FFN 256",
         "rwb-demo-medium": "192 hidden, 4 layers, 3 heads (1 KV head), FFN 512",
         "rwb-demo-large": "320 hidden, 6 layers, 5 heads (1 KV head), FFN 896"}


def main(cards_path, eval_path, eval_command):
    cards = json.load(open(cards_path))
    results = {os.path.basename(r["model"]).removesuffix(".gguf"): r for r in json.load(open(eval_path))}
    out_dir = os.path.join(os.path.dirname(__file__), "../../resources/models")
    for name, card in cards.items():
        r = results[name]
        role = ("Trained directly on the task family (the teacher)." if card["role"] == "teacher" else
                f"Distilled from {card['teacher']}: supervised on {card['traces']:,} of the teacher's own "
                "sampled chains of thought (temperature 0.6, top-p 0.95; only traces with the right "
                "boxed answer kept), as the R1 distills were made.")
        text = f"""# {name}

A tiny R1-style reasoning model bundled with Reasoning Workbench, so that a fresh install can chat
with a real reasoning model offline and the comparison view shows something true about size.

| | |
|---|---|
| Architecture | Qwen2 ({SIZES[name]}), tied embeddings |
| Parameters | {r.get('parameters', card.get('parameters', 'see rwb info'))} |
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
Steps {card['steps']} of batch {card['batch']}, AdamW, peak learning rate {card['lr']}, cosine schedule,
seed {card['seed']}. Command (GPU machine, one call, under 10 minutes for the whole family):
`OUT=<empty dir> bash tools/train-demo/run_on_device.sh` (runs `train.py`), then
`rwb convert <OUT>/{name} -o resources/models/{name}.gguf --type f16`.
The held-out problems (`resources/problem_sets/demo-arithmetic-heldout.jsonl`, 300 problems, seed
424242) are excluded from training.

## Accuracy
On the 300 held-out problems with the CPU engine (`{eval_command}`):

| Accuracy | mean thinking tokens | mean answer tokens |
|---|---|---|
| {100 * r['accuracy']:.1f}% ({round(r['accuracy'] * r['n'])}/{r['n']}) | {r['mean_thinking_tokens']:.1f} | {r['mean_answer_tokens']:.1f} |

Greedy accuracy in the trainer (transformers, first 150 problems): {100 * card['hf_greedy_accuracy']:.1f}%.

## Limits
Knows only this task family; anything else gets arithmetic-shaped nonsense. Not a general model.
"""
        open(os.path.join(out_dir, f"{name}.md"), "w").write(text)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "rwb eval")
