"""final30: a clean same-event split of real dated items telling token-launch stories, drawn
(seeded) before either joiner measured on it (RULE_final30: J3, main's joiner; J5, engineer
names30's change) was run on any of them.

Why: J3 has two clean readings (final25, final26); session p's J4 was lost with its branch and is
rebuilt, with a token list's name <-> ticker keys, as J5. Collectors gathered STORIES under
/work/notes/GATHER_EV30.md (GATHER_EV25's rules; ev30a exchange-notice archives on GitHub, ev30b
Chinese, Korean and Japanese news archives, ev30c newer English news archives, ev30d stored web
pages of 2025-26 launches and other languages). The pools are /work/scratch/pools/ev30?/pool.jsonl,
closed by the lead (each pool's sha256 in /work/scratch/final30/GO and the log). The pools are
read, never edited.

What: `final30_pool.jsonl` beside this file is the pools' dated rows, each line as the collector
wrote it, in SOURCES order, less LEFT_OUT (`pool` subcommand). The draw, as every earlier page
draw, keeps no item without a headline.

Run from the repository root:

    python core/data/eval/events/draw_final30.py pool    # writes final30_pool.jsonl
    python core/data/eval/events/draw_final30.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final30.py draw [--pool POOL.jsonl] [--out DIR]

How: draw_final26's, by import (over_final19.Over19 with final30's name, seed, pool, sources and
batches; TRAINING draw_final22's and the labelled scoring batch 31). The caps: draw_final19's
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

SPLIT = "final30"
SEED = 30300
POOL = HERE / "final30_pool.jsonl"
# the story collectors' closed pools (GATHER_EV30.md), read in this order
SOURCES = tuple(Path(f"/work/scratch/pools/ev30{n}/pool.jsonl") for n in "abcd")
# dated rows left out, and why (decided at the pools' close, before any trial or draw): none
LEFT_OUT: dict[str, str] = {}
# draw_final22's batches and batch 31: every labelled scoring batch, named, not globbed
TRAINING = [*f22.TRAINING, f9.f5.ROOT / "core/data/labelled/batch-2026-12-07-31.jsonl"]

# draw_final19's rule, as it is: the ladder, the target, the pick
Caps, LADDER, TARGET, pick = f19.Caps, f19.LADDER, f19.TARGET, f19.pick
# the rung the rule picked on the pool (`trial`, 20:41:49 UTC, counts only: 182 read, 38 of
# final-test projects, 4 with no single ticker and no subject, 140 kept, 122 of them with launch
# words; rung 0 131 pairs (same ticker 60, launch vs other 40, near in time 30, look-alike 1), rung
# 1 178, rung 2 217, rung 3 229: rung 0 is the first to reach TARGET (120))
CAPS = LADDER[0]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


# final30's settings over draw_final19's module, for one call (over_final19)
OVER = Over19(SPLIT, SEED, POOL, SOURCES, LEFT_OUT, TRAINING)
_as_final19, split_of = OVER.context, OVER.split_of
_final30, _pool, draw = split_of(CAPS)
# the TRAINING check, trial and command: this module's names, read when called (over_final19)
SCRIPT = Script(sys.modules[__name__], "write final30_pool.jsonl from the ev30 story pools")
missing_training, _check_training = SCRIPT.missing_training, SCRIPT.check_training
pool = SCRIPT.checked(_pool)  # draw_final11's pool, once every TRAINING file is here
trial, build_pool, main = SCRIPT.trial, OVER.build_pool, SCRIPT.main


if __name__ == "__main__":
    main()
