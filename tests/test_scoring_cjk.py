"""MZ, the CJK model (RULE_batch35's candidate): CJK runs read as character n-grams, one
definition for training and inference, M0 unchanged, and zh/ja/ko items routed to MZ at its
own threshold (with the encoder stage and without), with every bad file a logged fallback."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from core.bundled import COMPANIES_FILE, DEV_EVAL_FILE
from core.config import Settings
from core.runtime import App
from core.scoring import ScoringEngine
from core.scoring.evaluate import analyses, evaluate, load_companies, load_items, set_engine
from core.scoring.model import (
    BUNDLED_CJK_MODEL,
    BUNDLED_MODEL,
    CJK_LANGUAGES,
    ModelError,
    TGEModel,
    attach_cjk,
    cjk_item_text,
    cjk_model_for_setting,
    item_text,
    load_model,
    model_for_setting,
    ngrams,
    read_model,
)

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "core" / "data" / "labelled"
BATCH33 = LABELLED / "batch-2026-12-07-33.jsonl"

ZH_TITLE = "币安Alpha将上线XYZ代币（XYZ），TGE时间为12月8日"
ZH_TEXT = "空投已开放领取。详情见公告：「XYZ Network」代币生成事件"


def _spec(path: Path = BUNDLED_MODEL) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(tmp_path: Path, spec: Any, name: str = "m.json") -> Path:
    p = tmp_path / name
    p.write_text(spec if isinstance(spec, str) else json.dumps(spec), encoding="utf-8")
    return p


def _items(n: int = 40) -> list[dict[str, Any]]:
    keep = ("id", "title", "text", "date", "url")
    rows = load_items(DEV_EVAL_FILE)[:n] + load_items(BATCH33)[:n]
    return [{k: v for k, v in i.items() if k in keep} for i in rows]


# --- the text MZ reads its phrases from ----------------------------------------------------


def test_cjk_text_splits_cjk_runs_into_characters_and_never_across_punctuation() -> None:
    low, title_end = cjk_item_text(ZH_TITLE, ZH_TEXT)
    grams = ngrams(low, 2)
    assert {"币 安", "上 线", "空 投", "代 币", "时 间"} <= grams
    assert {"alpha", "xyz", "tge", "tge 时"} <= grams  # words beside CJK are words of their own
    assert "放 领" in grams and "取 详" not in grams  # 。 parts sentences
    assert "告 xyz" not in grams  # ：「 part phrases
    assert low[:title_end].split() == cjk_item_text(ZH_TITLE, "")[0].split()
    head = ngrams(low[:title_end], 2)
    assert "币 安" in head and "空 投" not in head


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("LayerZero's ZRO token: claims open, today!", "The $ZRO airdrop (1.28M wallets) is live."),
        ("", "no title here; just body text -- with  double  spaces\nand lines"),
        ("ALL CAPS HEADLINE ABOUT A TGE", ""),
    ],
)
def test_cjk_text_of_ascii_is_the_engines_text(title: str, text: str) -> None:
    assert cjk_item_text(title, text) == item_text(title, text)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (ZH_TITLE, ZH_TEXT),
        ("アップビット、新規トークンの上場を発表", "エアドロップは12月に開始。"),
        ("업비트 원화 마켓 상장", "에어드랍 일정: 12월 8일, TGE 예정"),
        ("", "空投TGE Hyperliquid (HYPE)，上线时间待定"),
    ],
)
def test_phrase_table_finds_exactly_the_training_cjk_ngrams(title: str, text: str) -> None:
    """Training's n-grams (train.row_features: ngrams of cjk_item_text) are what the phrase
    table finds at scoring time, in the whole text and in the headline."""
    low, title_end = cjk_item_text(title, text)
    grams = ngrams(low, 2)
    head = ngrams(low[:title_end], 2) if title_end else set()
    rows = [[g, 0.5, 0.25] for g in sorted(grams | {"空 气", "zzz"})]
    model = TGEModel({**_spec(), "phrases": rows, "features": {"ngram_max": 2, "cjk_ngrams": True}})
    a = ScoringEngine().analyze_rules(title, text)
    _z, parts = model.contributions(a, title, text)
    assert {n[2:] for _c, n in parts if n.startswith("w:")} == grams
    assert {n[3:] for _c, n in parts if n.startswith("tw:")} == head
    # the engine's own text and words (what the service passes) give the same sum
    seen: list[Any] = []
    ScoringEngine().analyze_rules(title, text, _low=seen)
    assert model.contributions(a, title, text, seen[0], words=seen[1])[0] == _z


def test_training_rows_read_the_same_cjk_ngrams() -> None:
    from core.scoring import train as tr

    a = ScoringEngine().analyze_rules(ZH_TITLE, ZH_TEXT)
    on = tr.row_features(a, ZH_TITLE, ZH_TEXT, tr.TrainConfig(features=("cjk",)))
    off = tr.row_features(a, ZH_TITLE, ZH_TEXT, tr.TrainConfig())
    low, title_end = cjk_item_text(ZH_TITLE, ZH_TEXT)
    assert {k[2:] for k in on if k.startswith("w:")} == ngrams(low, 2)
    assert {k[3:] for k in on if k.startswith("tw:")} == ngrams(low[:title_end], 2)
    # words only (M0's way): no phrase of CJK characters (the engine's keywords may be CJK)
    assert not any("空" in k for k in off if k.startswith(("w:", "tw:")))
    assert {k: v for k, v in on.items() if ":" not in k or k.split(":")[0] not in ("w", "tw")} == {
        k: v for k, v in off.items() if ":" not in k or k.split(":")[0] not in ("w", "tw")
    }


def test_a_cjk_phrase_is_written_as_in_the_text_in_the_why() -> None:
    rows = [["空 投", 3.0, 0.0]]
    spec = {**_spec(), "phrases": rows, "features": {"ngram_max": 2, "cjk_ngrams": True}}
    model = TGEModel(spec)
    a = model.apply(ScoringEngine().analyze_rules(ZH_TITLE, ZH_TEXT), ZH_TITLE, ZH_TEXT)
    assert any(e["detail"] == "says '空投'" for e in a.explanation)


# --- M0 unchanged ----------------------------------------------------------------------------


# the day the pinned digest below was computed (an undated item is scored against today)
PINNED_DAY = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_m0_scores_every_item_byte_for_byte_as_before() -> None:
    """M0's analyses (score, band, why) of 40 English and 40 Chinese items, as main b15bbda
    gave them before CJK n-grams existed (the sha256 of their JSON, computed there on
    2026-12-07: an undated item is scored against today, so the clock is held at that day, as
    scripts/scoring_snapshot.py holds it)."""
    items = _items()
    model = load_model()
    assert model is not None and not model.cjk and model.cjk_route is None
    with time_machine.travel(PINNED_DAY, tick=False):
        rows = [
            json.dumps(a.to_dict(), sort_keys=True)
            for a in analyses(items, set_engine(items, COMPANIES_FILE, model))
        ]
    assert sum(json.loads(r)["language"] in CJK_LANGUAGES for r in rows) == 40
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    assert digest == "2fdbf552c16101dc7a509a5d3adfc930394bfb9b415ced4ee4b453d227fb68aa"


def test_with_mz_attached_other_items_score_exactly_as_m0_alone() -> None:
    items = _items()
    alone = load_model()
    routed = model_for_setting("")
    assert routed is not None and routed.cjk_route is not None
    a0 = list(analyses(items, set_engine(items, COMPANIES_FILE, alone)))
    a1 = list(analyses(items, set_engine(items, COMPANIES_FILE, routed)))
    mz, threshold = routed.cjk_route
    assert threshold == mz.decision_threshold
    moved = 0
    for x, y in zip(a0, a1, strict=True):
        if x.language in CJK_LANGUAGES:
            assert y.judged_at == threshold
            assert any(mz.name in e["detail"] for e in y.explanation if e["signal"] == "model")
            moved += x.confidence != y.confidence
        else:
            assert y.to_dict() == x.to_dict() and y.judged_at is None
    assert moved  # MZ reads the Chinese items otherwise than M0


# --- the bundled MZ --------------------------------------------------------------------------


def test_bundled_mz_is_a_cjk_model_with_its_own_threshold_in_its_card() -> None:
    mz = read_model(BUNDLED_CJK_MODEL)
    spec = _spec(BUNDLED_CJK_MODEL)
    assert mz.cjk and spec["features"]["cjk_ngrams"] is True and mz.name == "tge-model-cjk"
    assert spec["card"]["decision_threshold"] == mz.decision_threshold
    assert 0.1 <= mz.decision_threshold <= 0.9
    assert spec["card"]["cv"]["cjk"]["n"] > 500  # the threshold was chosen on zh/ja/ko items
    assert spec["card"]["training"]["excluded_for_final_test"] > 0
    assert any(not row[0].isascii() for row in spec["phrases"])
    assert BUNDLED_CJK_MODEL.stat().st_size < 400_000


# --- loading: every bad file is one logged error and M0 for those items ---------------------


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("missing", "no model file at"),
        ("not json", "is not valid JSON"),
        ("words only", "does not read CJK n-grams"),
        ("bad flag", "features.cjk_ngrams must be true or false"),
        ("not a model", "not a tge-monitor model file"),
    ],
)
def test_unusable_cjk_model_is_one_logged_error_and_m0_scores_those_items(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, case: str, reason: str
) -> None:
    spec: Any = {
        "missing": None,
        "not json": "{not json",
        "words only": _spec(),
        "bad flag": {**_spec(), "features": {"ngram_max": 2, "cjk_ngrams": "yes"}},
        "not a model": {"format": "other"},
    }[case]
    path = tmp_path / "gone.json" if spec is None else _write(tmp_path, spec)
    caplog.set_level(logging.DEBUG, logger="core.scoring.model")
    assert cjk_model_for_setting(str(path)) is None
    lines = [r for r in caplog.records if r.name == "core.scoring.model"]
    assert len(lines) == 1 and lines[0].levelno == logging.ERROR
    assert reason in lines[0].getMessage() and "main model" in lines[0].getMessage()
    assert lines[0].exc_info is None  # no traceback
    model = model_for_setting("", str(path))
    assert model is not None and model.cjk_route is None
    engine = ScoringEngine(model=model)
    a = engine.analyze(ZH_TITLE, ZH_TEXT)
    assert a.judged_at is None
    assert a.to_dict() == ScoringEngine(model=load_model()).analyze(ZH_TITLE, ZH_TEXT).to_dict()


def test_cjk_model_setting_off_and_app_start_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="core.scoring.model")
    assert cjk_model_for_setting("none") is None
    off = model_for_setting("", "none")
    assert off is not None and off.cjk_route is None
    base = {"DATA_DIR": str(tmp_path), "SCORING_ENCODER": "off"}
    app = App(Settings.from_env(base, dotenv=False))
    route = app.scoring.model.cjk_route
    assert route is not None and route[0].name == "tge-model-cjk"
    assert app.scoring.analyze(ZH_TITLE, ZH_TEXT).judged_at == route[1]
    assert app.scoring.analyze("Acme TGE on May 3", "").judged_at is None
    env = {**base, "SCORING_MODEL_CJK": str(tmp_path / "nowhere.json")}
    caplog.clear()
    app = App(Settings.from_env(env, dotenv=False))
    assert app.scoring.model.cjk_route is None
    assert [r.levelno for r in caplog.records if "CJK" in r.getMessage()] == [logging.ERROR]
    # ALERT_THRESHOLD, set, is every item's threshold, the CJK model's too
    app = App(Settings.from_env({**base, "ALERT_THRESHOLD": "0.6"}, dotenv=False))
    assert app.scoring.model.cjk_route[1] == 0.6
    app = App(Settings.from_env({**base, "SCORING_MODEL": "none"}, dotenv=False))
    assert app.scoring.model is None


def test_attach_cjk_none_removes_the_route() -> None:
    model = model_for_setting("")
    assert model is not None and model.cjk_route is not None
    attach_cjk(model, None)
    assert model.cjk_route is None


def test_a_model_file_with_a_non_bool_cjk_flag_is_refused(tmp_path: Path) -> None:
    spec = {**_spec(), "features": {"ngram_max": 2, "cjk_ngrams": 1}}
    with pytest.raises(ModelError, match="cjk_ngrams"):
        read_model(_write(tmp_path, spec))


# --- eval and the encoder stage judge MZ's items at MZ's threshold --------------------------


def test_eval_judges_zh_items_at_mzs_threshold(tmp_path: Path) -> None:
    items = load_items(BATCH33)[:60]
    data = _write(tmp_path, "".join(json.dumps(i) + "\n" for i in items), "b.jsonl")
    model = model_for_setting("")
    mz_t = model.cjk_route[1]
    engine = set_engine(items, COMPANIES_FILE, model)
    got = list(analyses(items, engine))
    want_tp = sum(
        1
        for i, a in zip(items, got, strict=True)
        if i["is_tge"] and a.confidence >= (mz_t if a.language in CJK_LANGUAGES else 0.39)
    )
    want_fp = sum(
        1
        for i, a in zip(items, got, strict=True)
        if not i["is_tge"] and a.confidence >= (mz_t if a.language in CJK_LANGUAGES else 0.39)
    )
    report = evaluate(data, COMPANIES_FILE, 0.39, model=model)
    assert (report["tp"], report["fp"]) == (want_tp, want_fp)


class _Stage:
    """The encoder stage's unavailable path without its model files."""

    def __init__(self) -> None:
        from core.scoring.encoder import EncoderStage

        self.stage = object.__new__(EncoderStage)
        self.stage.threshold = 0.43
        self.stage.linear_threshold = 0.39


