"""Experiment (not part of the service): does more labelled data help on unseen sources?

Why: the shipped model is judged outside on news from sources the corpus does not hold, where
it does worse than its company-grouped CV says (batch 2: AP 0.438). The rule used so far for
new batches (CV AP on the corpus's test parts, +0.01) measures corpus-like text only. Here
each labelled batch from new sources is held out in turn and scored by a model trained with
and without the other batches: the question a batch from a source nobody labelled yet asks.

Protocol (fixed by the lead 2026-12-06 11:17 UTC, before any of it was run): leave one batch
out. For each held-out batch H:

- M0: trained exactly as ``tge-monitor train`` trains the shipped model (``train.train``: the
  corpus as data, dev and held-out sets 1-4 as train-only, seed 0, the final test's projects
  dropped before any feature is made; the final test split is never scored);
- M1: the same with the other batches as more ``--data`` files (their items about a
  final-test project dropped by ``load_rows``, grouped with the corpus's items as ``train``
  groups them);
- every item of H scored with each (``evaluate.evaluate``, as ``tge-monitor eval --data H``
  with the bundled companies table and H's own headlines as history): AP, and precision,
  recall, F1 at the shipped threshold 0.39; a paired bootstrap of the AP difference M1 - M0
  (1,000 resamples of H's items, ``numpy.random.default_rng(0)``), 95 % percentile interval.

Decision (reported, not acted on): M1 beats M0 by AP >= 0.02 with the interval above 0 on at
least two of the held-out batches -> "train on corpus + all batches" is recommended.

That recommendation was shipped on 2026-12-06 (afternoon) and withdrawn the same afternoon
(``core/data/model/README.md``, "Corpus + batches: shipped and withdrawn"): on a fresh batch
of web pages drawn without any model score it ranked worse (AP 0.519 -> 0.449) and its corpus
CV fell. So M0 is the shipped model again: the run checks it is ``tge-model-v1.json`` byte for
byte. Beside the rule's fixed 0.39, each model is also scored at its own card's
``decision_threshold`` (where it would alert if shipped; information, not part of the rule).

    nice -n 10 python scripts/cross_source.py --batch "batch 1=core/data/labelled/..." \
        --batch "batch 2=..." --batch "notices=..." [--models DIR] [--out FILE.json]

Models are written to ``--models`` (default a temporary directory) and reused when a file
there was trained on the same data (the card's ``data_sha256``). Nothing shipped is written.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import learning_curve as LC  # noqa: E402  (a sibling script: the same train-only files)

from core.bundled import COMPANIES_FILE  # noqa: E402
from core.scoring import train as T  # noqa: E402
from core.scoring.evaluate import average_precision, evaluate  # noqa: E402
from core.scoring.model import BUNDLED_MODEL, read_model  # noqa: E402

RESAMPLES = 1000
GAIN = 0.02  # the rule's AP margin


def trained(data: list[Path], out: Path) -> Path:
    """A model trained as ``tge-monitor train`` trains (seed 0, the final test held out),
    written to ``out``; an existing ``out`` trained on the same files is reused."""
    files = [*data, *LC.TRAIN_ONLY]
    if out.is_file():
        card = json.loads(out.read_text(encoding="utf-8"))["card"]["training"]
        if card["data_sha256"] == T.data_hash(files):
            return out
    t0 = time.time()
    model = T.train(data, LC.TRAIN_ONLY, holdout=T.FINAL_TEST_IDS, config=T.TrainConfig())
    T.write_model(model, out)
    tr = model["card"]["training"]
    print(
        f"trained {out.name}: {tr['items']} items ({tr['positives']} TGE),"
        f" {tr['excluded_for_final_test']} left out for the final test, C {tr['c_chosen']};"
        f" {time.time() - t0:.0f} s",
        flush=True,
    )
    return out


def scored(held: Path, model: Path) -> dict[str, Any]:
    """Every item of ``held`` scored by ``model`` at the rule's threshold (0.39) and at the
    model's own decision threshold (its card's)."""
    loaded = read_model(model)
    r = evaluate(held, COMPANIES_FILE, threshold=LC.FIXED, model=loaded)
    keep = ("n", "tp", "fp", "fn", "precision", "recall", "f1", "average_precision")
    own = evaluate(held, COMPANIES_FILE, threshold=loaded.decision_threshold, model=loaded)
    at_own = {k: own[k] for k in ("tp", "fp", "fn", "precision", "recall", "f1")}
    return (
        {k: r[k] for k in keep}
        | {"at_own_threshold": {"threshold": loaded.decision_threshold} | at_own}
        | {"curve": r["curve"]}
    )


def ap_interval(s0: list[float], s1: list[float], y: list[int]) -> dict[str, Any]:
    """Paired bootstrap of AP(M1) - AP(M0) over the held-out items (seed 0)."""
    a0, a1, ya = np.array(s0), np.array(s1), np.array(y)
    rng = np.random.default_rng(0)
    diffs: list[float] = []
    for _ in range(RESAMPLES):
        i = rng.integers(0, len(ya), len(ya))
        b0 = average_precision(list(a0[i]), list(ya[i]))
        b1 = average_precision(list(a1[i]), list(ya[i]))
        if b0 is not None and b1 is not None:  # a resample with no TGE item has no AP
            diffs.append(b1 - b0)
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return {"low": round(float(lo), 4), "high": round(float(hi), 4), "resamples": len(diffs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--batch",
        action="append",
        required=True,
        metavar="NAME=FILE",
        help="a labelled batch from sources the corpus lacks (give each batch once)",
    )
    ap.add_argument("--corpus", type=Path, default=LC.DATA[0])
    ap.add_argument("--models", type=Path, help="where the trained models go (and are reused)")
    ap.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = ap.parse_args()
    batches: dict[str, Path] = {}
    for spec in args.batch:
        name, sep, path = spec.partition("=")
        if not sep or not name or not Path(path).is_file():
            ap.error(f"--batch {spec!r}: give NAME=FILE with an existing file")
        batches[name] = Path(path)
    if len(batches) < 2:
        ap.error("at least two batches are needed (one held out, the others added)")
    models = args.models or Path(tempfile.mkdtemp(prefix="cross-source-"))
    models.mkdir(parents=True, exist_ok=True)
    m0 = trained([args.corpus], models / "m0.json")
    shipped = m0.read_bytes() == BUNDLED_MODEL.read_bytes()
    print(f"M0 (corpus only) is the shipped model byte for byte: {shipped}")
    out: dict[str, Any] = {
        "m0_is_shipped": shipped,
        "threshold": LC.FIXED,
        "held_out": {},
    }
    wins = 0
    for name, held in batches.items():
        others = [p for n, p in batches.items() if n != name]
        m1 = trained([args.corpus, *others], models / f"m1-without-{held.stem}.json")
        r0, r1 = scored(held, m0), scored(held, m1)
        c0, c1 = r0.pop("curve"), r1.pop("curve")
        assert c0["labels"] == c1["labels"]
        ap0 = average_precision(c0["scores"], c0["labels"]) or 0.0
        diff = round((average_precision(c1["scores"], c1["labels"]) or 0.0) - ap0, 4)
        ci = ap_interval(c0["scores"], c1["scores"], c0["labels"])
        win = diff >= GAIN and ci["low"] > 0
        wins += win
        out["held_out"][name] = {
            "file": str(held),
            "positives": sum(c0["labels"]),
            "m0": r0,
            "m1": r1,
            "ap_diff": diff,
            "ap_diff_95": ci,
            "m1_wins": win,
        }
        print(f"{name}: {json.dumps(out['held_out'][name])}", flush=True)
    out["wins"] = wins
    out["recommend_corpus_plus_batches"] = wins >= 2
    print(f"M1 wins (AP +{GAIN} or more, interval above 0) on {wins} of {len(batches)}")
    print("decision: " + ("train on corpus + all batches" if wins >= 2 else "keep M0"))
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
