"""The learned layer: its file's error paths, calibration, features that training and
inference share, grouped splits that never leak a project, reproducible training, and the
new `eval` outputs."""

from __future__ import annotations

import copy
import itertools
import json
import logging
import pickle
import random
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from core.bundled import COMPANIES_FILE, DEV_EVAL_FILE
from core.config import Settings
from core.runtime import App
from core.scoring import ScoringEngine
from core.scoring.engine import Analysis, make_analysis
from core.scoring.evaluate import (
    average_precision,
    evaluate,
    format_report,
    load_companies,
    load_items,
    reliability_table,
)
from core.scoring.history import day_of
from core.scoring.model import (
    BUNDLED_MODEL,
    FORMAT_VERSION,
    ModelError,
    TGEModel,
    item_features,
    item_text,
    load_model,
    ngrams,
    read_model,
)
from core.scoring.text import SENT, Words
from tge_monitor.cli import main

sklearn = pytest.importorskip("sklearn", reason="training needs scikit-learn ([dev] extra)")

from core.scoring import train as tr  # noqa: E402

HELDOUT = Path(__file__).parent / "data" / "heldout"


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Any:
    """main() configures process-wide logging (INFO, a queue handler); later tests in the same
    process expect pytest's own (a leaked INFO level once put a bot token in caplog)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def _spec() -> dict[str, Any]:
    return json.loads(BUNDLED_MODEL.read_text(encoding="utf-8"))


def _write(tmp_path: Path, spec: Any, name: str = "m.json") -> Path:
    p = tmp_path / name
    p.write_text(spec if isinstance(spec, str) else json.dumps(spec), encoding="utf-8")
    return p


# --- the model file: loaded without code, and every way it can be unusable ----------------


def test_bundled_model_loads_and_carries_its_card() -> None:
    model = read_model(BUNDLED_MODEL)
    spec = _spec()
    assert spec["format_version"] == FORMAT_VERSION
    assert model.phrases > 50 and len(model.signals) > 20
    card = spec["card"]
    assert len(card["training"]["data_sha256"]) == 64
    assert {"f1", "precision", "recall", "average_precision", "brier"} <= set(card["cv"]["summary"])
    assert BUNDLED_MODEL.stat().st_size < 2_000_000  # a small file in the package


# What `tge-monitor train` reads to rebuild the bundled model, in order (`--data` files are
# evidence, `--train-only` ones are not): the command in core/data/model/README.md.
TRAINING_FILES = [
    ("core/data/labelled/corpus.jsonl", True),
    ("core/data/eval/dev.jsonl", False),
    *((f"tests/data/heldout/set{i}/items.jsonl", False) for i in (1, 2, 3, 4)),
]


def test_bundled_models_card_lists_the_files_it_was_trained_on_with_their_sha256() -> None:
    """The card names every training file by its path and the SHA-256 of its bytes (what
    sha256sum prints), and they are this repository's files as they are: a changed corpus or
    batch needs a retrain (the README's command, which lists the same files in the same order,
    rebuilds the model byte for byte)."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    listed = [(d["file"], d["sha256"], d["evidence"]) for d in _spec()["card"]["training"]["data"]]
    on_disk = [
        (f, hashlib.sha256((root / f).read_bytes()).hexdigest(), e) for f, e in TRAINING_FILES
    ]
    assert listed == on_disk
    readme = " ".join((root / "core/data/model/README.md").read_text(encoding="utf-8").split())
    flags = " ".join(f"--{'data' if e else 'train-only'} {f}" for f, e in TRAINING_FILES)
    assert f"tge-monitor train {flags}" in readme


def _broken_specs() -> list[tuple[str, Any, str]]:
    spec = _spec()
    wrong_version = {**spec, "format_version": 99}
    # version 2 (the page's address as features) must say so; version 1 must not use it
    v2_unsaid = {**spec, "format_version": 2}
    v1_url = {**spec, "signals": {**spec["signals"], "url:docs": 0.5}}
    v1_said = {**spec, "features": {**spec["features"], "url": True}}
    not_monotone = {**spec, "calibration": {"x": [0.0, 1.0, 2.0], "y": [0.1, 0.9, 0.5]}}
    nan_weight = json.dumps(spec).replace('"bias":', '"bias": NaN, "x":', 1)
    bad_phrase = {**spec, "phrases": [["Claims Open", 1.0, 0.0]]}
    code_in_it = {"format": "pickle", "__reduce__": "os.system"}
    return [
        ("corrupt", '{"format": "tge-model", "format_ver', "not valid JSON"),
        ("wrong version", wrong_version, "format version"),
        ("version 2 without url", v2_unsaid, "needs features.url"),
        ("version 1 with url features", v1_url, "need format version 2"),
        ("version 1 saying url", v1_said, "need format version 2"),
        ("not monotone", not_monotone, "monotone"),
        ("not finite", nan_weight, "finite"),
        ("unnormalised phrase", bad_phrase, "not normalised"),
        ("not a model", code_in_it, "not a tge-monitor model"),
        ("empty", "", "not valid JSON"),
        ("a list", [], "not a tge-monitor model"),
    ]


