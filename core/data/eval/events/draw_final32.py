"""final32: a clean same-event split of real dated items telling token-launch stories, drawn
(seeded) before either joiner measured on it (RULE_final32: J6, main's joiner; J7, engineer
names32's change) was run on any of them.

Why: final31 read J5 at 0.920 / 0.793 and J6 at 0.904 / 0.862 (J6 landed); J6 has one reading
of its own and J7 (engineer names32's change) none. Collectors gathered STORIES under
/work/notes/GATHER_EV32.md (GATHER_EV31's and GATHER_EV30's rules; ev32a and ev32b the Chinese
flash news of brucey0017-cloud/rss-bot, February-April and May-August 2026, rows no earlier pool
holds). The pools are /work/scratch/pools/ev32?/pool.jsonl, closed by the lead (each pool's sha256
in /work/scratch/final32/GO and the log). The pools are read, never edited.

What: `final32_pool.jsonl` beside this file is the pools' dated rows, each line as the collector
wrote it, in SOURCES order, less LEFT_OUT (`pool` subcommand). The draw, as every earlier page
draw, keeps no item without a headline.

Run from the repository root:

    python core/data/eval/events/draw_final32.py pool    # writes final32_pool.jsonl
    python core/data/eval/events/draw_final32.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final32.py draw [--pool POOL.jsonl] [--out DIR]

How: draw_final31's, by import (over_final19.Over19 with final32's name, seed, pool, sources and
batches; TRAINING draw_final22's and the labelled scoring batches 31, 33 and 34). The caps:
draw_final19's rule, unchanged and fixed before the pools were drawn; `CAPS` below is the rung it
picked.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402, F401  (the draw's settings, reached through it)
import draw_final19 as f19  # noqa: E402
import draw_final22 as f22  # noqa: E402
from over_final19 import MissingTraining, Over19, Script  # noqa: E402, F401

SPLIT = "final32"
SEED = 32320
POOL = HERE / "final32_pool.jsonl"
# the story collectors' closed pools (GATHER_EV32.md), read in this order
SOURCES = tuple(Path(f"/work/scratch/pools/ev32{n}/pool.jsonl") for n in "ab")
# dated rows left out, and why (decided at the pools' close, before any trial or draw): none
LEFT_OUT: dict[str, str] = {}
# draw_final22's batches and batches 31, 33 and 34: every labelled scoring batch, named
TRAINING = [
    *f22.TRAINING,
    *(f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (31, 33, 34)),
]

# draw_final19's rule, as it is: the ladder, the target, the pick
Caps, LADDER, TARGET, pick = f19.Caps, f19.LADDER, f19.TARGET, f19.pick
# the rung the rule picked on the pool (`trial`, 21:50:15 UTC, counts only: 118 read, 26 of
# final-test projects, 6 with no single ticker and no subject, 86 kept, 74 of them with launch
# words; rung 0 109 pairs, rung 1 123 (same ticker 70, near in time 34, launch vs other 18,
# look-alike 1), rung 2 125, rung 3 128: rung 1 is the first to reach TARGET (120))
CAPS = LADDER[1]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


# final32's settings over draw_final19's module, for one call (over_final19)
OVER = Over19(SPLIT, SEED, POOL, SOURCES, LEFT_OUT, TRAINING)
_as_final19, split_of = OVER.context, OVER.split_of
_final32, _pool, draw = split_of(CAPS)
# the TRAINING check, trial and command: this module's names, read when called (over_final19)
SCRIPT = Script(sys.modules[__name__], "write final32_pool.jsonl from the ev32 story pools")
missing_training, _check_training = SCRIPT.missing_training, SCRIPT.check_training
pool = SCRIPT.checked(_pool)  # draw_final11's pool, once every TRAINING file is here
trial, build_pool, main = SCRIPT.trial, OVER.build_pool, SCRIPT.main


if __name__ == "__main__":
    main()
