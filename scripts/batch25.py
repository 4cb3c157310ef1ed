"""Batch 25 (issue 11): a FRESH test set of ~500 real web pages about token launches and what
fools rules, gathered by TWO collectors with disjoint domains and built exactly as batches 17, 19
and 21 (``scripts/batch21.py``): ``scripts/batch5.py``'s functions, only parametrised here; the
readers' packet, the prediction writer and ``result`` are ``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-25.jsonl``, ids ``c-33001`` ...)
and never trained on.

Why: ``core/data/model/decisions/RULE_batch25.md`` (written before this batch existed) reads the
shipped stage (R8) once more on pages nobody has seen: a replication of RULE_batch24's one batch,
with the guard that turns the default off if it ranks below the linear model.

Source: two pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-25.md``): ``pool25a.jsonl`` (collector
``b25a``: crypto news sites' and blogs' articles about small and mid projects) and
``pool25b.jsonl`` (collector ``b25b``: projects' own pages: developer infrastructure, enterprise
and B2B, Web3 browsers, search and messaging); projects and pages no labelled file, event file,
``sources/*.md`` or other pool held. ``build`` reads both and drops a page the other pool
already gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 41 and first id
``c-33001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch25.md).

    python scripts/batch25.py draw --pools /work/scratch/batch25 --with-pool9 --size 500
    python scripts/batch25.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch25.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch25.py add       # core/data/labelled/batch-2026-12-07-25.jsonl
    python scripts/batch25.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 25's files

B.SEED = 41
B.FIRST_ID = 33001  # c-33001 ... (batch 24 took c-32001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-25.jsonl"
B.POOLS = ("pool25a.jsonl", "pool25b.jsonl")
# The pages read of each pool: all of it as its collector closed it.
B.READ = {"pool25a.jsonl": 292, "pool25b.jsonl": 335}
B.WORK = Path("/work/scratch/batch25")
B.BATCH_FILE, B.POOL_FILE = "batch25.jsonl", "pool25_all.jsonl"
# Batch 10's one more hard case (RULE_batch25.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
