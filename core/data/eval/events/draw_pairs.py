"""How the candidate pairs were drawn (seeded), before anyone labelled them.

Run from the repository root:

    python core/data/eval/events/draw_pairs.py > drawn.json          # pairs.jsonl's dev/test
    python core/data/eval/events/draw_pairs.py --final2               # the final2 split
    python core/data/eval/events/draw_pairs.py --final3               # the final3 split
    python core/data/eval/events/draw_pairs.py --final4               # the final4 split

The first (seed 20) drew the 168 dev/test pairs; the reader saw them shuffled
(random.Random(7)), without `drawn_as`. `--final2` (seed 2612) draws new pairs that are not in
pairs.jsonl, for a final split nobody tuned on, and writes `pairs_final2_unlabelled.jsonl`
(shuffled, what the readers see: headline, lead, source, date) and `final2_drawn.jsonl` (which
corpus items each pair is, and how it was drawn; not shown to the readers). `--final3` (seed
3101) does the same with every pair of dev, test and final2 left out, after final2 had been
measured and the joiner's mistakes on it seen: a clean split for the joiner fixed after that.
`--final4` (seed 4406) draws after final3's measurement: every pair new, and in every pair at
least one item that no earlier split (dev, test, final2, final3) showed anyone; no item of the
scorer's final test split (core/data/model/final-test-ids.txt), which is never scored again.
"""

import argparse
import collections
import itertools
import json
import random
import re
import sys
from datetime import date
from pathlib import Path

from rapidfuzz import fuzz

CORPUS = "core/data/labelled/corpus.jsonl"
HERE = Path(__file__).resolve().parent
PER_PROJECT = 4
NEAR_DAYS = 14
NEGATIVES = 70

# --final2
FINAL2_SEED = 2612
SPLIT_SEEDS = {"final2": FINAL2_SEED, "final3": 3101, "final4": 4406}
EARLIER = {
    "final2": ("dev", "test"),
    "final3": ("dev", "test", "final2"),
    "final4": ("dev", "test", "final2", "final3"),
}
FINAL_TEST_IDS = "core/data/model/final-test-ids.txt"
# final4: the corpus has no unseen TGE item with a second item of its project, so a same-project
# pair joins a seen TGE item with an unseen item of that project (capped per project, each
# unseen item at most twice); look-alikes and near-in-time pairs hold an unseen item too.
FINAL4_PER_PROJECT = 8
FINAL4_FRESH_USES = 2
FINAL4_LOOKALIKE = 20
FINAL4_NEAR = 60
FINAL2_PER_PROJECT = 6  # same-project pairs of two TGE items, per project
FINAL2_OTHER_PER_PROJECT = 2  # a TGE item with another launch-worded item of its project
FINAL2_OTHER = 40
# final3: few same-project TGE pairs are left, so more of a project's other items (positives)
OTHER_CAP = {FINAL2_SEED: FINAL2_OTHER, 3101: 70}
FINAL2_LOOKALIKE = 20
FINAL2_NEAR = 50
FAR_DAYS = 90  # "far apart": longer than the joiner's first window
# A non-TGE item is a candidate only when it speaks of a token event at all (an item about an
# outage or a lawsuit is an easy negative and says nothing about the joiner).
LAUNCH_WORDS = re.compile(
    r"\b(tge|tokens?|airdrops?|listing|lists?|listed|launch\w*|claim\w*|snapshot|trading|"
    r"debut\w*|ico|ido|token sale|launchpool|launchpad)\b",
    re.IGNORECASE,
)
# Words that do not tell two projects apart ("Holoworld AI" is "Holoworld").
_SUFFIXES = frozenset("ai network protocol finance foundation labs dao coin token".split())
# Quote assets and exchanges are no project of their own in a pair.
_HUBS = frozenset("BTC ETH BNB USDT USDC BUSD SOL".split())
_VENUES = frozenset("binance okx bitget kucoin bybit coinbase gate mexc kraken htx".split())


def _full_date(r: dict) -> bool:
    return bool(r.get("date")) and len(r["date"]) == 10


def _days(a: dict, b: dict) -> int:
    return abs((date.fromisoformat(a["date"]) - date.fromisoformat(b["date"])).days)


