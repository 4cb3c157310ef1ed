"""Experiment (not part of the service): candidate models against the shipped one, on a
labelled set none of them saw, each scored once.

Why: a model is shipped instead of the current one only on a fresh set of real published
text drawn and labelled before any of the models scored it, by a rule written down before
the labels were in (issue 11: ``/work/notes/MODEL_CANDIDATES.md`` of 2026-12-06, and the
model README). This script only measures; the rule is applied by a person, as written.

Each model scores every item as ``tge-monitor eval --data FILE --model M`` scores it (the
bundled companies table; the set's own headlines as token history; an undated item with no
history, as training gives it): average precision, Brier score, high band (>= 0.7), and
precision / recall / F1 at 0.39 (the shipped decision threshold) and at the model's own
``decision_threshold``. Each candidate is paired with the base: AP(candidate) - AP(base) and
F1(candidate at its own threshold) - F1(base at its own), with a paired bootstrap of the AP
difference (1,000 resamples of the items, ``numpy.random.default_rng(0)``, 95 % percentile
interval; ``cross_source.ap_interval``). ``--undated-now`` adds the base scored as eval
scored before 2026-12-06 16:00 (an undated item's tickers judged as of today): information
on that change, not a candidate.

    nice -n 10 python scripts/compare_models.py --data FILE --base M0.json \\
        --candidate M2=PATH --candidate M3=PATH [--undated-now] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from cross_source import ap_interval  # noqa: E402  (a sibling script: the same bootstrap)

from core.bundled import COMPANIES_FILE  # noqa: E402
from core.scoring.evaluate import evaluate  # noqa: E402
from core.scoring.model import read_model  # noqa: E402

FIXED = 0.39  # the shipped model's decision threshold


def scored(data: Path, path: Path, *, undated_now: bool = False) -> dict[str, Any]:
    """One model's figures on ``data`` and its per-item scores (``curve``)."""
    model = read_model(path)
    own = model.decision_threshold or 0.5
    r = evaluate(data, COMPANIES_FILE, threshold=FIXED, model=model, undated_now=undated_now)
    o = evaluate(data, COMPANIES_FILE, threshold=own, model=model, undated_now=undated_now)
    keep = ("tp", "fp", "fn", "precision", "recall", "f1")
    return {
        "file": str(path),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "n": r["n"],
        "positives": sum(r["curve"]["labels"]),
        "average_precision": r["average_precision"],
        "brier": r["brier"],
        "high_band": r["band_precision"]["high"],
        "at_0.39": {k: r[k] for k in keep},
        "own_threshold": own,
        "at_own": {k: o[k] for k in keep},
        "curve": r["curve"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="the labelled set (JSON Lines)")
    ap.add_argument("--base", type=Path, required=True, help="the shipped model file")
    ap.add_argument("--candidate", action="append", required=True, metavar="NAME=FILE")
    ap.add_argument("--undated-now", action="store_true", help="also the base as eval was")
    ap.add_argument("--out", type=Path, help="write figures and per-item scores as JSON here")
    args = ap.parse_args()
    cands: dict[str, Path] = {}
    for spec in args.candidate:
        name, sep, path = spec.partition("=")
        if not sep or not name or name in cands or not Path(path).is_file():
            ap.error(f"--candidate {spec!r}: give NAME=FILE once each, with an existing file")
        cands[name] = Path(path)
    for p in (args.data, args.base):
        if not p.is_file():
            ap.error(f"file not found: {p}")
    out: dict[str, Any] = {"data": str(args.data), "base": scored(args.data, args.base)}
    base = out["base"]
    y = base["curve"]["labels"]
    rows = [("base", base)]
    if args.undated_now:
        out["base_undated_now"] = scored(args.data, args.base, undated_now=True)
        rows.append(("base, undated as today", out["base_undated_now"]))
    out["candidates"] = {}
    for name, path in cands.items():
        c = scored(args.data, path)
        assert c["curve"]["labels"] == y
        c["ap_diff"] = round(c["average_precision"] - base["average_precision"], 4)
        c["ap_diff_95"] = ap_interval(base["curve"]["scores"], c["curve"]["scores"], y)
        c["f1_own_diff"] = round(c["at_own"]["f1"] - base["at_own"]["f1"], 4)
        out["candidates"][name] = c
        rows.append((name, c))
    print(f"{args.data}: {base['n']} items, {base['positives']} TGE")
    for name, r in rows:
        a, o = r["at_0.39"], r["at_own"]
        line = (
            f"{name}: AP {r['average_precision']}; at 0.39 P/R/F1 {a['precision']}/"
            f"{a['recall']}/{a['f1']} ({a['tp'] + a['fp']} alerts); at its own"
            f" {r['own_threshold']} {o['precision']}/{o['recall']}/{o['f1']}"
            f" ({o['tp'] + o['fp']} alerts); high band {r['high_band']['tge']} of"
            f" {r['high_band']['n']}; Brier {r['brier']}"
        )
        if "ap_diff" in r:
            ci = r["ap_diff_95"]
            line += (
                f"; AP - base {r['ap_diff']:+.4f} (95 % {ci['low']:+.4f} … {ci['high']:+.4f});"
                f" F1 at own - base's {r['f1_own_diff']:+.4f}"
            )
        print(line)
    if args.out:
        args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
