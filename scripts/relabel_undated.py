"""Relabel (issue 11, RULE_batch11.md): every UNDATED item labelled TGE in the corpus and
batches 4-9 read again under batch 10's rules, the one more hard case included (an undated page
of a project describing its own token is its reveal only when the page presents the token as
new or still to come).

Why: batch 10's two blind readers, given that hard case, agreed at kappa 0.982, where batches 8
and 9's readers without it agreed at 0.740 / 0.704 and their third readers read such pages in
opposite ways (4 of 24 TGE, 26 of 27). The models, trained on labels made without it, were at
precision ~0.45 on batch 10. Only the training labels are read again: final-test items are left
out (never trained on, reported once), batch 10 was labelled under the rule already, and items
labelled not-TGE are left as they are (the hard case only narrows what counts).

Two blind readers (A, B) see id, title, text, source and date under batch 10's RULES.md, a
third (C) their disagreements. The verdicts are kept beside the labelled files, not in them
(``VERDICTS``: one row an item: id, file, the label before, the readers' verdicts, the verdict),
so the files stay as found and the shipped model's card (which names their sha256) stays true;
``apply`` writes the verdicts into the files (the verdict replaces ``is_tge``, the rest goes
into ``relabel``), as a model trained on them needs.

    python scripts/relabel_undated.py packet   # readerA/, readerB/ in WORK
    python scripts/relabel_undated.py compare  # kappa, packet_C/
    python scripts/relabel_undated.py record   # VERDICTS from the three readers' labels
    python scripts/relabel_undated.py apply    # rewrite the labelled files from VERDICTS
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B

from core.scoring import train as T

LABELLED = B.LB.CORPUS.parent
FILES = (
    "corpus.jsonl",
    "batch-2026-12-06-4.jsonl",
    "batch-2026-12-06-5.jsonl",
    "batch-2026-12-06-6.jsonl",
    "batch-2026-12-07-7.jsonl",
    "batch-2026-12-07-8.jsonl",
    "batch-2026-12-07-9.jsonl",
)
WORK = Path("/work/scratch/relabel")
VERDICTS = LABELLED / "relabel-2026-12-07.jsonl"
RULE = "batch 10's hard case for undated pages of a project's own token (RULE_batch11.md)"


def chosen() -> list[dict[str, Any]]:
    """The items read again: undated, labelled TGE, not of the final test, in file order."""
    held = T.read_ids(T.FINAL_TEST_IDS)
    return [
        row
        for name in FILES
        for row in B._rows(LABELLED / name)
        if row.get("date") is None and row["is_tge"] and row["id"] not in held
    ]


def main() -> None:
    stage = sys.argv[1] if len(sys.argv) > 1 else ""
    items = chosen()
    ids = [it["id"] for it in items]
    if stage == "packet":
        for reader in "AB":
            B.packet(WORK / f"reader{reader}", items, B.UNDATED_OWN_TOKEN)
        print(f"{len(items)} items to read again")
        return
    A = B.LB.read_labels(WORK / "readerA" / "labels.jsonl", ids)
    Bl = B.LB.read_labels(WORK / "readerB" / "labels.jsonl", ids)
    a = [bool(A[i]["is_tge"]) for i in ids]
    b = [bool(Bl[i]["is_tge"]) for i in ids]
    differ = [it for it, x, y in zip(items, a, b, strict=True) if x != y]
    print(f"A {sum(a)} TGE, B {sum(b)} TGE of {len(ids)}; kappa {B.LB.kappa(a, b):.3f}")
    if stage == "compare":
        B.packet(
            WORK / "packet_C",
            differ,
            B.UNDATED_OWN_TOKEN
            + "\nThese items are ones two earlier readers disagreed on; you do not see"
            " their labels. Decide each by the rules as usual.\n",
        )
        print(f"{len(differ)} to the third reader")
        return
    C = B.LB.read_labels(WORK / "packet_C" / "labels.jsonl", [it["id"] for it in differ])
    with VERDICTS.open("w", encoding="utf-8") as f:
        for name in FILES:
            for row in B._rows(LABELLED / name):
                if row["id"] not in A:
                    continue
                i = row["id"]
                readers = {"A": bool(A[i]["is_tge"]), "B": bool(Bl[i]["is_tge"])}
                if i in C:
                    readers["C"] = bool(C[i]["is_tge"])
                out = {"id": i, "file": name, "before": row["is_tge"], "readers": readers}
                out["is_tge"] = readers.get("C", readers["A"])
                f.write(json.dumps(out, ensure_ascii=False) + "\n")
    print(f"{VERDICTS.name}: {len(ids)} verdicts")


def apply() -> None:
    """Write ``VERDICTS`` into the labelled files (idempotent: a row read again keeps its
    ``relabel`` record and gets the verdict)."""
    verdicts: dict[str, dict[str, Any]] = {}
    for line in VERDICTS.read_text(encoding="utf-8").splitlines():
        v = json.loads(line)
        verdicts[v["id"]] = v
    changed = 0
    for name in FILES:
        path = LABELLED / name
        lines = []
        for row in B._rows(path):
            v = verdicts.get(row["id"])
            if v is not None:
                row.setdefault(
                    "relabel", {"rule": RULE, "readers": v["readers"], "before": v["before"]}
                )
                changed += v["is_tge"] != row["is_tge"]
                row["is_tge"] = v["is_tge"]
                row["borderline"] = bool(row.get("borderline") or "C" in v["readers"])
            lines.append(json.dumps(row, ensure_ascii=False) + "\n")
        path.write_text("".join(lines), encoding="utf-8")
    print(f"{changed} of {len(verdicts)} items changed")


if __name__ == "__main__":
    if sys.argv[1:2] == ["apply"]:
        apply()
    else:
        main()