def original(rows: list[dict]) -> list[dict]:
    """The 168 dev/test pairs (seed 20), exactly as first drawn."""
    pool = [r for r in rows if r["is_tge"] and r.get("company") and _full_date(r)]
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
        if _days(a, b) <= NEAR_DAYS:
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
    return [
        {"pair": f"p-{i + 1:03d}", "a": a["id"], "b": b["id"], "drawn_as": how}
        for i, (a, b, how) in enumerate(pairs)
    ]


def project_key(company: str) -> str:
    """The corpus company field, folded so spellings of one project meet ("Holoworld AI",
    "Holoworld"; "IO.NET", "io.net"). Used only to draw pairs, never by the joiner."""
    words = re.sub(r"[^a-z0-9]+", " ", company.lower()).split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return "".join(words)


def _look_alike(a: dict, b: dict) -> bool | None:
    """None unless two items of different companies share a ticker or a first name word;
    else whether it is only the word (False sorts first: a shared ticker is the harder case)."""
    ta, tb = (str(r.get("token_symbol") or "").upper() for r in (a, b))
    wa = re.sub(r"[^a-z0-9]+", " ", a["company"].lower()).split()
    wb = re.sub(r"[^a-z0-9]+", " ", b["company"].lower()).split()
    shared_ticker = bool(ta) and ta == tb and ta not in _HUBS
    shared_word = bool(wa and wb) and wa[0] == wb[0] and len(wa[0]) >= 4
    if shared_ticker or shared_word:
        return not shared_ticker
    return None


def final2(
    rows: list[dict], known: set[frozenset[str]], seed: int = FINAL2_SEED
) -> list[tuple[dict, dict, str]]:
    """New candidate pairs, none in pairs.jsonl: same-project pairs (far apart in time first),
    a project's TGE item with another of its token items (often a different launch), look-alike
    projects (shared ticker or first name word) and near-in-time pairs of similar headlines."""
    rng = random.Random(seed)
    dated = [r for r in rows if r.get("company") and _full_date(r)]
    tge = [r for r in dated if r["is_tge"]]
    other = [
        r
        for r in dated
        if not r["is_tge"]
        and project_key(r["company"]) not in _VENUES
        and LAUNCH_WORDS.search(f"{r['title']} {r.get('text') or ''}")
    ]
    taken: set[frozenset[str]] = set(known)
    out: list[tuple[dict, dict, str]] = []

    def take(a: dict, b: dict, how: str) -> bool:
        pair = frozenset((a["id"], b["id"]))
        if a["id"] == b["id"] or pair in taken:
            return False
        taken.add(pair)
        out.append((a, b, how) if rng.random() < 0.5 else (b, a, how))
        return True

    by_project: dict[str, list[dict]] = collections.defaultdict(list)
    for r in tge:
        by_project[project_key(r["company"])].append(r)
    # 1. same project, two TGE items: every pair far apart in time, then random ones
    for _key, items in sorted(by_project.items()):
        combos = list(itertools.combinations(sorted(items, key=lambda r: r["id"]), 2))
        combos = [c for c in combos if frozenset((c[0]["id"], c[1]["id"])) not in taken]
        rng.shuffle(combos)
        combos.sort(key=lambda c: _days(*c) <= FAR_DAYS)  # stable: far ones first
        for a, b in combos[:FINAL2_PER_PROJECT]:
            take(a, b, "same_project")
    # 2. a TGE item and another token item of the same project (a later listing, a second
    #    airdrop, a recap): one far apart in time and one near, where the project has them
    others_by: dict[str, list[dict]] = collections.defaultdict(list)
    for r in other:
        others_by[project_key(r["company"])].append(r)
    keys = sorted(k for k in by_project if others_by.get(k))
    rng.shuffle(keys)
    n_other = 0
    for key in keys:
        combos = [(a, b) for a in by_project[key] for b in others_by[key]]
        rng.shuffle(combos)
        far = [c for c in combos if _days(*c) > FAR_DAYS]
        near = [c for c in combos if _days(*c) <= FAR_DAYS]
        for a, b in (far[:1] + near[:1])[:FINAL2_OTHER_PER_PROJECT]:
            cap = OTHER_CAP.get(seed, FINAL2_OTHER)
            if n_other < cap and take(a, b, "same_project_other_item"):
                n_other += 1
    # 3. look-alike projects: different companies sharing a ticker or a first name word
    lookalike = []
    for a, b in itertools.combinations(tge + other, 2):
        if not (a["is_tge"] or b["is_tge"]):
            continue
        ka, kb = project_key(a["company"]), project_key(b["company"])
        if ka == kb:
            continue
        alike = _look_alike(a, b)
        if alike is not None:
            lookalike.append((alike, tuple(sorted((ka, kb))), a, b))
    rng.shuffle(lookalike)
    lookalike.sort(key=lambda c: c[0])  # stable: a shared ticker first (the harder case)
    seen_projects: set[tuple[str, str]] = set()
    uses: collections.Counter[str] = collections.Counter()
    for _word, projects, a, b in lookalike:
        if len(seen_projects) >= FINAL2_LOOKALIKE or projects in seen_projects:
            continue
        if max(uses[k] for k in projects) >= 2:  # "Bitcoin X" would fill the lot
            continue
        if take(a, b, "look_alike"):
            seen_projects.add(projects)
            uses.update(projects)
    # 4. near in time, different projects, the most similar headlines first, each item once
    #    (and none already in pairs.jsonl's near-in-time pairs); at least one TGE item
    used = {i for p in known for i in p}
    near = []
    for a, b in itertools.combinations(tge + other, 2):
        if not (a["is_tge"] or b["is_tge"]) or a["id"] in used or b["id"] in used:
            continue
        if project_key(a["company"]) == project_key(b["company"]) or _days(a, b) > NEAR_DAYS:
            continue
        near.append((fuzz.token_set_ratio(a["title"], b["title"]), a["id"], b["id"], a, b))
    near.sort(key=lambda c: (-c[0], c[1], c[2]))
    seen: set[str] = set()
    n_near = 0
    for _score, _ia, _ib, a, b in near:
        if n_near >= FINAL2_NEAR or a["id"] in seen or b["id"] in seen:
            continue
        if take(a, b, "near_in_time"):
            seen.update((a["id"], b["id"]))
            n_near += 1
    rng.shuffle(out)
    return out


