"""Token history: whether a ticker traded before an item's day, without seeing the future."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.models import Item
from core.monitors.base import RawItem
from core.monitors.ingest import Ingestor
from core.runtime import App
from core.scoring import train as tr
from core.scoring.engine import ScoringEngine
from core.scoring.history import (
    FIRST_SEEN_FILE,
    TokenHistory,
    bundled_history,
    day_of,
    headline_tickers,
    history_for,
    read_first_seen,
    today,
)
from core.scoring.model import item_features, load_model


def d(s: str) -> int:
    return date.fromisoformat(s).toordinal()


def test_headline_tickers_read_listing_forms_not_quotes() -> None:
    assert headline_tickers("Binance Will List Terra (LUNA)") == {"LUNA"}
    assert headline_tickers("Binance Adds BTG/BUSD, BTG/USDT & HOT/BUSD Trading Pairs") == {
        "BTG",
        "HOT",
    }
    assert headline_tickers("Futures Will Launch USDT-Margined DGB Perpetual Contracts") == {"DGB"}
    assert headline_tickers("$PENGU airdrop opens; PENGUUSDT perpetual") == {"PENGU"}
    assert headline_tickers("Bitcoin (BTC) slides as ETH/USDT holds") == set()  # quotes only
    assert headline_tickers("Markets close lower in 2024 (20)") == set()


def test_features_count_only_sightings_before_the_item() -> None:
    h = TokenHistory({"OLD": d("2020-01-01"), "NEAR": d("2024-05-20")})
    day = d("2024-06-01")
    assert h.features({"OLD"}, day) == {"hist:old": 1.0}
    assert h.features({"NEAR"}, day) == {"hist:recent": 1.0}
    assert h.features({"NEW"}, day) == {"hist:new": 1.0}
    # one unseen ticker makes the item about something new (a new token beside an old one)
    assert h.features({"OLD", "NEW"}, day) == {"hist:new": 1.0}
    # the same day or the day before is the item itself (time zones), never its past
    assert h.features({"NEAR"}, d("2024-05-21")) == {"hist:new": 1.0}
    assert h.features({"NEAR"}, d("2024-05-22")) == {"hist:recent": 1.0}
    # a sighting after the item's day is the future: not counted
    assert h.features({"NEAR"}, d("2024-05-01")) == {"hist:new": 1.0}
    # no ticker, only quote currencies, or no day: nothing to say
    assert h.features(set(), day) == {}
    assert h.features({"USDT", "BTC"}, day) == {}
    assert h.features({"OLD"}, None) == {}


def test_day_of_is_the_utc_day() -> None:
    east = timezone(timedelta(hours=8))
    assert day_of(datetime(2025, 9, 18, 7, 0, tzinfo=east)) == d("2025-09-17")  # 23:00 UTC
    assert day_of(datetime(2025, 9, 18, 9, 0, tzinfo=east)) == d("2025-09-18")
    assert day_of(datetime(2025, 9, 18, 23, 30)) == d("2025-09-18")  # naive: UTC
    assert day_of(date(2025, 9, 18)) == d("2025-09-18")
    assert day_of(None) is None
    assert today() == datetime.now(UTC).date().toordinal()


def test_see_keeps_the_earliest_day() -> None:
    h = TokenHistory()
    h.see_headline("Binance Will List Aster (ASTER)", datetime(2025, 9, 17, 23, 0, tzinfo=UTC))
    h.see(["aster"], date(2025, 10, 1))  # later: the first day stays
    assert h.first("ASTER") == d("2025-09-17")
    h.see(["ASTER"], d("2025-09-10"))
    assert h.first("aster") == d("2025-09-10")
    h.see(["X"], None)  # an undated sighting says nothing
    assert h.first("X") is None


def test_bundled_table_loads_and_a_broken_one_is_empty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    table = read_first_seen()
    assert len(table) > 1000
    doc = json.loads(FIRST_SEEN_FILE.read_text())
    assert doc["sources"]["binance_spot"]["commit"]  # provenance travels with the table
    # Binance spot opened SOL/BNB trading in 2020: a 2024 SOL listing is an old token
    assert table["SOL"] <= d("2020-12-31")
    broken = tmp_path / "first-seen.json"
    broken.write_text("{not json")
    assert read_first_seen(broken) == {}
    assert "token history not used" in caplog.text


def test_history_only_for_a_model_that_reads_it() -> None:
    class NoHistory:
        uses_history = False

    assert history_for(None) is None
    assert history_for(NoHistory()) is None
    model = load_model()
    assert model is not None and model.uses_history
    h = history_for(model, [("Zzyzx Labs (ZZYZX) goes live", date(2025, 1, 2))])
    assert h is not None and h.first("ZZYZX") == d("2025-01-02")
    assert len(h) == len(bundled_history()) + 1


def test_training_history_leaves_the_final_test_out(tmp_path: Path) -> None:
    """A held-out project's headlines are not anyone's history in training."""

    def item(i: int, title: str, day: str, company: str, tick: str, tge: bool) -> str:
        return json.dumps(
            {
                "id": f"i{i}",
                "title": title,
                "text": "",
                "date": day,
                "is_tge": tge,
                "company": company,
                "token_symbol": tick,
            }
        )

    data = tmp_path / "items.jsonl"
    rows = [
        item(1, "Qwerty Protocol (QWRTX) token launches", "2024-01-01", "Qwerty", "QWRTX", True),
        item(2, "Binance Will List Qwerty (QWRTX)", "2024-03-01", "Qwerty", "QWRTX", False),
        item(3, "Bitget Will List Asdfg (ASDFX)", "2024-03-01", "Other", "ASDFX", False),
        item(4, "Zxcv Network (ZXCVX) airdrop live", "2024-01-01", "Zxcv", "ZXCVX", True),
        item(5, "OKX Will List Zxcv (ZXCVX)", "2024-03-01", "Zxcv", "ZXCVX", False),
    ]
    data.write_text("\n".join(rows) + "\n")
    config = tr.TrainConfig(repeats=1, folds=2, unlisted=0.0)
    kept, _ = tr.load_rows([data], config=config, held={"i4"})
    by_id = {r.id: r for r in kept}
    assert set(by_id) == {"i1", "i2", "i3"}  # the held project's items are gone
    assert by_id["i2"].feats.get("hist:old") == 1.0  # QWRTX seen two months before
    assert by_id["i1"].feats.get("hist:new") == 1.0  # its own later listing is the future
    history = tr.training_history(kept)
    assert history.first("ZXCVX") is None  # never history for anyone


async def test_app_reads_stored_headlines_and_ingest_adds_new_ones(app: App) -> None:
    history = app.scoring.history
    assert history is not None  # the bundled model reads the token history
    assert history.first("QZXW") is None
    old = datetime.now(UTC) - timedelta(days=200)
    await Item.create(
        guid="g-old", title="Qzxw Finance (QZXW) opens trading", fingerprint="f1", published_at=old
    )
    await app._load_token_history()
    assert history.first("QZXW") == day_of(old)
    # now a listing of that ticker reads as an old token, one of a new ticker as new
    now = datetime.now(UTC)
    title = "Binance Will List Qzxw Finance (QZXW)"
    a = app.scoring.analyze_rules(title, "")
    assert item_features(a, title, "", None, history, day_of(now))[2]["hist:old"] == 1.0
    new = "Binance Will List Vbnmq Finance (VBNMQ)"
    a = app.scoring.analyze_rules(new, "")
    assert item_features(a, new, "", None, history, day_of(now))[2]["hist:new"] == 1.0
    # and the engine's score uses it: the same item without the history scores otherwise
    with_history = app.scoring.analyze(title, "", published=now).confidence
    app.scoring.history = None
    try:
        assert app.scoring.analyze(title, "", published=now).confidence != with_history
    finally:
        app.scoring.history = history
    await Ingestor(app).ingest(
        None, [RawItem(guid="g-new", title="Vbnmq Finance (VBNMQ) goes live", published=now)]
    )
    assert history.first("VBNMQ") == day_of(now)


async def _stored_headlines_load(app: App) -> None:
    when = datetime(2024, 3, 1, tzinfo=UTC)
    await Item.create(
        guid="a", title="Wxyq Labs lists WXYQ/USDT", fingerprint="a", published_at=when
    )
    await Item.create(
        guid="b", title="Pqrv token is live ($PQRV)", fingerprint="b", created_at=when
    )
    await Item.create(
        guid="c", title="Markets slide as QWXZ falls", fingerprint="c", published_at=when
    )
    await app._load_token_history()
    history = app.scoring.history
    assert history.first("WXYQ") == day_of(when)
    assert history.first("PQRV") is not None  # no published date: the day it was stored
    assert history.first("QWXZ") is None  # not a ticker form: not history


async def test_stored_headlines_load_on_sqlite(app: App) -> None:
    await _stored_headlines_load(app)


async def test_stored_headlines_load_on_postgres(pg_app: App) -> None:
    await _stored_headlines_load(pg_app)


def test_an_undated_item_is_news_now_live_and_has_no_history_in_a_labelled_set() -> None:
    """Live ingest judges an undated item's tickers as of today (it is seen now); a labelled
    set's undated item gets no history features, as training gives it (no day, no history),
    so a retold old launch on an undated page is not read as "already trading"."""
    model = load_model()
    assert model is not None and model.uses_history
    title = "Qzxv Finance (QZXV) token launches on Binance"
    history = TokenHistory({"QZXV": today() - 200})
    live = ScoringEngine(model=model, history=history)
    assert live.undated_now
    as_today = live.analyze(title, "", published=datetime.now(UTC)).confidence
    assert live.analyze(title, "").confidence == as_today
    labelled = ScoringEngine(model=model, history=history, undated_now=False)
    without = ScoringEngine(model=model, history=None).analyze(title, "").confidence
    undated = labelled.analyze(title, "")
    assert undated.confidence == without != as_today
    assert "already trades" not in json.dumps(undated.explanation)
    # a dated item reads its history in both
    when = datetime.now(UTC) - timedelta(days=3)
    assert (
        labelled.analyze(title, "", published=when).confidence
        == live.analyze(title, "", published=when).confidence
    )


def test_eval_of_a_labelled_set_scores_undated_items_as_training_does(tmp_path: Path) -> None:
    """`tge-monitor eval`: an undated retelling of a launch whose ticker the set saw long ago
    scores as with no history at all; the same page dated today reads the token as old."""
    from core.scoring.evaluate import evaluate

    rows = [
        {"id": "a", "title": "Qzxv Finance (QZXV) token launches", "date": "2024-01-10",
         "is_tge": True},
        {"id": "b", "title": "Qzxv Finance (QZXV) token launches on Binance", "date": None,
         "is_tge": True},
    ]  # fmt: skip
    data = tmp_path / "items.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    companies = tmp_path / "companies.json"
    companies.write_text("[]", encoding="utf-8")
    model = load_model()
    scores = evaluate(data, companies, model=model)["curve"]["scores"]
    title = rows[1]["title"]
    assert scores[1] == ScoringEngine(model=model).analyze(title, "").confidence
    history = TokenHistory({"QZXV": date(2024, 1, 10).toordinal()})
    dated_today = ScoringEngine(model=model, history=history).analyze(title, "")
    assert dated_today.confidence != scores[1]  # what eval gave before: "already trades"
    before = evaluate(data, companies, model=model, undated_now=True)["curve"]["scores"]
    assert before[1] == dated_today.confidence and before[0] == scores[0]
