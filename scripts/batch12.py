"""Batch 12 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, built exactly as batches 10 and 11 (``scripts/batch10.py``, ``scripts/batch11.py``):
``scripts/batch5.py``'s functions, only parametrised here; the readers' packet, the model
engineers' packet and the prediction writer are ``batch7.py``'s, reused through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-12.jsonl``, ids ``c-20001`` ...)
and never trained on.

Why: ``/work/notes/RULE_batch12.md`` (written before this batch existed) decides whether R3 is worth
building on batches 10 + 11 + 12 pooled (every item R3 never saw), M0 and M0b beside it.

Source: one pool of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-12.md``): ``pool12b.jsonl`` (engineer
``batch12``; ``pool12`` already names final12's event pool): projects that no labelled file
(batches 10 and 11 included), event pool, earlier pool (pool10b, pool11b) or ``sources/*.md``
holds; no page another set or pool holds. Headline and lead as found (an empty headline where the
excerpt shows none); the date only where the page states it.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects, draw,
packet, compare, add) run with seed 23 and first id ``c-20001``; at most 6 items about one
project and 30 % of the batch from one publisher; no model score is computed or read at any step
of the draw. Readers see id, title, text, source and date under batch 5's RULES.md with batch 10's
one more hard case (``EXTRA``, the same words, kept by RULE_batch12.md before the batch existed),
given to every reader (the third reader's packet too).

    python scripts/batch12.py draw --pools /work/scratch/batch12 --size 250
    python scripts/batch12.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch12.py predict   # M0_predictions.jsonl: the shipped model's scores only
    python scripts/batch12.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch12.py add       # core/data/labelled/batch-2026-12-07-12.jsonl
    python scripts/batch12.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 12's files

B.SEED = 23
B.FIRST_ID = 20001  # c-20001 ... (batch 11 ends at c-19250)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-12.jsonl"
B.POOLS = ("pool12b.jsonl",)
# The pages read of the pool: all of pool12b as its collector closed it (306 pages, 56 look-ups).
B.READ = {"pool12b.jsonl": 306}
B.WORK = Path("/work/scratch/batch12")
B.BATCH_FILE, B.POOL_FILE = "batch12.jsonl", "pool12b_all.jsonl"
# Batch 10's one more hard case (RULE_batch12.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
