"""How two items' projects agree across scripts and spellings (after final24, names25, shaped):
a name written in another script is compared by its romanised form with the other side's Latin
names and tickers, and a ticker spelt by a name's words agrees with that name. On real items of
the labelled pairs (core/data/eval/events/pairs.jsonl)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.bundled import COMPANIES_FILE
from core.events.evaluate import PAIRS_FILE, PairJudge, _when
from core.events.extract import romanised, script_names
from core.events.join import PROJECT, agreement


@pytest.fixture(scope="module")
def judge() -> PairJudge:
    return PairJudge(COMPANIES_FILE)


def pair(pair_id: str) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """A labelled pair's two items, earlier first, and its label."""
    for line in PAIRS_FILE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["pair"] == pair_id:
            first, second = sorted((row["a"], row["b"]), key=_when)
            return first, second, bool(row["same_event"])
    raise KeyError(pair_id)


def blob(item: dict[str, Any]) -> str:
    return f"{item.get('title') or ''}\n{item.get('text') or ''}"


def test_romanised_words_of_other_scripts() -> None:
    assert romanised("카이아") == "kaia" and romanised("カイア") == "kaia"
    assert romanised("Телеграм") == "telegram"
    # Korean glues its particles and a name's kind to the name: both forms are candidates
    assert {"alowana", "alowanatokeun"} <= script_names("빗썸, 아로와나토큰 상장 논란에")
    assert "kaia" in script_names("'네카오 코인' 카이아, 업비트 상장 가능성 보이나…?")
    # hiragana (particles, endings) and Chinese characters give no candidate
    assert script_names("CZ氏、バイナンスのTST上場について説明") == frozenset({"bainansu"})
    assert script_names("Binance lists KAIA") == frozenset()


def test_a_korean_name_meets_its_ticker(judge) -> None:
    # f24-022: two Korean pages on 카이아 the same day; the first named no key at all
    first, second, same = pair("f24-022")
    event, founder = judge.event_of(first)
    ident, _analysis = judge.identity(second)
    assert same and not (founder.names or founder.tickers) and founder.weak
    assert "kaia" in founder.scripted and ident.tickers == {"KAIA"}
    assert agreement(event, ident, blob(second)) == PROJECT
    assert judge.same(first, second)[0]


def test_romanised_words_never_meet_each_other(judge) -> None:
    # two Korean headlines share words of the language (상장, listing), not names: the
    # WEMIX court ruling told twice (f24-020, different) stays apart
    first, second, same = pair("f24-020")
    _event, founder = judge.event_of(first)
    ident, _analysis = judge.identity(second)
    assert not same and founder.scripted & ident.scripted
    assert not judge.same(first, second)[0]
