"""Batch 19 (issue 11): a FRESH test set of ~500 real web pages about token launches and what
fools rules, gathered by TWO collectors with disjoint domains and built exactly as batches 14 and
16 (``scripts/batch16.py``): ``scripts/batch5.py``'s functions, only parametrised here; the
readers' packet, the prediction writer and ``result`` are ``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-19.jsonl``, ids ``c-27001`` ...)
and never trained on.

Why: ``core/data/model/decisions/RULE_batch19.md`` (written before this batch existed) decides, on
this batch's pages, whether the candidate R5p (R5's weights, its calibration and threshold fit on
real pages: batch 17) replaces the encoder stage E's model, and with batch 20 whether the stage is
on by default. Batch 17 showed R5's ranking gain (+0.109, interval above 0) but a threshold fit on
news that found a quarter of the launches on pages.

Source: two pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-19.md``): ``pool19a.jsonl`` (collector
``batch19a``: Cronos, Kava, Metis, Celo, Gnosis, Klaytn, Oasis, Conflux, Neo, ICON, Internet
Computer, Filecoin, Injective, Kaspa and other chains batch 17 did not cover) and
``pool19b.jsonl`` (collector ``batch19b``: NFT projects' tokens, SocialFi, DeSci, Ronin/Immutable
games, 2024-2026 new chains' apps, BNB Chain 2021 farms, Chinese-exchange-era ICOs, regional
exchanges, RWA governance tokens); projects and pages no labelled file, event file,
``sources/*.md`` or other pool (batch 17's included) held. ``build`` reads both (``--with-pool9``
is batch 5's switch for "every pool in POOLS") and drops a page the other pool already gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 31 and first id
``c-27001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch19.md).

    python scripts/batch19.py draw --pools /work/scratch/batch19 --with-pool9 --size 500
    python scripts/batch19.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch19.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch19.py add       # core/data/labelled/batch-2026-12-07-19.jsonl
    python scripts/batch19.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 19's files

B.SEED = 31
B.FIRST_ID = 27001  # c-27001 ... (batch 18 took c-26001 ...; batch 20 takes c-28001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-19.jsonl"
B.POOLS = ("pool19a.jsonl", "pool19b.jsonl")
# The pages read of each pool: all of it as its collector closed it.
B.READ = {"pool19a.jsonl": 344, "pool19b.jsonl": 366}
B.WORK = Path("/work/scratch/batch19")
B.BATCH_FILE, B.POOL_FILE = "batch19.jsonl", "pool19_all.jsonl"
# Batch 10's one more hard case (RULE_batch19.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
