"""Batch 9 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, built exactly as batch 8 (``scripts/batch8.py``) and batches 5-7: ``scripts/batch5.py``'s
functions, only parametrised here; the readers' packet, the model engineers' packet and the
prediction writer are ``batch7.py``'s, reused through ``batch7.cli``. Kept beside the corpus
(``core/data/labelled/batch-2026-12-07-9.jsonl``, ids ``c-17001`` ...) and never trained on.

Why: batch 8 has chosen once (``/work/notes/RULE_batch9.md``: R2 passed two of its three
conditions there), so the same frozen candidates M0, M7 and R2 are measured once more here, on
pages nobody has seen.

Source: one pool of stored public web pages gathered on 2026-12-06 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-9.md``): ``pool9b.jsonl`` (engineer
``batch9``: projects that batch 8's pool, the earlier pools, the event pools and the labelled
files do not hold; no page another set or pool holds), in the event pools' format. Headline
and lead as found; the date only where the page or its address states it.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects, draw,
packet, compare, add) run with seed 20 and first id ``c-17001``; at most 6 items about one
project and 30 % of the batch from one publisher; no model score is computed or read at any step
of the draw. Readers see id, title, text, source and date under batch 5's RULES.md.

    python scripts/batch9.py draw --pools /work/scratch/batch9 --size 250
    python scripts/batch9.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch9.py predict   # M0_predictions.jsonl: the shipped model's scores only
    python scripts/batch9.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch9.py add       # core/data/labelled/batch-2026-12-07-9.jsonl
    python scripts/batch9.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 9's files

B.SEED = 20
B.FIRST_ID = 17001  # c-17001 ... (batch 8 ends at c-16250)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-9.jsonl"
B.POOLS = ("pool9b.jsonl",)
# The pages read of the pool: all of pool9b as its collector closed it (304 pages, 87 look-ups).
B.READ = {"pool9b.jsonl": 304}
B.WORK = Path("/work/scratch/batch9")
B.BATCH_FILE, B.POOL_FILE = "batch9.jsonl", "pool9b_all.jsonl"


if __name__ == "__main__":
    B7.cli()