def final4(
    rows: list[dict], known: set[frozenset[str]], seen: set[str], excluded: set[str]
) -> list[tuple[dict, dict, str]]:
    """New candidate pairs after final3: each pair new, each with a TGE item and an item no
    earlier split held (`seen` lists those that one did), none from `excluded` (the scorer's
    final test split). Same mix as final2/final3: a project's TGE item with another of its token
    items (far apart and near in time alternating), look-alike projects, near-in-time pairs."""
    rng = random.Random(SPLIT_SEEDS["final4"])
    dated = [r for r in rows if r.get("company") and _full_date(r) and r["id"] not in excluded]
    pool = [
        r
        for r in dated
        if r["is_tge"]
        or (
            project_key(r["company"]) not in _VENUES
            and LAUNCH_WORDS.search(f"{r['title']} {r.get('text') or ''}")
        )
    ]
    taken: set[frozenset[str]] = set(known)
    out: list[tuple[dict, dict, str]] = []

    def eligible(a: dict, b: dict) -> bool:
        return (
            a["id"] != b["id"]
            and frozenset((a["id"], b["id"])) not in taken
            and (a["is_tge"] or b["is_tge"])
            and (a["id"] not in seen or b["id"] not in seen)
        )

    def take(a: dict, b: dict, how: str) -> None:
        taken.add(frozenset((a["id"], b["id"])))
        out.append((a, b, how) if rng.random() < 0.5 else (b, a, how))

    # 1. one project: a TGE item with another of its items, unseen ones spread out
    by_project: dict[str, list[dict]] = collections.defaultdict(list)
    for r in pool:
        by_project[project_key(r["company"])].append(r)
    fresh_uses: collections.Counter[str] = collections.Counter()
    for _key, items in sorted(by_project.items()):
        combos = [
            (a, b)
            for a, b in itertools.combinations(sorted(items, key=lambda r: r["id"]), 2)
            if eligible(a, b)
        ]
        rng.shuffle(combos)
        far = [c for c in combos if _days(*c) > FAR_DAYS]
        near = [c for c in combos if _days(*c) <= FAR_DAYS]
        alternating = [c for pair in itertools.zip_longest(far, near) for c in pair if c]
        n = 0
        for a, b in alternating:
            fresh = [r["id"] for r in (a, b) if r["id"] not in seen]
            if n >= FINAL4_PER_PROJECT or any(fresh_uses[i] >= FINAL4_FRESH_USES for i in fresh):
                continue
            fresh_uses.update(fresh)
            take(a, b, "same_project_other_item" if a["is_tge"] != b["is_tge"] else "same_project")
            n += 1
    # 2. look-alike projects: a shared ticker first, then a shared first name word
    lookalike = []
    for a, b in itertools.combinations(pool, 2):
        ka, kb = project_key(a["company"]), project_key(b["company"])
        if ka == kb or not eligible(a, b):
            continue
        alike = _look_alike(a, b)
        if alike is not None:
            lookalike.append((alike, tuple(sorted((ka, kb))), a, b))
    rng.shuffle(lookalike)
    lookalike.sort(key=lambda c: c[0])
    seen_projects: set[tuple[str, str]] = set()
    uses: collections.Counter[str] = collections.Counter()
    for _word, projects, a, b in lookalike:
        if len(seen_projects) >= FINAL4_LOOKALIKE or projects in seen_projects:
            continue
        if max(uses[k] for k in projects) >= 2:
            continue
        take(a, b, "look_alike")
        seen_projects.add(projects)
        uses.update(projects)
    # 3. near in time, different projects, the most similar headlines first, each item once
    near = []
    for a, b in itertools.combinations(pool, 2):
        if project_key(a["company"]) == project_key(b["company"]) or _days(a, b) > NEAR_DAYS:
            continue
        if eligible(a, b):
            near.append((fuzz.token_set_ratio(a["title"], b["title"]), a["id"], b["id"], a, b))
    near.sort(key=lambda c: (-c[0], c[1], c[2]))
    once = {i for a, b, _how in out for i in (a["id"], b["id"])}
    n_near = 0
    for _score, _ia, _ib, a, b in near:
        if n_near >= FINAL4_NEAR or a["id"] in once or b["id"] in once:
            continue
        if frozenset((a["id"], b["id"])) in taken:
            continue
        take(a, b, "near_in_time")
        once.update((a["id"], b["id"]))
        n_near += 1
    rng.shuffle(out)
    return out


