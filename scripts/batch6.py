"""Batch 6 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, built exactly as batch 5 (``scripts/batch5.py``, whose functions this module imports
and only parametrises), kept beside the corpus (``core/data/labelled/batch-2026-12-06-6.jsonl``,
ids ``c-14001`` ...) and never trained on.

Why: batches 4 and 5 have both been used to choose between models, so they are no longer
clean, and the next candidate may train on them; it must be measured on pages it never saw.

Source: one pool of stored public web pages gathered on 2026-12-06 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-6.md``): ``pool6.jsonl`` (engineer
``batch6``: any project initial, favouring projects and publishers none of pool5, pool9 or
pool10 holds; no page another pool holds), in the event pools' format. Headline and lead as
found; the date only where the page or its address states it.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects,
draw, packet, compare, add) run with seed 17 and first id ``c-14001``; at most 6 items about
one project and 30 % of the batch from one publisher; no model score is computed or read at
any step.
Readers see id, title, text, source and date under batch 5's RULES.md (byte for byte).

    python scripts/batch6.py draw --size 210   # pool6_all.jsonl, batch6.jsonl, packet/
    python scripts/batch6.py compare           # kappa of A and B, packet_C/ (disagreements)
    python scripts/batch6.py add               # core/data/labelled/batch-2026-12-06-6.jsonl

(``batch5.py``'s other options hold; ``--with-pool9`` has no meaning here.)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B

B.SEED = 17
B.FIRST_ID = 14001  # c-14001 ... (batch 5 ends at c-13208)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-06-6.jsonl"
B.POOLS = ("pool6.jsonl",)
# The pages read of the pool: all of pool6 as its collector closed it (305 pages).
B.READ = {"pool6.jsonl": 305}
B.WORK = Path("/work/scratch/batch6")
B.BATCH_FILE, B.POOL_FILE = "batch6.jsonl", "pool6_all.jsonl"

if __name__ == "__main__":
    B.main()
