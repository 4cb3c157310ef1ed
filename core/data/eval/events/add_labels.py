"""Add a drawn split's adjudicated labels to pairs.jsonl (run once, when the labels came in).

Run from the repository root:

    python core/data/eval/events/add_labels.py final4 /path/to/labels.jsonl

`labels.jsonl` holds one line a pair: `pair`, `same_event` (the final label), `borderline`,
and where given each reader's verdict, either as `labels` (A, B, and C where a third look
settled a dispute) with `unsure` and `notes`, or as `reader1`, `reader2` (`reader3`) objects
of `same_event`, `unsure`, `note` (stored as A, B, C). Each pair gets its two corpus items in
full (with provenance: from the corpus, or from `<split>_items.jsonl` where the split has one,
as final5 does) and how it was drawn, from `<split>_drawn.jsonl`; the pair ids must match the
draw exactly. score_final5.py's `--labels-out` writes this form for final5.
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "labelled" / "corpus.jsonl"
ITEM_FIELDS = ("id", "title", "text", "source", "date", "url", "provenance")


def labelled_rows(split: str, labels_path: Path) -> list[dict]:
    """The split's pairs with their labels and items, in the order they were drawn."""
    corpus = {}
    # final5 onwards: new items outside the corpus, in <split>_items.jsonl with provenance
    own = HERE / f"{split}_items.jsonl"
    for line in (own if own.exists() else CORPUS).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        corpus[row["id"]] = {k: row.get(k) for k in ITEM_FIELDS}
    drawn = [json.loads(x) for x in (HERE / f"{split}_drawn.jsonl").read_text().splitlines()]
    labels: dict[str, dict] = {}
    for line in labels_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row["pair"] in labels:
            raise SystemExit(f"{row['pair']} is labelled twice")
        if not isinstance(row.get("same_event"), bool):
            raise SystemExit(f"{row['pair']}: same_event must be true or false")
        labels[row["pair"]] = row
    wanted = {d["pair"] for d in drawn}
    if set(labels) != wanted:
        missing, extra = sorted(wanted - set(labels)), sorted(set(labels) - wanted)
        raise SystemExit(f"labels do not match the draw: missing {missing}, unknown {extra}")
    out = []
    for d in drawn:
        got = labels[d["pair"]]
        readers = {
            letter: got[key]
            for letter, key in (("A", "reader1"), ("B", "reader2"), ("C", "reader3"))
            if isinstance(got.get(key), dict)
        }
        if readers:
            got = {
                **got,
                "labels": {k: bool(v["same_event"]) for k, v in readers.items()},
                "unsure": {k: bool(v.get("unsure")) for k, v in readers.items()},
                "notes": {k: str(v.get("note") or "") for k, v in readers.items()},
            }
        row = {
            "pair": d["pair"],
            "same_event": got["same_event"],
            "labels": got.get("labels") or {"final": got["same_event"]},
            "borderline": bool(got.get("borderline")),
            "split": split,
            "drawn_as": d["drawn_as"],
        }
        for extra_field in ("unsure", "notes"):
            if got.get(extra_field):
                row[extra_field] = got[extra_field]
        row["a"], row["b"] = corpus[d["a"]], corpus[d["b"]]
        out.append(row)
    return out


def main() -> None:
    split, labels_path = sys.argv[1], Path(sys.argv[2])
    pairs = HERE / "pairs.jsonl"
    existing = [json.loads(x) for x in pairs.read_text().splitlines() if x]
    if any(r["split"] == split for r in existing):
        raise SystemExit(f"{split} is in pairs.jsonl already")
    rows = labelled_rows(split, labels_path)
    with pairs.open("a", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    same = sum(r["same_event"] for r in rows)
    print(f"{len(rows)} {split} pairs added: {same} same, {len(rows) - same} different")


if __name__ == "__main__":
    main()