def _shown(item: dict) -> dict:
    """What a reader sees of an item: headline, lead, source, date (no company, no label)."""
    return {k: item.get(k) for k in ("title", "text", "source", "date")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--final2", action="store_true", help="draw the final2 split")
    parser.add_argument("--final3", action="store_true", help="draw the final3 split")
    parser.add_argument("--final4", action="store_true", help="draw the final4 split")
    args = parser.parse_args()
    with open(CORPUS, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    split = next((s for s in ("final4", "final3", "final2") if getattr(args, s)), "")
    if not split:
        json.dump(original(rows), sys.stdout)
        return
    labelled = [json.loads(line) for line in (HERE / "pairs.jsonl").read_text().splitlines()]
    known = {
        frozenset((p["a"]["id"], p["b"]["id"])) for p in labelled if p["split"] in EARLIER[split]
    }
    if split == "final4":
        # final3's pairs are in pairs.jsonl; its draw file also lists them (same ids)
        for line in (HERE / "final3_drawn.jsonl").read_text().splitlines():
            p = json.loads(line)
            known.add(frozenset((p["a"], p["b"])))
        seen = {i for pair in known for i in pair}
        excluded = {
            line.strip()
            for line in Path(FINAL_TEST_IDS).read_text().splitlines()
            if line.strip() and not line.startswith("#")
        }
        drawn = final4(rows, known, seen, excluded)
    else:
        drawn = final2(rows, known, SPLIT_SEEDS[split])
    prefix = "f" + split[-1]
    with open(HERE / f"{split}_drawn.jsonl", "w", encoding="utf-8") as fh:
        for i, (a, b, how) in enumerate(drawn):
            row = {"pair": f"{prefix}-{i + 1:03d}", "a": a["id"], "b": b["id"], "drawn_as": how}
            fh.write(json.dumps(row) + "\n")
    with open(HERE / f"pairs_{split}_unlabelled.jsonl", "w", encoding="utf-8") as fh:
        for i, (a, b, _how) in enumerate(drawn):
            row = {"pair": f"{prefix}-{i + 1:03d}", "a": _shown(a), "b": _shown(b)}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(
        f"{len(drawn)} pairs: {dict(collections.Counter(h for _a, _b, h in drawn))}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
