"""final11: a clean same-event split of real dated pages, drawn (seeded) before the joiner frozen
for it (README, "final11") was run on any of them.

Why: final9 and final10 are spent (the joiner was changed after reading their errors), so the
current joiner has no clean figure. Engineer `events3` collected dated pages from the search
tool's stored web pages (`final11_pool.jsonl` beside this file: one JSON a page, id q11-NNNN,
title, text, source, date, url, provenance {page, via, query, title_from when the headline is
the page address's words}, project_hint: the search term, not the page's words), leaving out
every page whose address or normalised headline a labelled set, an eval split, a pool or another
engineer's scratch file already held. Most pages are Portuguese, Spanish, Japanese and English
exchange blogs and learn pages (bitrue, gate and bingx mirrors) and news sites that state a date.

Run from the repository root (writes final11_items.jsonl, final11_drawn.jsonl and
pairs_final11_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final11.py [--pool POOL.jsonl] [--out DIR]

How: draw_final10's pool and draw (draw_final9's CJK-keeping headline key and search-term
projects, far pairs beyond the launch-story gate), with final11's split name, seed and caps,
and TRAINING naming all seven scoring batches beside the corpus as they are at this draw
(batches 5 and 6 were added after final10). Caps fixed before a reader saw any pair or the joiner
read any page, from trial draws' counts only: 6 pairs a page, 12 same-project pairs a project,
10 of one kind (trial draws at 5/10/8, 6/12/10 and 8/15/12 gave 21, 23 and 26 pairs,
all of the same 19 pages: the pool, not the caps, limits the split).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final6 as f6  # noqa: E402  (sibling scripts, not a package)
import draw_final8 as f8  # noqa: E402
import draw_final9 as f9  # noqa: E402

SPLIT = "final11"
SEED = 11317
POOL = HERE / "final11_pool.jsonl"
# launch vs other news, same project, look-alikes, near in time
QUOTAS = (40, 60, 12, 30)
MAX_USES = 6
PER_PROJECT = 12
PER_KIND = 10
TRAINING = [
    *f9.TRAINING,
    f9.f5.ROOT / "core/data/labelled/batch-2026-12-06-5.jsonl",
    f9.f5.ROOT / "core/data/labelled/batch-2026-12-06-6.jsonl",
]


@contextmanager
def _final11() -> Iterator[None]:
    """final11's caps and batches over draw_final9's settings, for a pool or a draw."""
    with (
        f9._final9(),
        mock.patch.multiple(f6, MAX_USES=MAX_USES, PER_PROJECT=PER_PROJECT, PER_KIND=PER_KIND),
        mock.patch.object(f8, "TRAINING", TRAINING),
    ):
        yield


def pool(path: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """draw_final9's pool of the pages under final11's name (ids n11-NNNNN)."""
    with mock.patch.object(f9, "SPLIT", SPLIT), _final11():
        return f9.pool(path)


def draw(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """draw_final6's pairs at final11's seed, quotas and caps (pair ids f11-NNN)."""
    with _final11():
        return f6.draw(items, SEED, SPLIT, QUOTAS)


Pool = Callable[[Path], tuple[list[dict[str, Any]], dict[str, int]]]
Draw = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


def as_split(**settings: Any) -> tuple[Callable[[], AbstractContextManager[None]], Pool, Draw]:
    """A later split's context, pool and draw: this module's pool and draw with ``settings``
    (SPLIT, SEED, caps, TRAINING ...) patched over its own for each call, so that a split that
    differs only in settings copies no loop and leaves this module as it was."""
    this = sys.modules[__name__]

    @contextmanager
    def context() -> Iterator[None]:
        with mock.patch.multiple(this, **settings):
            yield

    def split_pool(path: Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
        with context():
            return pool(path)

    def split_draw(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        with context():
            return draw(items)

    return context, split_pool, split_draw


def main() -> None:
    f9.run(__doc__, SPLIT, POOL, pool, draw)


if __name__ == "__main__":
    main()
