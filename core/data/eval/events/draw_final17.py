"""final17: a clean same-event split of LABELLED items that no event split has used, drawn
(seeded) before the joiner frozen for it was run on any of them.

Why: final16 was measured once and the joiner was changed after it (README, "After final16"),
so main's joiner (frozen for final17 at 9bac892, /work/notes/LOG.md `JOINER_FROZEN_final17`)
needs a new clean split, and issue 20 asks for at least 100 real pairs "from the labelled data".
Fresh dated pages were too few (pool17e: 5 pages of 3 projects), so final17 draws, as final2 to
final4 did, from the labelled items (core/data/labelled/corpus.jsonl and every batch-*.jsonl),
keeping only those no event split, reader of pairs or joiner fix has seen.

Seeded (random.Random(SEED)) so that the draw is fixed before any reader or joiner sees a pair
and a second run writes the same files byte for byte: the pairs are not picked after looking at
what the joiner or a reader does with them. Everything the draw reads is read from git at the
frozen commit (FROZEN), not from the work tree, so later files (final17's own, labels added to
pairs.jsonl, README sections naming final17's items, later batches) do not change it.

Run from the repository root (writes final17_items.jsonl, final17_drawn.jsonl and
pairs_final17_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final17.py [--out DIR]

Eligible items (all at FROZEN): a full date, a `company`, not in the scorer's final test split
(core/data/model/final-test-ids.txt) and no item of a final-test project (the company folded by
draw_pairs.project_key); its id written in no file of core/data/eval/events/ nor in the
joiner's tests (tests/test_event*.py); and no file of core/data/eval/events/ holds its
normalised headline, the normalised opening of its text (first 60 letters or digits, when it has
30, and not a template that items with other headlines share) or its normalised address (url or
provenance page; a GitHub file of many items is no item's address). Pools and items files of
final5 to final16 use pool ids, and several of their pages are the same pages as labelled batch
items (batches 10 to 16 were labelled from the same pools), so the text, not only the id, is
checked. Of two eligible items with the same headline, opening
or address the one with the lower id stays. Kinds, as draw_pairs.py's final2 and final4 (the
`company` field is used only to draw, never written where a reader or the joiner sees it; the
joiner reads headline, text, date and url; readers get headline, lead, source and date):
- `same_project`: two TGE items of one project, far apart in time (> FAR_DAYS) first;
- `same_project_other_item`: a project's TGE item with another of its items that speaks of a
  token at all (draw_pairs.LAUNCH_WORDS; an exchange is no project of its own here): a later
  listing, another airdrop, a recap, a price move; far and near alternating;
- together at most PER_PROJECT same-project pairs a project (TGE pairs first, at most
  TGE_TGE_PER_PROJECT of them), so that no project dominates;
- `look_alike`: items of two projects sharing a ticker (first: the harder case) or a first
  name word of four letters or more, at least one a TGE item; each pair of projects once and a
  project in at most two such pairs;
- `near_in_time`: items of different projects within NEAR_DAYS, at least one a TGE item, the
  most similar headlines first (rapidfuzz token-set ratio), each item in one such pair.
The two kinds of different projects are sized to DIFFERENT_SHARE of the split (roughly 55 %
same-project kinds, the lead's aim): look-alikes up to LOOKALIKE, near-in-time pairs the rest.
No item is in more than MAX_USES pairs. Pairs are shuffled, each pair's sides in random order.
Caveat: corpus.jsonl items are in the shipped scorer's training data (their TGE labels, not any
same-event label); batch items are not.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import random
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_pairs as dp  # noqa: E402  (sibling scripts, not a package)

SPLIT = "final17"
SEED = 17170
FROZEN = "9bac89218498891ecc8e239af94210dbb554bfdf"  # JOINER_FROZEN_final17
EVENTS = "core/data/eval/events"
LABELLED = "core/data/labelled"
FINAL_TEST_IDS = "core/data/model/final-test-ids.txt"
TESTS = "tests"
FAR_DAYS = dp.FAR_DAYS  # 90
NEAR_DAYS = dp.NEAR_DAYS  # 14
PER_PROJECT = 4
TGE_TGE_PER_PROJECT = 2
LOOKALIKE = 24
DIFFERENT_SHARE = 0.45
MAX_USES = 3
OPENING = 60
_ID = re.compile(r"\bc-\d{4,5}\b")


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], capture_output=True, text=True, check=True, encoding="utf-8"
    ).stdout


def files_at(folder: str, pattern: str = "") -> list[str]:
    """The files of `folder` at FROZEN whose name matches `pattern` (sorted)."""
    names = _git("ls-tree", "--name-only", FROZEN, f"{folder}/").splitlines()
    return sorted(n for n in names if re.search(pattern, n.rsplit("/", 1)[-1]))


def read_at(path: str) -> str:
    return _git("show", f"{FROZEN}:{path}")


def norm(s: str | None) -> str:
    """draw_final9's comparison key: lower case, letters and digits of every script."""
    return re.sub(r"[\W_]+", "", (s or "").lower())


