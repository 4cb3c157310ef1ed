"""final22: a clean same-event split of real dated pages telling token-launch stories, drawn
(seeded) before the joiner frozen for it was run on any of them.

Why: final21 was measured once on 5 pairs, all different (precision and recall undefined): the
scoring collectors' pools give few pages of one project, so main's joiner (frozen for final22 at
05abd21, /work/notes/LOG-2026-12-07-n.md `JOINER_FROZEN_final22`, core/events and core/scoring
as at that commit) has no clean figure and issue 20 still asks for a split of >= 100 pairs. As
for final19, collectors gathered STORIES for the joiner from the search tool's stored web pages
(/work/notes/GATHER_EV22.md): per project 3-6 dated pages from different sites about its token
launch and what followed (the same launch told again, and the project's later, different token
news), and same-time launches of other projects. Their held rule is item-level, as final17's and
final19's ev19c/ev19d: a PAGE is held (its address, headline or text opening), not its project.
The pools are /work/scratch/ev22a, ev22b and ev22c/pool.jsonl (domains: chains and DeFi; consumer
apps, games and SocialFi; memecoins, launch platforms, exchange tokens, AI agents, DePIN, RWA),
closed by the lead at 15:13:53 UTC on 2026-12-07 (each pool's sha256 in
/work/scratch/final22/GO and the log). The pools are read, never edited.

What: `final22_pool.jsonl` beside this file is the three pools' dated rows, each line as the
collector wrote it, in the order ev22a, ev22b, ev22c (`pool` subcommand; final16's format: id
q22a-NNNN ... q22c-NNNN, title, text, source, date, url, provenance {page, via, query},
project_hint: the searched project, not the page's words). Nothing is left out but undated rows
(LEFT_OUT is empty). Rows whose headline is null or "" are kept in the pool as found; the draw
reads a null headline as "" (draw_final8's read_pool) and, as every earlier page draw, keeps no
page without a headline.

Run from the repository root:

    python core/data/eval/events/draw_final22.py pool    # writes final22_pool.jsonl
    python core/data/eval/events/draw_final22.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final22.py draw [--pool POOL.jsonl] [--out DIR]

`draw` writes final22_items.jsonl, final22_drawn.jsonl and pairs_final22_unlabelled.jsonl
beside this file and prints counts only.

How: draw_final20's and draw_final21's approach, by import: draw_final11's pool and draw
(draw_final11.as_split: draw_final9's CJK-keeping headline key and search-term projects, far
same-project pairs beyond the 45-day launch-story gate) and draw_final19's caps rule, ladder,
trial and pool builder, run with final22's name, seed, pool, sources and batches patched over
draw_final19's for the call (no copied loops; the imported modules are left as they were).
TRAINING is draw_final21's (final20's batches and the labelled scoring batches 26 and 27) and
the labelled scoring batches 28, 29 and 30 (named, not globbed; final21 drew batch 28's pages
and batch 29's pools), so that every scoring batch's pages stay out of the split. A named batch
file that is missing stops `trial` and `draw` with its name (MissingTraining), never a draw
that silently knows fewer pages.

The caps: draw_final19's rule, unchanged and fixed before the pools were drawn: draw the pool
(`trial`, counts only: never the pairs' content, a label or a joiner run) at each rung of
LADDER in order, from final11-final16's caps (6 uses a page, 12 same-project pairs a project,
10 of one kind; quotas 40/60/12/30) up to 10/20/15 (100/150/30/80); the caps are the FIRST
rung whose draw gives at least TARGET (120) pairs, else the rung giving the most pairs (the
earlier of equals). `CAPS` below is the rung the rule picked on the pool (trial at 15:33 UTC:
23, 23, 26 and 31 pairs, so rung 3, the ladder's top: 10 uses a page, 20 same-project pairs a
project, 15 of one kind; quotas 100/150/30/80); `draw` uses it.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402, F401  (the draw's settings, reached through it)
import draw_final19 as f19  # noqa: E402
import draw_final21 as f21  # noqa: E402
from over_final19 import MissingTraining, Over19, Script  # noqa: E402, F401

SPLIT = "final22"
SEED = 22220
POOL = HERE / "final22_pool.jsonl"
# the story collectors' closed pools (GATHER_EV22.md), read in this order
SOURCES = tuple(Path(f"/work/scratch/ev22{n}/pool.jsonl") for n in "abc")
# dated rows left out, and why: none
LEFT_OUT: dict[str, str] = {}
# draw_final21's batches (to 27) and the labelled scoring batches 28, 29 and 30, named, not
# globbed (final21 drew batch 28's pages and batch 29's pools)
TRAINING = [
    *f21.TRAINING,
    *(f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (28, 29, 30)),
]

# draw_final19's rule, as it is: the ladder, the target, the pick
Caps, LADDER, TARGET, pick = f19.Caps, f19.LADDER, f19.TARGET, f19.pick
# the rung the rule picked on the pool (`trial`, 15:33:53 UTC, counts only: 142 read, 66
# without a headline, 4 of final-test projects, 3 with no project key, 69 kept; rung 0 23
# pairs, rung 1 23, rung 2 26, rung 3 31 (launch vs other 21, same project 9, near in time 1):
# no rung reaches TARGET, so the rule takes the rung giving the most, rung 3 (10/20/15, quotas
# 100/150/30/80), the ladder's top)
CAPS = LADDER[3]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


# final22's settings over draw_final19's module, for one call (over_final19)
OVER = Over19(SPLIT, SEED, POOL, SOURCES, LEFT_OUT, TRAINING)
_as_final19, split_of = OVER.context, OVER.split_of
_final22, _pool, draw = split_of(CAPS)
# the TRAINING check, trial and command: this module's names, read when called (over_final19)
SCRIPT = Script(sys.modules[__name__], "write final22_pool.jsonl from the ev22 story pools")
missing_training, _check_training = SCRIPT.missing_training, SCRIPT.check_training
pool = SCRIPT.checked(_pool)  # draw_final11's pool, once every TRAINING file is here
trial, build_pool, main = SCRIPT.trial, OVER.build_pool, SCRIPT.main


if __name__ == "__main__":
    main()
