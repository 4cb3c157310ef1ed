"""The shipped stage's predictions on an unlabelled packet (RULE_batch35).

    python scripts/stage_predict.py PACKET OUT.jsonl

writes ``{"id", "score", "threshold", "language"}`` a line, in the packet's order, as the
product scores each item (``core.scoring.evaluate.analyses``: the bundled linear model as
``SCORING_MODEL`` unset loads it, then the bundled encoder stage, as ``eval --encoder`` builds
them): ``threshold`` is the one the item is judged at (``Analysis.threshold``), ``language`` the
engine's detection. Run on main (b15bbda) it gives R8L's predictions (S0); with the CJK model
beside the linear one (``SCORING_MODEL_CJK`` unset loads it), S1's. Prints the sha256 of every
model and card file used. A packet holding any label (is_tge, label, labels, readers) is
refused. The environment's SCORING_* and ALERT_THRESHOLD settings are not read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.bundled import COMPANIES_FILE  # noqa: E402
from core.scoring.encoder import (  # noqa: E402
    ENCODER_DIR,
    EncoderStage,
    check_partner,
    file_sha256,
    read_card,
)
from core.scoring.evaluate import analyses, load_items, set_engine  # noqa: E402
from core.scoring.model import BUNDLED_MODEL, alert_threshold, model_for_setting  # noqa: E402

LABEL_KEYS = ("is_tge", "label", "labels", "readers")


def predict(packet: Path, out: Path) -> dict[str, str]:
    """Write the predictions; return {file: sha256} of the model and card files used."""
    items = load_items(packet)
    labelled = sorted({k for i in items for k in LABEL_KEYS if k in i})
    if labelled:
        raise SystemExit(f"{packet}: holds labels ({', '.join(labelled)}): not a packet")
    model = model_for_setting("")  # the bundled model(s), as the service with no setting
    if model is None:
        raise SystemExit(f"refused: no usable model at {BUNDLED_MODEL}")
    card = read_card(ENCODER_DIR)
    check_partner(card, BUNDLED_MODEL)
    stage = EncoderStage.from_card(card)
    # as eval --encoder and the service: what the stage leaves to the linear model is judged
    # at the linear model's threshold, the rest at the stage's
    stage.linear_threshold = alert_threshold(None, model)
    engine = set_engine(items, COMPANIES_FILE, model)
    with out.open("w", encoding="utf-8") as f:
        for item, a in zip(items, analyses(items, engine, stage), strict=True):
            row = {
                "id": str(item["id"]),
                "score": a.confidence,
                "threshold": a.threshold(stage.threshold),
                "language": a.language,
            }
            f.write(json.dumps(row) + "\n")
    used = [BUNDLED_MODEL, card.path, card.model, card.tokenizer]
    route = getattr(model, "cjk_route", None)  # the CJK model beside it (absent on main)
    if route is not None:
        from core.scoring.model import BUNDLED_CJK_MODEL

        used.insert(1, BUNDLED_CJK_MODEL)
    return {str(p): file_sha256(p) or "missing" for p in used}


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit("usage: python scripts/stage_predict.py PACKET OUT.jsonl")
    packet, out = Path(sys.argv[1]), Path(sys.argv[2])
    if not packet.is_file():
        raise SystemExit(f"{packet}: no such packet")
    for path, digest in predict(packet, out).items():
        print(f"{digest}  {path}")
    print(f"{file_sha256(out)}  {out}")


if __name__ == "__main__":
    main()
