"""Batch 29 (issue 11): a FRESH test set of ~500 real web pages about token launches and what fools
rules, gathered by collectors with disjoint domains (five, all opened before the draw) and built
exactly as batches 17-28 (``scripts/batch21.py``): ``scripts/batch5.py``'s functions, only
parametrised here; the readers' packet, the prediction writer and ``result`` are ``batch7.py``'s,
through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-29.jsonl``, ids ``c-37001`` ...):
read once as RULE_batch29's test.

Why: ``core/data/model/decisions/RULE_batch29.md`` (written before this batch existed) reads the
shipped stage (R8) once more on pages nobody has seen, with the guard, and asks whether R8's own
model with the encoder weighted 0.8 in the fused score (R8w), or the recipe retrained on corpus +
batches 4-26 (R11), beats it.

Source: five pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus by five collectors with disjoint domains
(``core/data/labelled/sources/batch-29.md``): ``pool29a`` (forum announcement and bounty threads),
``pool29b`` (projects of the 2017-2022 alternative layer-1 ecosystems), ``pool29c`` (the 2019 IEO
boom and 2020 DeFi summer), ``pool29d`` (individuals' writing), ``pool29e`` (encyclopedic and
explainer pages); a page with no headline has an empty title; projects and pages no labelled
file, event file, ``sources/*.md`` or other pool held. ``build`` reads them in this order and
drops a page an earlier pool gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 59 and first id
``c-37001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch29.md).

    python scripts/batch29.py draw --pools /work/scratch/batch29 --with-pool9 --size 500
    python scripts/batch29.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch29.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch29.py add       # core/data/labelled/batch-2026-12-07-29.jsonl
    python scripts/batch29.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 29's files

B.SEED = 59
B.FIRST_ID = 37001  # c-37001 ... (batch 28 took c-36001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-29.jsonl"
B.POOLS = tuple(f"pool29{x}.jsonl" for x in "abcde")
# The pages read of each pool: all of it as its collector closed it.
B.READ = dict(zip(B.POOLS, (35, 108, 44, 57, 84), strict=True))
B.WORK = Path("/work/scratch/batch29")
B.BATCH_FILE, B.POOL_FILE = "batch29.jsonl", "pool29_all.jsonl"
# Batch 10's one more hard case (RULE_batch29.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
