"""The optional encoder second stage (core.scoring.encoder, SCORING_ENCODER): what it does with
its committed model, and that every way it can fail to load leaves the linear model scoring
alone with one clear line (or, when asked for with ``on``, a clear start-up error)."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import math
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings, SettingsError
from core.errors import StartupError
from core.runtime import App
from core.scoring.encoder import (
    ENCODER_DIR,
    EncoderError,
    EncoderStage,
    item_input,
    mean_score,
    platt,
    read_card,
    said,
    stage_for_setting,
)
from core.scoring.engine import Analysis
from core.scoring.model import BUNDLED_MODEL

ROOT = Path(__file__).resolve().parent.parent
CARD = ENCODER_DIR / "encoder.json"
HAVE_RUNTIME = all(
    __import__("importlib").util.find_spec(m) is not None for m in ("onnxruntime", "tokenizers")
)
needs_model = pytest.mark.skipif(
    not (HAVE_RUNTIME and CARD.is_file()), reason="needs the [encoder] extra and the model"
)


def _copy_stage(tmp_path: Path) -> Path:
    """The committed card, model and tokenizer copied into tmp_path (to be broken there)."""
    card = read_card(CARD)
    for f in (card.path, card.model, card.tokenizer):
        shutil.copyfile(f, tmp_path / f.name)
    return tmp_path / CARD.name


def _fake_card(tmp_path: Path, blob: bytes = b"x", **over: Any) -> Path:
    """A well-formed card over a made-up model file (for the paths that fail before use)."""
    import hashlib

    (tmp_path / "m.onnx").write_bytes(blob)
    tok = b"{}"
    if HAVE_RUNTIME:  # a real (tiny) tokenizer, so the model file is what fails
        from tokenizers import Tokenizer
        from tokenizers.models import WordLevel
        from tokenizers.pre_tokenizers import Whitespace

        t = Tokenizer(WordLevel({"[UNK]": 0, "token": 1}, unk_token="[UNK]"))
        t.pre_tokenizer = Whitespace()
        tok = t.to_str().encode()
    (tmp_path / "tokenizer.json").write_bytes(tok)
    sha = lambda b: hashlib.sha256(b).hexdigest()  # noqa: E731
    spec = {
        "format": 1,
        "name": "E",
        "form": "int8",
        "model": {"file": "m.onnx", "sha256": sha(blob)},
        "tokenizer": {"file": "tokenizer.json", "sha256": sha(tok)},
        "reading": {"max_len": 64, "pad_to": 128},
        "partner": {"file": BUNDLED_MODEL.name, "sha256": sha(BUNDLED_MODEL.read_bytes())},
        "calibration": {"a": 1.0, "b": 0.0},
        "threshold": 0.4,
    } | over
    path = tmp_path / "encoder.json"
    path.write_text(json.dumps(spec))
    return path


# --- pure parts: the combination, the calibration, the words -------------------------------


def test_the_stage_score_is_the_plain_mean_then_platt() -> None:
    assert mean_score(0.2, 0.6) == pytest.approx(0.4)
    assert platt(0.5, 1.3, 0.0) == pytest.approx(0.5)
    s = mean_score(0.3, 0.9)
    expect = 1 / (1 + math.exp(-(1.1 * math.log(s / (1 - s)) + 0.6)))
    assert platt(s, 1.1, 0.6) == pytest.approx(expect)


def test_a_card_may_weight_the_encoder_more_than_the_linear_model(tmp_path: Path) -> None:
    """``calibration.encoder_weight`` (R8w's 0.8): s = w p_encoder + (1 - w) p_linear; a card
    without it is the plain mean, as every card before it was fit."""
    assert mean_score(0.2, 0.6, 0.8) == pytest.approx(0.8 * 0.6 + 0.2 * 0.2)
    assert mean_score(0.2, 0.6, 1.0) == pytest.approx(0.6)
    assert mean_score(0.3, 0.7, 0.5) == mean_score(0.3, 0.7)
    assert read_card(_fake_card(tmp_path)).encoder_weight == 0.5
    card = read_card(_fake_card(tmp_path, calibration={"a": 1.0, "b": 0.0, "encoder_weight": 0.8}))
    assert card.encoder_weight == 0.8
    for bad in (0, 0.0, -0.1, 1.5, "0.8", True, None):
        with pytest.raises(EncoderError, match="encoder_weight"):
            read_card(_fake_card(tmp_path, calibration={"a": 1.0, "b": 0.0, "encoder_weight": bad}))


def test_calibration_is_monotone_and_clipped() -> None:
    xs = [0.0, 1e-9, 1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-9, 1.0]
    ps = [platt(x, 1.1, 0.6) for x in xs]
    assert all(b >= a for a, b in itertools.pairwise(ps))
    assert ps[0] == ps[1] == ps[2] and ps[-1] == ps[-2]  # clipped to [1e-6, 1 - 1e-6] alike
    assert all(0.0 < p < 1.0 for p in ps)
    assert platt(-50.0, 80.0, -900.0) >= 0.0  # no overflow far out


def test_the_encoders_part_in_plain_words() -> None:
    assert said(0.823) == "the text model reads this as a launch announcement: 0.82"
    assert said(0.12) == "the text model does not read this as a launch announcement: 0.12"


def test_items_are_read_as_the_recipe_reads_them() -> None:
    assert item_input("Acme TGE", "Acme TGE: claims open  Monday") == "Acme TGE. claims open Monday"
    assert item_input("", "only text") == "only text"
    assert item_input("Only a headline", "") == "Only a headline"
    sys.path.insert(0, str(ROOT / "scripts"))
    import embedding_experiment

    assert embedding_experiment.item_input is item_input  # one reading, the product's


# --- settings ----------------------------------------------------------------------------------


def test_scoring_encoder_setting_is_validated_with_a_clear_message(tmp_path: Path) -> None:
    base = {"DATA_DIR": str(tmp_path)}
    # on by default where it can load (RULE_batch19 held); a test process pins "off" (conftest)
    assert Settings.from_env(base, dotenv=False).scoring_encoder == "auto"
    assert Settings().scoring_encoder == "auto"
    assert (
        Settings.from_env(base | {"SCORING_ENCODER": " Auto "}, dotenv=False).scoring_encoder
        == "auto"
    )
    with pytest.raises(
        SettingsError, match=r"SCORING_ENCODER must be one of off, auto, on, got 'yes'"
    ):
        Settings.from_env(base | {"SCORING_ENCODER": "yes"}, dotenv=False)


# --- loading: every failure is one line and the linear model alone ------------------------------


def _one_line(caplog: pytest.LogCaptureFixture) -> str:
    lines = [r.getMessage() for r in caplog.records if r.name == "core.scoring.encoder"]
    assert len(lines) == 1, lines
    assert "\n" not in lines[0] and "scoring with the linear model alone" in lines[0]
    return lines[0]


def test_extra_missing_gives_one_line_and_the_linear_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # as if not installed
    card = _fake_card(tmp_path)
    assert stage_for_setting("auto", str(card), BUNDLED_MODEL) is None
    line = _one_line(caplog)
    assert "[encoder] extra" in line and "pip install 'tge-monitor[encoder]'" in line
    with pytest.raises(StartupError, match=r"SCORING_ENCODER=on .*\[encoder\] extra"):
        stage_for_setting("on", str(card), BUNDLED_MODEL)


@pytest.mark.skipif(not HAVE_RUNTIME, reason="needs the [encoder] extra")
@pytest.mark.parametrize(
    ("breakage", "says"),
    [
        ("no card", "no encoder card at"),
        ("no model", "no encoder model file at"),
        ("corrupt", "onnxruntime cannot read it"),
        ("sha", "sha256 is not the one its card names"),
        ("bad card", "not valid JSON"),
        ("other partner", "another linear model"),
    ],
)
def test_each_load_failure_is_one_line_and_the_linear_model(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, breakage: str, says: str
) -> None:
    caplog.set_level(logging.INFO, logger="core.scoring.encoder")
    card = _fake_card(tmp_path, blob=b"\x08\x07 not an onnx graph")
    partner: Path = BUNDLED_MODEL
    if breakage == "no card":
        card.unlink()
    elif breakage == "no model":
        (tmp_path / "m.onnx").unlink()
    elif breakage == "sha":
        (tmp_path / "m.onnx").write_bytes(b"another file")
    elif breakage == "bad card":
        card.write_text("{not json")
    elif breakage == "other partner":
        partner = tmp_path / "other-model.json"
        partner.write_text("{}")
    assert stage_for_setting("auto", str(card), partner) is None
    assert says in _one_line(caplog)
    with pytest.raises(StartupError) as err:
        stage_for_setting("on", str(card), partner)
    assert says in err.value.message and "\n" not in err.value.message


def test_off_loads_nothing_and_rules_only_cannot_pair(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert stage_for_setting("off", str(tmp_path / "nowhere"), BUNDLED_MODEL) is None
    assert not [r for r in caplog.records if r.name == "core.scoring.encoder"]
    card = _fake_card(tmp_path)
    assert stage_for_setting("auto", str(card), None) is None
    assert "SCORING_MODEL=none" in _one_line(caplog)


def test_card_fields_are_checked(tmp_path: Path) -> None:
    with pytest.raises(EncoderError, match="threshold must lie between 0 and 1"):
        read_card(_fake_card(tmp_path, threshold=1.5))
    with pytest.raises(EncoderError, match="a > 0"):
        read_card(_fake_card(tmp_path, calibration={"a": -1.0, "b": 0.0}))
    with pytest.raises(EncoderError, match="beside the card"):
        read_card(_fake_card(tmp_path, model={"file": "../m.onnx", "sha256": "0" * 64}))
    with pytest.raises(EncoderError, match="format 1"):
        read_card(_fake_card(tmp_path, format=2))


def test_app_with_encoder_on_and_no_model_stops_with_a_clear_error(tmp_path: Path) -> None:
    env = {
        "DATA_DIR": str(tmp_path),
        "SCORING_ENCODER": "on",
        "SCORING_ENCODER_MODEL": str(tmp_path / "nowhere"),
    }
    with pytest.raises(StartupError, match="SCORING_ENCODER=on but the encoder stage cannot"):
        App(Settings.from_env(env, dotenv=False))
    env["SCORING_ENCODER"] = "auto"
    app = App(Settings.from_env(env, dotenv=False))
    assert app.encoder is None and app.settings.alert_threshold == 0.39  # M0 alone, its own


# --- the committed model, through the product's path --------------------------------------------


def test_the_committed_model_is_r8() -> None:
    """The committed stage is R8 (RULE_batch24 held on batch 24): the recipe on corpus + batches
    4-22, read unpadded (as R7u since RULE_batch23), its files byte for byte the frozen ones the
    decisions log records (card e3d76de6..., int8 270d636c..., 10:15:26 UTC; tokenizer unchanged
    since E), with the Platt values and threshold its card was fit with."""
    import hashlib

    def sha(name: str) -> str:
        return hashlib.sha256((ENCODER_DIR / name).read_bytes()).hexdigest()

    assert sha("encoder.json") == (
        "e3d76de6e6582219e8cda3e7be907031847b83cd92fbff333587165c153ff3d4"
    )
    assert sha("encoder-int8.onnx") == (
        "270d636c4dfa1c878233fff4860d600361ed8e64b480ab30dbdef18419b740ca"
    )
    assert sha("tokenizer.json") == (
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
    )
    card = read_card(CARD)
    assert (card.name, card.threshold, card.pad_to) == ("R8", 0.43, 0)
    assert (round(card.platt_a, 4), round(card.platt_b, 4)) == (1.5021, 0.3953)
    assert card.raw["form"] == "int8" and card.raw["choice"]["rule"] == "RULE_batch24"


@needs_model
def test_committed_files_are_the_cards() -> None:
    stage = EncoderStage.load(ENCODER_DIR)  # sha256 of model and tokenizer checked
    card = stage.card.raw
    assert card["threshold"] == stage.threshold and 0.1 <= stage.threshold <= 0.9
    assert (
        card["partner"]["sha256"]
        == __import__("hashlib").sha256(BUNDLED_MODEL.read_bytes()).hexdigest()
    )
    for f in card["training_data"]:
        assert (
            __import__("hashlib").sha256((ROOT / f["file"]).read_bytes()).hexdigest() == f["sha256"]
        ), f["file"]


@needs_model
def test_stage_end_to_end_on_real_labelled_items() -> None:
    """Real items of a shaped set: the stage's confidence is Platt's map of the mean of M0's
    and the encoder's probabilities, the encoder's part is at the head of the explanation and
    in the why, and a score does not depend on what was read before it."""
    from core.bundled import COMPANIES_FILE
    from core.scoring.evaluate import analyses, load_items, set_engine
    from core.scoring.model import read_model

    stage = EncoderStage.load(ENCODER_DIR)
    items = load_items(ROOT / "core/data/labelled/batch-2026-12-07-12.jsonl")[:12]
    m0 = read_model(BUNDLED_MODEL)
    linear = [a.confidence for a in analyses(items, set_engine(items, COMPANIES_FILE, m0))]
    staged = list(analyses(items, set_engine(items, COMPANIES_FILE, m0), stage))
    card = stage.card
    for item, p0, a in zip(items, linear, staged, strict=True):
        pe = stage.p_encoder(item["title"] or "", item["text"] or "")
        assert 0.0 <= pe <= 1.0
        want = platt((p0 + pe) / 2, card.platt_a, card.platt_b)
        assert a.confidence == pytest.approx(want, abs=5e-4)
        head = a.explanation[0]
        assert head["signal"] == "encoder" and head["detail"] == said(pe)
        assert said(pe) in a.why()
    again = list(analyses(items[::-1], set_engine(items, COMPANIES_FILE, m0), stage))[::-1]
    assert [a.confidence for a in again] == [a.confidence for a in staged]
    assert len({a.confidence for a in staged}) > 3  # it reads the items, not a constant


@needs_model
def test_rescore_async_runs_off_the_loop_and_keeps_the_score() -> None:
    stage = EncoderStage.load(ENCODER_DIR)
    title = "Acme announces its token generation event"
    a = Analysis(confidence=0.5, band="medium")
    b = Analysis(confidence=0.5, band="medium")

    async def run() -> Analysis:
        return await stage.rescore_async(a, title, "Claims open on March 3.")

    try:
        got = asyncio.run(run())
    finally:
        stage.close()
    assert got.confidence == stage.rescore(b, title, "Claims open on March 3.").confidence


@needs_model
def test_app_with_encoder_auto_uses_the_stage_and_its_threshold(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path), "SCORING_ENCODER": "auto"}
    app = App(Settings.from_env(env, dotenv=False))
    assert app.encoder is not None
    assert app.settings.alert_threshold == read_card(CARD).threshold
    env["ALERT_THRESHOLD"] = "0.6"  # the operator's threshold still wins
    assert App(Settings.from_env(env, dotenv=False)).settings.alert_threshold == 0.6


@needs_model
def test_eval_with_the_encoder_stage(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tge_monitor.cli import main

    for k in ("ALERT_THRESHOLD", "SCORING_MODEL", "SCORING_ENCODER_MODEL"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["eval", "--json", "--encoder"]) == 0
    out = json.loads(capsys.readouterr().out)
    card = read_card(CARD)
    assert out["threshold"] == card.threshold and out["scorer"].endswith(f"+ {card.name}")
    assert main(["eval", "--json", "--encoder", str(tmp_path / "nowhere")]) == 1
    assert "--encoder: no encoder card at" in capsys.readouterr().err


# --- the fresh batches' predictor and the bench ---------------------------------------------------


def _packet(tmp_path: Path, n: int = 6, labelled: bool = False) -> Path:
    from core.scoring.evaluate import load_items

    items = load_items(ROOT / "core/data/labelled/batch-2026-12-07-11.jsonl")[:n]
    keep = ("id", "title", "text", "date", "url")
    rows = [
        {k: i.get(k) for k in keep} | ({"is_tge": i["is_tge"]} if labelled else {}) for i in items
    ]
    path = tmp_path / "packet.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _predict_module() -> Any:
    sys.path.insert(0, str(ROOT / "scripts"))
    import encoder_predict

    return encoder_predict


@needs_model
def test_predict_writes_batch7_files_from_the_product_path(tmp_path: Path) -> None:
    """With the other form stood in by the committed file (its sha256 in a copied card), the
    four files come out in the packet's order, E's scores are the product's confidences, and
    thresholds.json holds each NAME=FILE@THRESHOLD@SHA256."""
    ep = _predict_module()
    card_path = _copy_stage(tmp_path)
    card = json.loads(card_path.read_text())
    card["other_form"] |= {"file": card["model"]["file"], "sha256": card["model"]["sha256"]}
    card_path.write_text(json.dumps(card))
    packet = _packet(tmp_path)
    meta = ep.predict(packet, tmp_path / "out", tmp_path, card_path)
    ids = [json.loads(x)["id"] for x in packet.read_text().splitlines()]
    assert list(meta["files"]) == ["M0", "M0s", "E", f"E{card['other_form']['form']}"]
    for name, f in meta["files"].items():
        rows = [json.loads(x) for x in Path(f["file"]).read_text().splitlines()]
        assert [r["id"] for r in rows] == ids and set(rows[0]) == {"id", "score"}
        assert f["spec"] == f"{name}={f['file']}@{f['threshold']}@{f['sha256']}"
    assert meta["files"]["E"]["threshold"] == card["threshold"]
    assert meta["files"]["M0"]["threshold"] == 0.39
    assert meta["files"]["M0s"]["threshold"] == card["choice"]["M0s_threshold"]
    stage = EncoderStage.load(card_path)
    from core.bundled import COMPANIES_FILE
    from core.scoring.evaluate import analyses, load_items, set_engine
    from core.scoring.model import read_model

    items = load_items(packet)
    engine = set_engine(items, COMPANIES_FILE, read_model(BUNDLED_MODEL))
    want = [a.confidence for a in analyses(items, engine, stage)]
    got = [
        json.loads(x)["score"] for x in Path(meta["files"]["E"]["file"]).read_text().splitlines()
    ]
    assert got == want
    assert json.loads((tmp_path / "out" / "thresholds.json").read_text())["items"] == len(ids)


@needs_model
def test_predict_without_the_other_form_writes_m0_and_e_only(tmp_path: Path) -> None:
    """With no folder for the uncommitted other form (``--no-other-form``), E and the baselines
    are written from the committed files alone, E's the same scores as with the other form."""
    ep = _predict_module()
    card_path = _copy_stage(tmp_path)
    packet = _packet(tmp_path)
    meta = ep.predict(packet, tmp_path / "out", None, card_path)
    assert list(meta["files"]) == ["M0", "M0s", "E"]
    assert list(meta["models"]) == ["E"]
    card = json.loads(card_path.read_text())
    card["other_form"] |= {"file": card["model"]["file"], "sha256": card["model"]["sha256"]}
    card_path.write_text(json.dumps(card))
    both = ep.predict(packet, tmp_path / "out2", tmp_path, card_path)
    assert both["files"]["E"]["sha256"] == meta["files"]["E"]["sha256"]


@needs_model
def test_predict_refuses_other_files_and_labelled_packets(tmp_path: Path) -> None:
    ep = _predict_module()
    card_path = _copy_stage(tmp_path)
    (tmp_path / "encoder-fp32.onnx").write_bytes(b"not the frozen fp32 file")
    with pytest.raises(SystemExit, match="sha256 is not the one its card names"):
        ep.predict(_packet(tmp_path), tmp_path / "out", tmp_path, card_path)
    assert not (tmp_path / "out").exists()
    (tmp_path / read_card(card_path).model.name).write_bytes(b"another int8 file")
    with pytest.raises(SystemExit, match="sha256 is not the one its card names"):
        ep.predict(_packet(tmp_path), tmp_path / "out", tmp_path, card_path)
    card_path = _copy_stage(tmp_path)
    card = json.loads(card_path.read_text())
    card["other_form"] |= {"file": card["model"]["file"], "sha256": card["model"]["sha256"]}
    card_path.write_text(json.dumps(card))
    with pytest.raises(SystemExit, match="holds labels"):
        ep.predict(_packet(tmp_path, labelled=True), tmp_path / "out", tmp_path, card_path)
    assert not (tmp_path / "out").exists()


@needs_model
def test_bench_encoder_reports_its_figures() -> None:
    from core.scoring.encoder_bench import bench_encoder

    r = bench_encoder(items=3)
    for key in ("items_per_s", "ms_per_item_p50", "ms_per_item_p95", "load_ms", "rss_growth_mb"):
        assert isinstance(r[key], (int, float)) and r[key] >= 0, key
    assert r["form"] == read_card(CARD).form and r["scored"] >= 3


# --- an item the encoder cannot read: the linear score at the linear threshold ------------------


class _BrokenTokenizer:
    """Reading this item fails (a tokenizer or session error on one item, not at load)."""

    def encode(self, text: str) -> Any:
        raise RuntimeError("cannot read this item")


def _broken_stage(tmp_path: Path, linear_threshold: float | None = 0.39) -> EncoderStage:
    stage = EncoderStage(read_card(_fake_card(tmp_path, threshold=0.29)), None, _BrokenTokenizer())
    stage.linear_threshold = linear_threshold
    return stage


def test_an_item_the_encoder_cannot_read_is_judged_at_the_linear_threshold(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """It keeps the linear model's score and is judged at the linear model's threshold (0.39),
    not the stage's (0.29: a threshold for the calibrated mean); the why says the text model
    was unavailable; the stored analysis keeps it."""
    stage = _broken_stage(tmp_path)
    a = Analysis(confidence=0.35, band="low")
    with caplog.at_level(logging.WARNING, logger="core.scoring.encoder"):
        got = asyncio.run(stage.rescore_async(a, "Acme token", ""))
    stage.close()
    assert got.confidence == 0.35 and got.judged_at == 0.39
    assert got.threshold(stage.threshold) == 0.39  # 0.35 is not an alert
    assert "text model was unavailable for this item" in got.why()
    assert got.explanation[0]["signal"] == "encoder" and "0.39" in got.explanation[0]["detail"]
    assert Analysis.from_dict(got.to_dict()).judged_at == 0.39
    assert "encoder stage skipped an item" in caplog.text
    plain = Analysis(confidence=0.35, band="low")  # a read item: the service's threshold
    assert plain.judged_at is None and plain.threshold(0.29) == 0.29
    assert "judged_at" not in plain.to_dict()


async def test_ingest_judges_an_unread_item_at_the_linear_threshold(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through ingest: with the stage's threshold 0.29 in force, an item the encoder could not
    read at M0 0.35 is stored, not alerted; at M0 0.45 it is alerted."""
    from dataclasses import replace

    from core.models import Alert
    from core.monitors.base import RawItem
    from core.monitors.ingest import Ingestor

    app.encoder = _broken_stage(tmp_path)
    app.settings = replace(app.settings, alert_threshold=0.29)
    scores = {"Quiet market day for Acme": 0.35, "Acme opens its token claim": 0.45}
    monkeypatch.setattr(
        app.scoring, "analyze", lambda title, *a, **k: Analysis(scores[title], "low")
    )
    try:
        stats = await Ingestor(app).ingest(
            None, [RawItem(guid=f"g{n}", title=t, url="") for n, t in enumerate(scores)]
        )
    finally:
        app.encoder.close()
        app.encoder = None
    assert (stats.new, len(stats.alerts)) == (2, 1)
    alert = await Alert.first()
    assert alert.title == "Acme opens its token claim" and alert.analysis["judged_at"] == 0.39


@needs_model
def test_app_gives_the_stage_the_linear_models_threshold(tmp_path: Path) -> None:
    env = {"DATA_DIR": str(tmp_path), "SCORING_ENCODER": "auto"}
    app = App(Settings.from_env(env, dotenv=False))
    assert app.encoder is not None and app.encoder.linear_threshold == 0.39
    env["ALERT_THRESHOLD"] = "0.6"  # the operator's threshold for every item
    assert App(Settings.from_env(env, dotenv=False)).encoder.linear_threshold == 0.6


@needs_model
def test_predict_adds_a_candidate_from_its_own_card(tmp_path: Path) -> None:
    """``--candidate R4=CARD`` (RULE_batch16): its file comes right after E, at its card's
    threshold, scored by the product's path (here the committed card stands in for R4, so its
    scores are E's); a taken name or a missing card is refused before anything is written."""
    ep = _predict_module()
    card_path = _copy_stage(tmp_path)
    card = json.loads(card_path.read_text())
    card["other_form"] |= {"file": card["model"]["file"], "sha256": card["model"]["sha256"]}
    card_path.write_text(json.dumps(card))
    packet = _packet(tmp_path, n=3)
    meta = ep.predict(packet, tmp_path / "out", tmp_path, card_path, [f"R4={CARD}"])
    assert list(meta["files"]) == ["M0", "M0s", "E", "R4", f"E{card['other_form']['form']}"]
    assert meta["files"]["R4"]["threshold"] == read_card(CARD).threshold
    read = lambda n: Path(meta["files"][n]["file"]).read_text()  # noqa: E731
    assert read("R4") == read("E")
    assert meta["candidates"]["R4"]["card"] == str(CARD)
    for bad, message in (("E=" + str(CARD), "name is taken"), ("R4=/nonexistent", "no card")):
        with pytest.raises(SystemExit, match=message):
            ep.predict(packet, tmp_path / "out2", tmp_path, card_path, [bad])
    assert not (tmp_path / "out2").exists()


# --- R8L: an item in a language the text model does not read keeps the linear model's analysis --

# Short real-looking items in each CJK language (issue 11: the stage read 459 Chinese news
# articles far below the linear model, batch 33)
CJK_ITEMS = {
    "zh": (
        "Binance Alpha 将上线 ROBO，空投领取今日开放",
        "Binance Alpha 平台宣布今日上线 ROBO 代币，符合条件的用户可领取空投。",
        "Chinese",
    ),
    "ja": (
        "Binance Alpha、ROBOを上場へ　エアドロップの受け取りは本日開始",
        "Binance Alphaは本日、ROBOトークンの取り扱いを開始すると発表した。",
        "Japanese",
    ),
    "ko": (
        "바이낸스 알파, ROBO 상장… 에어드롭 오늘부터 수령 가능",
        "바이낸스 알파가 오늘 ROBO 토큰을 상장하고 에어드롭 수령을 시작한다고 밝혔다.",
        "Korean",
    ),
}
ENGLISH_ITEM = ("Binance Alpha to list ROBO, airdrop claims open today", "Claims open at 12:00.")


class _CountingSession:
    """The stage's real session, counting its runs (an unread item must cost none)."""

    def __init__(self, session: Any) -> None:
        self.session, self.runs = session, 0

    def run(self, *args: Any) -> Any:
        self.runs += 1
        return self.session.run(*args)


def _linear_engine() -> Any:
    from core.scoring.engine import ScoringEngine
    from core.scoring.model import read_model

    return ScoringEngine(model=read_model(BUNDLED_MODEL))


def _counted_stage() -> tuple[EncoderStage, _CountingSession]:
    stage = EncoderStage.load(ENCODER_DIR)
    stage.linear_threshold = 0.39  # as core.runtime.App sets it
    counted = _CountingSession(stage.session)
    stage.session = counted
    return stage, counted


def test_a_card_says_which_languages_its_model_does_not_read(tmp_path: Path) -> None:
    """``skips_languages``: absent (every card so far, the committed one too) zh, ja and ko;
    else a list of the codes the engine detects; anything else is the card's clear error."""
    from core.scoring.language import CJK_LANGUAGES

    assert read_card(CARD).skips_languages == CJK_LANGUAGES == {"zh", "ja", "ko"}
    assert "skips_languages" not in read_card(CARD).raw  # the committed card is unchanged
    assert read_card(_fake_card(tmp_path, skips_languages=["zh"])).skips_languages == {"zh"}
    assert read_card(_fake_card(tmp_path, skips_languages=[])).skips_languages == frozenset()
    for bad in ("zh", ["zh", 3], None, {"zh": True}):
        with pytest.raises(EncoderError, match="'skips_languages' must be a list of language"):
            read_card(_fake_card(tmp_path, skips_languages=bad))
    with pytest.raises(EncoderError, match=r"'skips_languages' names unknown .*\['cn'\]"):
        read_card(_fake_card(tmp_path, skips_languages=["zh", "cn"]))
    with pytest.raises(StartupError, match="skips_languages"):
        stage_for_setting("on", str(_fake_card(tmp_path, skips_languages="zh")), BUNDLED_MODEL)


@needs_model
@pytest.mark.parametrize("code", list(CJK_ITEMS))
def test_a_cjk_item_keeps_the_linear_models_analysis_and_is_not_read(code: str) -> None:
    """A Chinese, Japanese or Korean item: the linear model's score, band and reasons, judged at
    the linear model's threshold, the why saying so in words; the session never runs."""
    title, text, name = CJK_ITEMS[code]
    engine = _linear_engine()
    linear = engine.analyze(title, text)
    assert linear.language == code
    stage, counted = _counted_stage()
    got = stage.rescore(engine.analyze(title, text), title, text)
    assert counted.runs == 0
    assert (got.confidence, got.band, got.judged_at) == (linear.confidence, linear.band, 0.39)
    head, *rest = got.explanation
    assert head == {
        "signal": "encoder",
        "detail": f"this item is in {name}, which the text model does not read: scored by the"
        " linear model alone, judged at its threshold 0.39",
        "delta": 0.0,
    }
    assert rest == linear.explanation
    assert got.to_dict() == linear.to_dict() | {
        "explanation": [head, *linear.explanation],
        "judged_at": 0.39,
    }
    assert head["detail"] in got.why()


@needs_model
def test_an_english_item_is_read_as_before() -> None:
    """The stage's own score and line: the session runs once, nothing judged apart."""
    title, text = ENGLISH_ITEM
    engine = _linear_engine()
    linear = engine.analyze(title, text)
    assert linear.language == "en"
    stage, counted = _counted_stage()
    pe = stage.p_encoder(title, text)
    counted.runs = 0
    got = stage.rescore(engine.analyze(title, text), title, text)
    assert counted.runs == 1 and got.judged_at is None
    want = platt((linear.confidence + pe) / 2, stage.card.platt_a, stage.card.platt_b)
    assert got.confidence == pytest.approx(want, abs=5e-4)
    assert got.explanation[0]["detail"] == said(pe) and got.explanation[1:] == linear.explanation


@needs_model
def test_rescore_async_does_not_read_a_cjk_item_either() -> None:
    """No session run and no thread hop (the worker is not even started); the same analysis
    as ``rescore``; an English item still goes through the worker."""
    title, text, _ = CJK_ITEMS["zh"]
    engine = _linear_engine()
    stage, counted = _counted_stage()
    try:
        got = asyncio.run(stage.rescore_async(engine.analyze(title, text), title, text))
        assert counted.runs == 0 and stage._executor is None
        want = stage.rescore(engine.analyze(title, text), title, text)
        assert got.to_dict() == want.to_dict() and got.judged_at == 0.39
        asyncio.run(stage.rescore_async(engine.analyze(*ENGLISH_ITEM), *ENGLISH_ITEM))
        assert counted.runs == 1 and stage._executor is not None
    finally:
        stage.close()


@needs_model
def test_a_card_that_skips_no_language_reads_a_chinese_item(tmp_path: Path) -> None:
    """What is skipped is the card's: with ``skips_languages: []`` the Chinese item is read."""
    card_path = _copy_stage(tmp_path)
    card = json.loads(card_path.read_text())
    card_path.write_text(json.dumps(card | {"skips_languages": []}))
    stage = EncoderStage.load(card_path)
    counted = _CountingSession(stage.session)
    stage.session = counted
    title, text, _ = CJK_ITEMS["zh"]
    got = stage.rescore(_linear_engine().analyze(title, text), title, text)
    assert counted.runs == 1 and got.judged_at is None
    assert got.explanation[0]["detail"].startswith("the text model")
