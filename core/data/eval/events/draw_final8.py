"""final8: a same-event split of real dated news and announcement pages that no split, reader
or fix has seen, drawn (seeded) before the joiner frozen for it (main f028d01: join.py blob
f3649475, extract.py 8c69731b, evaluate.py 7858f854) was run on any of them.

Why: final7 was spent (fixes were shaped on it), and its pairs were at most weeks apart, so the
launch-story gate (45 days) never acted. The stored repositories hold no unread archive of
notices spanning more than a month (README, "final8: not drawn"), so engineer `pages`
collected dated pages about token launches and their retellings over time from the search
tool's stored web pages into a pool: `final8_pool.jsonl` beside this file (one JSON a page:
id p-NNNN, title, text, source, date or null, url, provenance {page, via, query},
project_hint: the search term the page was found by, not the page's words).

Run from the repository root (writes final8_items.jsonl, final8_drawn.jsonl and
pairs_final8_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final8.py [--pool POOL.jsonl] [--out DIR]

How (the README's final8 section says the counts): draw_final6's pool and draw, by import
(`draw_final6.pool`, `draw_final6.draw`; draw_final7's launch words), so every undated page, every
page any split, the corpus, the eval or held-out sets hold (same normalised headline or the
same first 80 characters of text), and every page naming a project of the scorer's final test
split is dropped; so is every page in the scoring batches beside the corpus (TRAINING: headline,
text start or address). A page's project is the project it was searched for
(`project_hint`, when the page names it), else the one ticker it writes, else the organisation
its headline says acted; the hint decides only which pages are paired and is written nowhere a
reader or the joiner sees (readers get headline, lead, source and date; the joiner reads
headline, text and date). Same-project pairs alternate near (within 14 days) and far apart
(more than FAR_DAYS, beyond the launch-story gate); each page is in at most two pairs.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final5 as f5  # noqa: E402  (sibling scripts, not a package)
import draw_final6 as f6  # noqa: E402
import draw_final7 as f7  # noqa: E402

SPLIT = "final8"
SEED = 8233
POOL = HERE / "final8_pool.jsonl"
# launch vs other news, same project, look-alikes, near in time
QUOTAS = (50, 100, 25, 80)
# far-apart same-project pairs: beyond the joiner's LAUNCH_STORY_GAP (45 days), so the gate acts
FAR_DAYS = 45
# The scorer's training items beside the corpus and dev set (f5.LABELLED holds those two and
# the held-out sets), as they were when final8 was drawn: named, not globbed, so that a later
# batch does not change the draw.
TRAINING = [
    f5.ROOT / "core/data/labelled/batch-2026-12-06.jsonl",
    f5.ROOT / "core/data/labelled/batch-2026-12-06-2.jsonl",
    f5.ROOT / "core/data/labelled/batch-2026-12-06b.jsonl",
]
# The screen a split opts in to (over_final19.Over19(..., screen_training=True), final33 on):
# every batch its own TRAINING names, read by read_pool beside TRAINING with the same match.
# Why: draw_final9's `_final9` (entered again inside every later pool) sets TRAINING here to
# draw_final9's five batches, so from final11 to final32 a split's own TRAINING list was never
# read and final31 drew 16 rows of batches 33 and 34 (README, "final31"). None (the default):
# TRAINING only, as those draws read it, so that each of them redraws byte for byte.
SCREEN: tuple[Path, ...] | None = None
# the count of pool rows the screen drops that TRAINING's batches do not hold
SCREENED = "row of a TRAINING batch (screen)"
# Launch words: draw_final7's (English and Chinese) and the Korean and Japanese ones of news
# pages (listing, airdrop, presale)
LAUNCH = re.compile(
    rf"{f7.LAUNCH.pattern}|상장|에어드[랍롭]|사전\s?판매|上場|エアドロップ",
    re.IGNORECASE,
)
# A search term that names no one project ("TGE market (generic)", "Upbit (generic)")
_GENERIC = re.compile(r"\(generic\)", re.IGNORECASE)


def _address(url: str | None) -> str:
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", (url or "").strip().lower()).rstrip("/")


def _training(files: Iterable[Path] | None = None) -> tuple[set[str], set[str], set[str]]:
    """Normalised headlines, text starts and addresses of the scorer's batches (`files`,
    TRAINING if not given)."""
    titles, texts, urls = set(), set(), set()
    for f in TRAINING if files is None else files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            o = json.loads(line)
            if f5._norm(o.get("title")):
                titles.add(f5._norm(o.get("title")))
            if len(f5._norm(o.get("text"))) > 30:
                texts.add(f5._norm(o.get("text"))[:80])
            for u in (o.get("url"), (o.get("provenance") or {}).get("page")):
                if u:
                    urls.add(_address(u))
    return titles, texts, urls


def hint_of(row: dict[str, Any]) -> str:
    """The project a page was searched for, as a project key, when the page names it (the
    whole term, a part of "A/B", or its first word of four letters or more), else ""."""
    hint = str(row.get("project_hint") or "").strip()
    if not hint or _GENERIC.search(hint):
        return ""
    blob = f"{row.get('title') or ''} {row.get('text') or ''}".lower()
    parts = [p.strip() for p in hint.split("/") if p.strip()]
    words = {p.lower() for p in parts} | {
        p.split()[0].lower() for p in parts if len(p.split()[0]) >= 4
    }
    if not any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", blob) for w in words):
        return ""
    return "hint:" + f5._norm(parts[0])


def in_batches(
    title: str, text: str, row: dict[str, Any], keys: tuple[set[str], set[str], set[str]]
) -> bool:
    """Whether a pool row (its headline, its lead `text`, its address and page) is a row of
    the batches whose `_training` keys are `keys`: the same normalised headline, the same first
    80 characters of a normalised text longer than 30, or the same address (url or page)."""
    titles, texts, urls = keys
    prov = row.get("provenance") or {}
    return (
        f5._norm(title) in titles
        or (len(f5._norm(text)) > 30 and f5._norm(text)[:80] in texts)
        or _address(row.get("url")) in urls
        or _address(prov.get("page")) in urls
    )


def read_pool(path: Path, counts: Counter[str]) -> Iterator[dict[str, Any]]:
    """The pool's pages as draw items (the project hint only as the private `_hint`), less
    those in the scorer's batches (counted in `counts`): TRAINING's ("in a scoring batch") and,
    when a split opts in (SCREEN set), SCREEN's other batches (SCREENED)."""
    keys = _training()
    extra = [f for f in SCREEN or () if f not in TRAINING]
    screen = _training(extra) if extra else None
    if SCREEN is not None:
        counts[SCREENED] += 0  # the count is shown (0 too) whenever the screen is on
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        title = " ".join(str(row.get("title") or "").split())
        text = f5._lead(str(row.get("text") or ""))
        if in_batches(title, text, row, keys):
            counts["in a scoring batch"] += 1
            continue
        if screen is not None and in_batches(title, text, row, screen):
            counts[SCREENED] += 1
            continue
        prov = row.get("provenance") or {}
        hint = hint_of(row)
        item = {
            "title": title,
            "text": text,
            "source": str(row.get("source") or ""),
            "date": f5._day(str(row.get("date") or ""), "iso"),
            "url": row.get("url") or None,
            "provenance": {"repo": "stored web pages", "pool_id": row["id"], **prov},
            "_hint": hint,
        }
        if hint:
            item["ticker_hint"] = hint  # kept by draw_final6.pool when no ticker is written
        yield item


