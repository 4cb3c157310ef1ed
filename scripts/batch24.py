"""Batch 24 (issue 11): a FRESH test set of ~500 real web pages about token launches and what
fools rules, gathered by TWO collectors with disjoint domains and built exactly as batches 17, 19
and 21 (``scripts/batch21.py``): ``scripts/batch5.py``'s functions, only parametrised here; the
readers' packet, the prediction writer and ``result`` are ``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-24.jsonl``, ids ``c-32001`` ...)
and never trained on.

Why: ``core/data/model/decisions/RULE_batch24.md`` (written before this batch existed) reads the
shipped stage (R7u) once more on pages nobody has seen, with the guard that turns the default off
if it ranks below the linear model, and decides whether R8 (the same recipe trained on every
labelled page batch up to 22, calibrated on batch 23) replaces it.

Source: two pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-24.md``): ``pool24a.jsonl`` (collector
``b24a``: the Bitcoin ecosystem and the non-DeFi projects of other chains' ecosystems) and
``pool24b.jsonl`` (collector ``b24b``: sector tokens: media, marketing, work, legal, insurance,
agriculture, fashion, art, tourism, mobility, telecom, logistics, city tokens); projects and pages
no labelled file, event file, ``sources/*.md`` or other pool held. ``build`` reads both and drops
a page the other pool already gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 39 and first id
``c-32001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch24.md).

    python scripts/batch24.py draw --pools /work/scratch/batch24 --with-pool9 --size 500
    python scripts/batch24.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch24.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch24.py add       # core/data/labelled/batch-2026-12-07-24.jsonl
    python scripts/batch24.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 24's files

B.SEED = 39
B.FIRST_ID = 32001  # c-32001 ... (batch 23 took c-31001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-24.jsonl"
B.POOLS = ("pool24a.jsonl", "pool24b.jsonl")
# The pages read of each pool: all of it as its collector closed it.
B.READ = {"pool24a.jsonl": 279, "pool24b.jsonl": 327}
B.WORK = Path("/work/scratch/batch24")
B.BATCH_FILE, B.POOL_FILE = "batch24.jsonl", "pool24_all.jsonl"
# Batch 10's one more hard case (RULE_batch24.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
