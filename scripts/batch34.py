"""Batch 34 (issue 11): a FRESH test set of 600 real news articles from batch 33's stream (the
Chinese flash news of brucey0017-cloud/rss-bot), less the 500 batch 33 drew, built exactly as
batch 33 (``scripts/batch33.py``: batch 5's functions, RULE_batch33 Amendment 1's launch-word test).
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-34.jsonl``, ids ``c-42001`` ...):
read once as RULE_batch34's test.

Why: ``core/data/model/decisions/RULE_batch34.md`` (written before this batch existed): batch 33
read the encoder stage (R8, an English text model) below the linear model on Chinese news; R8L,
the stage that leaves Chinese, Japanese and Korean items to the linear model, is read once here
against both.

Source: ``pool34.jsonl``: ``pool33_rssbot.jsonl`` as batch 33 read it, less the 500 articles
batch 33 drew (by their pool ids), nothing else changed
(``core/data/labelled/sources/batch-34.md``).

    python scripts/batch34.py draw --pools /work/scratch/batch34 --size 600
    python scripts/batch34.py flat | compare | add | result ...   (as batch 33)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7
import batch33  # noqa: F401  (sets batch 33's settings and launch-word test on batch 5's module)

B.SEED = 79
B.FIRST_ID = 42001  # c-42001 ... (batch 33 took c-41001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-34.jsonl"
B.POOLS = ("pool34.jsonl",)
B.READ = {"pool34.jsonl": 43650}
B.WORK = Path("/work/scratch/batch34")
B.BATCH_FILE, B.POOL_FILE = "batch34.jsonl", "pool34_all.jsonl"


if __name__ == "__main__":
    B7.cli()
