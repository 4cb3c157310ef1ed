"""Batch 13 (issue 11): a FRESH test set of real DATED NEWS articles about token launches and what
fools rules, built exactly as batches 10-12 (``scripts/batch10.py`` ... ``scripts/batch12.py``):
``scripts/batch5.py``'s functions, only parametrised here; the readers' packet, the model
engineers' packet and the prediction writer are ``batch7.py``'s, reused through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-13.jsonl``, ids ``c-21001`` ...)
and never trained on.

Why: ``/work/notes/RULE_batch13.md`` (written before this batch existed; information only): the
issue's own unseen sets are NEWS, so batch 13 keeps only dated news articles (news publishers' and
exchanges' announcement pages whose page or address states the date); M0, M0b, R3 and R3fp32 are
read once on it, predictions logged before labels.

Source: one pool of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-13.md``): ``pool13b.jsonl`` (engineer
``batch13``; ``pool13`` already names final13's event pool): projects that no labelled file
(batches 10-12 included), event pool, earlier pool (pool10b, pool11b, pool12b) or ``sources/*.md``
holds; no page another set or pool holds. Only dated news pages with a headline; headline and
lead as found; the date the page or its address states.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects, draw,
packet, compare, add) run with seed 24 and first id ``c-21001``; at most 6 items about one
project and 30 % of the batch from one publisher; no model score is computed or read at any step
of the draw. Readers see id, title, text, source and date under batch 5's RULES.md with batch 10's
one more hard case (``EXTRA``, the same words, as batches 10-12; RULE_batch13.md keeps them),
given to every reader (the third reader's packet too).

    python scripts/batch13.py draw --pools /work/scratch/batch13 --size 250
    python scripts/batch13.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch13.py predict   # M0_predictions.jsonl: the shipped model's scores only
    python scripts/batch13.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch13.py add       # core/data/labelled/batch-2026-12-07-13.jsonl
    python scripts/batch13.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 13's files

B.SEED = 24
B.FIRST_ID = 21001  # c-21001 ... (batch 12 ends at c-20250)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-13.jsonl"
B.POOLS = ("pool13b.jsonl",)
# The pages read of the pool: all of pool13b as its collector closed it (70 pages, 106 look-ups).
B.READ = {"pool13b.jsonl": 70}
B.WORK = Path("/work/scratch/batch13")
B.BATCH_FILE, B.POOL_FILE = "batch13.jsonl", "pool13b_all.jsonl"
# Batch 10's one more hard case (RULE_batch13.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
