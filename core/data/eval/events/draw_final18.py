"""final18: the next clean same-event split of LABELLED items that no event split has used,
drawn (seeded) before the joiner frozen for it was run on any of them.

Why: final17 was measured once and the joiner was changed after it (README, "After final17"),
so the joiner at final17's head (frozen for final18 at 0abbc42, /work/notes/LOG.md
`JOINER_FROZEN_final18`) needs a new clean split of at least 100 real pairs (issue 20).

draw_final17's functions, unchanged, with only these settings changed (draw_final17's own
module is not touched: a private copy of it is loaded and set, so final17's draw and test keep
their own settings):
- SPLIT `final18` (pair ids f18-NNN), SEED 18180;
- FROZEN = final17's head: every events file there (final17's items, drawn pairs, readers'
  pairs and README sections included), the joiner's tests and the labelled corpus and batches
  at that commit are read from git at it;
- the labelled items also take batches 17, 18, 19 and 20 (labelled after final17's draw, on
  branch `lead`), read from git at LEAD (lead's head c8e1a38 once batch 19 was labelled; named,
  not globbed);
- final17's caps (PER_PROJECT 4, TGE_TGE_PER_PROJECT 2) and kinds, unchanged.

First count, NOT DRAWN (06:48 UTC, counts only, batches 17, 18 and 20 at lead ec2b08f): the
pool was spent. Of 10434 labelled rows 4430 were eligible, but only 124 TGE items (of 1386
labelled TGE items, 613 undated and 649 in an events file, a joiner test or the final test), and
only 9 projects had two token items one of which is a TGE item: 16 pairs (caps 6 and 3 tried:
the same 16). No file was written and the joiner was run on none of them.

Drawn (07:14 UTC) once batch 19 (494 pages, 87 dated, 13 of them TGE) was labelled, with the
rule fixed before the draw: draw if final17's kinds give at least 20 pairs. Batches 17, 18 and 20
at c8e1a38 are byte for byte those at ec2b08f. 10928 labelled rows, 4515 eligible: 22 pairs of
44 items (same_project 2, same_project_other_item 10, look_alike 1, near_in_time 9), far short
of issue 20's 100; a small split, read as such.

Run from the repository root (writes final18_items.jsonl, final18_drawn.jsonl and
pairs_final18_unlabelled.jsonl beside this file; prints counts only):

    python core/data/eval/events/draw_final18.py [--out DIR]

Eligibility, kinds, caps other than the two above, and what readers see are draw_final17's
(its module docstring).
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import draw_pairs as dp  # noqa: E402  (sibling scripts, not a package)

SPLIT = "final18"
SEED = 18180
FROZEN = "0abbc42461018c11b3b5b2796e800bb74147af85"  # JOINER_FROZEN_final18 (final17's head)
# FROZEN was the head of the branch that held final17 and its fixes; the branch was rebased onto
# main when it landed, so FROZEN is in no clone's history. Its landed copy is d4ea86a (the last
# of those fixes, authored 06:41:20 UTC, 29 s before the freeze): the same events folder, joiner
# and joiner tests. There main also holds batches 17, 18 and 20, which final18 reads from LEAD
# anyway, so they are left out of the frozen read. Checked by drawing again: the three files
# this script writes come out byte for byte as committed (tests/test_events_join.py).
FROZEN_LANDED = "d4ea86ad64799055734ebe6815462b59077bee53"
# branch lead's head at 07:12 UTC (c8e1a38), holding batches 17, 18, 19 and 20; batches 17, 18
# and 20 there are byte for byte those at ec2b08f, which the first (not drawn) count read
LEAD = "c8e1a383bc6d924e05bef1f8cd909b04f3b228fc"
LEAD_BATCHES = [f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (17, 18, 19, 20)]
PER_PROJECT = 4  # final17's
TGE_TGE_PER_PROJECT = 2  # final17's


def _load_final17() -> Any:
    """A private copy of draw_final17 (not the `draw_final17` module others import)."""
    spec = importlib.util.spec_from_file_location(
        "_draw_final17_for_final18", HERE / "draw_final17.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


f17 = _load_final17()
f17.SPLIT = SPLIT
f17.SEED = SEED
f17.FROZEN = FROZEN_LANDED
f17.PER_PROJECT = PER_PROJECT
f17.TGE_TGE_PER_PROJECT = TGE_TGE_PER_PROJECT
_labelled_at_frozen = f17.labelled


def labelled() -> list[dict[str, Any]]:
    """The labelled corpus and batches at FROZEN (read at its landed copy, less the batches
    LEAD gives), and batches 17, 18, 19 and 20 at LEAD."""
    rows = [r for r in _labelled_at_frozen() if r["_file"] not in LEAD_BATCHES]
    for path in LEAD_BATCHES:
        for line in f17._git("show", f"{LEAD}:{path}").splitlines():
            if line.strip():
                rows.append({**json.loads(line), "_file": path})
    return rows


f17.labelled = labelled
eligible = f17.eligible
seen_in_events = f17.seen_in_events
keys_of = f17.keys_of
boilerplate_of = f17.boilerplate_of
write = f17.write
_days = f17._days


def draw(items: list[dict[str, Any]]) -> list[tuple[dict, dict, str]]:
    return f17.draw(items, SEED)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args()
    items, counts = eligible()
    print(json.dumps(counts))
    pairs = draw(items)
    write(args.out, pairs)
    far = f17.FAR_DAYS
    kinds = collections.Counter(
        (how, "far" if _days(a, b) > far else "near") for a, b, how in pairs
    )
    projects = collections.Counter(
        dp.project_key(a["company"]) for a, _b, how in pairs if how.startswith("same_project")
    )
    ids = {r["id"] for a, b, _h in pairs for r in (a, b)}
    how = collections.Counter(h for *_, h in pairs)
    print(f"{len(pairs)} pairs of {len(ids)} items: {dict(how)}")
    print(f"by kind and gap (far: > {far} days): {dict(sorted(kinds.items()))}")
    print(f"same-project pairs: {len(projects)} projects, top {projects.most_common(8)}")


if __name__ == "__main__":
    main()
