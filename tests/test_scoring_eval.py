"""evaluate()/format_report() on a tiny labelled file, and bench_scoring() at tiny sizes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from core.bundled import COMPANIES_FILE, DEV_EVAL_FILE
from core.scoring import Analysis, CompanySpec
from core.scoring.bench import NaiveAnalyzer, bench_scoring, synthetic_companies, synthetic_items
from core.scoring.evaluate import (
    company_matches,
    evaluate,
    format_report,
    load_companies,
    parse_published,
)

ITEMS = [
    {
        "id": "t1",
        "title": "Acme Labs announces ACME token generation event on March 3",
        "text": "Claims open at 14:00 UTC.",
        "is_tge": True,
        "company": "Acme Labs",
        "token_symbol": "ACME",
        "date": "2026-02-20",
    },
    {
        "id": "t2",
        "title": "",
        "text": "Zeta Network airdrop claim is live for eligible wallets.",
        "is_tge": True,
        "company": "Zeta Network (Zeta)",
        "token_symbol": "ZETA",
        "date": None,
    },
    {
        "id": "t3",
        "title": "Zeta Network price jumps 20% as whales buy",
        "text": "",
        "is_tge": False,
        "company": "Zeta Network",
        "token_symbol": "ZETA",
        "date": "2026-02-21T10:00:00+00:00",
    },
    {
        "id": "t4",
        "title": "Acme Labs denies rumours of a token launch",
        "text": "The team said there are no plans for a token.",
        "is_tge": False,
        "company": "Acme Labs",
        "token_symbol": None,
        "date": "2026-02",
    },
    {
        "id": "t5",
        "title": "Bitcoin ETF inflows continue",
        "text": "",
        "is_tge": False,
        "company": None,
        "token_symbol": None,
        "date": None,
    },
]
COMPANIES = [
    {"name": "Acme Labs", "aliases": ["Acme"], "tokens": ["ACME"], "priority": "HIGH"},
    {"name": "Zeta Network", "aliases": ["Zeta"], "tokens": ["ZETA"], "priority": "MEDIUM"},
]


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "items.jsonl"
    data.write_text("\n".join(json.dumps(i) for i in ITEMS) + "\n\n", encoding="utf-8")
    comps = tmp_path / "companies.json"
    comps.write_text(json.dumps(COMPANIES), encoding="utf-8")
    return data, comps


def test_load_companies(files: tuple[Path, Path]) -> None:
    specs = load_companies(files[1])
    assert specs[0] == CompanySpec(1, "Acme Labs", ("Acme",), ("ACME",), "HIGH", ())
    assert specs[1].name == "Zeta Network"


def test_evaluate_tiny_file(files: tuple[Path, Path]) -> None:
    result = evaluate(files[0], files[1], threshold=0.5)
    assert result["n"] == 5
    assert result["threshold"] == 0.5
    assert (result["precision"], result["recall"], result["f1"]) == (1.0, 1.0, 1.0)
    assert result["company_accuracy"] == 1.0
    assert set(result["band_precision"]) == {"high", "medium", "low"}
    assert result["worst_false_positives"] == [] and result["worst_false_negatives"] == []
    json.dumps(result)  # the --json output must serialise


def test_evaluate_reports_misses_with_explanations(files: tuple[Path, Path]) -> None:
    result = evaluate(files[0], files[1], threshold=0.99)  # nothing passes: all TGEs missed
    assert result["recall"] < 1.0
    miss = result["worst_false_negatives"][0]
    assert {"title", "confidence", "why", "explanation"} <= set(miss)
    text = format_report(result)
    assert "precision" in text and "F1" in text and "false negatives" in text


def test_format_report_lists_bands(files: tuple[Path, Path]) -> None:
    text = format_report(evaluate(files[0], files[1]))
    assert "high" in text and "company accuracy" in text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-06-20", datetime(2024, 6, 20)),
        ("2024-02", datetime(2024, 2, 1)),
        ("2024", datetime(2024, 1, 1)),
        ("2026-09-30T15:19:36+00:00", datetime(2026, 9, 30, 15, 19, 36)),
        ("2024-09-21 17:46:07", datetime(2024, 9, 21, 17, 46, 7)),
        ("2024-11/12", datetime(2024, 11, 1)),
        (None, None),
        ("unknown", None),
    ],
)
def test_parse_published(raw: str | None, expected: datetime | None) -> None:
    assert parse_published(raw) == expected


@pytest.mark.parametrize(
    ("label", "top", "ok"),
    [
        ("Sonic (Fantom)", "Sonic", True),
        ("The Open Network / Drift Protocol", "Drift Protocol", True),
        ("LayerZero", "Starknet", False),
        (None, "Starknet", False),
    ],
)
def test_company_matches(label: str | None, top: str, ok: bool) -> None:
    a = Analysis(
        confidence=0.9,
        band="high",
        companies=[{"id": 1, "name": top, "matched": top, "priority": "MEDIUM"}],
    )
    assert company_matches(label, a) is ok


def test_bench_scoring_tiny_returns_keys(tmp_path: Path) -> None:
    result = bench_scoring(
        companies=50, items=20, companies_path=tmp_path / "missing.json", min_scored=60
    )
    assert {
        "companies",
        "items",
        "items_per_s",
        "items_per_s_cpu",
        "baseline_items_per_s",
        "ratio",
        "rebuild_ms",
        "rebuild_ms_max",
        "peak_rss_mb",
        "build",
        "model",
        "rules_items_per_s",
        "rules_items_per_s_cpu",
        "model_us_per_item_cpu",
        "model_load_ms",
        "startup_ms",
    } <= set(result)
    assert 0 < result["rebuild_ms"] <= result["rebuild_ms_max"]
    assert set(result["build"]) == {"text", "urgency", "language", "history", "engine", "model"}
    # The bundled model is loaded and timed, and a fresh process starts with it.
    assert result["model"] == "tge-model-v1" and result["model_load_ms"] > 0
    assert result["rules_items_per_s"] > 0 and 0 < result["startup_ms"] < 60_000
    assert result["companies"] == 50 and result["items"] == 20
    assert result["scored"] == 100  # five timed passes (the minimum) over the 20 items
    assert result["items_per_s"] > 0 and result["items_per_s_cpu"] > 0
    assert result["baseline_items_per_s"] > 0
    json.dumps(result)


def test_bench_includes_real_companies_when_present(tmp_path: Path) -> None:
    path = tmp_path / "companies.json"
    path.write_text(json.dumps(COMPANIES), encoding="utf-8")
    result = bench_scoring(companies=10, items=5, companies_path=path, min_scored=0)
    assert result["companies"] == 12


def test_synthetic_data_is_deterministic_and_sized() -> None:
    specs = synthetic_companies(200)
    assert len({c.name for c in specs}) == 200
    assert len({c.tokens[0] for c in specs}) == 200
    assert synthetic_companies(200) == specs
    items = synthetic_items(specs, 10)
    assert all(900 <= len(i) <= 1024 for i in items)


def test_naive_baseline_finds_companies() -> None:
    specs = [CompanySpec(1, "Acme Labs", tokens=("ACME",))]
    score, found = NaiveAnalyzer(specs).analyze("Acme Labs TGE", "airdrop claim")
    assert found == ["Acme Labs"] and score > 0


# --- generalisation: labelled sets about companies the vocabulary was never tuned on ------

HELDOUT = Path(__file__).parent / "data" / "heldout"


@pytest.mark.parametrize("name", ["set1", "set2", "set3", "set4"])
def test_heldout_sets_keep_their_scores(name: str) -> None:
    result = evaluate(HELDOUT / name / "items.jsonl", HELDOUT / name / "companies.json")
    assert result["n"] >= 140
    # Set 4 keeps its non-English items and companies without a token: 0.88 there.
    assert result["f1"] >= (0.85 if name == "set4" else 0.9), result["worst_false_negatives"]
    assert result["band_precision"]["high"]["precision"] >= 0.9
    assert result["company_accuracy"] >= 0.95


def test_dev_set_meets_the_goals() -> None:
    result = evaluate(DEV_EVAL_FILE, COMPANIES_FILE)
    assert result["f1"] >= 0.9 and result["band_precision"]["high"]["precision"] >= 0.95


def test_evaluate_judges_an_item_at_its_own_threshold(files: tuple[Path, Path]) -> None:
    """An item the encoder stage leaves to the linear model carries the linear model's
    threshold (``Analysis.judged_at``); eval counts its alert as the service sends it."""

    class JudgedAtZero:
        name = "judged-at-zero"

        def rescore(self, a: Analysis, title: str, text: str) -> Analysis:
            a.judged_at = 0.0
            return a

    plain = evaluate(files[0], files[1], threshold=0.99)
    judged = evaluate(files[0], files[1], threshold=0.99, encoder=JudgedAtZero())
    assert plain["recall"] < 1.0 and plain["precision"] == 1.0
    assert (judged["recall"], judged["precision"]) == (1.0, 0.4)
