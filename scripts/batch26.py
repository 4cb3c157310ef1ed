"""Batch 26 (issue 11): a FRESH test set of ~500 real web pages about token launches and what fools
rules, gathered by collectors with disjoint domains (six; the rule asked for two) and built
exactly as batches 17, 19 and 21 (``scripts/batch21.py``): ``scripts/batch5.py``'s functions,
only parametrised here; the readers' packet, the prediction writer and ``result`` are
``batch7.py``'s, through ``batch7.cli``.
Kept beside the corpus (``core/data/labelled/batch-2026-12-07-26.jsonl``, ids ``c-34001`` ...):
read once as RULE_batch26's test, then a calibration set of later candidates (RULE_batch27).

Why: ``core/data/model/decisions/RULE_batch26.md`` (written before this batch existed) reads the
shipped stage (R8) once more on pages nobody has seen, with the guard that turns the default off
if it ranks below the linear model, and decides whether R9 (the recipe on every labelled page
batch up to 24, calibrated on batch 25) or R9L (R9 reading 128 word pieces instead of 64)
replaces it.

Source: six pools of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus by six collectors with disjoint domains
(``core/data/labelled/sources/batch-26.md``; RULE_batch26 asked for two, but two domains ran dry
within minutes, so four more were opened the same way before any page was drawn): ``pool26a``
(press releases, 4 pages), ``pool26b`` (apps and projects of EVM layer-2s and sidechains),
``pool26c`` (token-sale and airdrop listing sites and guides), ``pool26d`` (social posts as stored
pages, 3), ``pool26e`` (2013-2018: early token sales, airdrops, exit scams, SEC actions),
``pool26f`` (tokens of companies and public figures: bank stablecoins, CBDCs, nation coins,
security and loyalty tokens, celebrity tokens; a page with no headline has an empty title);
projects and pages no labelled file, event file, ``sources/*.md`` or other pool held. ``build``
reads them in this order and drops a page an earlier pool gave.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` run with seed 43 and first id
``c-34001``; at most 6 items about one project and 30 % of the batch from one publisher; no model
score is computed or read at any step of the draw. Readers see id, title, text, source and date
under batch 5's RULES.md with batch 10's one more hard case (``EXTRA``, kept by RULE_batch26.md).

    python scripts/batch26.py draw --pools /work/scratch/batch26 --with-pool9 --size 500
    python scripts/batch26.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch26.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch26.py add       # core/data/labelled/batch-2026-12-07-26.jsonl
    python scripts/batch26.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 26's files

B.SEED = 43
B.FIRST_ID = 34001  # c-34001 ... (batch 25 took c-33001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-26.jsonl"
B.POOLS = tuple(f"pool26{x}.jsonl" for x in "abcdef")
# The pages read of each pool: all of it as its collector closed it.
B.READ = dict(zip(B.POOLS, (4, 107, 170, 3, 203, 295), strict=True))
B.WORK = Path("/work/scratch/batch26")
B.BATCH_FILE, B.POOL_FILE = "batch26.jsonl", "pool26_all.jsonl"
# Batch 10's one more hard case (RULE_batch26.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
