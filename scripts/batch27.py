"""Batch 27 (issue 11): a FRESH test set of ~500 real web pages about token launches and what fools
rules, gathered by collectors with disjoint domains (four, all opened before the draw) and built
exactly as batches 17, 19 and 21 (``scripts/batch21.py``): ``scripts/batch5.py``'s functions,
only parametrised here; the readers' packet, the prediction writer and ``result`` are
``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-27.jsonl``, ids ``c-35001`` ...):
read once as RULE_batch27's test.

Why: ``core/data/model/decisions/RULE_batch27.md`` (written before this batch existed) reads the
shipped stage (R8) once more on pages nobody has seen, with the guard, and asks RULE_batch27's two
questions one batch later: does R10 (the recipe on every labelled page batch up to 25, calibrated
on batch 26) or R10L (R10 reading 128 word pieces instead of 64) replace it?

Source: four pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus by four collectors with disjoint domains
(``core/data/labelled/sources/batch-27.md``): ``pool27g`` (health, education, charity, religion,
science and environment tokens), ``pool27h`` (proof-of-work coins and forks of 2014-2024),
``pool27i`` (regulators, courts and lawyers on named small token offerings; scam databases),
``pool27j`` (mainstream and local non-crypto press in many languages); a page with no headline has
an empty title; projects and pages no labelled file, event file, ``sources/*.md`` or other pool
(batch 26's included) held. ``build`` reads them in this order and drops a page an earlier pool
gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 43 and first id
``c-35001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch27.md).

    python scripts/batch27.py draw --pools /work/scratch/batch27 --with-pool9 --size 500
    python scripts/batch27.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch27.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch27.py add       # core/data/labelled/batch-2026-12-07-27.jsonl
    python scripts/batch27.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 27's files

B.SEED = 47
B.FIRST_ID = 35001  # c-35001 ... (batch 26 took c-34001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-27.jsonl"
B.POOLS = tuple(f"pool27{x}.jsonl" for x in "ghij")
# The pages read of each pool: all of it as its collector closed it.
B.READ = dict(zip(B.POOLS, (191, 166, 207, 150), strict=True))
B.WORK = Path("/work/scratch/batch27")
B.BATCH_FILE, B.POOL_FILE = "batch27.jsonl", "pool27_all.jsonl"
# Batch 10's one more hard case (RULE_batch27.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
