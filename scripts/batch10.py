"""Batch 10 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, built exactly as batches 8 and 9 (``scripts/batch9.py``): ``scripts/batch5.py``'s
functions, only parametrised here; the readers' packet, the model engineers' packet and the
prediction writer are ``batch7.py``'s, reused through ``batch7.cli``. Kept beside the corpus
(``core/data/labelled/batch-2026-12-07-10.jsonl``, ids ``c-18001`` ...) and never trained on.

Why: batches 8 and 9 have chosen (R3's calibration and threshold, M0b's threshold:
``/work/notes/RULE_batch10.md``), so M0, M0b and R3 are measured once more here, on pages
nobody has seen.

Source: one pool of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-10.md``): ``pool10b.jsonl`` (engineer
``batch10``; ``pool10``/``q10-`` already name final10's event pool): projects that no labelled
file, event pool, earlier pool or ``sources/*.md`` holds; no page another set or pool holds.
Headline and lead as found; the date only where the page or its address states it.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects, draw,
packet, compare, add) run with seed 21 and first id ``c-18001``; at most 6 items about one
project and 30 % of the batch from one publisher; no model score is computed or read at any step
of the draw. Readers see id, title, text, source and date under batch 5's RULES.md with one more
hard case (``EXTRA``, fixed by the rule before the batch existed), given to every reader (the
third reader's packet too).

    python scripts/batch10.py draw --pools /work/scratch/batch10 --size 250
    python scripts/batch10.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch10.py predict   # M0_predictions.jsonl: the shipped model's scores only
    python scripts/batch10.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch10.py add       # core/data/labelled/batch-2026-12-07-10.jsonl
    python scripts/batch10.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 10's files

B.SEED = 21
B.FIRST_ID = 18001  # c-18001 ... (batch 9 ends at c-17250)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-10.jsonl"
B.POOLS = ("pool10b.jsonl",)
# The pages read of the pool: all of pool10b as its collector closed it (302 pages, 83 look-ups).
B.READ = {"pool10b.jsonl": 302}
B.WORK = Path("/work/scratch/batch10")
B.BATCH_FILE, B.POOL_FILE = "batch10.jsonl", "pool10b_all.jsonl"
# The rule's one more hard case (RULE_batch10.md), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
