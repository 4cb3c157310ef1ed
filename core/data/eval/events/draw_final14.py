"""final14: a clean same-event split of real dated pages, drawn (seeded) before the joiner frozen
for it was run on any of them.

Why: final13 was measured once and the joiner was changed after it (README, "After final13"),
so main's joiner (frozen for final14 at 9530640, /work/notes/LOG.md `JOINER_FROZEN_final14`)
needs a new clean split. Its pages are the dated pages of the two pools gathered on
2026-12-07 for the scorer's batches 10 and 11 (`final14_pool.jsonl` beside this file: those
pools' rows unchanged, the undated ones left out; final13's format: id q10b-NNNN or q11b-NNNN,
title, text, source, date, url, provenance {page, via, query}, project_hint: the search term,
not the page's words). No event split, reader of pairs or joiner fix has seen them: both pools
left out every page whose address or headline a labelled file, an event pool or a
sources/*.md already held (core/data/labelled/sources/batch-10.md and batch-11's).

Run from the repository root (writes final14_items.jsonl, final14_drawn.jsonl and
pairs_final14_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final14.py [--pool POOL.jsonl] [--out DIR]

How: draw_final11's pool and draw (draw_final9's CJK-keeping headline key and search-term
projects, far pairs beyond the launch-story gate) under final14's split name and seed with
final13's caps (draw_final11.as_split, as draw_final12 and draw_final13 use it: no copied loops
or context), fixed before a reader saw a pair or the joiner read a page: 6 uses a page, 12
same-project pairs a project, 10 of one kind. TRAINING names final13's batches and batches 8 and
9 (added after final13), so that no page of those is paired; it does not name batches 10 and 11,
whose pools are this split's source (as final8's pool fed batch 4: if those batches enter the
scorer's training, final14 no longer measures the scorer in front of the joiner cleanly).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402
import draw_final13 as f13  # noqa: E402

SPLIT = "final14"
SEED = 14409
POOL = HERE / "final14_pool.jsonl"
# final13's caps of a page's uses, a project's same-project pairs and one kind's pairs
MAX_USES = f13.MAX_USES
PER_PROJECT = f13.PER_PROJECT
PER_KIND = f13.PER_KIND
# final13's batches and batches 8 and 9 (added after final13), named, not globbed; not batches 10
# and 11, whose pools are the source
TRAINING = [
    *f13.TRAINING,
    f9.f5.ROOT / "core/data/labelled/batch-2026-12-07-8.jsonl",
    f9.f5.ROOT / "core/data/labelled/batch-2026-12-07-9.jsonl",
]

# final14's name, seed, caps and batches over draw_final11's settings for a pool (ids n14-NNNNN)
# or a draw (pair ids f14-NNN)
_final14, pool, draw = f11.as_split(
    SPLIT=SPLIT,
    SEED=SEED,
    MAX_USES=MAX_USES,
    PER_PROJECT=PER_PROJECT,
    PER_KIND=PER_KIND,
    TRAINING=TRAINING,
)


def main() -> None:
    f9.run(__doc__, SPLIT, POOL, pool, draw)


if __name__ == "__main__":
    main()
