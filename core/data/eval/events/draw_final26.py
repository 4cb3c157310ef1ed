"""final26: a clean same-event split of real dated items telling token-launch stories, drawn
(seeded) before either joiner measured on it (RULE_final26: J3, main's joiner as final25 measured
it and RULE_final25 landed; J4, engineer names26's change) was run on any of them.

Why: final25 (130 pairs) measured J2 and J3 once and landed J3; J3 has no second reading and
J4 none. As for final25, collectors gathered STORIES under /work/notes/GATHER_EV26.md (GATHER_EV25's
rules; dated rows of public GitHub news dumps: ev26a the CryptoTrade Google News dumps' launches
final25 did not take, ev26b repositories not fetched before, ev26c the other local copies' launches
final25 did not take). The pools are /work/scratch/pools/ev26?/pool.jsonl, closed by the lead (each
pool's sha256 in /work/scratch/final26/GO and the log). The pools are read, never edited.

What: `final26_pool.jsonl` beside this file is the pools' dated rows, each line as the collector
wrote it, in SOURCES order, less LEFT_OUT (`pool` subcommand). The draw, as every earlier page
draw, keeps no item without a headline.

Run from the repository root:

    python core/data/eval/events/draw_final26.py pool    # writes final26_pool.jsonl
    python core/data/eval/events/draw_final26.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final26.py draw [--pool POOL.jsonl] [--out DIR]

How: draw_final25's, by import (over_final19.Over19 with final26's name, seed, pool, sources and
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

SPLIT = "final26"
SEED = 26260
POOL = HERE / "final26_pool.jsonl"
# the story collectors' closed pools (GATHER_EV26.md), read in this order
SOURCES = tuple(Path(f"/work/scratch/pools/ev26{n}/pool.jsonl") for n in "abc")
# dated rows left out, and why (decided at the pools' close, before any trial or draw): none
LEFT_OUT: dict[str, str] = {}
# draw_final22's batches: every labelled scoring batch to 30, named, not globbed
TRAINING = list(f22.TRAINING)

# draw_final19's rule, as it is: the ladder, the target, the pick
Caps, LADDER, TARGET, pick = f19.Caps, f19.LADDER, f19.TARGET, f19.pick
# the rung the rule picked on the pool (`trial`, 19:02 UTC, counts only: 101 read, 18 of
# final-test projects, 7 with no single ticker and no subject, 76 kept, 22 of them with launch
# words; every rung 30 pairs (launch vs other 13, same ticker 14, near in time 3): no rung
# reaches TARGET, so the rule takes the rung giving the most, the earliest of equals, rung 0).
CAPS = LADDER[0]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


# final26's settings over draw_final19's module, for one call (over_final19)
OVER = Over19(SPLIT, SEED, POOL, SOURCES, LEFT_OUT, TRAINING)
_as_final19, split_of = OVER.context, OVER.split_of
_final26, _pool, draw = split_of(CAPS)
# the TRAINING check, trial and command: this module's names, read when called (over_final19)
SCRIPT = Script(sys.modules[__name__], "write final26_pool.jsonl from the ev26 story pools")
missing_training, _check_training = SCRIPT.missing_training, SCRIPT.check_training
pool = SCRIPT.checked(_pool)  # draw_final11's pool, once every TRAINING file is here
trial, build_pool, main = SCRIPT.trial, OVER.build_pool, SCRIPT.main


if __name__ == "__main__":
    main()
