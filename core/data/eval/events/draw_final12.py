"""final12: a clean same-event split of real dated pages, drawn (seeded) before the joiner frozen
for it (README, "final12") was run on any of them.

Why: final11 is spent (the joiner was changed after reading its errors: README, "Before
final12's freeze"), so the current joiner has no clean figure. Engineer `events4` collected
dated pages from the search tool's stored web pages (`final12_pool.jsonl` beside this file, in
final11's format: id q12-NNNN, title, text, source, date, url, provenance {page, via, query,
title_from when the headline is the page address's words}, project_hint: the search term, not
the page's words), leaving out every page whose address or normalised headline a labelled set,
an eval split, a pool or another engineer's scratch file already held. Most are exchange
notices and news of 2018-2023 token distributions to a chain's holders (an exchange supporting
an airdrop or a fork, in English, Chinese, Vietnamese, Italian and Japanese), which earlier
pools, drawn from 2024-2026 launch news, did not reach.

Run from the repository root (writes final12_items.jsonl, final12_drawn.jsonl and
pairs_final12_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final12.py [--pool POOL.jsonl] [--out DIR]

How: draw_final11's pool and draw (draw_final9's CJK-keeping headline key and search-term
projects, far pairs beyond the launch-story gate, all seven scoring batches as TRAINING) with
final12's split name, seed and caps, fixed before a reader saw a pair or the joiner read a
page: final11's caps (6 uses a page, 12 same-project pairs a project, 10 of one kind); trial draws
at 6/12/10, 8/15/12 and 10/20/15 gave the same 58 pairs of 53 pages (the pool, not the caps,
limits the split).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402

SPLIT = "final12"
SEED = 12409
POOL = HERE / "final12_pool.jsonl"
# final11's quotas (launch vs other news, same project, look-alikes, near in time) kept; the caps
# of a page's uses, a project's same-project pairs and one kind's pairs
MAX_USES = 6
PER_PROJECT = 12
PER_KIND = 10

# final12's name, seed and caps over draw_final11's settings for a pool (ids n12-NNNNN) or a draw
# (pair ids f12-NNN)
_final12, pool, draw = f11.as_split(
    SPLIT=SPLIT, SEED=SEED, MAX_USES=MAX_USES, PER_PROJECT=PER_PROJECT, PER_KIND=PER_KIND
)


def main() -> None:
    f9.run(__doc__, SPLIT, POOL, pool, draw)


if __name__ == "__main__":
    main()
