"""Batch 39 (issue 11): a FRESH test set of 600 real news articles from batch 33's stream (the
Chinese flash news of brucey0017-cloud/rss-bot): batch 37's pool less the 600 articles batch 37
drew, built exactly as batch 33 (``scripts/batch33.py``: batch 5's functions, RULE_batch33
Amendment 1's launch-word test). Kept beside the corpus
(``core/data/labelled/batch-2026-12-07-39.jsonl``, ids ``c-47001`` ...): read once as
RULE_batch39's test.

Why: ``core/data/model/decisions/RULE_batch39.md`` (written before this batch existed): batch 37
chose MZ2 (MZ's recipe with batch 35 added) for zh/ja/ko items; batch 39 gives that stage (S2) its
clean reading and reads MZ3 (the same recipe with batch 37 added) against it.

Source: ``pool39.jsonl``: ``pool37.jsonl`` as batch 37 read it, less the 600 articles batch 37
drew (by their pool ids), nothing else changed (``core/data/labelled/sources/batch-39.md``).

    python scripts/batch39.py draw --pools /work/scratch/batch39 --size 600
    python scripts/batch39.py flat | compare | add   (as batch 33)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7
import batch33  # noqa: F401  (sets batch 33's settings and launch-word test on batch 5's module)

B.SEED = 101
B.FIRST_ID = 47001  # c-47001 ... (batch 37 took c-45001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-39.jsonl"
B.POOLS = ("pool39.jsonl",)
B.READ = {"pool39.jsonl": 41245}
B.WORK = Path("/work/scratch/batch39")
B.BATCH_FILE, B.POOL_FILE = "batch39.jsonl", "pool39_all.jsonl"


if __name__ == "__main__":
    B7.cli()
