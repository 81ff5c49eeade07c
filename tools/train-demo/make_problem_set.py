"""Writes the held-out problem set (JSONL: id, problem, answer, family, digits) that the training run
excludes and `rwb eval` grades. Seeded, so it is the same on every run."""
import json
import random
import sys

import tasks


def main(path, n=300, seed=424242):
    rng = random.Random(seed)
    seen, rows = set(), []
    while len(rows) < n:
        fam = tasks.FAMILIES[len(rows) % len(tasks.FAMILIES)]
        digits = rng.randint(2, tasks.MAX_DIGITS[fam])
        p, a, _ = tasks.make_problem(rng, fam, digits)
        if p in seen:
            continue
        seen.add(p)
        rows.append(dict(id=f"demo-{len(rows):03d}", problem=p, answer=str(a), family=fam, digits=digits))
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