def pool(path: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """draw_final6's pool of the pages, each keyed by its search term where the page names it."""
    batch: Counter[str] = Counter()
    items, counts = f6.pool(path, lambda p: read_pool(p, batch), SPLIT, LAUNCH)
    for i in items:
        if i["_hint"]:
            i["project"] = i["_hint"]
    return items, {
        **counts,
        **batch,
        "kept, keyed by search term": sum(bool(i["_hint"]) for i in items),
    }


def draw(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """draw_final6's pairs, its far same-project pairs beyond the launch-story gate."""
    far, f6.FAR_DAYS = f6.FAR_DAYS, FAR_DAYS
    try:
        return f6.draw(items, SEED, SPLIT, QUOTAS)
    finally:
        f6.FAR_DAYS = far


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--pool", type=Path, default=POOL)
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args()
    items, counts = pool(args.pool)
    print(json.dumps(counts, ensure_ascii=False))
    pairs = draw(items)
    print(f"items by source: {f5.write_split(args.out, SPLIT, items, pairs)}")
    far = Counter(
        (p["drawn_as"], "far" if f5._days(p["a"], p["b"]) > FAR_DAYS else "near") for p in pairs
    )
    print(f"pairs by kind and gap (far: > {FAR_DAYS} days): {dict(sorted(far.items()))}")
    sites = Counter(i["source"] for p in pairs for i in (p["a"], p["b"]))
    days = sorted(i["date"] for p in pairs for i in (p["a"], p["b"]))
    print(f"dates {days[0] if days else '-'} .. {days[-1] if days else '-'}; sites {len(sites)}")


if __name__ == "__main__":
    main()