def test_encoder_stage_leaves_a_zh_item_at_mzs_threshold_and_others_at_m0s() -> None:
    stage = _Stage().stage
    model = model_for_setting("")
    engine = ScoringEngine(load_companies(COMPANIES_FILE), model=model)
    a = engine.analyze(ZH_TITLE, ZH_TEXT)
    assert a.language in CJK_LANGUAGES
    out = stage.unavailable(a, a.language)
    assert out.judged_at == model.cjk_route[1]
    assert f"{model.cjk_route[1]:.2f}" in " ".join(e["detail"] for e in out.explanation)
    b = stage.unavailable(engine.analyze("Acme TGE on May 3", ""))
    assert b.judged_at == 0.39


# --- the prediction script ------------------------------------------------------------------


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "stage_predict.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_stage_predict_refuses_a_labelled_packet(tmp_path: Path) -> None:
    packet = _write(tmp_path, json.dumps({"id": "x", "title": "t", "is_tge": True}) + "\n")
    proc = _script(str(packet), str(tmp_path / "out.jsonl"))
    assert proc.returncode != 0 and "holds labels (is_tge)" in proc.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_stage_predict_writes_the_products_predictions(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    keep = ("id", "title", "text", "date", "url")
    items = [{k: v for k, v in i.items() if k in keep} for i in load_items(BATCH33)[:6]]
    items += [{"id": "en-1", "title": "Acme announces its TGE on May 3", "text": "", "url": ""}]
    packet = _write(tmp_path, "".join(json.dumps(i) + "\n" for i in items), "p.jsonl")
    out = tmp_path / "out.jsonl"
    proc = _script(str(packet), str(out))
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [i["id"] for i in items]
    assert all(set(r) == {"id", "score", "threshold", "language"} for r in rows)
    mz = read_model(BUNDLED_CJK_MODEL)
    for r in rows:
        if r["language"] in CJK_LANGUAGES:
            assert r["threshold"] == mz.decision_threshold
    assert rows[-1]["language"] == "en" and rows[-1]["threshold"] != mz.decision_threshold
    digest = hashlib.sha256(BUNDLED_CJK_MODEL.read_bytes()).hexdigest()
    assert f"{digest}  {BUNDLED_CJK_MODEL}" in proc.stdout
