"""final25: a clean same-event split of real dated items telling token-launch stories, drawn
(seeded) before either joiner measured on it (RULE_final25: J2, main's joiner as final24 measured
it and RULE_final24 landed; J3, engineer names25's change) was run on any of them.

Why: final24 (27 pairs) measured J1 and J2 once and could not tell them apart; J2 has no clean
reading of its own. As for final23 and final24, collectors gathered STORIES under
/work/notes/GATHER_EV25.md (per project 3-6 dated items from different sites, hard cap 6, mostly
the same launch told by several outlets; item-level held rule; headline shown; no machine-written
page): ev25a airdrops and TGEs of 2024-26; ev25b DeFi, layer-2 and infrastructure launches of
2020-23; ev25c dated rows of public GitHub news dumps; ev25d exchange listing and launchpool
notices with news of the same launches; ev25e launches told in Korean or Japanese and in English;
ev25f launches told in other European and Asian languages and in English; ev25g AI, gaming,
social and real-world-asset launches of 2023-26. The pools are /work/scratch/pools/ev25?/pool.jsonl,
closed by the lead (each pool's sha256 in /work/scratch/final25/GO and the log). The pools are
read, never edited.

What: `final25_pool.jsonl` beside this file is the pools' dated rows, each line as the collector
wrote it, in SOURCES order, less LEFT_OUT (`pool` subcommand). The draw, as every earlier page
draw, keeps no item without a headline.

Run from the repository root:

    python core/data/eval/events/draw_final25.py pool    # writes final25_pool.jsonl
    python core/data/eval/events/draw_final25.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final25.py draw [--pool POOL.jsonl] [--out DIR]

How: draw_final24's, by import (over_final19.Over19 with final25's name, seed, pool, sources and
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

SPLIT = "final25"
SEED = 25250
POOL = HERE / "final25_pool.jsonl"
# the story collectors' closed pools (GATHER_EV25.md), read in this order
SOURCES = tuple(Path(f"/work/scratch/pools/ev25{n}/pool.jsonl") for n in "abcdefghijklm")
# dated rows left out, and why (decided at the pools' close, before any trial or draw)
LEFT_OUT: dict[str, str] = {
    "q25b-0029": "a synonym-spun rewrite of a Cointelegraph Magazine article (picoypala.net: "
    "'Enchancment Proposal 57 handed mandating ... the place I work'): machine-written",
}
# draw_final22's batches: every labelled scoring batch to 30, named, not globbed
TRAINING = list(f22.TRAINING)

# draw_final19's rule, as it is: the ladder, the target, the pick
Caps, LADDER, TARGET, pick = f19.Caps, f19.LADDER, f19.TARGET, f19.pick
# the rung the rule picked on the pool (`trial`, 18:51 UTC, counts only: 371 read, 60 of
# final-test projects, 18 with no single ticker and no subject, 293 kept, 123 of them with launch
# words; rung 0 130 pairs (launch vs other 40, near in time 30, same ticker 60), rung 1 193,
# rung 2 219, rung 3 224: the first rung reaching TARGET (120) is rung 0 (6/12/10, quotas
# 40/60/12/30)).
CAPS = LADDER[0]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


# final25's settings over draw_final19's module, for one call (over_final19)
OVER = Over19(SPLIT, SEED, POOL, SOURCES, LEFT_OUT, TRAINING)
_as_final19, split_of = OVER.context, OVER.split_of
_final25, _pool, draw = split_of(CAPS)
# the TRAINING check, trial and command: this module's names, read when called (over_final19)
SCRIPT = Script(sys.modules[__name__], "write final25_pool.jsonl from the ev25 story pools")
missing_training, _check_training = SCRIPT.missing_training, SCRIPT.check_training
pool = SCRIPT.checked(_pool)  # draw_final11's pool, once every TRAINING file is here
trial, build_pool, main = SCRIPT.trial, OVER.build_pool, SCRIPT.main


if __name__ == "__main__":
    main()
