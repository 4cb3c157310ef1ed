"""Batch 14 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, built exactly as batches 10, 11 and 12 (``scripts/batch12.py``): ``scripts/batch5.py``'s
functions, only parametrised here; the readers' packet, the model engineers' packet and the
prediction writer are ``batch7.py``'s, reused through ``batch7.cli``. Kept beside the corpus
(``core/data/labelled/batch-2026-12-07-14.jsonl``, ids ``c-22001`` ...) and never trained on.

Why: ``/work/notes/RULE_batch14.md`` (written before this batch existed) decides, on this batch's
pages and batch 15's news, whether the product's encoder stage E goes on by default.

Source: one pool of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-14.md``): ``pool14b.jsonl`` (engineer
``batch14``; no file in the repository, the notes or the scratch folders used ``pool14``, and
``pool14b``/``q14b-`` keep the symmetry with pool10b-pool12b): projects that no labelled file
(batches 10-13 included), event file or ``sources/*.md`` holds; no page another set or pool
holds. Headline and lead as found (an empty headline where the excerpt shows none); the date only
where the page states it.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects, draw,
packet, compare, add) run with seed 25 and first id ``c-22001``; at most 6 items about one
project and 30 % of the batch from one publisher; no model score is computed or read at any step
of the draw. Readers see id, title, text, source and date under batch 5's RULES.md with batch 10's
one more hard case (``EXTRA``, the same words, kept by RULE_batch14.md before the batch existed),
given to every reader (the third reader's packet too).

    python scripts/batch14.py draw --pools /work/scratch/batch14 --size 250
    python scripts/batch14.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch14.py predict   # M0_predictions.jsonl: the shipped model's scores only
    python scripts/batch14.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch14.py add       # core/data/labelled/batch-2026-12-07-14.jsonl
    python scripts/batch14.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 14's files

B.SEED = 25
B.FIRST_ID = 22001  # c-22001 ... (batch 13 ends at c-21063)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-14.jsonl"
B.POOLS = ("pool14b.jsonl",)
# The pages read of the pool: all of pool14b as its collector closed it (318 pages, 64 look-ups).
B.READ = {"pool14b.jsonl": 318}
B.WORK = Path("/work/scratch/batch14")
B.BATCH_FILE, B.POOL_FILE = "batch14.jsonl", "pool14b_all.jsonl"
# Batch 10's one more hard case (RULE_batch14.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
