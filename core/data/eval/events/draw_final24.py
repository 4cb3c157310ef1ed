"""final24: a clean same-event split of real dated items telling token-launch stories, drawn
(seeded) before either joiner measured on it (RULE_final24: J1, main's joiner as final23 measured
it and RULE_final23 landed; J2, engineer names24's change) was run on any of them.

Why: final23 (97 pairs) measured J0 and J1 once; issue 20 asks for >= 100 clean pairs, and J1 has
97 of its own. As for final23, collectors gathered STORIES under /work/notes/GATHER_EV24.md (per
project 3-6 dated items from different sites, hard cap 6; item-level held rule; headline shown;
no machine-written page): ev24a exchange tokens; ev24b layer-1 mainnet tokens 2018-22; ev24c dated
rows of public GitHub news dumps; ev24d memecoins and celebrity tokens; ev24e fan, sports and
entertainment tokens; ev24f launches told in Chinese, Korean, Japanese or Vietnamese pages. The
pools are /work/scratch/pools/ev24?/pool.jsonl, closed by the lead (each pool's sha256 in
/work/scratch/final24/GO and the log). The pools are read, never edited.

What: `final24_pool.jsonl` beside this file is the pools' dated rows, each line as the collector
wrote it, in SOURCES order, less LEFT_OUT (`pool` subcommand). The draw, as every earlier page
draw, keeps no item without a headline.

Run from the repository root:

    python core/data/eval/events/draw_final24.py pool    # writes final24_pool.jsonl
    python core/data/eval/events/draw_final24.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final24.py draw [--pool POOL.jsonl] [--out DIR]

How: draw_final23's, by import (over_final19.Over19 with final24's name, seed, pool, sources and
batches; TRAINING draw_final22's: every labelled scoring batch to 30). The caps: draw_final19's
rule, unchanged and fixed before the pools were drawn; `CAPS` below is the rung it picked.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402, F401  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402, F401  (the draw's settings, reached through it)
import draw_final19 as f19  # noqa: E402
import draw_final22 as f22  # noqa: E402
from over_final19 import MissingTraining, Over19, Script  # noqa: E402, F401

SPLIT = "final24"
SEED = 24240
POOL = HERE / "final24_pool.jsonl"
# the story collectors' closed pools (GATHER_EV24.md), read in this order
SOURCES = tuple(Path(f"/work/scratch/pools/ev24{n}/pool.jsonl") for n in "abcdef")
# dated rows left out, and why (decided at the pools' close, before any trial or draw): none (no
# row is marked machine-written; every row shows a headline)
LEFT_OUT: dict[str, str] = {}
# draw_final22's batches: every labelled scoring batch to 30, named, not globbed
TRAINING = list(f22.TRAINING)

# draw_final19's rule, as it is: the ladder, the target, the pick
Caps, LADDER, TARGET, pick = f19.Caps, f19.LADDER, f19.TARGET, f19.pick
# the rung the rule picked on the pool (`trial`, 17:05 UTC, counts only: 177 read, 23 of
# final-test projects, 16 with no project key, 138 kept, 23 of them with launch words; every
# rung 27 pairs (launch vs other 12, same ticker 12, near in time 3): no rung reaches TARGET,
# so the rule takes the rung giving the most, the earliest of equals, rung 0 (6/12/10, quotas
# 40/60/12/30)). The pools told more later news than launches, so few launch pairs.
CAPS = LADDER[0]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


# final24's settings over draw_final19's module, for one call (over_final19)
OVER = Over19(SPLIT, SEED, POOL, SOURCES, LEFT_OUT, TRAINING)
_as_final19, split_of = OVER.context, OVER.split_of
_final24, _pool, draw = split_of(CAPS)
# the TRAINING check, trial and command: this module's names, read when called (over_final19)
SCRIPT = Script(sys.modules[__name__], "write final24_pool.jsonl from the ev24 story pools")
missing_training, _check_training = SCRIPT.missing_training, SCRIPT.check_training
pool = SCRIPT.checked(_pool)  # draw_final11's pool, once every TRAINING file is here
trial, build_pool, main = SCRIPT.trial, OVER.build_pool, SCRIPT.main


if __name__ == "__main__":
    main()
