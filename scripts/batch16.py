"""Batch 16 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, built exactly as batch 14 (``scripts/batch14.py``): ``scripts/batch5.py``'s functions, only
parametrised here; the readers' packet, the model engineers' packet and the prediction writer are
``batch7.py``'s, reused through ``batch7.cli``. Kept beside the corpus
(``core/data/labelled/batch-2026-12-07-16.jsonl``, ids ``c-24001`` ...) and never trained on.

Why: ``/work/notes/RULE_batch16.md`` (written before this batch existed) decides, on this batch's
pages, whether the candidate R4 replaces the encoder stage E's model.

Source: one pool of stored public web pages gathered on 2026-12-07 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-16.md``): ``pool16b.jsonl`` (engineer
``batch16``; no file in the repository, the notes or the scratch folders used ``pool16``, and
``pool16b``/``q16b-`` keep the symmetry with pool10b-pool14b): projects that no labelled file
(batches 14 and 15 included), event file, ``sources/*.md`` or earlier pool (pool14b, pool15)
holds; no page another set or pool holds. Headline and lead as found (an empty headline where
the excerpt shows none); the date only where the page states it.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects, draw,
packet, compare, add) run with seed 27 and first id ``c-24001``; at most 6 items about one
project and 30 % of the batch from one publisher; no model score is computed or read at any step
of the draw. Readers see id, title, text, source and date under batch 5's RULES.md with batch 10's
one more hard case (``EXTRA``, the same words, kept by RULE_batch16.md before the batch existed),
given to every reader (the third reader's packet too).

    python scripts/batch16.py draw --pools /work/scratch/batch16 --size 250
    python scripts/batch16.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch16.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch16.py add       # core/data/labelled/batch-2026-12-07-16.jsonl
    python scripts/batch16.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored

(``predict`` exists through ``batch7.cli`` but RULE_batch16.md has the prediction files written by
the product's own code path, before the labels are assembled, by whoever runs that step.)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7  # flat, predict, result: batch 7's, run on batch 16's files

B.SEED = 27
B.FIRST_ID = 24001  # c-24001 ... (batch 15 takes c-23001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-16.jsonl"
B.POOLS = ("pool16b.jsonl",)
# The pages read of the pool: all of pool16b as its collector closed it (320 pages, 56 look-ups).
B.READ = {"pool16b.jsonl": 320}
B.WORK = Path("/work/scratch/batch16")
B.BATCH_FILE, B.POOL_FILE = "batch16.jsonl", "pool16b_all.jsonl"
# Batch 10's one more hard case (RULE_batch16.md keeps it), given to every reader.
B.EXTRA = B.UNDATED_OWN_TOKEN


if __name__ == "__main__":
    B7.cli()
