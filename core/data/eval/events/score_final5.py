"""final5 to final16: the frozen joiner's predictions, and precision/recall once two readers
labelled (`--split`, default final5: a split of new items, `<split>_items.jsonl` and
`<split>_drawn.jsonl` beside this file; later splits by name: `--split final9` ... `--split
final16`).

Run from the repository root. Predict (the joiner as checked out; run once, at the frozen
commit, and do not read the file before the labels are in):

    python core/data/eval/events/score_final5.py predict [--split final6] --out PREDICTIONS.jsonl

Score (once; readers' files are JSON Lines of `pair`, `same_event`, `unsure`, `note`, or as
final6's readers wrote them, `id`, `same_event`, `borderline`):

    python core/data/eval/events/score_final5.py score [--split final6] --reader A.jsonl \
        --reader B.jsonl [--third C.jsonl] --predictions PREDICTIONS.jsonl \
        [--labels-out LABELS.jsonl]

Scoring prints the readers' agreement (Cohen's kappa), the pairs they dispute (settled by the
third reader's file when given, else left out of the figures and listed), and precision and
recall of the predictions on the settled pairs, with the confusion counts. `--labels-out`
writes the adjudicated labels in add_labels.py's input form.

The labels alone, before the one score (final20 onwards; reads no predictions): the readers'
agreement, the disputed pairs a third reader is to settle, and with `--labels-out` the same
labels file `score --labels-out` writes from the same readers' files:

    python core/data/eval/events/score_final5.py labels [--split final20] --reader A.jsonl \
        --reader B.jsonl [--third C.jsonl] [--labels-out LABELS.jsonl]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _pairs(split: str = "final5") -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The drawn pairs of a split of new items, with both items in full."""
    items = {r["id"]: r for r in _rows(HERE / f"{split}_items.jsonl")}
    drawn = _rows(HERE / f"{split}_drawn.jsonl")
    return [(d["pair"], items[d["a"]], items[d["b"]]) for d in drawn]


def predict(out: Path, split: str = "final5") -> None:
    sys.path.insert(0, str(ROOT))
    from core.bundled import COMPANIES_FILE
    from core.events.evaluate import PairJudge

    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "core/events"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    judge = PairJudge(COMPANIES_FILE)
    with out.open("w", encoding="utf-8") as fh:
        for pair, a, b in _pairs(split):
            same, _first, _second = judge.same(a, b)
            row = {"pair": pair, "same_event": bool(same), "commit": commit}
            if dirty:
                row["dirty"] = True
            fh.write(json.dumps(row) + "\n")
    print(f"predictions for {len(_pairs(split))} pairs written to {out} (joiner at {commit[:7]})")


