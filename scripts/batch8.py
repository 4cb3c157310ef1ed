"""Batch 8 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, built exactly as batches 5-7 (``scripts/batch5.py``, whose functions this module imports
and only parametrises, as ``batch6.py`` and ``batch7.py`` do; the readers' packet, the model
engineers' packet and the prediction writer are ``batch7.py``'s, reused), kept beside the corpus
(``core/data/labelled/batch-2026-12-07-8.jsonl``, ids ``c-16001`` ...) and never trained on.

Why: batch 7 has chosen between models (M6 and R measured there) and the next candidates
(``/work/notes/RULE_batch8.md``: M7 and R2) may tune on it, so they are measured here instead,
once.

Source: one pool of stored public web pages gathered on 2026-12-06 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-8.md``): ``pool8.jsonl`` (engineer
``batch8``: projects that pools 5, 6, 7, 9, 10, the event pools and the labelled files do not
hold; no page another set or pool holds), in the event pools' format. Headline and lead as
found; the date only where the page or its address states it.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects, draw,
packet, compare, add) run with seed 19 and first id ``c-16001``; at most 6 items about one
project and 30 % of the batch from one publisher; no model score is computed or read at any step
of the draw. Readers see id, title, text, source and date under batch 5's RULES.md (batch 4's
task, then the rules and hard cases of ``core/data/eval/README.md``).

    python scripts/batch8.py draw --pools /work/scratch/batch8 --size 250
    python scripts/batch8.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch8.py predict   # M0_predictions.jsonl: the shipped model's scores only
    python scripts/batch8.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch8.py add       # core/data/labelled/batch-2026-12-07-8.jsonl
    python scripts/batch8.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 8's files

B.SEED = 19
B.FIRST_ID = 16001  # c-16001 ... (batch 7 ends at c-15210)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-8.jsonl"
B.POOLS = ("pool8.jsonl",)
# The pages read of the pool: all of pool8 as its collector closed it (296 pages, 86 look-ups).
B.READ = {"pool8.jsonl": 296}
B.WORK = Path("/work/scratch/batch8")
B.BATCH_FILE, B.POOL_FILE = "batch8.jsonl", "pool8_all.jsonl"


if __name__ == "__main__":
    B7.cli()
