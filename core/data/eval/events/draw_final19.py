"""final19: a clean same-event split of real dated pages telling token-launch stories, drawn
(seeded) before the joiner frozen for it was run on any of them.

Why: final18 was measured once on 22 pairs (the labelled pool is spent), so main's joiner
(frozen for final19 at f7bcd6c, /work/notes/LOG.md `JOINER_FROZEN_final19`) still needs a clean
split of the size issue 20 asks for (>= 100 pairs). Collectors gathered STORIES from the
search tool's stored web pages: per project 4-8 dated pages (announcement, date set, snapshot,
claim, listings, and the project's later, different token news) and same-time launches of other
projects. ev19a and ev19b (/work/notes/GATHER_EV19.md) left out every page whose address,
headline or project a labelled file, an event file, a sources/*.md, a joiner test or another
pool held; ev19c and ev19d, started later by the lead (/work/notes/GATHER_EV19b.md, a relaxed
rule as final17's: a PAGE is held, by address, headline or text opening, not its project; a
final-test project is out), checked with /work/notes/ev19_check.py. The lead closed the pools at
09:02:50 UTC (log line `final19 pools closed`: ev19a 26 d7415bae..., ev19b 16 983fcc4d..., ev19c
17 4c59d340..., ev19d 33 5d3a78e1..., less q19d-0020, whose date line gives no year: the
collector inferred 2025 from the content): `final19_pool.jsonl` beside this file is the four
pools' dated rows, unchanged, in the order a, b, c, d, less LEFT_OUT (`pool` subcommand; 91
pages; final16's format: id q19a-NNNN ... q19d-NNNN, title, text, source, date, url, provenance
{page, via, query}, project_hint: the searched project, not the page's words). This script was
written (caps rule included) for ev19a and ev19b before the pools closed; ev19c, ev19d and
LEFT_OUT follow the log's close, before any trial count.

Run from the repository root:

    python core/data/eval/events/draw_final19.py pool    # writes final19_pool.jsonl
    python core/data/eval/events/draw_final19.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final19.py draw [--pool POOL.jsonl] [--out DIR]

`draw` writes final19_items.jsonl, final19_drawn.jsonl and pairs_final19_unlabelled.jsonl
beside this file and prints counts only.

How: draw_final11's pool and draw (draw_final9's CJK-keeping headline key and search-term
projects, far same-project pairs beyond the 45-day launch-story gate) under final19's split
name and seed (draw_final11.as_split, as draw_final12 to draw_final16 use it: no copied loops or
context). TRAINING names every labelled scoring batch that exists when this script is written
(batches 2026-12-06 to 2026-12-07-21, named, not globbed), so that the scorer's training data
stays out of the split as in final16 (the relabel file holds labels of those items, no pages).

The caps, fixed here BEFORE the pools closed, from trial draws' COUNTS only (never from the
pairs' content, a label or a joiner run): a story pool gives pairs in proportion to the caps
(pages a page may be in, same-project pairs a project, pairs of one kind a project, and the
four kinds' quotas: launch vs other news, same project, look-alike, near in time), and issue
20 needs >= 100 pairs. The rule: draw the pool (`trial`) at each rung of LADDER in order, from
final11-final16's caps upwards, counting the pairs; the caps are the FIRST rung whose draw gives
at least TARGET (120) pairs, else the rung giving the most pairs (the earlier of equals; a
larger rung only ever spends the pool further). Lower rungs come first so that no project or
page is spent further than the size needs. `CAPS` below is the rung the rule picked on the
closed pool (trial at 09:09 UTC: 24 pairs at every rung, so rung 0, final11-final16's caps);
`draw` uses it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402
import draw_final16 as f16  # noqa: E402

SPLIT = "final19"
SEED = 19190
POOL = HERE / "final19_pool.jsonl"
# the collectors' pools, read in this order (GATHER_EV19.md, GATHER_EV19b.md; closed 09:02:50 UTC)
SOURCES = tuple(Path(f"/work/scratch/ev19{n}/pool.jsonl") for n in "abcd")
# dated rows the lead's close left out, and why
LEFT_OUT = {"q19d-0020": "the date line gives no year (2025 inferred from the content)"}
# final16's batches and every labelled scoring batch since (16 to 21), named, not globbed
TRAINING = [
    *f16.TRAINING,
    *(f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in range(16, 22)),
]


class Caps(NamedTuple):
    """One rung of the ladder: a page's uses, a project's same-project pairs, one kind's pairs
    a project, and the quotas (launch vs other news, same project, look-alike, near in time)."""

    max_uses: int
    per_project: int
    per_kind: int
    quotas: tuple[int, int, int, int]


# final11-final16's caps first, then wider; fixed before the pools closed
LADDER = (
    Caps(6, 12, 10, (40, 60, 12, 30)),
    Caps(6, 12, 10, (60, 90, 20, 45)),
    Caps(8, 15, 12, (80, 120, 25, 60)),
    Caps(10, 20, 15, (100, 150, 30, 80)),
)
TARGET = 120
# the rung the rule picked on the closed pool (`trial`, 09:09 UTC, counts only: 91 read, 82 kept;
# 24 pairs at every rung, 11 launch vs other, 10 same project, 3 near in time: the pool, not the
# caps, limits the split, so no rung reaches TARGET and the rule takes rung 0, the earliest of
# the most)
CAPS = LADDER[0]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


def split_of(caps: Caps) -> tuple[Callable[[], AbstractContextManager[None]], f11.Pool, f11.Draw]:
    """final19's name, seed and batches with `caps` over draw_final11's settings: its context,
    pool (ids n19-NNNNN) and draw (pair ids f19-NNN)."""
    return f11.as_split(
        SPLIT=SPLIT,
        SEED=SEED,
        MAX_USES=caps.max_uses,
        PER_PROJECT=caps.per_project,
        PER_KIND=caps.per_kind,
        QUOTAS=caps.quotas,
        TRAINING=TRAINING,
    )


_final19, pool, draw = split_of(CAPS)


def pick(counts: list[int]) -> int:
    """The rule: the first rung with at least TARGET pairs, else the one with the most pairs
    (the earlier of equals). `counts` are the pairs each rung of LADDER drew, in order."""
    for n, got in enumerate(counts):
        if got >= TARGET:
            return n
    return max(range(len(counts)), key=lambda n: (counts[n], -n))


def trial(path: Path) -> tuple[list[int], int]:
    """Pairs drawn at each rung of LADDER (counts only: nothing written) and the rung picked."""
    items, counts = pool(path)
    print(json.dumps(counts, ensure_ascii=False))
    screened = f11.f8.SCREENED
    if screened in counts:  # a split that opts in to its TRAINING screen (over_final19.Over19)
        batch = counts.get("in a scoring batch", 0)
        print(
            f"TRAINING screen ({len(TRAINING)} batches): {batch + counts[screened]} pool rows "
            f"dropped as rows of them ({batch} of draw_final9's five, {counts[screened]} of the "
            "others)"
        )
    got = []
    for n, caps in enumerate(LADDER):
        pairs = split_of(caps)[2](items)
        kinds: dict[str, int] = {}
        for p in pairs:
            kinds[p["drawn_as"]] = kinds.get(p["drawn_as"], 0) + 1
        print(f"rung {n} {tuple(caps)}: {len(pairs)} pairs {dict(sorted(kinds.items()))}")
        got.append(len(pairs))
    chosen = pick(got)
    print(f"rule (first rung with >= {TARGET} pairs, else the most): rung {chosen}")
    return got, chosen


def build_pool(sources: tuple[Path, ...] = SOURCES, out: Path = POOL) -> dict[str, int]:
    """final19_pool.jsonl: the collectors' dated rows, each line as written, in pool order,
    less LEFT_OUT."""
    counts: dict[str, int] = {}
    lines = []
    for src in sources:
        for line in src.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if not row.get("date"):
                how = "undated"
            elif row["id"] in LEFT_OUT:
                how = "left out"
            else:
                how = "kept"
                lines.append(line)
            key = f"{src.parent.name} {how}"
            counts[key] = counts.get(key, 0) + 1
    out.write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("pool", help="write final19_pool.jsonl from the collectors' pools")
    t = sub.add_parser("trial", help="pairs drawn at each rung of the ladder (counts only)")
    t.add_argument("--pool", type=Path, default=POOL)
    d = sub.add_parser("draw", help="draw at CAPS and write the split")
    d.add_argument("--pool", type=Path, default=POOL)
    d.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args()
    if args.cmd == "pool":
        print(json.dumps(build_pool()))
    elif args.cmd == "trial":
        trial(args.pool)
    else:
        items, counts = pool(args.pool)
        print(json.dumps(counts, ensure_ascii=False))
        f9.report(args.out, SPLIT, items, draw(items))


if __name__ == "__main__":
    main()
