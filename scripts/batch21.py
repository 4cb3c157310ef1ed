"""Batch 21 (issue 11): a FRESH test set of ~500 real web pages about token launches and what
fools rules, gathered by TWO collectors with disjoint domains and built exactly as batches 14 and
16 (``scripts/batch16.py``): ``scripts/batch5.py``'s functions, only parametrised here; the
readers' packet, the prediction writer and ``result`` are ``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-21.jsonl``, ids ``c-29001`` ...)
and never trained on.

Why: ``core/data/model/decisions/RULE_batch21.md`` (written before this batch existed) reads the
shipped stage (R5p, on by default since RULE_batch19) once more on pages nobody has seen, with a
guard that turns the default off if it ranks below the linear model, and decides whether R6 (the
recipe trained on the pages labelled since) replaces it.

Source: two pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-21.md``): ``pool21a.jsonl`` (collector
``batch21a``: infrastructure of any chain: oracles, storage, compute, bridges, privacy, wallets,
naming, 2017-2019 utility-token ICOs) and ``pool21b.jsonl`` (collector ``batch21b``: consumer and
sector tokens: fan, music, media, ReFi, payments, loyalty, travel, real estate, trading bots,
prediction markets, 2023-2025 memecoins); projects and pages no labelled file, event file,
``sources/*.md`` or other pool held. ``build`` reads both (``--with-pool9`` is batch 5's switch
for "every pool in POOLS") and drops a page the other pool already gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 33 and first id
``c-29001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch21.md).

    python scripts/batch21.py draw --pools /work/scratch/batch21 --with-pool9 --size 500
    python scripts/batch21.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch21.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch21.py add       # core/data/labelled/batch-2026-12-07-21.jsonl
    python scripts/batch21.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 21's files

B.SEED = 33
B.FIRST_ID = 29001  # c-29001 ... (batch 20 took c-28001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-21.jsonl"
B.POOLS = ("pool21a.jsonl", "pool21b.jsonl")
# The pages read of each pool: all of it as its collector closed it.
B.READ = {"pool21a.jsonl": 350, "pool21b.jsonl": 311}
B.WORK = Path("/work/scratch/batch21")
B.BATCH_FILE, B.POOL_FILE = "batch21.jsonl", "pool21_all.jsonl"
# Batch 10's one more hard case (RULE_batch21.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
