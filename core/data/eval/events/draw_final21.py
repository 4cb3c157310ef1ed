"""final21: a clean same-event split of real dated pages, drawn (seeded) before the joiner frozen
for it was run on any of them.

Why: final20 was measured once (40 pairs) and the joiner was changed after it (README, "After
final20": the later-news rule and sale words), so main's joiner (frozen for final21 at 5c44b1f,
/work/notes/LOG-2026-12-07-n.md `JOINER_FROZEN_final21`, core/events and core/scoring as at
that commit) has no clean figure and issue 20 still asks for a split of >= 100 pairs. Its pages
are the DATED rows of (1) the scorer's labelled scoring batch 28
(`core/data/labelled/batch-2026-12-07-28.jsonl`: pages of the collectors b28k ... b28n, read by
the scorer's readers for TGE, never run through any joiner) and (2) the five closed pools the
page collectors gathered for the scorer's batch 29 (/work/scratch/b29a ... b29e/pool.jsonl;
closed 14:21:06 UTC on 2026-12-07; each pool's sha256 is in the log and in
/work/scratch/final21/GO at their close). The pools and the batch file are read, never
edited.

What: `final21_pool.jsonl` beside this file is, in this order, batch 28's dated pages in its
labelled order, then the dated rows of b29a, b29b, b29c, b29d and b29e, each line as the
collector wrote it (`pool` subcommand; final16's format: id q28k-NNNN ... q29e-NNNN, title,
text, source, date, url, provenance {page, via, query}, project_hint: the searched project, not
the page's words). Batch 28's pages are rebuilt as the pool rows they were (`pool_row`): id =
`provenance.pool_id`, title, text, source, date, url, provenance {page, via, query},
project_hint = `provenance.project_hint`; every label field (is_tge, company, token_symbol,
borderline, label_note, labels) is dropped, so that nothing a reader of batch 28 said reaches
the draw. Nothing is left out but undated rows (LEFT_OUT is empty). Rows whose headline is null
or "" are kept in the pool as found; the draw reads a null headline as "" (draw_final8's
read_pool) and, as every earlier page draw, keeps no page without a headline.

Run from the repository root:

    python core/data/eval/events/draw_final21.py pool    # writes final21_pool.jsonl
    python core/data/eval/events/draw_final21.py trial [--pool POOL.jsonl]   # counts only
    python core/data/eval/events/draw_final21.py draw [--pool POOL.jsonl] [--out DIR]

`draw` writes final21_items.jsonl, final21_drawn.jsonl and pairs_final21_unlabelled.jsonl
beside this file and prints counts only.

How: draw_final20's approach, by import: draw_final11's pool and draw (draw_final11.as_split)
and draw_final19's caps rule, ladder, trial and pool builder, run with final21's name, seed,
pool, sources and batches patched over draw_final19's for the call (no copied loops; the
imported modules are left as they were). TRAINING is draw_final20's (final19's batches and the
labelled scoring batches 22 to 25) and the labelled scoring batches 26 and 27 (named, not
globbed), whose pools final20 drew: every shipped scorer's training and calibration data and
every page an earlier split drew stays out. Batch 28 is NOT in TRAINING: no shipped scorer was
trained or calibrated on it (it was a test batch, read once), and its pages are this split's
source.

The caps: draw_final19's rule, unchanged and fixed before the pools were drawn: draw the pool
(`trial`, counts only: never the pairs' content, a label or a joiner run) at each rung of
LADDER in order, from final11-final16's caps (6 uses a page, 12 same-project pairs a project,
10 of one kind; quotas 40/60/12/30) up to 10/20/15 (100/150/30/80); the caps are the FIRST
rung whose draw gives at least TARGET (120) pairs, else the rung giving the most pairs (the
earlier of equals). `CAPS` below is the rung the rule picked on the pool (trial at 14:21 UTC:
5 pairs at every rung, so rung 0, final11-final16's caps); `draw` uses it.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_final9 as f9  # noqa: E402  (sibling scripts, not a package)
import draw_final11 as f11  # noqa: E402, F401  (the draw's settings, reached through it)
import draw_final19 as f19  # noqa: E402
import draw_final20 as f20  # noqa: E402
from over_final19 import Over19, Script  # noqa: E402

SPLIT = "final21"
SEED = 21210
POOL = HERE / "final21_pool.jsonl"
# the scorer's labelled batch 28, whose pages are rebuilt as pool rows, read first
BATCH28 = f9.f5.ROOT / "core/data/labelled/batch-2026-12-07-28.jsonl"
# then the collectors' closed pools of scoring batch 29, read in this order
POOLS = tuple(Path(f"/work/scratch/b29{n}/pool.jsonl") for n in "abcde")
SOURCES = (BATCH28, *POOLS)
# dated rows left out, and why: none
LEFT_OUT: dict[str, str] = {}
# draw_final20's batches (to 25) and the labelled scoring batches 26 and 27, named, not
# globbed (final20 drew their pools); not batch 28, whose pages are the source and which no
# shipped scorer was fit on
TRAINING = [
    *f20.TRAINING,
    *(f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (26, 27)),
]
# a labelled row's fields no pool row has: the readers' labels, dropped
LABEL_FIELDS = ("is_tge", "company", "token_symbol", "borderline", "label_note", "labels")

# draw_final19's rule, as it is: the ladder, the target, the pick
Caps, LADDER, TARGET, pick = f19.Caps, f19.LADDER, f19.TARGET, f19.pick
# the rung the rule picked on the pool (`trial`, 14:21:21 UTC, counts only: 100 read, 16
# without a headline, 2 of final-test projects, 10 with no project key, 72 kept; 5 pairs at
# every rung, 2 launch vs other, 1 same project, 2 near in time: the pool, not the caps, limits
# the split, so no rung reaches TARGET and the rule takes rung 0, the earliest of the most)
CAPS = LADDER[0]
# as the earlier draws name them
MAX_USES, PER_PROJECT, PER_KIND, QUOTAS = CAPS


# final21's settings over draw_final19's module, for one call (over_final19)
OVER = Over19(SPLIT, SEED, POOL, SOURCES, LEFT_OUT, TRAINING)
_as_final19, split_of = OVER.context, OVER.split_of
_final21, pool, draw = split_of(CAPS)
# the trial and the command: this module's names, read when called (over_final19)
SCRIPT = Script(sys.modules[__name__], "write final21_pool.jsonl from batch 28 and the b29 pools")
trial, main = SCRIPT.trial, SCRIPT.main


def pool_row(labelled: dict[str, Any]) -> dict[str, Any]:
    """A labelled page as the pool row it was: id = its pool id, the page's fields, provenance
    {page, via, query}, project_hint; no label field."""
    prov = labelled["provenance"]
    return {
        "id": prov["pool_id"],
        "title": labelled["title"],
        "text": labelled["text"],
        "source": labelled["source"],
        "date": labelled["date"],
        "url": labelled["url"],
        "provenance": {"page": prov["page"], "via": prov["via"], "query": prov["query"]},
        "project_hint": prov["project_hint"],
    }


def batch_lines(batch: Path = BATCH28) -> list[str]:
    """The labelled batch's pages, dated or not, as pool lines in the batch's order."""
    return [
        json.dumps(pool_row(json.loads(line)), ensure_ascii=False)
        for line in batch.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def build_pool(
    batch: Path = BATCH28, pools: tuple[Path, ...] = POOLS, out: Path = POOL
) -> dict[str, int]:
    """final21_pool.jsonl: the dated pages of the labelled batch (rebuilt as pool rows), then
    the collectors' dated rows, each line as written, in pool order (draw_final19's
    build_pool on the rebuilt batch, counted as "b28", and the pools; LEFT_OUT empty)."""
    with tempfile.TemporaryDirectory() as tmp:
        rebuilt = Path(tmp) / "b28" / "pool.jsonl"
        rebuilt.parent.mkdir()
        rebuilt.write_text("".join(f"{x}\n" for x in batch_lines(batch)), encoding="utf-8")
        return OVER.build_pool((rebuilt, *pools), out)


if __name__ == "__main__":
    main()
