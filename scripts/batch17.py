"""Batch 17 (issue 11): a FRESH test set of ~500 real web pages about token launches and what
fools rules, gathered by TWO collectors with disjoint domains and built exactly as batches 14 and
16 (``scripts/batch16.py``): ``scripts/batch5.py``'s functions, only parametrised here; the
readers' packet, the prediction writer and ``result`` are ``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-17.jsonl``, ids ``c-25001`` ...)
and never trained on.

Why: ``core/data/model/decisions/RULE_batch17.md`` (written before this batch existed) decides, on
this batch's pages, whether the candidate R5 (the encoder recipe trained on every real page
labelled so far) replaces the encoder stage E's model, and with batch 18 whether the stage is on by
default. Batch 16's 28 TGE were too few for R4's +0.094 to clear its interval; twice the pages
narrow it by about 1/sqrt(2).

Source: two pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-17.md``): ``pool17a.jsonl`` (collector
``batch17a``: Solana, NEAR, Move chains, Cardano, Polkadot and other L1 ecosystems) and
``pool17b.jsonl`` (collector ``batch17b``: Ethereum DeFi 2020-2022, zk and other L2 ecosystems,
AI tokens, IDO launchpads, Korean and Japanese IEOs, play-to-earn); projects and pages no
labelled file, event file, ``sources/*.md`` or other pool held. ``build`` reads both
(``--with-pool9`` is batch 5's switch for "every pool in POOLS") and drops a page the other pool
already gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 29 and first id
``c-25001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch17.md).

    python scripts/batch17.py draw --pools /work/scratch/batch17 --with-pool9 --size 500
    python scripts/batch17.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch17.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch17.py add       # core/data/labelled/batch-2026-12-07-17.jsonl
    python scripts/batch17.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 17's files

B.SEED = 29
B.FIRST_ID = 25001  # c-25001 ... (batch 16 took c-24001 ...; batch 18 takes c-26001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-17.jsonl"
B.POOLS = ("pool17a.jsonl", "pool17b.jsonl")
# The pages read of each pool: all of it as its collector closed it.
B.READ = {"pool17a.jsonl": 354, "pool17b.jsonl": 342}
B.WORK = Path("/work/scratch/batch17")
B.BATCH_FILE, B.POOL_FILE = "batch17.jsonl", "pool17_all.jsonl"
# Batch 10's one more hard case (RULE_batch17.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
