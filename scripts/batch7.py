"""Batch 7 (issue 11): a FRESH test set of real web pages about token launches and what fools
rules, built exactly as batches 5 and 6 (``scripts/batch5.py``, whose functions this module
imports and only parametrises, as ``batch6.py`` does), kept beside the corpus
(``core/data/labelled/batch-2026-12-07-7.jsonl``, ids ``c-15001`` ...) and never trained on.

Why: batch 6 has chosen between models (M0 kept) and the next candidates (``/work/notes/
RULE_batch7.md``: M6 and R) may tune on it, so they are measured here instead, once.

Source: one pool of stored public web pages gathered on 2026-12-06 with the search tool's
``pages`` corpus (``core/data/labelled/sources/batch-7.md``): ``pool7.jsonl`` (engineer
``batch7``: projects and publishers that pools 5, 6, 9, 10 and the labelled files do not hold;
no page another set or pool holds), in the event pools' format. Headline and lead as found;
the date only where the page or its address states it.

Pool, batch, packet, kappa and the labelled file: ``batch5.main`` (build, name_projects,
draw, packet, compare, add) run with seed 18 and first id ``c-15001``; at most 6 items about
one project and 30 % of the batch from one publisher; no model score is computed or read at
any step of the draw. Readers see id, title, text, source and date under batch 5's RULES.md
(batch 4's task, then the rules and hard cases of ``core/data/eval/README.md``).

    python scripts/batch7.py draw --pools /work/scratch/batch7 --size 210
    python scripts/batch7.py flat      # packet.jsonl, RULES.md, packet_with_url.jsonl
    python scripts/batch7.py predict   # M0_predictions.jsonl: the shipped model's scores only
    python scripts/batch7.py compare   # kappa of A and B, packet_C/ and third_packet.jsonl
    python scripts/batch7.py add       # core/data/labelled/batch-2026-12-07-7.jsonl

``predict`` scores the packet as ``tge-monitor eval`` and ``scripts/compare_models.py`` do
(the bundled companies table, the set's own headlines as token history, an undated item with
no history) and writes only ``{"id", "score"}``: no label is read and no figure computed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batch5 as B

T = B.T  # core.scoring.train: metrics()

B.SEED = 18
B.FIRST_ID = 15001  # c-15001 ... (batch 6 ends at c-14210)
B.OUT = B.LB.CORPUS.parent / "batch-2026-12-07-7.jsonl"
B.POOLS = ("pool7.jsonl",)
# The pages read of the pool: all of pool7 as its collector closed it (264 pages, 94 look-ups).
B.READ = {"pool7.jsonl": 264}
B.WORK = Path("/work/scratch/batch7")
B.BATCH_FILE, B.POOL_FILE = "batch7.jsonl", "pool7_all.jsonl"
WITH_URL = (*B.FIELDS, "url")


def flat(work: Path) -> None:
    """The readers' packet as single files (packet.jsonl, RULES.md) and the model engineers'
    packet_with_url.jsonl (the readers' fields and the address)."""
    shutil.copyfile(work / "packet" / "items.jsonl", work / "packet.jsonl")
    shutil.copyfile(work / "packet" / "RULES.md", work / "RULES.md")
    with (work / "packet_with_url.jsonl").open("w", encoding="utf-8") as f:
        for it in B._rows(work / B.BATCH_FILE):
            f.write(json.dumps({k: it[k] for k in WITH_URL}, ensure_ascii=False) + "\n")


def predict(data: Path, out: Path) -> str:
    """The shipped model's score of every item of ``data``, as eval scores it; sha256 of out."""
    from core.scoring.evaluate import item_headlines, load_items
    from core.scoring.history import history_for
    from core.scoring.model import BUNDLED_MODEL, read_model

    model = read_model(BUNDLED_MODEL)
    # undated_now=False: an undated item gets no token history, as evaluate() (and eval) give it
    engine = B.ScoringEngine(B.load_companies(B.COMPANIES_FILE), model=model, undated_now=False)
    items = load_items(data)
    engine.history = history_for(model, item_headlines(items))
    with out.open("w", encoding="utf-8") as f:
        for it in items:
            a = engine.analyze(
                it.get("title") or "",
                it.get("text") or "",
                source_kind=it.get("source_kind") or "rss",
                published=B.parse_published(it.get("date")),
            )
            f.write(json.dumps({"id": it["id"], "score": a.confidence}) + "\n")
    return hashlib.sha256(out.read_bytes()).hexdigest()


def result(labelled: Path, preds: list[str]) -> dict[str, Any]:
    """Each candidate's figures on the labelled batch from its written predictions file
    (``NAME=FILE@THRESHOLD@SHA256``; nothing is rescored): AP, P/R/F1 at its own threshold and
    at 0.39, high band (>= 0.7), Brier, and against the first one (M0) and the best linear one
    the paired bootstrap of the AP difference (``cross_source.ap_interval``: 1,000 resamples,
    ``default_rng(0)``, 95 % percentile interval)."""
    from compare_models import FIXED
    from cross_source import ap_interval

    rows = B._rows(labelled)
    y = [int(r["is_tge"]) for r in rows]
    out: dict[str, Any] = {"data": str(labelled), "n": len(y), "positives": sum(y)}
    cands: dict[str, Any] = {}
    for spec in preds:
        name, _, rest = spec.partition("=")
        path, threshold, sha = rest.split("@")
        if hashlib.sha256(Path(path).read_bytes()).hexdigest() != sha:
            raise SystemExit(f"{name}: {path} is not the file whose sha256 was written down")
        score = {o["id"]: float(o["score"]) for o in B._rows(Path(path))}
        s = [score[r["id"]] for r in rows]  # every labelled item was in the packet
        own, fixed = T.metrics(s, y, float(threshold)), T.metrics(s, y, FIXED)
        cands[name] = {"file": path, "sha256": sha, "threshold": float(threshold)}
        cands[name] |= {"own": own, "at_0.39": fixed, "scores": s}
    out["candidates"] = cands
    first = next(iter(cands))
    for name, c in cands.items():
        # a set with no TGE (batch 18's 247 news items) has no AP: alerts are all it can say
        c["alerts"] = sum(x >= c["threshold"] for x in c["scores"])
        alerted = zip(c["scores"], y, strict=True)
        c["false_alerts"] = sum(x >= c["threshold"] and not t for x, t in alerted)
        if name != first and sum(y):
            c["ap_minus_" + first] = (
                c["own"]["average_precision"] - cands[first]["own"]["average_precision"]
            )
            c["ap_diff_95_vs_" + first] = ap_interval(cands[first]["scores"], c["scores"], y)
    return out


def cli() -> None:
    """The stages of the module docstring, on the files ``B`` names (a later batch sets them
    and calls this, see ``batch8.py``)."""
    stage = sys.argv[1] if len(sys.argv) > 1 else ""
    if stage == "flat":
        flat(B.WORK)
    elif stage == "predict":
        print(predict(B.WORK / "packet_with_url.jsonl", B.WORK / "M0_predictions.jsonl"))
    elif stage == "result":
        r = result(B.OUT, sys.argv[2:])
        for c in r["candidates"].values():
            c.pop("scores")
        print(json.dumps(r, indent=1))
    else:
        B.main()
        if stage == "compare":
            shutil.copyfile(B.WORK / "packet_C" / "items.jsonl", B.WORK / "third_packet.jsonl")


if __name__ == "__main__":
    cli()
