"""final15: a clean same-event split of real dated items, drawn (seeded) before the joiner frozen
for it was run on any of them.

Why: final14 was measured once (README, "final14") and is read now, so main's joiner (frozen for
final15 at a577fbe, /work/notes/LOG.md `JOINER_FROZEN_final15`) needs a new clean split with
more pairs (issue 20 asks for >= 100). Its items are the dated rows of the two pools gathered on
2026-12-07 for the scorer's batches 14 and 15 (`final15_pool.jsonl` beside this file: those
pools' rows unchanged, undated ones left out; final14's format: id q15-NNNN or q14b-NNNN,
title, text, source, date, url, provenance, project_hint). batch 15's pool is dated crypto news
read from public repositories (saved news-API responses, RSS items, a bot's headline list;
provenance {repo, commit, path, row}; no search term, so `project_hint` is null and an item's
project is the one ticker it writes or the organisation its headline says acted); batch 14's is
stored web pages (provenance {page, via, query}, the searched project as `project_hint`). No
event split, reader of pairs or joiner fix has seen them: both pools left out every item whose
address or headline a labelled file, an event file or another pool already held
(core/data/labelled/sources/batch-14.md and batch-15.md).

Run from the repository root (writes final15_items.jsonl, final15_drawn.jsonl and
pairs_final15_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final15.py [--pool POOL.jsonl] [--out DIR]

How: draw_final11's pool and draw (draw_final9's CJK-keeping headline key and search-term
projects, far pairs beyond the launch-story gate) under final15's split name, seed and caps
(draw_final11.as_split, as draw_final12 to draw_final14 use it: no copied loops or context),
fixed before a reader saw a pair or the joiner read an item. TRAINING names final14's batches
and batches 10 to 13 (labelled after final14's draw), so that no item of those is paired; it
does not name batches 14 and 15, whose pools are this split's source (as final14 and batches
10 and 11: if those batches enter the scorer's training, final15 no longer measures the scorer
in front of the joiner cleanly).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402
import draw_final14 as f14  # noqa: E402

SPLIT = "final15"
SEED = 15509
POOL = HERE / "final15_pool.jsonl"
# final14's caps of a page's uses, a project's same-project pairs and one kind's pairs
MAX_USES = f14.MAX_USES
PER_PROJECT = f14.PER_PROJECT
PER_KIND = f14.PER_KIND
# final14's batches and batches 10 to 13 (labelled after final14's draw), named, not globbed;
# not batches 14 and 15, whose pools are the source
TRAINING = [
    *f14.TRAINING,
    *(f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (10, 11, 12, 13)),
]

# final15's name, seed, caps and batches over draw_final11's settings for a pool (ids n15-NNNNN)
# or a draw (pair ids f15-NNN)
_final15, pool, draw = f11.as_split(
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
