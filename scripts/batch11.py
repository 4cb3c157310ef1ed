"""Batch 11 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, built exactly as batch 10 (``scripts/batch10.py``): ``scripts/batch5.py``'s functions,
only parametrised here; the readers' packet, the model engineers' packet and the prediction writer
are ``batch7.py``'s, reused through ``batch7.cli``. Kept beside the corpus
(``core/data/labelled/batch-2026-12-07-11.jsonl``, ids ``c-19001`` ...) and never trained on.

Why: ``/work/notes/RULE_batch11.md`` (written before this batch existed) measures M8 (trained on
labels made consistent with batch 10's extra hard case) against M0 once, on pages nobody has seen.

Source: one pool of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-11.md``): ``pool11b.jsonl`` (engineer
``batch11``; ``pool11``/``q11-`` already name final11's event pool): projects that no labelled
file (batch 10's included), event pool, earlier pool or ``sources/*.md`` holds; no page another
set or pool holds. Headline and lead as found; the date only where the page or its address
states it.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects, draw,
packet, compare, add) run with seed 22 and first id ``c-19001``; at most 6 items about one
project and 30 % of the batch from one publisher; no model score is computed or read at any step
of the draw. Readers see id, title, text, source and date under batch 5's RULES.md with batch 10's
one more hard case (``EXTRA``, the same words, fixed by RULE_batch11.md before the batch existed),
given to every reader (the third reader's packet too).

    python scripts/batch11.py draw --pools /work/scratch/batch11 --size 250
    python scripts/batch11.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch11.py predict   # M0_predictions.jsonl: the shipped model's scores only
    python scripts/batch11.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch11.py add       # core/data/labelled/batch-2026-12-07-11.jsonl
    python scripts/batch11.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 11's files

B.SEED = 22
B.FIRST_ID = 19001  # c-19001 ... (batch 10 ends at c-18250)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-11.jsonl"
B.POOLS = ("pool11b.jsonl",)
# The pages read of the pool: all of pool11b as its collector closed it (314 pages, 60 look-ups).
B.READ = {"pool11b.jsonl": 314}
B.WORK = Path("/work/scratch/batch11")
B.BATCH_FILE, B.POOL_FILE = "batch11.jsonl", "pool11b_all.jsonl"
# Batch 10's one more hard case (RULE_batch11.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
