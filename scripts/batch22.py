"""Batch 22 (issue 11): a FRESH test set of ~500 real web pages about token launches and what
fools rules, gathered by TWO collectors with disjoint domains and built exactly as batches 17, 19
and 21 (``scripts/batch21.py``): ``scripts/batch5.py``'s functions, only parametrised here; the
readers' packet, the prediction writer and ``result`` are ``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-22.jsonl``, ids ``c-30001`` ...)
and never trained on.

Why: ``core/data/model/decisions/RULE_batch22.md`` (written before this batch existed) reads the
shipped stage (R5p) once more on pages nobody has seen, with the guard that turns the default off
if it ranks below the linear model, and decides whether R7 (the same recipe trained on every
labelled page batch up to 20, calibrated on batch 21) replaces it.

Source: two pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-22.md``): ``pool22a.jsonl`` (collector
``b22a``: DeFi protocols of any chain: DEXs, lending, derivatives, yield, liquid staking and
restaking, stablecoins) and ``pool22b.jsonl`` (collector ``b22b``: GameFi, NFT and metaverse,
SocialFi, AI tokens, DePIN, RWA, in any language); projects and pages no labelled file, event
file, ``sources/*.md`` or other pool held. ``build`` reads both and drops a page the other pool
already gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 35 and first id
``c-30001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch22.md).

    python scripts/batch22.py draw --pools /work/scratch/batch22 --with-pool9 --size 500
    python scripts/batch22.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch22.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch22.py add       # core/data/labelled/batch-2026-12-07-22.jsonl
    python scripts/batch22.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 22's files

B.SEED = 35
B.FIRST_ID = 30001  # c-30001 ... (batch 21 took c-29001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-22.jsonl"
B.POOLS = ("pool22a.jsonl", "pool22b.jsonl")
# The pages read of each pool: all of it as its collector closed it.
B.READ = {"pool22a.jsonl": 343, "pool22b.jsonl": 342}
B.WORK = Path("/work/scratch/batch22")
B.BATCH_FILE, B.POOL_FILE = "batch22.jsonl", "pool22_all.jsonl"
# Batch 10's one more hard case (RULE_batch22.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