@pytest.mark.parametrize(("case", "spec", "reason"), _broken_specs(), ids=lambda v: str(v)[:20])
def test_unusable_model_file_falls_back_on_the_rules_with_one_logged_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, case: str, spec: Any, reason: str
) -> None:
    path = _write(tmp_path, spec)
    with pytest.raises(ModelError, match=reason):
        read_model(path)
    caplog.set_level(logging.INFO, logger="core.scoring.model")
    assert load_model(path) is None
    lines = [r for r in caplog.records if r.name == "core.scoring.model"]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING
    assert "rules only" in lines[0].getMessage() and reason in lines[0].getMessage()


def test_missing_model_file_is_one_line_and_rules_only_scores(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="core.scoring.model")
    model = load_model(tmp_path / "nowhere.json")
    assert model is None
    [line] = [r.getMessage() for r in caplog.records if r.name == "core.scoring.model"]
    assert "no model file at" in line and "rules only" in line
    engine = ScoringEngine(load_companies(COMPANIES_FILE), model=model)
    title = "LayerZero ZRO airdrop claims open June 20"
    assert engine.analyze(title, "").to_dict() == engine.analyze_rules(title, "").to_dict()


def test_app_starts_with_a_missing_model_and_scores_with_the_rules(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="core.scoring.model")
    env = {"DATA_DIR": str(tmp_path), "SCORING_MODEL": str(tmp_path / "gone.json")}
    app = App(Settings.from_env(env, dotenv=False))
    assert app.scoring.model is None
    assert any("rules only" in r.getMessage() for r in caplog.records)
    bundled = App(Settings.from_env({"DATA_DIR": str(tmp_path)}, dotenv=False))
    assert isinstance(bundled.scoring.model, TGEModel)
    env = {"DATA_DIR": str(tmp_path), "SCORING_MODEL": "none"}
    off = App(Settings.from_env(env, dotenv=False))
    assert off.scoring.model is None


def test_alerts_decide_at_the_models_decision_threshold_unless_alert_threshold_says(
    tmp_path: Path,
) -> None:
    """ALERT_THRESHOLD unset: the bundled model's decision threshold (chosen by cross-validated
    F1 when it was trained, card["decision_threshold"]); set: that value; no model: 0.5."""
    card = json.loads(BUNDLED_MODEL.read_text())["card"]
    chosen = card["decision_threshold"]
    assert 0.2 <= chosen < 0.5  # the probabilities are calibrated: 0.5 maximises accuracy
    assert read_model(BUNDLED_MODEL).decision_threshold == chosen
    # the linear model alone: with the encoder stage (on by default where its extra is
    # installed) alerts decide at the stage's threshold (test_encoder_stage.py)
    base = {"DATA_DIR": str(tmp_path), "SCORING_ENCODER": "off"}
    assert Settings.from_env(base, dotenv=False).alert_threshold is None
    assert App(Settings.from_env(base, dotenv=False)).settings.alert_threshold == chosen
    env = base | {"ALERT_THRESHOLD": "0.5"}
    assert App(Settings.from_env(env, dotenv=False)).settings.alert_threshold == 0.5
    env = base | {"ALERT_THRESHOLD": "0.8"}
    assert App(Settings.from_env(env, dotenv=False)).settings.alert_threshold == 0.8
    env = base | {"SCORING_MODEL": "none"}
    assert App(Settings.from_env(env, dotenv=False)).settings.alert_threshold == 0.5
    # a model file without a decision threshold (older cards) keeps 0.5
    spec = json.loads(BUNDLED_MODEL.read_text())
    del spec["card"]["decision_threshold"]
    old = _write(tmp_path, json.dumps(spec))
    env = base | {"SCORING_MODEL": str(old)}
    assert App(Settings.from_env(env, dotenv=False)).settings.alert_threshold == 0.5
    # the probabilities themselves do not move with the threshold
    model = read_model(BUNDLED_MODEL)
    assert read_model(old).calibrate(0.3) == model.calibrate(0.3)


