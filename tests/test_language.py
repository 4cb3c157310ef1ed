"""Non-English items: their language is recognised, and a TGE in it is not lost to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.scoring import CompanySpec, ScoringEngine
from core.scoring.evaluate import parse_published
from core.scoring.language import detect
from core.scoring.text import clean, prepare, sentences_marked

DATA = Path(__file__).parent / "data"
# Real items (provenance: tests/data/nonenglish/README.md, and each row's url)
REAL = {
    row["id"]: row
    for row in map(json.loads, (DATA / "nonenglish/items.jsonl").read_text().splitlines())
}
# Self-written held-out items in other languages (tests/data/heldout/README.md)
HELDOUT = {
    row["id"]: row
    for row in map(json.loads, (DATA / "heldout/set4/items.jsonl").read_text().splitlines())
}
COMPANIES = [
    CompanySpec(1, "Ampleforth", (), ("FORTH", "AMPL")),
    CompanySpec(2, "io.net", (), ("IO",)),
    CompanySpec(3, "Donnie Finance", (), ("DON",)),
    CompanySpec(4, "Omni Network", (), ("OMNI",)),
    CompanySpec(5, "Catizen", (), ("CATI",)),
    CompanySpec(6, "Sahara AI", ("Sahara",), ("SAHARA",)),
    CompanySpec(7, "deBridge", (), ("DBR",)),
    CompanySpec(8, "Humanity Protocol", (), ("H",)),
    CompanySpec(9, "Plume", (), ("PLUME",)),
    CompanySpec(10, "Monad", ("모나드", "莫纳德"), ("MON",)),
    CompanySpec(11, "Toncoin", ("TON",), ("TON",)),
    CompanySpec(12, "Starknet", (), ("STRK",)),
    CompanySpec(13, "Sudoswap", (), ("SUDO",)),
]


@pytest.fixture(scope="module")
def engine() -> ScoringEngine:
    return ScoringEngine(COMPANIES)


def _lang(title: str, text: str = "") -> str:
    marked = sentences_marked(clean(title), clean(text))
    _cased, low, _bounds = prepare(marked)
    return detect(marked, low)


def _score(engine: ScoringEngine, row: dict):
    return engine.analyze(
        row.get("title") or "", row.get("text") or "", published=parse_published(row.get("date"))
    )


@pytest.mark.parametrize(
    ("item_id", "lang"),
    [
        ("pg-0472", "zh"),
        ("pg-0181", "zh"),
        ("pg-0147", "ko"),
        ("pg-0341", "ru"),
        ("pg-0149", "es"),
        ("pg-0396", "pt"),
        ("pg-0191", "it"),
    ],
)
def test_real_items_language(item_id: str, lang: str) -> None:
    row = REAL[item_id]
    assert _lang(row["title"], row["text"]) == lang


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        ("LayerZero's ZRO token airdrop with mandatory donations goes live", "en"),
        ("El Salvador buys more bitcoin", "en"),  # one Spanish-looking word is not Spanish
        ("We've seen the MON airdrop: claims are live", "en"),
        ("Layer-2 Starknet Airdrop 728 Juta Token STRK yang akan dibagikan dari", "id"),
        ("Monad, MON token airdrop'unu başlattı ve talep açıldı", "tr"),
        ("Humanity Protocol lanza su token H tras meses de verificaciones con la palma", "es"),
        ("なぜ「Phantom」が話題に? ユーザー名公開ブームとエアドロップ期待", "ja"),
        ("Monad空投TGE", "zh"),
        ("", "en"),
    ],
)
def test_language_table(title: str, lang: str) -> None:
    assert _lang(title) == lang


def test_language_is_in_the_analysis(engine: ScoringEngine) -> None:
    a = _score(engine, REAL["pg-0472"])
    assert a.language == "zh" and a.to_dict()["language"] == "zh"
    assert engine.analyze("Quiet markets", "").language == "en"
    assert engine.analyze("比特币价格今日上涨5%", "").language == "zh"


@pytest.mark.parametrize(
    "item_id",
    [
        "pg-0472",  # zh: Ampleforth launches governance token FORTH, how to claim the airdrop
        "pg-0181",  # zh: io.net publishes the IO token's tokenomics
        "pg-0151",  # zh: Binance supports the Donnie Finance (DON) airdrop
    ],
)
def test_real_non_english_tges_about_known_tickers_alert(engine, item_id: str) -> None:
    a = _score(engine, REAL[item_id])
    assert a.confidence >= 0.5, (a.why(), a.explanation)
    assert a.companies


@pytest.mark.parametrize(
    "item_id",
    [
        "hd-0025",  # ko: Sahara AI (SAHARA) TGE on June 26, Binance HODLer airdrop
        "hd-0104",  # zh: Plume token PLUME TGE on January 21, first airdrop season opens
    ],
)
def test_heldout_non_english_tges_are_not_certain_negative(engine, item_id: str) -> None:
    a = _score(engine, HELDOUT[item_id])
    assert a.confidence >= 0.4 and a.keywords["tier1"], (a.why(), a.explanation)


@pytest.mark.parametrize(
    "item_id",
    [
        "pg-0341",  # ru: Omni token fell 55% after the airdrop, fake-token scam
        "pg-0068",  # zh: what is a TGE (explainer)
        "pg-0069",  # zh: TGE, a complete guide
        "pg-0149",  # es: airdrops, all you need to know
        "pg-0147",  # ko: what is an airdrop
        "pg-0148",  # ko: free airdrops are risky
        "pg-0512",  # ru: how Binance allocates tokens at listings
        "pg-0756",  # ru: OpenSea adds BNB Chain
    ],
)
def test_real_non_english_negatives_stay_low(engine, item_id: str) -> None:
    a = _score(engine, REAL[item_id])
    assert a.confidence < 0.5, (a.why(), a.explanation)


# Each launch written in one language and in English, about the same known project: the
# language costs at most a little (no English-only date parsing, fewer phrasings).
PAIRS = [
    ("Monad 空投申领已开放，MON 代币上线", "Monad airdrop claims are open, the MON token is live"),
    ("모나드(MON) 에어드랍 클레임 오픈", "Monad (MON) airdrop claim opens"),
    ("Monad запускает аирдроп токена MON", "Monad launches the MON token airdrop"),
    ("Monad lanza el airdrop de su token MON para los usuarios", "Monad launches the MON airdrop"),
    ("Monad, MON token airdrop'unu başlattı ve talep açıldı", "Monad opened the MON airdrop"),
]


@pytest.mark.parametrize(("native", "english"), PAIRS)
def test_a_launch_scores_about_the_same_in_any_language(engine, native, english) -> None:
    a, b = engine.analyze(native, ""), engine.analyze(english, "")
    assert a.language != "en" and b.language == "en"
    assert a.confidence >= 0.5 and a.confidence >= b.confidence - 0.25, (a.why(), b.why())
    assert [c["name"] for c in a.companies] == ["Monad"]


@pytest.mark.parametrize(
    ("title", "company", "ticker"),
    [
        ("Monad空投TGE", "Monad", None),  # no space between CJK and Latin
        ("Monad（MON）空投开放申领", "Monad", "MON"),  # full-width brackets
        ("STRK 空投开放申领，用户可以领取代币", "Starknet", "STRK"),  # not an all-caps headline
        ("TON 空投开放申领", "Toncoin", None),
        ("$STRK空投开放申领", "Starknet", "STRK"),
        ("莫纳德空投申领已开放", "Monad", None),  # a name written in CJK
        ("모나드 에어드랍 클레임 오픈", "Monad", None),  # and in Hangul
    ],
)
def test_cjk_text_keeps_company_and_ticker_matching(engine, title, company, ticker) -> None:
    a = engine.analyze(title, "")
    assert [c["name"] for c in a.companies][:1] == [company], a.why()
    if ticker:
        assert ticker in a.tokens
    assert a.confidence >= 0.5, a.why()