def opening(text: str | None) -> str:
    key = norm(text)[:OPENING]
    return key if len(key) >= 30 else ""


def address(url: str | None) -> str:
    """An item's address without scheme, www., fragment or trailing slash; a GitHub file
    (which holds many items) is no item's address."""
    u = (url or "").strip().lower()
    u = re.sub(r"^https?://", "", u)
    u = re.sub(r"^www\.", "", u).split("#")[0].rstrip("/")
    return "" if u.startswith("github.com/") and "/blob/" in u else u


def keys_of(row: dict[str, Any], boilerplate: frozenset[str] = frozenset()) -> set[str]:
    """The headline, text-opening and address keys of an item or page; an opening that is an
    exchange's or site's boilerplate (`boilerplate`) is no key."""
    prov = row.get("provenance") if isinstance(row.get("provenance"), dict) else {}
    keys = {
        "h:" + norm(row.get("title")),
        "o:" + opening(row.get("text")),
        "a:" + address(row.get("url")),
        "a:" + address(prov.get("page")),
    }
    return {k for k in keys if len(k) > 2 and k not in boilerplate}


def boilerplate_of(rows: list[dict[str, Any]]) -> frozenset[str]:
    """Text openings that items with different headlines share ("XT.COM, the world's first
    socially infused trading platform ...", "Binance Futures will close all positions ..."):
    a notice's template, not its text, so they do not make two items one."""
    heads: dict[str, set[str]] = collections.defaultdict(set)
    for r in rows:
        key = opening(r.get("text"))
        if key:
            heads["o:" + key].add(norm(r.get("title")))
    return frozenset(k for k, v in heads.items() if len(v) >= 2)


def seen_in_events() -> tuple[set[str], list[dict[str, Any]]]:
    """Ids written anywhere in core/data/eval/events/ or the joiner's tests, and every item or
    page in an events JSON Lines file, at FROZEN."""
    ids: set[str] = set()
    pages: list[dict[str, Any]] = []

    def walk(obj: Any) -> None:
        if isinstance(obj, dict):
            if "title" in obj or "url" in obj:
                pages.append(obj)
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    for path in files_at(EVENTS):
        text = read_at(path)
        ids.update(_ID.findall(text))
        if path.endswith(".jsonl"):
            for line in text.splitlines():
                if line.strip():
                    walk(json.loads(line))
    for path in files_at(TESTS, r"^test_event.*\.py$"):
        ids.update(_ID.findall(read_at(path)))
    return ids, pages


def labelled() -> list[dict[str, Any]]:
    rows = []
    for path in files_at(LABELLED, r"^(corpus|batch-.*)\.jsonl$"):
        for line in read_at(path).splitlines():
            if line.strip():
                rows.append({**json.loads(line), "_file": path})
    return rows


def _num(row: dict[str, Any]) -> int:
    return int(row["id"].split("-")[1])


