"""Prediction files of an unlabelled packet for the fresh tests of RULE_batch14 (issue 11).

Why: the rule fixes E (the product's encoder stage, its form, calibration and threshold frozen
in the card ``core/data/model/encoder/encoder.json``) before batches 14 and 15 exist; their
predictions must be written and logged before their labels are assembled, by the product's own
code path (``core.scoring.evaluate.analyses``: the linear model's analysis, then
``EncoderStage.rescore``, as the service scores an item).

    python scripts/encoder_predict.py PACKET OUT_DIR [--models DIR | --no-other-form]
                                      [--candidate NAME=CARD ...]

writes batch 7's predictions format (``{"id", "score"}`` a line, the packet's order) for

* ``E``: the chosen form as the card freezes it (the committed model file);
* ``E<other form>`` (information): the other form with its own frozen calibration and
  threshold (the card's ``other_form``; its model file from ``--models``, e.g.
  ``tge-monitor train-encoder``'s ``--out``);
* ``M0``: the shipped linear model at 0.39; ``M0s``: the same scores at the threshold of best
  F1 on the shaped pool (the card's ``choice.M0s_threshold``);
* each ``--candidate NAME=CARD`` (RULE_batch16's R4): the stage its own card freezes (form,
  calibration, threshold; files beside the card, checked by sha256), written after E;

and ``thresholds.json`` with each ``NAME=FILE@THRESHOLD@SHA256`` spec (``batch7.py result``'s
input, printed M0 first: ``result`` compares every other file with the first). No label is
read (a packet holding any is refused); a model or tokenizer file whose sha256 is not the
card's is refused before anything is scored.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.bundled import COMPANIES_FILE  # noqa: E402
from core.scoring.encoder import (  # noqa: E402
    ENCODER_DIR,
    EncoderError,
    EncoderStage,
    check_partner,
    read_card,
)
from core.scoring.evaluate import analyses, load_items, set_engine  # noqa: E402
from core.scoring.model import BUNDLED_MODEL, read_model  # noqa: E402

LABEL_KEYS = ("is_tge", "label", "labels", "readers")
MODELS = Path("/work/scratch/encoder/rebuild2")  # train-encoder --out (the fp32 form)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stages(card_path: Path, models: Path | None) -> dict[str, EncoderStage]:
    """E (the card's form) and, unless ``models`` is None, the other form, both checked against
    the card's sha256 (the other form's file is not committed: a later rule may not ask for it)."""
    card = read_card(card_path)
    try:
        check_partner(card, BUNDLED_MODEL)
    except EncoderError as exc:
        raise SystemExit(f"refused: {exc}") from None
    other = card.raw.get("other_form")
    if models is not None and not isinstance(other, dict):
        raise SystemExit(f"{card.path}: no other_form in the card")
    try:
        e = EncoderStage.from_card(card)
        if models is None or not isinstance(other, dict):
            return {"E": e}
        o_card = replace(
            card,
            form=str(other["form"]),
            model=models / str(other["file"]),
            model_sha256=str(other["sha256"]),
            platt_a=float(other["calibration"]["a"]),
            platt_b=float(other["calibration"]["b"]),
            threshold=float(other["threshold"]),
        )
        o = EncoderStage.from_card(o_card)
    except EncoderError as exc:
        raise SystemExit(f"refused: {exc}") from None
    return {"E": e, f"E{o_card.form}": o}


def candidates(specs: list[str], taken: set[str]) -> dict[str, EncoderStage]:
    """``NAME=CARD`` stages, each loaded from its own card (files and partner checked)."""
    out: dict[str, EncoderStage] = {}
    for spec in specs:
        name, sep, card = spec.partition("=")
        if not sep or not name or not card:
            raise SystemExit(f"--candidate {spec!r}: give NAME=CARD")
        if name in taken or name in out:
            raise SystemExit(f"--candidate {name}: the name is taken")
        path = Path(card)
        if not path.exists():
            raise SystemExit(f"--candidate {name}: no card at {path}")
        try:
            c = read_card(path)
            check_partner(c, BUNDLED_MODEL)
            out[name] = EncoderStage.from_card(c)
        except EncoderError as exc:
            raise SystemExit(f"refused: {exc}") from None
    return out


def write(path: Path, ids: list[str], scores: list[float]) -> str:
    path.write_text(
        "".join(
            json.dumps({"id": i, "score": float(x)}) + "\n"
            for i, x in zip(ids, scores, strict=True)
        ),
        encoding="utf-8",
    )
    return sha256(path)


def predict(
    packet: Path,
    out_dir: Path,
    models: Path | None,
    card_path: Path,
    extra: list[str] | None = None,
) -> dict[str, Any]:
    loaded = stages(card_path, models)
    more = candidates(extra or [], {"M0", "M0s", *loaded})
    items = load_items(packet)
    labelled = sorted({k for i in items for k in LABEL_KEYS if k in i})
    if labelled:
        raise SystemExit(f"{packet}: holds labels ({', '.join(labelled)}): not a packet")
    ids = [str(i["id"]) for i in items]
    m0 = read_model(BUNDLED_MODEL)
    card = loaded["E"].card
    scores: dict[str, list[float]] = {
        "M0": [a.confidence for a in analyses(items, set_engine(items, COMPANIES_FILE, m0))]
    }
    for name, stage in (loaded | more).items():
        engine = set_engine(items, COMPANIES_FILE, m0)
        scores[name] = [a.confidence for a in analyses(items, engine, stage)]
    scores["M0s"] = scores["M0"]
    thresholds = {name: stage.threshold for name, stage in (loaded | more).items()}
    thresholds |= {"M0": 0.39, "M0s": float(card.raw["choice"]["M0s_threshold"])}
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    order = ("M0", "M0s", "E", *more, *(n for n in loaded if n != "E"))  # M0 first: the baseline
    for name in order:
        path = out_dir / f"predictions_{name}.jsonl"
        f = {
            "file": str(path),
            "threshold": thresholds[name],
            "sha256": write(path, ids, scores[name]),
        }
        f["spec"] = f"{name}={f['file']}@{f['threshold']}@{f['sha256']}"
        files[name] = f
        print(f["spec"])
    meta = {
        "packet": str(packet),
        "packet_sha256": sha256(packet),
        "items": len(ids),
        "written": datetime.now(UTC).isoformat(),
        "card": str(card.path),
        "card_sha256": sha256(card.path),
        "models": {
            n: {"form": s.card.form, "file": str(s.card.model), "sha256": s.card.model_sha256}
            for n, s in (loaded | more).items()
        },
        "candidates": {
            n: {"card": str(s.card.path), "card_sha256": sha256(s.card.path)}
            for n, s in more.items()
        },
        "files": files,
    }
    (out_dir / "thresholds.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("packet", type=Path, help="the unlabelled packet (JSON Lines)")
    ap.add_argument("out_dir", type=Path, help="where the prediction files go")
    ap.add_argument("--models", type=Path, default=MODELS, help="folder of the other form's file")
    ap.add_argument(
        "--no-other-form",
        action="store_true",
        help="write E without its other form (whose model file is not committed)",
    )
    ap.add_argument("--card", type=Path, default=ENCODER_DIR, help="E's card (default: bundled)")
    ap.add_argument(
        "--candidate",
        action="append",
        default=[],
        metavar="NAME=CARD",
        help="another frozen stage by its own card (e.g. R4=/work/scratch/r4/R4/encoder.json)",
    )
    args = ap.parse_args()
    if not args.packet.is_file():
        ap.error(f"{args.packet}: no such packet")
    models = None if args.no_other_form else args.models
    predict(args.packet, args.out_dir, models, args.card, args.candidate)


if __name__ == "__main__":
    main()
