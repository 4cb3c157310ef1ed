"""The readers' packets of a drawn split: each reader's folder gets only RULES.md (the rules
readers of final9 to final18 got, `final8_RULES.md`, byte for byte) and pairs.jsonl (per pair
its id and, of each side, headline, lead, source and date: no address, search term, project
key, kind of draw or label), so that a reader labels from what the joiner's figure is about.

Run from the repository root after the draw is committed:

    python core/data/eval/events/reader_packets.py --split final19 \
        --out /work/scratch/final19/readerA --out /work/scratch/final19/readerB

A folder that exists must be empty (a packet is written once, nothing beside it).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RULES = HERE / "final8_RULES.md"
# what a reader sees of each side of a pair
SHOWN = ("title", "text", "source", "date")


def shown_pairs(split: str) -> list[dict[str, Any]]:
    """The split's unlabelled pairs cut to what a reader sees (pair id, each side's SHOWN)."""
    rows = []
    path = HERE / f"pairs_{split}_unlabelled.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        rows.append({"pair": row["pair"], **{s: {k: row[s][k] for k in SHOWN} for s in "ab"}})
    return rows


def write_packet(out: Path, split: str, rules: Path = RULES) -> int:
    """RULES.md and pairs.jsonl into `out` (created, or empty); returns the pairs written."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise SystemExit(f"{out} is not empty: a packet holds RULES.md and pairs.jsonl only")
    rows = shown_pairs(split)
    (out / "RULES.md").write_bytes(rules.read_bytes())
    with (out / "pairs.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--split", required=True)
    ap.add_argument("--out", type=Path, action="append", required=True, help="once a reader")
    ap.add_argument("--rules", type=Path, default=RULES)
    args = ap.parse_args()
    for out in args.out:
        print(f"{out}: {write_packet(out, args.split, args.rules)} pairs")


if __name__ == "__main__":
    main()
