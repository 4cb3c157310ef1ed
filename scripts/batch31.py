"""Batch 31 (issue 11): a FRESH test set of 500 real NEWS articles from a news stream nobody
gathered by topic, built exactly as batches 17-30 (``scripts/batch21.py``): ``scripts/batch5.py``'s
functions, only parametrised here; the readers' packet, the prediction writer and ``result`` are
``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-31.jsonl``, ids ``c-39001`` ...):
read once as RULE_batch31's test.

Why: ``core/data/model/decisions/RULE_batch31.md`` (written before this batch existed): every
fresh reading of batches 4-30 was of web pages collectors gathered by topic, while the issue's own
unseen sets were news items; batch 31 reads M0 and the committed stage (R8) on news.

Source: one pool, ``pool31n.jsonl``: every article of the daily Google News crypto dumps of the
public repository Xtra-Computing/CryptoTrade (commit 210da73a..., ``data/gnews`` and
``data/selected_{bitcoin,bnb,solana,xrp}_202301_202401``, 2023-01 ... 2024-02), fetched on
2026-12-07 by story collector ev25k (``core/data/labelled/sources/batch-31.md``): one item per
headline (Google's " - Outlet" suffix moved to the source), the outlet's address decoded from the
Google News link, the article's opening as text (150-400 characters, cut at a sentence end);
articles whose address, headline or opening a labelled file, event file or story pool of the
session held were left out before the pool was written (``held.py``), and ``build`` screens again.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 67 and first id
``c-39001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch31.md).

    python scripts/batch31.py draw --pools /work/scratch/batch31 --size 500
    python scripts/batch31.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch31.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch31.py add       # core/data/labelled/batch-2026-12-07-31.jsonl
    python scripts/batch31.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 31's files

B.SEED = 67
B.FIRST_ID = 39001  # c-39001 ... (batch 30 took c-38001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-31.jsonl"
B.POOLS = ("pool31n.jsonl",)
# The articles read of the pool: all of it as written.
B.READ = {"pool31n.jsonl": 7307}
B.WORK = Path("/work/scratch/batch31")
B.BATCH_FILE, B.POOL_FILE = "batch31.jsonl", "pool31_all.jsonl"
# Batch 10's one more hard case (RULE_batch31.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