def _labels(path: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in _rows(path):
        if "pair" not in row and "id" in row:  # final6's readers: id, same_event, borderline
            row = {"pair": row["id"], "unsure": row.get("borderline"), **row}
        if row["pair"] in out:
            raise SystemExit(f"{path}: {row['pair']} is labelled twice")
        if not isinstance(row.get("same_event"), bool):
            raise SystemExit(f"{path}: {row['pair']}: same_event must be true or false")
        out[row["pair"]] = row
    return out


def kappa(a: list[bool], b: list[bool]) -> float:
    """Cohen's kappa of two readers' yes/no verdicts."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def settle(
    readers: list[Path], third: Path | None, split: str = "final5"
) -> tuple[list[str], list[dict[str, dict[str, Any]]], list[str], dict[str, bool]]:
    """The readers' labels of the split's pairs: the pair ids in draw order, the readers' rows
    (A, B and the third reader's, {} when none), the disputed pairs and the settled labels (the
    two readers' where they agree, else the third reader's where given)."""
    wanted = [p for p, _a, _b in _pairs(split)]
    ra, rb = (_labels(p) for p in readers)
    for path, got in zip(readers, (ra, rb), strict=True):
        if set(got) != set(wanted):
            raise SystemExit(f"{path}: labels do not match the draw")
    rc = _labels(third) if third else {}
    disputed = [p for p in wanted if ra[p]["same_event"] != rb[p]["same_event"]]
    final: dict[str, bool] = {}
    for p in wanted:
        if p not in disputed:
            final[p] = ra[p]["same_event"]
        elif p in rc:
            final[p] = rc[p]["same_event"]
    return wanted, [ra, rb, rc], disputed, final


def agreement(
    wanted: list[str],
    rows: list[dict[str, dict[str, Any]]],
    disputed: list[str],
    final: dict[str, bool],
) -> dict[str, Any]:
    """The readers' agreement: pairs, agreed, Cohen's kappa, disputed and unsettled pairs."""
    ra, rb, _rc = rows
    va, vb = [ra[p]["same_event"] for p in wanted], [rb[p]["same_event"] for p in wanted]
    return {
        "pairs": len(wanted),
        "agree": len(wanted) - len(disputed),
        "kappa": round(kappa(va, vb), 3),
        "disputed": disputed,
        "unsettled": [p for p in disputed if p not in final],
        "scored": len(final),
    }


def write_labels(
    out: Path,
    wanted: list[str],
    rows: list[dict[str, dict[str, Any]]],
    disputed: list[str],
    final: dict[str, bool],
) -> None:
    """The settled labels in add_labels.py's input form (each reader's verdict, unsure, note)."""
    ra, rb, rc = rows
    with out.open("w", encoding="utf-8") as fh:
        for p in wanted:
            if p not in final:
                continue
            row: dict[str, Any] = {"pair": p, "same_event": final[p]}
            for key, src in (("reader1", ra), ("reader2", rb), ("reader3", rc)):
                if p in src:
                    got = src[p]
                    row[key] = {
                        "same_event": got["same_event"],
                        "unsure": bool(got.get("unsure")),
                        "note": str(got.get("note") or ""),
                    }
            row["borderline"] = p in disputed or any(
                bool(src.get(p, {}).get("unsure")) for src in (ra, rb)
            )
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def score(
    readers: list[Path],
    third: Path | None,
    predictions: Path,
    labels_out: Path | None,
    split: str = "final5",
) -> dict[str, Any]:
    wanted, rows, disputed, final = settle(readers, third, split)
    pred = {r["pair"]: bool(r["same_event"]) for r in _rows(predictions)}
    if set(pred) != set(wanted):
        raise SystemExit(f"{predictions}: predictions do not match the draw")
    sys.path.insert(0, str(ROOT))
    from core.events.evaluate import confusion

    result = {
        **agreement(wanted, rows, disputed, final),
        **confusion([(pred[p], final[p]) for p in final], digits=3),
        "commit": next(iter({r.get("commit") for r in _rows(predictions)})),
    }
    if labels_out:
        write_labels(labels_out, wanted, rows, disputed, final)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("predict", help="the joiner's verdict on every pair of the split")
    p.add_argument("--split", default="final5")
    p.add_argument("--out", type=Path, required=True)
    lab = sub.add_parser(
        "labels", help="the readers' agreement and settled labels only (no predictions read)"
    )
    lab.add_argument("--reader", type=Path, action="append", required=True)
    lab.add_argument("--third", type=Path, help="a third reader's labels of the disputed pairs")
    lab.add_argument("--labels-out", type=Path)
    lab.add_argument("--split", default="final5")
    s = sub.add_parser("score", help="kappa of the readers, then precision and recall")
    s.add_argument("--reader", type=Path, action="append", required=True)
    s.add_argument("--third", type=Path, help="a third reader's labels of the disputed pairs")
    s.add_argument("--predictions", type=Path, required=True)
    s.add_argument("--labels-out", type=Path)
    s.add_argument("--split", default="final5")
    args = ap.parse_args()
    if args.cmd == "predict":
        predict(args.out, args.split)
        return
    if len(args.reader) != 2:
        raise SystemExit("--reader twice: the two independent readers' files")
    if args.cmd == "labels":
        wanted, rows, disputed, final = settle(args.reader, args.third, args.split)
        if args.labels_out:
            write_labels(args.labels_out, wanted, rows, disputed, final)
        print(json.dumps(agreement(wanted, rows, disputed, final), indent=1))
        return
    result = score(args.reader, args.third, args.predictions, args.labels_out, args.split)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
