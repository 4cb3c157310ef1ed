"""Batch 37 (issue 11): a FRESH test set of 600 real news articles from batch 33's stream (the
Chinese flash news of brucey0017-cloud/rss-bot): batch 35's pool less the 600 articles batch 35
drew, built exactly as batch 33 (``scripts/batch33.py``: batch 5's functions, RULE_batch33
Amendment 1's launch-word test). Kept beside the corpus
(``core/data/labelled/batch-2026-12-07-37.jsonl``, ids ``c-45001`` ...): read once as
RULE_batch37's test.

Why: ``core/data/model/decisions/RULE_batch37.md`` (written before this batch existed): batch 35
chose MZ (the CJK-aware linear model) for zh/ja/ko items; batch 37 gives that stage (S1) a
second, clean reading and reads MZ2 (MZ's recipe with batch 35 added) against it.

Source: ``pool37.jsonl``: ``pool35.jsonl`` as batch 35 read it, less the 600 articles batch 35
drew (by their pool ids), nothing else changed (``core/data/labelled/sources/batch-37.md``).

    python scripts/batch37.py draw --pools /work/scratch/batch37 --size 600
    python scripts/batch37.py flat | compare | add   (as batch 33)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7
import batch33  # noqa: F401  (sets batch 33's settings and launch-word test on batch 5's module)

B.SEED = 97
B.FIRST_ID = 45001  # c-45001 ... (batch 35 took c-43001 ...; 36 was not drawn)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-37.jsonl"
B.POOLS = ("pool37.jsonl",)
B.READ = {"pool37.jsonl": 41845}
B.WORK = Path("/work/scratch/batch37")
B.BATCH_FILE, B.POOL_FILE = "batch37.jsonl", "pool37_all.jsonl"


if __name__ == "__main__":
    B7.cli()
