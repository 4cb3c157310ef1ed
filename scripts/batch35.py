"""Batch 35 (issue 11): a FRESH test set of 600 real news articles from batch 33's stream (the
Chinese flash news of brucey0017-cloud/rss-bot), less every article a labelled file, event split,
scoring batch or story pool holds (batches 33 and 34 included), built exactly as batch 33
(``scripts/batch33.py``: batch 5's functions, RULE_batch33 Amendment 1's launch-word test).
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-35.jsonl``, ids ``c-43001`` ...):
read once as RULE_batch35's test.

Why: ``core/data/model/decisions/RULE_batch35.md`` (written before this batch existed): the
linear model reads Chinese only through the engine's signals (its phrases are words split on
spaces); MZ, a linear model whose phrases read CJK characters, is read once here against the
shipped stage R8L.

Source: ``pool35.jsonl``: batch 33's recorded pool builder run again on the same commit, less
what the held check finds (``core/data/labelled/sources/batch-35.md``).

    python scripts/batch35.py draw --pools /work/scratch/batch35 --size 600
    python scripts/batch35.py flat | compare | add | result ...   (as batch 33)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7
import batch33  # noqa: F401  (sets batch 33's settings and launch-word test on batch 5's module)

B.SEED = 83
B.FIRST_ID = 43001  # c-43001 ... (batch 34 took c-42001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-35.jsonl"
B.POOLS = ("pool35.jsonl",)
B.READ = {"pool35.jsonl": 42445}
B.WORK = Path("/work/scratch/batch35")
B.BATCH_FILE, B.POOL_FILE = "batch35.jsonl", "pool35_all.jsonl"


if __name__ == "__main__":
    B7.cli()
