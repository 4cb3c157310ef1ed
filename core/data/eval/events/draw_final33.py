"""final33: a clean same-event split of real dated items telling token-launch stories, drawn
(seeded) before either joiner measured on it (RULE_final33: J6, main's joiner; J8, engineer
names33's change) was run on any of them.

Why: final32 read J6 at 0.903 / 0.855 and J7 at 0.899 / 0.816 (J7 did not land: its CJK round
words read an exchange programme's edition, 第五期, as a round); J8 rebuilds J7's ideas without
that reading. Collectors gathered STORIES under /work/scratch/pools/GATHER_EV33.md (GATHER_EV31's
and GATHER_EV30's rules; ev33a and ev33c the Chinese flash news of brucey0017-cloud/rss-bot, ev33b
exchange-notice archives with rss-bot rows of the same launches). The pools are
/work/scratch/pools/ev33?/pool.jsonl, closed by the lead (each pool's sha256 in
/work/scratch/final33/GO and the log). The pools are read, never edited.

What: `final33_pool.jsonl` beside this file is the pools' dated rows, each line as the collector
wrote it, in SOURCES order, less LEFT_OUT (`pool` subcommand). The draw, as every earlier page
draw, keeps no item without a headline.

Run from the repository root:

    python core/data/eval/events/draw_final33.py pool    # writes final33_pool.jsonl
    python core/data/eval/events/draw_final33.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final33.py draw [--pool POOL.jsonl] [--out DIR]

How: draw_final32's, by import (over_final19.Over19 with final33's name, seed, pool, sources and
batches; TRAINING draw_final22's and the labelled scoring batches 31, 33 and 34), and the first
split to screen its own TRAINING list (``screen_training=True``: a pool row of any named batch is
not drawn; final11 ... final32 read only draw_final9's five). The caps: draw_final19's rule,
unchanged and fixed before the pools were drawn; `CAPS` below is the rung it picked.
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

SPLIT = "final33"
SEED = 33330
POOL = HERE / "final33_pool.jsonl"
# the story collectors' closed pools (GATHER_EV33.md), read in this order
SOURCES = tuple(Path(f"/work/scratch/pools/ev33{n}/pool.jsonl") for n in "abc")
# dated rows left out, and why (decided at the pools' close, before any trial or draw): none
LEFT_OUT: dict[str, str] = {}
# draw_final22's batches and batches 31, 33 and 34: every labelled scoring batch, named
TRAINING = [
    *f22.TRAINING,
    *(f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (31, 33, 34)),
]

# draw_final19's rule, as it is: the ladder, the target, the pick
Caps, LADDER, TARGET, pick = f19.Caps, f19.LADDER, f19.TARGET, f19.pick
# the rung the rule picked on the pool (`trial`, 23:22:06 UTC, counts only: 127 read, 22 of
# final-test projects, 4 with no single ticker and no subject, 3 labelled or shown before, 0 rows
# of a TRAINING batch, 98 kept, 60 of them with launch words; rung 0 99 pairs (launch vs other
# 40, near in time 24, same ticker 35), rungs 1-3 99 each: no rung reaches TARGET (120), so the
# rule takes the most, the first of the tie: rung 0)
CAPS = LADDER[0]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


# final33's settings over draw_final19's module, for one call (over_final19)
OVER = Over19(SPLIT, SEED, POOL, SOURCES, LEFT_OUT, TRAINING, screen_training=True)
_as_final19, split_of = OVER.context, OVER.split_of
_final33, _pool, draw = split_of(CAPS)
# the TRAINING check, trial and command: this module's names, read when called (over_final19)
SCRIPT = Script(sys.modules[__name__], "write final33_pool.jsonl from the ev33 story pools")
missing_training, _check_training = SCRIPT.missing_training, SCRIPT.check_training
pool = SCRIPT.checked(_pool)  # draw_final11's pool, once every TRAINING file is here
trial, build_pool, main = SCRIPT.trial, OVER.build_pool, SCRIPT.main


if __name__ == "__main__":
    main()
