"""Batch 28 (issue 11): a FRESH test set of ~500 real web pages about token launches and what fools
rules, gathered by collectors with disjoint domains (four, all opened before the draw) and built
exactly as batches 17, 19 and 21 (``scripts/batch21.py``): ``scripts/batch5.py``'s functions,
only parametrised here; the readers' packet, the prediction writer and ``result`` are
``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-28.jsonl``, ids ``c-36001`` ...):
read once as RULE_batch28's test.

Why: ``core/data/model/decisions/RULE_batch28.md`` (written before this batch existed) reads the
shipped stage (R8) once more on pages nobody has seen, with the guard, and asks whether R8 with
its Platt and threshold refit on batches 26 and 27 (R8r) alerts better.

Source: four pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus by four collectors with disjoint domains
(``core/data/labelled/sources/batch-28.md``): ``pool28k`` (token launch platforms' project pages),
``pool28l`` (DAO governance forums and voting pages), ``pool28m`` (universities, research, think
tanks and analysts), ``pool28n`` (crypto-adjacent industries' blogs and trade press); a page with
no headline has an empty title; projects and pages no labelled file, event file, ``sources/*.md``
or other pool (batches 26's and 27's included) held. ``build`` reads them in this order and drops
a page an earlier pool gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 43 and first id
``c-36001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch28.md).

    python scripts/batch28.py draw --pools /work/scratch/batch28 --with-pool9 --size 500
    python scripts/batch28.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch28.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch28.py add       # core/data/labelled/batch-2026-12-07-28.jsonl
    python scripts/batch28.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 28's files

B.SEED = 53
B.FIRST_ID = 36001  # c-36001 ... (batch 27 took c-35001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-28.jsonl"
B.POOLS = tuple(f"pool28{x}.jsonl" for x in "klmn")
# The pages read of each pool: all of it as its collector closed it.
B.READ = dict(zip(B.POOLS, (58, 19, 21, 55), strict=True))
B.WORK = Path("/work/scratch/batch28")
B.BATCH_FILE, B.POOL_FILE = "batch28.jsonl", "pool28_all.jsonl"
# Batch 10's one more hard case (RULE_batch28.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
