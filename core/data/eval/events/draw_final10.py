"""final10: a second clean same-event split of real dated news pages, drawn (seeded) before the
joiner frozen for final9 was run on any of them, so that final9 and final10 add up (one frozen
commit measured on both).

Why: final9 (33 pairs, 16 same) is too small to tell precision >= 0.95 and recall >= 0.90 from
noise. Engineer `final10` collected more dated pages from the search tool's stored web pages
(`final10_pool.jsonl` beside this file: one JSON a page, id q10-NNNN, title, text, source, date,
url, provenance {page, via, query}, project_hint: the search term, not the page's words), about
launches and the same projects' later news, leaving out every page whose address or normalised
headline was already in a labelled set, an eval split or the final9/batch-5 pools.

Run from the repository root (writes final10_items.jsonl, final10_drawn.jsonl and
pairs_final10_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final10.py [--pool POOL.jsonl] [--out DIR]

How: draw_final9's pool and draw, by import (its CJK-keeping headline key, search-term projects
found against Chinese characters, the scoring batches as TRAINING, far pairs beyond the
launch-story gate), with final10's split name, seed and caps, all fixed before a reader saw any
pair or the joiner read any page (set from trial draws' counts of pairs by kind and by project,
never from a label):
- a project may be in at most PER_PROJECT same-project pairs (8; final9 15, which let one project
  hold half the split) and PER_KIND of one kind (6);
- a page may be in MAX_USES pairs (5; final9 4): few projects have more than five dated pages.
The project key is decided only by the search term and the page's words and is written nowhere a
reader or the joiner sees. The quotas are ceilings; the pool, not the caps, limits the split: on
final10's 57 pages (47 kept) the trial draws gave 38 pairs at these caps, 38 with 8 a kind and 39
with 6 uses a page, so the caps stayed. Same-project pairs are drawn only near (<= 14 days) or far
(> 45 days) apart, as in every draw since final6, which leaves out most pairs of a launch told over
a month (Monad's claim, sale and listing pages are 15-45 days apart).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final6 as f6  # noqa: E402  (sibling scripts, not a package)
import draw_final9 as f9  # noqa: E402

SPLIT = "final10"
SEED = 10271
POOL = HERE / "final10_pool.jsonl"
# launch vs other news, same project, look-alikes, near in time
QUOTAS = (40, 60, 12, 30)
FAR_DAYS = f9.FAR_DAYS
MAX_USES = 5
PER_PROJECT = 8
PER_KIND = 6


@contextmanager
def _final10() -> Iterator[None]:
    """final10's caps over draw_final9's settings, for the duration of a pool or a draw."""
    with (
        f9._final9(),
        mock.patch.multiple(f6, MAX_USES=MAX_USES, PER_PROJECT=PER_PROJECT, PER_KIND=PER_KIND),
    ):
        yield


def pool(path: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """draw_final9's pool of the pages under final10's name (ids n10-NNNNN)."""
    with mock.patch.object(f9, "SPLIT", SPLIT), _final10():
        return f9.pool(path)


def draw(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """draw_final6's pairs at final10's seed, quotas and caps (pair ids f10-NNN)."""
    with _final10():
        return f6.draw(items, SEED, SPLIT, QUOTAS)


def main() -> None:
    f9.run(__doc__, SPLIT, POOL, pool, draw)


if __name__ == "__main__":
    main()
