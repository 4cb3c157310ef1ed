"""final9: a larger same-event split of real dated news and announcement pages that no split,
reader or fix has seen, drawn (seeded) before the joiner frozen for it was run on any of them.

Why: final8 (23 pairs, 3 same) was too small to tell the joiner's precision from noise: few of its
pages were dated and few projects had several. For final9 engineers `pages9` (projects A-L) and
`batch5` (M-Z and digits) collected more dated pages about token launches and the same projects'
later news from the search tool's stored web pages, several a project where they could, into
two pools; `final9_pool.jsonl` beside this file is both, as collected (one JSON a page: id
q9-NNNN or q5-NNNN, title, text, source, date or null, url, provenance {page, via, query},
project_hint: the search term the page was found by, not the page's words).

Run from the repository root (writes final9_items.jsonl, final9_drawn.jsonl and
pairs_final9_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final9.py [--pool POOL.jsonl] [--out DIR]

How (the README's final9 section says the counts): draw_final8's pool and pairs, by import
(draw_final6's pool and draw with draw_final8's launch words and search-term projects), with five
changes, all fixed before a reader saw any pair or the joiner read any page (the caps were set
from trial draws' counts of pairs by kind and by project, never from a label):
- TRAINING names the five scoring batches beside the corpus as they are at this draw;
- the headline normaliser keeps letters of every script, so that two different Chinese or
  Japanese headlines no longer both normalise to "" or to the one Latin word they share (final8's
  noted limit: such a page read as a repeat and was dropped);
- a search term names a page's project when the page writes it with no Latin letter or digit
  on either side (draw_final8 asked for no word character, and a Chinese character is one);
- each page may be in four pairs (MAX_USES; draw_final6's 2), a project in fifteen same-project
  pairs (PER_PROJECT; 6) and in nine of one kind (PER_KIND; 4): the pool has few projects with
  several dated pages, and at draw_final6's caps its largest cluster (one launch retold by many
  sites over ten days, then its buyback news) gives few of the same-project pairs a precision
  figure needs; the price is that one project holds about half the pairs (README, final9);
- the far gap stays FAR_DAYS (beyond the joiner's 45-day launch-story gate), as in final8.
The project key is decided only by the search term and the page's words and is written nowhere a
reader or the joiner sees (readers get headline, lead, source and date; the joiner reads
headline, text and date).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final5 as f5  # noqa: E402  (sibling scripts, not a package)
import draw_final6 as f6  # noqa: E402
import draw_final8 as f8  # noqa: E402

SPLIT = "final9"
SEED = 9157
POOL = HERE / "final9_pool.jsonl"
# launch vs other news, same project, look-alikes, near in time
QUOTAS = (80, 140, 25, 80)
FAR_DAYS = f8.FAR_DAYS
MAX_USES = 4
PER_PROJECT = 15
PER_KIND = 9
# The scorer's training and test batches beside the corpus and dev set, as they are when final9
# is drawn: named, not globbed, so that a later batch does not change the draw.
TRAINING = [
    f5.ROOT / "core/data/labelled/batch-2026-12-06.jsonl",
    f5.ROOT / "core/data/labelled/batch-2026-12-06-2.jsonl",
    f5.ROOT / "core/data/labelled/batch-2026-12-06-3.jsonl",
    f5.ROOT / "core/data/labelled/batch-2026-12-06-4.jsonl",
    f5.ROOT / "core/data/labelled/batch-2026-12-06b.jsonl",
]


def hint_of(row: dict[str, Any]) -> str:
    """draw_final8's project of a page's search term, with the name's edges judged by Latin
    letters and digits only: "Linea掀桌" and "Lighter公布" name Linea and Lighter (a Chinese
    character counts as a word character in draw_final8's test, so such pages lost their
    project)."""
    hint = str(row.get("project_hint") or "").strip()
    if not hint or f8._GENERIC.search(hint):
        return ""
    blob = f"{row.get('title') or ''} {row.get('text') or ''}".lower()
    parts = [p.strip() for p in hint.split("/") if p.strip()]
    words = {p.lower() for p in parts} | {
        p.split()[0].lower() for p in parts if len(p.split()[0]) >= 4
    }
    if not any(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", blob) for w in words):
        return ""
    return "hint:" + f5._norm(parts[0])


def norm(s: str | None) -> str:
    """A headline's or text's comparison key: lower case, letters and digits of every script
    (draw_final5's key keeps only a-z and 0-9, which reduces a Chinese headline to nothing)."""
    return re.sub(r"[\W_]+", "", (s or "").lower())


@contextmanager
def _final9() -> Iterator[None]:
    """final9's settings in the imported draws for the duration of a pool or a draw."""
    settings = (
        (f5, "_norm", norm),
        (f8, "TRAINING", TRAINING),
        (f8, "hint_of", hint_of),
        (f6, "FAR_DAYS", FAR_DAYS),
        (f6, "MAX_USES", MAX_USES),
        (f6, "PER_PROJECT", PER_PROJECT),
        (f6, "PER_KIND", PER_KIND),
    )
    saved = [(module, name, getattr(module, name)) for module, name, _value in settings]
    for module, name, value in settings:
        setattr(module, name, value)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def pool(path: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """draw_final8's pool of the pages (dated, unseen, no final-test project, not in a scoring
    batch), each keyed by its search term where the page names it; ids n9-NNNNN."""
    with _final9():
        batch: Counter[str] = Counter()
        items, counts = f6.pool(path, lambda p: f8.read_pool(p, batch), SPLIT, f8.LAUNCH)
        for i in items:
            if i["_hint"]:
                i["project"] = i["_hint"]
    return items, {
        **counts,
        **batch,
        "kept, keyed by search term": sum(bool(i["_hint"]) for i in items),
    }


def draw(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """draw_final6's pairs at final9's caps, far same-project pairs beyond the launch-story gate."""
    with _final9():
        return f6.draw(items, SEED, SPLIT, QUOTAS)


def report(out: Path, split: str, items: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> None:
    """Write a drawn split and print what it holds (kinds and gaps, dates, sites, projects)."""
    print(f"items by source: {f5.write_split(out, split, items, pairs)}")
    far = Counter(
        (p["drawn_as"], "far" if f5._days(p["a"], p["b"]) > FAR_DAYS else "near") for p in pairs
    )
    print(f"pairs by kind and gap (far: > {FAR_DAYS} days): {dict(sorted(far.items()))}")
    sites = Counter(i["source"] for p in pairs for i in (p["a"], p["b"]))
    days = sorted(i["date"] for p in pairs for i in (p["a"], p["b"]))
    projects = Counter(i["project"] for p in pairs for i in (p["a"], p["b"]))
    print(f"dates {days[0] if days else '-'} .. {days[-1] if days else '-'}; sites {len(sites)}")
    print(f"pages a project (top 12): {projects.most_common(12)}")


def run(
    doc: str | None,
    split: str,
    default_pool: Path,
    pool_of: Callable[[Path], tuple[list[dict[str, Any]], dict[str, int]]],
    draw_of: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> None:
    """The command line of every page split's draw script (final9 onwards): read the pool,
    print its counts, draw, write and report the split."""
    ap = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    ap.add_argument("--pool", type=Path, default=default_pool)
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args()
    items, counts = pool_of(args.pool)
    print(json.dumps(counts, ensure_ascii=False))
    report(args.out, split, items, draw_of(items))


def main() -> None:
    run(__doc__, SPLIT, POOL, pool, draw)


if __name__ == "__main__":
    main()
