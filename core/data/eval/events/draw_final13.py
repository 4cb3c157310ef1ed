"""final13: a clean same-event split of real dated pages, drawn (seeded) before the joiner frozen
for it was run on any of them.

Why: final12 was measured once (README, "final12") and the joiner was changed after it, so the
current joiner needs a new clean split. Engineer `final13` looked for a new dated source first
(public repositories of saved crypto news, feed dumps and exchange-notice archives: README,
"final13" says which and why none served) and then collected dated pages from the search tool's
stored web pages (`final13_pool.jsonl` beside this file, in final12's format: id q13-NNNN, title,
text, source, date, url, provenance {page, via, query, title_from when the headline is the page
address's words}, project_hint: the search term, not the page's words), leaving out every page
whose address or normalised headline a labelled set, an eval split or a pool already held. Most
are retellings of a few token launches over days and months (Filecoin's FIL in 2020, Internet
Computer's ICP in 2021, Polkadot's DOT in 2020, VeChain's VET/VTHO in 2018, Aptos, Sui, Sei and
others of 2022-2023): the exchange notices, the launch-day news and the later news of each.

Run from the repository root (writes final13_items.jsonl, final13_drawn.jsonl and
pairs_final13_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final13.py [--pool POOL.jsonl] [--out DIR]

How: draw_final11's pool and draw (draw_final9's CJK-keeping headline key and search-term
projects, far pairs beyond the launch-story gate) under final13's split name, seed and caps
(draw_final11.as_split, as draw_final12 uses it: no copied loops or context), with
TRAINING naming every scoring batch beside the corpus as it is at this draw (batch 7, a test
set added after final12, too), so that no page of a batch is paired. Caps fixed before a reader
saw a pair or the joiner read a page, from trial draws' counts only: final12's 6 uses a page,
12 same-project pairs a project, 10 of one kind.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402

SPLIT = "final13"
SEED = 13409
POOL = HERE / "final13_pool.jsonl"
# final11's quotas (launch vs other news, same project, look-alikes, near in time) kept; the caps
# of a page's uses, a project's same-project pairs and one kind's pairs
MAX_USES = 6
PER_PROJECT = 12
PER_KIND = 10
# draw_final11's batches and batch 7 (a test set, added after final12), named, not globbed
TRAINING = [
    *f11.TRAINING,
    f9.f5.ROOT / "core/data/labelled/batch-2026-12-07-7.jsonl",
]

# final13's name, seed, caps and batches over draw_final11's settings for a pool (ids n13-NNNNN)
# or a draw (pair ids f13-NNN)
_final13, pool, draw = f11.as_split(
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
