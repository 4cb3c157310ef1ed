"""Batch 20 (issue 11): a FRESH test set of real DATED crypto NEWS items, drawn WITHOUT any
model's score from the items of batch 18's pool that batch 18 did not draw, for
``core/data/model/decisions/RULE_batch19.md`` (batch 20: 250 items, seed 32, first id c-28001,
batch 15's stratum rule). Kept beside the corpus (``core/data/labelled/batch-2026-12-07-20.jsonl``)
and never trained on.

Why these items: RULE_batch19 asks whether the candidate stays quiet on fresh news; batch 18's
collector read three repositories no other set had read (``sources/batch-18.md``) and pooled
1,237 dated items of them, of which batch 18 drew 250. Nobody has read the rest: they are as
fresh as batch 18 was, and no other unread news repository was found that session.

Pool: ``pool18.jsonl`` as batch 18's ``collect`` wrote it, less every item batch 18 drew (by its
pool id, ``batch18.jsonl``), written as ``pool20.jsonl``; then ``batch5.build`` screens it again
(labelled files now hold batch 18). Draw, readers, packet, kappa and the labelled file: batch
18's (``batch18.py``: batch 15's readers and stratum, batch 5's and 7's stages) with this batch's
seed, first id and files only.

    python scripts/batch20.py pool      # /work/scratch/batch20/pool20.jsonl (and its sha256)
    python scripts/batch20.py draw --pools /work/scratch/batch20 --size 250
    python scripts/batch20.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch20.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch20.py add       # core/data/labelled/batch-2026-12-07-20.jsonl
    python scripts/batch20.py result NAME=FILE@THRESHOLD@SHA256 ...   # figures, nothing rescored
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B
import batch7 as B7
import batch18 as B18  # batch 18's settings (stratum, readers); this batch's replace them below

B.SEED = 32
B.FIRST_ID = 28001  # c-28001 ... (batch 19 takes c-27001 ...)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-20.jsonl"
POOL = "pool20.jsonl"
B.POOLS = (POOL,)
B.WORK = Path("/work/scratch/batch20")
B.BATCH_FILE, B.POOL_FILE = "batch20.jsonl", "pool20_all.jsonl"
BATCH18 = Path("/work/scratch/batch18")


def pool(work: Path) -> None:
    """Batch 18's collected pool less the items batch 18 drew, in the collected order."""
    drawn = {r["provenance"]["pool_id"] for r in B._rows(BATCH18 / "batch18.jsonl")}
    rows = [r for r in B._rows(BATCH18 / B18.POOL) if r["id"] not in drawn]
    work.mkdir(parents=True, exist_ok=True)
    with (work / POOL).open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"pool20: {len(rows)} items ({len(drawn)} of batch 18's drawn left out)")
    print("sha256", hashlib.sha256((work / POOL).read_bytes()).hexdigest())


def main() -> None:
    if sys.argv[1:2] == ["pool"]:
        pool(B.WORK)
        return
    if sys.argv[1:2] == ["draw"]:  # every line of the pool as ``pool`` wrote it
        B.READ = {POOL: len(B._rows(B.WORK / POOL))}
    B7.cli()


if __name__ == "__main__":
    main()