def test_eval_decides_at_the_models_decision_threshold_by_default(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALERT_THRESHOLD", raising=False)
    monkeypatch.delenv("SCORING_MODEL", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)  # no .env here
    chosen = read_model(BUNDLED_MODEL).decision_threshold
    assert main(["eval", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["threshold"] == chosen
    assert main(["eval", "--json", "--threshold", "0.5"]) == 0
    assert json.loads(capsys.readouterr().out)["threshold"] == 0.5
    monkeypatch.setenv("ALERT_THRESHOLD", "0.6")
    assert main(["eval", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["threshold"] == 0.6
    monkeypatch.delenv("ALERT_THRESHOLD")
    assert main(["eval", "--json", "--rules-only"]) == 0
    assert json.loads(capsys.readouterr().out)["threshold"] == 0.5


# --- calibration and explanation -----------------------------------------------------------


def test_calibration_is_monotone_and_within_0_1() -> None:
    model = read_model(BUNDLED_MODEL)
    zs = [x / 10 for x in range(-200, 201)]
    ps = [model.calibrate(z) for z in zs]
    assert all(b >= a for a, b in itertools.pairwise(ps))
    assert 0.0 <= ps[0] <= ps[-1] <= 1.0
    assert ps[0] < 0.2 and ps[-1] > 0.8  # it separates, not a constant


def test_model_confidence_is_the_calibrated_probability_with_plain_reasons() -> None:
    model = read_model(BUNDLED_MODEL)
    engine = ScoringEngine(load_companies(COMPANIES_FILE), model=model)
    title = "LayerZero ZRO airdrop claims open today for 1.28M eligible wallets"
    a = engine.analyze(title, "Claims for the new ZRO token went live at 11:00 UTC.")
    assert a.confidence >= 0.7 and a.band == "high"
    reasons = [e for e in a.explanation if e["signal"] == "reason"]
    assert 1 <= len(reasons) <= 4
    why = a.why()
    assert "(+)" in why and "LayerZero" in why
    # plain words, not weights: no reason shows a number with decimals
    assert not any(ch.isdigit() for r in reasons for ch in r["detail"].replace("1.28m", ""))
    # the shape of the analysis is unchanged and survives storage
    again = type(a).from_dict(json.loads(json.dumps(a.to_dict())))
    assert again.why() == why and set(a.to_dict()) == set(engine.analyze_rules("", "").to_dict())
    # every field the engine filled is carried over (discovery, language...)
    rules = engine.analyze_rules(title, "Claims for the new ZRO token went live at 11:00 UTC.")
    changed = {"confidence", "band", "explanation"}
    kept = {k: v for k, v in a.to_dict().items() if k not in changed}
    assert kept == {k: v for k, v in rules.to_dict().items() if k not in changed}
    new = engine.analyze("Zorblax (ZBX) token generation event: claims open today", "")
    assert (
        new.discovered
        and new.to_dict()["discovered"]
        == engine.analyze_rules(
            "Zorblax (ZBX) token generation event: claims open today", ""
        ).to_dict()["discovered"]
    )
    price = engine.analyze("ZRO price falls 12% as traders sell after the airdrop", "")
    assert price.confidence < 0.5 and "(−)" in price.why()


def test_the_model_words_its_reasons_once_when_first_read() -> None:
    """The reasons are made on the first read of the explanation (most items are never
    shown) and then kept; every way of reading an analysis sees the same list."""
    model = read_model(BUNDLED_MODEL)
    engine = ScoringEngine(load_companies(COMPANIES_FILE), model=model)
    title = "LayerZero ZRO airdrop claims open today for 1.28M eligible wallets"
    a = engine.analyze(title, "Claims went live at 11:00 UTC.")
    b = engine.analyze(title, "Claims went live at 11:00 UTC.")
    first = a.explanation
    assert isinstance(first, list) and first is a.explanation
    assert [e["signal"] for e in first][-2:] != ["reason", "reason"]  # the model's line, rules
    assert a == b  # equality makes b's
    c = engine.analyze(title, "Claims went live at 11:00 UTC.")
    assert pickle.loads(pickle.dumps(c)).to_dict() == a.to_dict()
    d = engine.analyze(title, "Claims went live at 11:00 UTC.")
    assert copy.deepcopy(d).explanation == first
    e = engine.analyze(title, "Claims went live at 11:00 UTC.")
    assert replace(e, confidence=0.5).explanation == first
    f = engine.analyze(title, "Claims went live at 11:00 UTC.")
    f.explanation = []  # a value set replaces the one not made yet
    assert f.explanation == []


def test_model_sum_counts_a_repeated_signal_or_label_as_its_dict_does() -> None:
    """An analysis made by hand may give a signal twice (its deltas add up in one feature)
    or a label twice (one feature): the raw score is still the one of ``item_features``."""
    model = read_model(BUNDLED_MODEL)
    spec = _spec()
    signals = {k: v for k, v in spec["signals"].items() if v}
    sig = next(k.split(":", 1)[1] for k in signals if k.startswith("sig:negative:"))
    tier = next(k.split(":", 1)[1] for k in signals if k.startswith("tier2:"))
    neg = next(k.split(":", 1)[1] for k in signals if k.startswith("neg:"))
    a = Analysis(
        0.42,
        "medium",
        [{"name": "X", "matched": "x"}],
        ["X"],
        {"tier1": [], "tier2": [tier, tier], "tier3": []},
        {"text": "today", "date": None, "kind": "relative"},
        [neg, neg],
        [
            {"signal": sig, "detail": "one", "delta": -0.1},
            {"signal": "proximity", "detail": "tier-1 keyword next to company/token", "delta": 0.1},
            {"signal": sig, "detail": "two", "delta": -0.25},
            {"signal": "clamp", "detail": "kept within 0..1", "delta": 0.3},
        ],
        {"name": "X", "ticker": "X", "how": "weak", "weak": True},
        "other",
    )
    title, text = "x says things", "and more text about x"
    low, _title_end, feats = item_features(a, title, text)
    want = model.bias
    for name, value in feats.items():
        w = model.signals.get(name)
        if w:
            want += w * value
    words = Words(low.encode())
    for table, ws in ((model._any, model._any_w), (model._head, model._head_w)):
        if table is not None:
            limit = -1 if table is model._any else low.find(SENT) + 1
            for i in set(table.indexes(words, limit)):
                want += ws[i]
    assert model.contributions(a, title, text)[0] == want


# --- features: training and inference read the same thing ----------------------------------

TEXTS = [
    ("LayerZero's ZRO token: claims open, today!", "The $ZRO airdrop (1.28M wallets) is live."),
    ("", "no title here; just body text -- with  double  spaces\nand lines"),
    ("空投TGE: Hyperliquid HYPE", "Ünïcödé text, façade — “quotes” and… ellipses"),
    ("ALL CAPS HEADLINE ABOUT A TGE", ""),
    ("<b>Tags</b> &amp; entities", "<p>Body</p><script>x()</script> after"),
]


@pytest.mark.parametrize(("title", "text"), TEXTS)
def test_engine_and_model_normalise_the_same_text(title: str, text: str) -> None:
    engine = ScoringEngine(load_companies(COMPANIES_FILE))
    seen: list[Any] = []
    a = engine.analyze_rules(title, text, _low=seen)
    low, title_end = item_text(title, text)
    assert seen[0] == low
    assert seen[1].data == low.encode()  # the words the model reads are of this very text
    assert item_features(a, title, text) == item_features(a, title, text, seen[0])
    assert (title_end > 0) == bool(title.strip())


@pytest.mark.parametrize(("title", "text"), TEXTS)
def test_phrase_automaton_finds_exactly_the_training_ngrams(title: str, text: str) -> None:
    low, title_end = item_text(title, text)
    grams = sorted(ngrams(low, 2))
    head = ngrams(low[:title_end], 2)
    noise = ["not in", "zzz", "claims"]
    rows = [[g, 0.5, 0.25] for g in sorted(set(grams) | set(noise))]
    model = TGEModel({**_spec(), "phrases": rows})
    _z, parts = model.contributions(ScoringEngine().analyze_rules(title, text), title, text)
    found_any = {n[2:] for _c, n in parts if n.startswith("w:")}
    found_head = {n[3:] for _c, n in parts if n.startswith("tw:")}
    assert found_any == set(grams)
    assert found_head == head


def test_exported_model_scores_like_the_fitted_one(tmp_path: Path) -> None:
    config = tr.TrainConfig(repeats=1, folds=3, c_grid=(1.0,))
    rows, _table = tr.load_rows([DEV_EVAL_FILE], config=config)
    M = tr._Matrix(rows)
    import numpy as np

    w, b = tr._fit(M, np.arange(len(rows)), 1.0, config)
    bias, signals, phrases = tr.export(M, w, b, ([0.0, 1.0], [0.0, 1.0]), config)
    spec = {**_spec(), "bias": bias, "signals": signals, "phrases": phrases}
    model = TGEModel(spec)
    want = M.X @ w + b
    # the token history as training made it: the same features at scoring time
    assert model.uses_history
    history = tr.training_history(rows)
    for i, r in enumerate(rows):
        got = model.raw_score(r.analysis, r.title, r.text, history, day_of(r.published))
        assert got == pytest.approx(want[i], abs=1e-3), r.id


# --- grouped splits ------------------------------------------------------------------------


def _row(i: int, company: str | None, token: str | None, label: int = 0) -> tr.Row:
    item = {"company": company, "token_symbol": token}
    return tr.Row(f"r{i}", "t", "x", label, True, tr.project_keys(item))


def test_items_sharing_a_name_or_ticker_are_one_group() -> None:
    rows = [
        _row(1, "LayerZero", "ZRO"),
        _row(2, "Layer Zero", None),  # same name, other spelling
        _row(3, None, "$zro"),  # same ticker
        _row(4, "Sonic (Fantom)", "S"),
        _row(5, "Fantom", "FTM"),  # shares a name part with 4
        _row(6, None, None),
        _row(7, None, None),
    ]
    tr.group_rows(rows)
    g = [r.group for r in rows]
    assert g[0] == g[1] == g[2]
    assert g[3] == g[4] != g[0]
    assert len({g[5], g[6], g[0], g[3]}) == 4  # unnamed items stand alone


def test_grouped_folds_never_put_a_project_on_both_sides() -> None:
    import numpy as np

    config = tr.TrainConfig(folds=5)
    rows: list[tr.Row] = []
    for f in (DEV_EVAL_FILE, *(HELDOUT / f"set{i}" / "items.jsonl" for i in (1, 2))):
        rows += [
            tr.Row(str(it["id"]), "", "", int(it["is_tge"]), True, tr.project_keys(it))
            for it in load_items(f)
        ]
    tr.group_rows(rows)
    M = type("M", (), {"y": np.array([r.label for r in rows])})()
    groups = np.array([r.group for r in rows])
    for seed in range(3):
        folds = tr._splits(M, groups, np.arange(len(rows)), config.folds, seed)
        assert len(folds) == 5
        for train_idx, test_idx in folds:
            train_keys = {k for i in train_idx for k in rows[i].keys}
            test_keys = {k for i in test_idx for k in rows[i].keys}
            assert not train_keys & test_keys  # no company or ticker on both sides
            assert not set(groups[train_idx]) & set(groups[test_idx])


def test_final_test_split_is_grouped_fixed_and_left_out_of_training(tmp_path: Path) -> None:
    data = [HELDOUT / "set1" / "items.jsonl"]
    ids = tr.final_test_split(data, fraction=0.2, seed=0)
    assert ids == tr.final_test_split(data, fraction=0.2, seed=0)
    items = load_items(data[0])
    assert 0.1 * len(items) <= len(ids) <= 0.3 * len(items)
    held = tmp_path / "final.txt"
    assert main(["holdout", "--data", str(data[0]), "--out", str(held)]) == 0
    assert tr.read_ids(held) == set(ids)
    assert main(["holdout", "--data", str(data[0]), "--out", str(held)]) == 1  # drawn once
    # training leaves out every item about a held-out project, from every file
    config = tr.TrainConfig(repeats=1, folds=3, c_grid=(1.0,))
    model = tr.train(data, [DEV_EVAL_FILE], holdout=held, config=config)
    assert model["card"]["training"]["excluded_for_final_test"] >= len(ids)
    held_keys = {k for it in items if it["id"] in ids for k in tr.project_keys(it)}
    rows, _ = tr.load_rows(data, [DEV_EVAL_FILE], config=config)
    kept = [r for r in rows if not set(r.keys) & held_keys]
    assert model["card"]["training"]["items"] <= len(kept)


# --- training ------------------------------------------------------------------------------


def _tiny(tmp_path: Path) -> Path:
    """A small corpus: dev set plus one held-out set."""
    out = tmp_path / "tiny.jsonl"
    rows = load_items(DEV_EVAL_FILE) + load_items(HELDOUT / "set2" / "items.jsonl")
    random.Random(1).shuffle(rows)
    out.write_text("".join(json.dumps(r) + "\n" for r in rows[:220]), encoding="utf-8")
    return out


def test_train_is_reproducible_and_prints_grouped_cv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _tiny(tmp_path)
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        args = ["train", "--data", str(data), "--out", str(out), "--repeats", "2", "--folds", "3"]
        assert main(args) == 0
    printed = capsys.readouterr().out
    assert "grouped CV (2x3, by project)" in printed and "average_precision" in printed
    assert outs[0].read_bytes() == outs[1].read_bytes()
    model = read_model(outs[0])
    card = json.loads(outs[0].read_text())["card"]
    assert card["training"]["config"]["seed"] == 0 and card["cv"]["repeats"] == 2
    assert model.calibrate(-50) <= model.calibrate(0) <= model.calibrate(50)
    assert main([*args[:-4], "--seed", "1", "--repeats", "1", "--folds", "3"]) == 0
    assert outs[1].read_bytes() != outs[0].read_bytes()  # the seed matters
    # discovery measured on the same folds, as if nobody had listed the items' projects
    disc = card["cv"]["discovery"]
    assert disc["tge_items"] == sum(1 for it in load_items(data) if it["is_tge"])
    assert 0.0 <= disc["recognised"]["mean"] <= 1.0
    assert "discovery (same folds, companies table empty)" in printed


def test_train_reports_each_data_files_own_cv_figures_from_the_same_folds(
    tmp_path: Path,
) -> None:
    """With two --data files the card's CV also gives each file's figures (its items' share of
    the same out-of-fold scores), and the card lists both files with their SHA-256."""
    import hashlib

    rows = load_items(_tiny(tmp_path))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(json.dumps(r) + "\n" for r in rows[:140]), encoding="utf-8")
    b.write_text("".join(json.dumps(r) + "\n" for r in rows[140:]), encoding="utf-8")
    cfg = tr.TrainConfig(repeats=1, folds=3, jobs=1)
    card = tr.train([a, b], config=cfg)["card"]
    cv = card["cv"]
    assert list(cv["by_file"]) == ["a.jsonl", "b.jsonl"]
    assert sum(f["n"] for f in cv["by_file"].values()) == cv["n"]
    assert sum(f["positives"] for f in cv["by_file"].values()) == cv["positives"]
    for f in cv["by_file"].values():
        assert {"f1", "average_precision", "high_precision"} <= set(f["summary"])
        assert {"f1", "precision", "recall"} == set(f["at_chosen"])
        assert f["discovery"]["tge_items"] == f["positives"]
    assert [(d["file"], d["sha256"]) for d in card["training"]["data"]] == [
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in (a, b)
    ]
    assert "by_file" not in tr.train([a], config=cfg)["card"]["cv"]  # one file: nothing to split


def test_discovery_measure_counts_recognised_and_rightly_named_items() -> None:
    import numpy as np

    def row(i: int, label: int, found: dict | None, company: str, ticker: str) -> tr.Row:
        r = tr.Row(f"r{i}", "t", "x", label, True, [], company=company, ticker=ticker)
        r.unlisted, r.found = ({"discovered": 1.0}, found) if found else (None, None)
        return r

    rows = [
        row(0, 1, {"name": "Linea", "ticker": "LINEA"}, "Linea", "LINEA"),  # right
        row(1, 1, {"name": "Binance", "ticker": None}, "Monad", "MON"),  # wrong name
        row(2, 1, {"name": None, "ticker": "MON"}, "Monad", "MON"),  # too low a score
        row(3, 1, None, "Zora", "ZORA"),  # discovery found nothing
        row(4, 0, {"name": "Scam", "ticker": None}, "", ""),  # not a TGE: not counted
    ]
    got = tr.discovery_metrics(rows, np.array([0.9, 0.8, 0.2, 0.9, 0.9]), 0.5)
    assert got == {"tge_items": 4, "recognised": 0.5, "right_name_or_ticker": 0.5}


def test_matrix_transform_keeps_the_training_vocabulary() -> None:
    rows = [
        tr.Row("a", "t", "x", 1, True, [], feats={"w:airdrop": 1.0, "company": 1.0}),
        tr.Row("b", "t", "x", 0, True, [], feats={"w:price": 1.0}),
    ]
    M = tr._Matrix(rows)
    X = M.transform([{"w:price": 1.0, "w:unseen": 1.0}, None])
    assert X.shape == (2, len(M.names))
    assert X[0].toarray().ravel().tolist() == [1.0 if n == "w:price" else 0.0 for n in M.names]
    assert X[1].nnz == 0


def test_train_refuses_bad_input_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.jsonl"
    assert main(["train", "--data", str(missing), "--out", str(tmp_path / "m.json")]) == 1
    assert "file not found" in capsys.readouterr().err
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": 1, "title": "x"}\n', encoding="utf-8")
    assert main(["train", "--data", str(broken), "--out", str(tmp_path / "m.json")]) == 1
    assert "no is_tge label" in capsys.readouterr().err
    assert not (tmp_path / "m.json").exists()


def test_train_options_fix_c_ngrams_and_dropped_signals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--c fixes the L2 strength, --ngram-max the phrase length, --drop leaves engine signals
    out; without --drop the card's config has no "drop" key (an older command, same bytes)."""
    data = _tiny(tmp_path)
    out = tmp_path / "m.json"
    base = ["train", "--data", str(data), "--out", str(out), "--repeats", "1", "--folds", "3"]
    assert main([*base, "--c", "1", "--ngram-max", "1", "--drop", "len:short"]) == 0
    doc = json.loads(out.read_text())
    config = doc["card"]["training"]["config"]
    assert doc["card"]["training"]["c_chosen"] == 1.0 and config["c_grid"] == [1.0]
    assert config["ngram_max"] == 1 and config["drop"] == ["len:short"]
    assert "len:short" not in doc["signals"]
    assert all(" " not in row[0] for row in doc["phrases"])
    assert main([*base, "--c", "1"]) == 0
    assert "drop" not in json.loads(out.read_text())["card"]["training"]["config"]
    capsys.readouterr()
    for bad, says in (
        (["--c", "0"], "--c"),
        (["--ngram-max", "5"], "--ngram-max"),
        (["--drop", "w:launch"], "--drop"),
    ):
        assert main([*base, *bad]) == 1
        assert says in capsys.readouterr().err


def test_url_features_read_the_kind_of_page_from_its_address() -> None:
    from core.scoring.model import url_features

    assert url_features(None) == [] and url_features("") == []
    docs = url_features("https://docs.treehouse.finance/tokenomics/airdrop-eligibility")
    assert docs[:3] == ["url:docs", "url:path_airdrop", "url:path_eligibility"]
    assert "url:path_tokenomics" in docs and "u:tokenomics" in docs and "u:airdrop" in docs
    assert url_features("https://www.binance.com/en/support/announcement/x")[:1] == ["url:exchange"]
    news = url_features("cointelegraph.com/news/zksync-airdrop-price-2024")
    assert "url:news" in news and "url:path_news" in news and "u:2024" not in news
    assert url_features("https://medium.com/") == ["url:blog", "url:home"]
    assert "url:tld_local" in url_features("https://www.tokenpost.kr/news/1")
    assert url_features("http://[::1") == []  # an address urlsplit refuses: no features


def test_a_version_2_model_scores_the_address_and_version_1_ignores_it(tmp_path: Path) -> None:
    """A model trained with --features pagekind is format 2 and adds its url weights when the
    engine passes the item's address (eval does); the bundled version-1 model scores the same
    with or without an address."""
    spec = _spec()
    engine = ScoringEngine(load_companies(COMPANIES_FILE), model=read_model(BUNDLED_MODEL))
    title, text = "Acme token launch next week", "Claims open on March 3."
    url = "https://docs.acme.xyz/tokenomics"
    assert engine.analyze(title, text, url=url).confidence == engine.analyze(title, text).confidence
    v2 = {
        **spec,
        "format_version": 2,
        "features": {**spec["features"], "url": True},
        "signals": {**spec["signals"], "url:docs": 2.0, "u:tokenomics": -0.5},
    }
    model = read_model(_write(tmp_path, v2))
    assert model.uses_url
    a = engine.analyze_rules(title, text)
    z0 = model.raw_score(a, title, text)
    assert model.raw_score(a, title, text, url=url) == pytest.approx(z0 + 1.5)
    assert model.raw_score(a, title, text, url="https://example.com/x") == pytest.approx(z0)
    engine.model = model
    got = engine.analyze(title, text, url=url)
    assert got.confidence > engine.analyze(title, text).confidence
    assert any(e["detail"] == "a documentation page" for e in got.explanation)


def test_train_features_pagekind_and_centred_calibration(tmp_path: Path) -> None:
    """--features pagekind trains on the items' addresses (a format-2 file, features.url) and
    --calibration centred gives a table rising wherever the raw score does; without them the
    card's config says neither (the default command's bytes do not change)."""
    data = _tiny(tmp_path)
    items = load_items(data)
    for i, item in enumerate(items):  # addresses of three kinds of page
        item["url"] = ("https://docs.x.io/claim", "https://news.y.com/markets/a", "z.org/")[i % 3]
    data.write_text("".join(json.dumps(r) + "\n" for r in items), encoding="utf-8")
    out = tmp_path / "m.json"
    base = ["train", "--data", str(data), "--out", str(out), "--repeats", "1", "--folds", "3"]
    assert main([*base, "--c", "1", "--features", "pagekind", "--calibration", "centred"]) == 0
    doc = json.loads(out.read_text())
    config = doc["card"]["training"]["config"]
    assert doc["format_version"] == 2 and doc["features"]["url"] is True
    assert config["features"] == ["pagekind"] and config["calibration"] == "centred"
    assert any(k.startswith(("url:", "u:")) for k in doc["signals"])
    ys = doc["calibration"]["y"]
    assert all(b > a for a, b in itertools.pairwise(ys))  # no flat step
    assert read_model(out).uses_url
    assert main([*base, "--c", "1"]) == 0
    doc = json.loads(out.read_text())
    config = doc["card"]["training"]["config"]
    assert doc["format_version"] == FORMAT_VERSION and "url" not in doc["features"]
    assert "features" not in config and "calibration" not in config
    assert not any(k.startswith(("url:", "u:")) for k in doc["signals"])
    assert main([*base, "--features", "colour"]) == 1


def test_centred_calibration_puts_each_step_at_its_middle() -> None:
    xs, ys = tr.centred([0.0, 1.0, 2.0, 4.0, 5.0], [0.1, 0.1, 0.5, 0.5, 0.9])
    assert (xs, ys) == ([0.5, 3.0, 5.0], [0.1, 0.5, 0.9])
    assert tr.centred([1.0, 2.0], [0.3, 0.3]) == ([1.0, 2.0], [0.3, 0.3])
    assert tr.centred([1.0], [0.3]) == ([1.0, 2.0], [0.3, 0.3])


# --- eval's new outputs --------------------------------------------------------------------


def test_average_precision_matches_scikit_learn() -> None:
    from sklearn.metrics import average_precision_score

    rng = random.Random(3)
    for _ in range(20):
        y = [rng.random() < 0.3 for _ in range(60)]
        s = [round(rng.random(), 1) for _ in range(60)]  # ties on purpose
        if any(y):
            assert average_precision(s, y) == pytest.approx(average_precision_score(y, s))


def test_reliability_table_bins() -> None:
    rows = reliability_table([0.05, 0.15, 0.85, 0.95, 1.0], [0, 0, 1, 1, 0], bins=10)
    assert [r["n"] for r in rows] == [1, 1, 0, 0, 0, 0, 0, 0, 1, 2]
    assert rows[9]["observed"] == 0.5 and rows[9]["mean_predicted"] == pytest.approx(0.975)


def test_eval_reports_average_precision_brier_and_reliability(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = evaluate(DEV_EVAL_FILE, COMPANIES_FILE)
    learned = evaluate(DEV_EVAL_FILE, COMPANIES_FILE, model=read_model(BUNDLED_MODEL))
    for r in (rules, learned):
        assert 0.5 < r["average_precision"] <= 1.0 and 0.0 <= r["brier"] < 0.25
        assert sum(b["n"] for b in r["reliability"]) == r["n"]
    assert rules["scorer"] == "rules" and learned["scorer"] == "tge-model-v1"
    text = format_report(learned)
    assert "average precision" in text and "Brier" in text and "reliability" in text
    png = tmp_path / "pr.png"
    assert main(["eval", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert "scorer: tge-model-v1" in out and "Brier score" in out
    assert main(["eval", "--rules-only", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["scorer"] == "rules" and "curve" not in result


def test_eval_only_ids_and_bad_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# two\ntge-0001\ntge-0002\n", encoding="utf-8")
    assert main(["eval", "--only-ids", str(ids), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 2
    bad = _write(tmp_path, "{oops")
    assert main(["eval", "--model", str(bad)]) == 1
    assert "--model:" in capsys.readouterr().err


def test_eval_plot_without_matplotlib_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(["eval", "--plot", str(tmp_path / "x.png")]) == 1
    assert "needs matplotlib" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_rescore_makes_the_rules_analysis_the_models_in_place() -> None:
    """The engine's path updates its own analysis (one object per item); ``apply`` leaves
    the analysis it is given as it was. Both give the same answer, rescored twice too."""
    model = read_model(BUNDLED_MODEL)
    engine = ScoringEngine(load_companies(COMPANIES_FILE))
    title, text = "LayerZero ZRO airdrop claims open today", "Claims went live at 11:00 UTC."
    rules = engine.analyze_rules(title, text)
    before = rules.to_dict()
    applied = model.apply(rules, title, text)
    assert rules.to_dict() == before and applied is not rules
    same = model.rescore(rules, title, text)
    assert same is rules and same.to_dict() == applied.to_dict() and same.why() == applied.why()
    twice = model.apply(model.apply(engine.analyze_rules(title, text), title, text), title, text)
    again = model.rescore(engine.analyze_rules(title, text), title, text)
    again = model.rescore(again, title, text)
    assert again.to_dict() == twice.to_dict()
    fields = (0.25, "low", [{"name": "X"}], ["X"], {"tier1": ["a"]}, None, ["scam"], [], None, "es")
    assert make_analysis(*fields) == Analysis(*fields)


def test_the_rules_word_their_explanation_when_first_read() -> None:
    """The rules leave their reasons as parts, worded on the first read of the explanation
    (and kept); the model reads the signals and deltas from the parts, with the same sum."""
    from core.scoring.engine import Later, explanation_stored

    model = read_model(BUNDLED_MODEL)
    engine = ScoringEngine(load_companies(COMPANIES_FILE))
    title = "LayerZero ZRO airdrop claims open today: no plans for a second round"
    text = "Claims went live at 11:00 UTC for 1.28M wallets, price jumps 10%."
    a = engine.analyze_rules(title, text)
    assert explanation_stored(a).__class__ is Later
    unworded = model.contributions(a, title, text)
    first = a.explanation
    assert isinstance(first, list) and first is a.explanation
    assert explanation_stored(a) is first
    assert {e["signal"] for e in first} >= {"tier1", "company", "token", "proximity"}
    assert model.contributions(a, title, text) == unworded
    assert engine.analyze_rules(title, text) == a  # equality words the other one
    assert engine.analyze_rules("", "nothing to see here").explanation == []


def test_phrases_add_up_in_the_order_of_a_set_of_their_indexes() -> None:
    """A model adds its phrases' weights in the order a set of their key indexes, filled in
    match order, iterates (the order its sums have always had; floats do not add
    associatively). The compiled build replays that set's table on a C array instead of
    making the set: the very same float and parts as the set, for repeats, keys that share
    slots at every table size, every size up to _SET_MOST keys and past it (the set)."""
    from core.scoring.model import _SET_MOST, _add_phrases
    from core.scoring.text import PhraseTable, Words

    rng = random.Random(3)
    vocab = 1500
    table = PhraseTable([f" w{k} ".encode() for k in range(vocab)], indexed=True)
    names = tuple(f"w:w{k}" for k in range(vocab))
    ws = tuple(rng.uniform(-1.0, 1.0) * 10.0 ** rng.randint(-3, 1) for _ in range(vocab))
    for trial in range(400):
        n = rng.choice((0, 1, 4, 5, 18, 19, 40, 76, 77, 200, _SET_MOST, _SET_MOST + 1, 600))
        step = rng.choice((1, 1, 8, 32, 128, 512))  # keys that share a slot
        pool = range(0, vocab, step)[: rng.randint(1, vocab)]
        seq = [rng.choice(pool) for _ in range(n)]
        if trial % 4 == 0:  # as many distinct keys as there are matches
            seq = rng.sample(range(vocab), min(n, vocab))
        words = Words((" " + " ".join(f"w{k}" for k in seq) + " ").encode())
        parts: list[tuple[float, str]] = []
        z = _add_phrases(table, words, -1, names, ws, 0.25, 0.2, parts)
        want_z = 0.25
        want: list[tuple[float, str]] = []
        for i in set(seq):
            want_z += ws[i]
            if abs(ws[i]) >= 0.2:
                want.append((ws[i], names[i]))
        assert (z, parts) == (want_z, want), (trial, n, step)