def eligible() -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The eligible items (module docstring) and how many each rule left out."""
    rows = labelled()
    final_test = {
        x.strip()
        for x in read_at(FINAL_TEST_IDS).splitlines()
        if x.strip() and not x.startswith("#")
    }
    by_id = {r["id"]: r for r in rows}
    test_projects = {
        dp.project_key(by_id[i]["company"])
        for i in final_test
        if i in by_id and by_id[i].get("company")
    }
    ids, pages = seen_in_events()
    boilerplate = boilerplate_of(rows + pages)
    keys = {k for p in pages for k in keys_of(p, boilerplate)}
    counts: collections.Counter[str] = collections.Counter(labelled=len(rows))
    kept: list[dict[str, Any]] = []
    taken: set[str] = set()
    for r in sorted(rows, key=_num):
        why = ""
        if not (r.get("date") and len(r["date"]) == 10 and r.get("company")):
            why = "undated or no company"
        elif r["id"] in final_test:
            why = "final test id"
        elif dp.project_key(r["company"]) in test_projects:
            why = "final test project"
        elif r["id"] in ids:
            why = "id in an events file or joiner test"
        elif keys_of(r, boilerplate) & keys:
            why = "headline, opening or address in an events file"
        elif keys_of(r, boilerplate) & taken:
            why = "repeats an eligible item"
        if why:
            counts[why] += 1
            continue
        taken.update(keys_of(r, boilerplate))
        kept.append(r)
    counts["eligible"] = len(kept)
    return kept, dict(counts)


def _days(a: dict[str, Any], b: dict[str, Any]) -> int:
    return abs((date.fromisoformat(a["date"]) - date.fromisoformat(b["date"])).days)


def _token_item(r: dict[str, Any]) -> bool:
    """A TGE item, or an item of a project (not an exchange) that speaks of a token at all."""
    return bool(r["is_tge"]) or (
        dp.project_key(r["company"]) not in dp._VENUES
        and bool(dp.LAUNCH_WORDS.search(f"{r['title']} {r.get('text') or ''}"))
    )


def draw(items: list[dict[str, Any]], seed: int = SEED) -> list[tuple[dict, dict, str]]:
    """The pairs (module docstring), shuffled."""
    rng = random.Random(seed)
    pool = [r for r in items if _token_item(r)]
    uses: collections.Counter[str] = collections.Counter()
    taken: set[frozenset[str]] = set()
    out: list[tuple[dict, dict, str]] = []

    def free(a: dict, b: dict) -> bool:
        return (
            a["id"] != b["id"]
            and frozenset((a["id"], b["id"])) not in taken
            and uses[a["id"]] < MAX_USES
            and uses[b["id"]] < MAX_USES
        )

    def take(a: dict, b: dict, how: str) -> None:
        taken.add(frozenset((a["id"], b["id"])))
        uses.update((a["id"], b["id"]))
        out.append((a, b, how) if rng.random() < 0.5 else (b, a, how))

    by_project: dict[str, list[dict]] = collections.defaultdict(list)
    for r in pool:
        by_project[dp.project_key(r["company"])].append(r)
    # 1-2. one project: TGE pairs (far first), then a TGE item with another token item (far and
    #      near alternating), at most PER_PROJECT a project
    for _key, rows in sorted(by_project.items()):
        rows = sorted(rows, key=_num)
        tge = [r for r in rows if r["is_tge"]]
        other = [r for r in rows if not r["is_tge"]]
        both = list(itertools.combinations(tge, 2))
        rng.shuffle(both)
        both.sort(key=lambda c: _days(*c) <= FAR_DAYS)  # stable: far ones first
        mixed = [(a, b) for a in tge for b in other]
        rng.shuffle(mixed)
        far = [c for c in mixed if _days(*c) > FAR_DAYS]
        near = [c for c in mixed if _days(*c) <= FAR_DAYS]
        mixed = [c for pair in itertools.zip_longest(far, near) for c in pair if c]
        n = 0
        for how, combos, cap in (
            ("same_project", both, TGE_TGE_PER_PROJECT),
            ("same_project_other_item", mixed, PER_PROJECT),
        ):
            k = 0
            for a, b in combos:
                if n < PER_PROJECT and k < cap and free(a, b):
                    take(a, b, how)
                    n += 1
                    k += 1
    same = len(out)
    different = round(same * DIFFERENT_SHARE / (1 - DIFFERENT_SHARE))
    # 3. look-alike projects: a shared ticker first, then a shared first name word
    lookalike = []
    for a, b in itertools.combinations(pool, 2):
        ka, kb = dp.project_key(a["company"]), dp.project_key(b["company"])
        if ka == kb or not (a["is_tge"] or b["is_tge"]):
            continue
        alike = dp._look_alike(a, b)
        if alike is not None:
            lookalike.append((alike, tuple(sorted((ka, kb))), a, b))
    lookalike.sort(key=lambda c: (c[1], _num(c[2]), _num(c[3])))
    rng.shuffle(lookalike)
    lookalike.sort(key=lambda c: c[0])  # stable: a shared ticker first (the harder case)
    projects_seen: set[tuple[str, str]] = set()
    in_lookalike: collections.Counter[str] = collections.Counter()
    n_look = 0
    for _word, projects, a, b in lookalike:
        if n_look >= min(LOOKALIKE, different) or projects in projects_seen:
            continue
        if max(in_lookalike[k] for k in projects) >= 2 or not free(a, b):
            continue
        take(a, b, "look_alike")
        projects_seen.add(projects)
        in_lookalike.update(projects)
        n_look += 1
    # 4. near in time, different projects, the most similar headlines first, each item once
    dated = sorted(pool, key=lambda r: (r["date"], _num(r)))
    near = []
    for i, a in enumerate(dated):
        for b in dated[i + 1 :]:
            if _days(a, b) > NEAR_DAYS:
                break
            if not (a["is_tge"] or b["is_tge"]):
                continue
            if dp.project_key(a["company"]) == dp.project_key(b["company"]):
                continue
            score = fuzz.token_set_ratio(a["title"], b["title"])
            near.append((score, *sorted((_num(a), _num(b))), a, b))
    near.sort(key=lambda c: (-c[0], c[1], c[2]))
    once: set[str] = set()
    n_near = 0
    for _score, _ia, _ib, a, b in near:
        if n_near >= different - n_look or a["id"] in once or b["id"] in once:
            continue
        if not free(a, b):
            continue
        take(a, b, "near_in_time")
        once.update((a["id"], b["id"]))
        n_near += 1
    rng.shuffle(out)
    return out


def shown(item: dict[str, Any]) -> dict[str, Any]:
    """What a reader sees of an item: headline, lead, source, date."""
    return {k: item.get(k) for k in ("title", "text", "source", "date")}


def write(out: Path, pairs: list[tuple[dict, dict, str]]) -> None:
    """`<split>_items.jsonl` (the drawn items: id, title, text, source, date, url, provenance
    with the labelled file it came from; no company, no label), `<split>_drawn.jsonl` (which
    items, how drawn) and `pairs_<split>_unlabelled.jsonl` (what the readers see)."""
    prefix = "f" + SPLIT.removeprefix("final")
    named = [(f"{prefix}-{i + 1:03d}", a, b, how) for i, (a, b, how) in enumerate(pairs)]
    used = {r["id"]: r for _p, a, b, _h in named for r in (a, b)}
    with open(out / f"{SPLIT}_items.jsonl", "w", encoding="utf-8") as fh:
        for r in sorted(used.values(), key=_num):
            prov = {**(r.get("provenance") or {}), "labelled_file": r["_file"]}
            row = {k: r.get(k) for k in ("id", "title", "text", "source", "date", "url")}
            fh.write(json.dumps({**row, "provenance": prov}, ensure_ascii=False) + "\n")
    with open(out / f"{SPLIT}_drawn.jsonl", "w", encoding="utf-8") as fh:
        for p, a, b, how in named:
            fh.write(json.dumps({"pair": p, "a": a["id"], "b": b["id"], "drawn_as": how}) + "\n")
    with open(out / f"pairs_{SPLIT}_unlabelled.jsonl", "w", encoding="utf-8") as fh:
        for p, a, b, _how in named:
            row = {"pair": p, "a": shown(a), "b": shown(b)}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args()
    items, counts = eligible()
    print(json.dumps(counts))
    pairs = draw(items)
    write(args.out, pairs)
    kinds = collections.Counter(
        (how, "far" if _days(a, b) > FAR_DAYS else "near") for a, b, how in pairs
    )
    projects = collections.Counter(
        dp.project_key(a["company"]) for a, _b, how in pairs if how.startswith("same_project")
    )
    ids = {r["id"] for a, b, _h in pairs for r in (a, b)}
    how = collections.Counter(h for *_, h in pairs)
    print(f"{len(pairs)} pairs of {len(ids)} items: {dict(how)}")
    print(f"by kind and gap (far: > {FAR_DAYS} days): {dict(sorted(kinds.items()))}")
    print(f"same-project pairs: {len(projects)} projects, top {projects.most_common(8)}")


if __name__ == "__main__":
    main()
