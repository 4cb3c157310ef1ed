"""Batch 23 (issue 11): a FRESH test set of ~500 real web pages about token launches and what
fools rules, gathered by TWO collectors with disjoint domains and built exactly as batches 17, 19
and 21 (``scripts/batch21.py``): ``scripts/batch5.py``'s functions, only parametrised here; the
readers' packet, the prediction writer and ``result`` are ``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-23.jsonl``, ids ``c-31001`` ...)
and never trained on.

Why: ``core/data/model/decisions/RULE_batch23.md`` (written before this batch existed) reads the
shipped stage (R7) once more on pages nobody has seen, with the guard that turns the default off
if it ranks below the linear model, and decides whether R7u (the same model read without padding,
its calibration refit) replaces R7's reading for speed.

Source: two pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-23.md``): ``pool23a.jsonl`` (collector
``b23a``: exchanges' listing, launchpad, airdrop and delisting notices, any exchange and language)
and ``pool23b.jsonl`` (collector ``b23b``: regional projects in their languages, DAO, community,
public-goods, DeSci, health and sports-app tokens); projects and pages no labelled file, event
file, ``sources/*.md`` or other pool held. ``build`` reads both and drops a page the other pool
already gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 37 and first id
``c-31001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch23.md).

    python scripts/batch23.py draw --pools /work/scratch/batch23 --with-pool9 --size 500
    python scripts/batch23.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch23.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch23.py add       # core/data/labelled/batch-2026-12-07-23.jsonl
    python scripts/batch23.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 23's files

B.SEED = 37
B.FIRST_ID = 31001  # c-31001 ... (batch 22 took c-30001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-23.jsonl"
B.POOLS = ("pool23a.jsonl", "pool23b.jsonl")
# The pages read of each pool: all of it as its collector closed it.
B.READ = {"pool23a.jsonl": 292, "pool23b.jsonl": 351}
B.WORK = Path("/work/scratch/batch23")
B.BATCH_FILE, B.POOL_FILE = "batch23.jsonl", "pool23_all.jsonl"
# Batch 10's one more hard case (RULE_batch23.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
