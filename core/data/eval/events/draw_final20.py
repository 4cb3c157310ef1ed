"""final20: a clean same-event split of real dated pages, drawn (seeded) before the joiner frozen
for it was run on any of them.

Why: final19 was measured once (24 pairs) and the joiner was changed after it (README, "After
final19"), so main's joiner (frozen for final20 at 017ec15, /work/notes/LOG.md
`JOINER_FROZEN_final20`, core/events and core/scoring as at that commit) has no clean figure
and issue 20 still asks for a split of >= 100 pairs. Its pages are the DATED rows of the ten
closed pools the page collectors gathered for the scorer's scoring batches 26 and 27
(/work/scratch/b26a ... b26f/pool.jsonl, closed 12:00:10 UTC, and b27g ... b27j/pool.jsonl,
closed 12:26:02 UTC on 2026-12-07; each pool's sha256 is in the log). No page of them had been
run through the joiner when it was frozen; the pools are read, never edited.

What: `final20_pool.jsonl` beside this file is the ten pools' dated rows, each line as the
collector wrote it, in the order b26a, b26b, b26c, b26d, b26e, b26f, b27g, b27h, b27i, b27j
(`pool` subcommand; final16's format: id q26a-NNNN ... q27j-NNNN, title, text, source, date,
url, provenance {page, via, query}, project_hint: the searched project, not the page's words).
Nothing is left out but undated rows (LEFT_OUT is empty). Rows whose headline is null (b26f)
or "" are kept in the pool as found; the draw reads a null headline as "" (draw_final8's
read_pool: `str(row.get("title") or "")`) and, as every earlier page draw, keeps no page
without a headline (draw_final6's pool counts it "undated or no headline").

Run from the repository root:

    python core/data/eval/events/draw_final20.py pool    # writes final20_pool.jsonl
    python core/data/eval/events/draw_final20.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final20.py draw [--pool POOL.jsonl] [--out DIR]

`draw` writes final20_items.jsonl, final20_drawn.jsonl and pairs_final20_unlabelled.jsonl
beside this file and prints counts only.

How: draw_final19's logic under final20's name, seed, pool, sources and batches, by import:
draw_final11's pool and draw (draw_final11.as_split: draw_final9's CJK-keeping headline key
and search-term projects, far same-project pairs beyond the 45-day launch-story gate) and
draw_final19's caps rule, ladder, trial and pool builder, run with final20's settings patched
over draw_final19's for the call (no copied loops; both modules are left as they were).
TRAINING is draw_final19's (final16's batches and batches 16 to 21) and the labelled scoring
batches 22, 23, 24 and 25 (named, not globbed), so that every shipped scorer's training and
calibration data stays out of the split. Batches 26 and 27 are NOT in TRAINING: no shipped
scorer was trained or calibrated on them (batch 26 was a test batch read once; batch 27 is
being read), and their pools are this split's source.

The caps: draw_final19's rule, unchanged and fixed before the pools were drawn: draw the pool
(`trial`, counts only: never the pairs' content, a label or a joiner run) at each rung of
LADDER in order, from final11-final16's caps (6 uses a page, 12 same-project pairs a project,
10 of one kind; quotas 40/60/12/30) up to 10/20/15 (100/150/30/80); the caps are the FIRST
rung whose draw gives at least TARGET (120) pairs, else the rung giving the most pairs (the
earlier of equals). `CAPS` below is the rung the rule picked on the pool (trial at 12:32 UTC:
40 pairs at every rung, so rung 0, final11-final16's caps); `draw` uses it.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402, F401  (the draw's settings, reached through it)
import draw_final19 as f19  # noqa: E402
from over_final19 import Over19, Script  # noqa: E402

SPLIT = "final20"
SEED = 20200
POOL = HERE / "final20_pool.jsonl"
# the collectors' closed pools of scoring batches 26 and 27, read in this order
SOURCES = (
    *(Path(f"/work/scratch/b26{n}/pool.jsonl") for n in "abcdef"),
    *(Path(f"/work/scratch/b27{n}/pool.jsonl") for n in "ghij"),
)
# dated rows left out, and why: none
LEFT_OUT: dict[str, str] = {}
# draw_final19's batches (to 21) and the labelled scoring batches 22 to 25, named, not globbed;
# not batches 26 and 27, whose pools are the source and which no shipped scorer was fit on
TRAINING = [
    *f19.TRAINING,
    *(f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (22, 23, 24, 25)),
]

# draw_final19's rule, as it is: the ladder, the target, the pick
Caps, LADDER, TARGET, pick = f19.Caps, f19.LADDER, f19.TARGET, f19.pick
# the rung the rule picked on the pool (`trial`, 12:32:48 UTC, counts only: 357 read, 73
# without a headline, 13 of final-test projects, 45 with no project key, 226 kept; 40 pairs at
# every rung, 12 launch vs other, 9 same project, 1 look-alike, 18 near in time: the pool, not
# the caps, limits the split, so no rung reaches TARGET and the rule takes rung 0, the earliest
# of the most)
CAPS = LADDER[0]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


# final20's settings over draw_final19's module, for one call (over_final19)
OVER = Over19(SPLIT, SEED, POOL, SOURCES, LEFT_OUT, TRAINING)
_as_final19, split_of = OVER.context, OVER.split_of
_final20, pool, draw = split_of(CAPS)
# the trial and the command: this module's names, read when called (over_final19)
SCRIPT = Script(sys.modules[__name__], "write final20_pool.jsonl from the collectors' pools")
trial, build_pool, main = SCRIPT.trial, OVER.build_pool, SCRIPT.main


if __name__ == "__main__":
    main()
