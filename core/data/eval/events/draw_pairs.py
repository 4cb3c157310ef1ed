"""How pairs.jsonl's candidate pairs were drawn (seeded), before anyone labelled them.

Run from the repository root: python core/data/eval/events/draw_pairs.py > drawn.json
The reader then saw the pairs shuffled (random.Random(7)), without `drawn_as`.
"""

import collections
import itertools
import json
import random
import sys
from datetime import date

from rapidfuzz import fuzz

CORPUS = "core/data/labelled/corpus.jsonl"
PER_PROJECT = 4
NEAR_DAYS = 14
NEGATIVES = 70


def main() -> None:
    with open(CORPUS, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    pool = [
        r
        for r in rows
        if r["is_tge"] and r.get("company") and r.get("date") and len(r["date"]) == 10
    ]
    by_project = collections.defaultdict(list)
    for r in pool:
        by_project[r["company"]].append(r)
    rng = random.Random(20)
    pairs = []
    for _name, items in sorted(by_project.items()):
        if len(items) < 2:
            continue
        combos = list(itertools.combinations(sorted(items, key=lambda r: r["id"]), 2))
        rng.shuffle(combos)
        pairs.extend((a, b, "same_project") for a, b in combos[:PER_PROJECT])
    near = []
    for a, b in itertools.combinations(pool, 2):
        if a["company"] == b["company"]:
            continue
        days = abs((date.fromisoformat(a["date"]) - date.fromisoformat(b["date"])).days)
        if days <= NEAR_DAYS:
            near.append((fuzz.token_set_ratio(a["title"], b["title"]), a, b))
    near.sort(key=lambda c: -c[0])
    seen: set[str] = set()
    negatives = []
    for _score, a, b in near:
        if a["id"] in seen or b["id"] in seen:
            continue
        seen.update((a["id"], b["id"]))
        negatives.append((a, b, "near_in_time"))
        if len(negatives) >= NEGATIVES:
            break
    pairs.extend(negatives)
    out = [
        {"pair": f"p-{i + 1:03d}", "a": a["id"], "b": b["id"], "drawn_as": how}
        for i, (a, b, how) in enumerate(pairs)
    ]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
