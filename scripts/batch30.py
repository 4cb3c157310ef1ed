"""Batch 30 (issue 11): a FRESH test set of ~500 real web pages about token launches and what fools
rules, gathered by collectors with disjoint domains (four, by language, all opened before the
draw) and built exactly as batches 17-29 (``scripts/batch21.py``): ``scripts/batch5.py``'s
functions, only parametrised here; the readers' packet, the prediction writer and ``result``
are ``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-30.jsonl``, ids ``c-38001`` ...):
read once as RULE_batch30's test.

Why: ``core/data/model/decisions/RULE_batch30.md`` (written before this batch existed, and
before any label of batch 29 was compared) reads RULE_batch29's decision once more: the stage it
leaves (R8, R8w or R11) against R8 and M0 on pages nobody has seen.

Source: four pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus by four collectors with disjoint domains by the page's language
(``core/data/labelled/sources/batch-30.md``): ``pool30f`` (Japanese and Korean), ``pool30g``
(Chinese, Vietnamese, Thai, Indonesian, Malay, Filipino), ``pool30h`` (Russian, Ukrainian, Turkish,
Persian, Arabic, Hebrew, the languages of India), ``pool30i`` (the European languages but English);
a page with no headline has an empty title; projects and pages no labelled file, event file,
``sources/*.md`` or other pool (batch 29's included) held. ``build`` reads them in this order and
drops a page an earlier pool gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 61 and first id
``c-38001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch30.md).

    python scripts/batch30.py draw --pools /work/scratch/batch30 --with-pool9 --size 500
    python scripts/batch30.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch30.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch30.py add       # core/data/labelled/batch-2026-12-07-30.jsonl
    python scripts/batch30.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 30's files

B.SEED = 61
B.FIRST_ID = 38001  # c-38001 ... (batch 29 took c-37001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-30.jsonl"
B.POOLS = tuple(f"pool30{x}.jsonl" for x in "fghi")
# The pages read of each pool: all of it as its collector closed it.
B.READ = dict(zip(B.POOLS, (83, 68, 52, 113), strict=True))
B.WORK = Path("/work/scratch/batch30")
B.BATCH_FILE, B.POOL_FILE = "batch30.jsonl", "pool30_all.jsonl"
# Batch 10's one more hard case (RULE_batch30.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
