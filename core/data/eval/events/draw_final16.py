"""final16: a clean same-event split of real dated pages, drawn (seeded) before the joiner frozen
for it was run on any of them.

Why: final15 was measured once and the joiner was changed after it (README, "After final15"),
so main's joiner (frozen for final16 at c49f875, /work/notes/LOG.md `JOINER_FROZEN_final16`)
needs a new clean split (issue 20). Its pages are the dated pages of the pool gathered on
2026-12-07 for the scorer's batch 16 (`final16_pool.jsonl` beside this file: that pool's rows
unchanged, undated ones left out; final15's format: id q16b-NNNN, title, text, source, date, url,
provenance {page, via, query}, project_hint: the searched project, not the page's words). No
event split, reader of pairs or joiner fix has seen them: the pool left out every page whose
address, headline or project a labelled file, an event file, a sources/*.md or another pool
already held (core/data/labelled/sources/batch-16.md).

Run from the repository root (writes final16_items.jsonl, final16_drawn.jsonl and
pairs_final16_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final16.py [--pool POOL.jsonl] [--out DIR]

How: draw_final11's pool and draw (draw_final9's CJK-keeping headline key and search-term
projects, far pairs beyond the launch-story gate) under final16's split name and seed with
final15's caps (draw_final11.as_split, as draw_final12 to draw_final15 use it: no copied loops
or context), fixed before a reader saw a pair or the joiner read a page. TRAINING names
final15's batches and batches 14 and 15 (labelled after final15's draw), so that every labelled
scoring batch 10 to 15 is kept out; it does not name batch 16, whose pool is this split's source
(as final14 and final15: if batch 16 enters the scorer's training, final16 no longer measures
the scorer in front of the joiner cleanly).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402
import draw_final15 as f15  # noqa: E402

SPLIT = "final16"
SEED = 16623
POOL = HERE / "final16_pool.jsonl"
# final15's caps of a page's uses, a project's same-project pairs and one kind's pairs
MAX_USES = f15.MAX_USES
PER_PROJECT = f15.PER_PROJECT
PER_KIND = f15.PER_KIND
# final15's batches and batches 14 and 15 (labelled after final15's draw), named, not globbed;
# not batch 16, whose pool is the source
TRAINING = [
    *f15.TRAINING,
    *(f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (14, 15)),
]

# final16's name, seed, caps and batches over draw_final11's settings for a pool (ids n16-NNNNN)
# or a draw (pair ids f16-NNN)
_final16, pool, draw = f11.as_split(
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
