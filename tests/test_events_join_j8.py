"""J8 (names33): three readings on J6, each shaped on labelled pairs (final30, final31) and
kept apart from an exchange programme's count (final32's Gate Booster 第五期)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from core.bundled import COMPANIES_FILE
from core.events.evaluate import PAIRS_FILE, PairJudge
from core.events.join import later_news, prefixed_name


@pytest.fixture(scope="module")
def judge() -> PairJudge:
    return PairJudge(COMPANIES_FILE)


@cache
def _pairs() -> dict[str, dict[str, Any]]:
    rows = (json.loads(line) for line in PAIRS_FILE.read_text().splitlines() if line)
    return {row["pair"]: row for row in rows}


def _joined(judge: PairJudge, pair: str) -> bool:
    row = _pairs()[pair]
    return judge.same(row["a"], row["b"])[0]


@pytest.mark.parametrize("pair", ["f31-049", "f31-051", "f31-054", "f31-069"])
def test_a_launchpool_beside_an_unlock_is_the_launch(judge, pair) -> None:
    """final31 (shaped): "Bitget Launchpool 项目 AEON 现已开放投入，锁仓 BGB 和 AEON 解锁 116 万枚
    AEON" (and AIGENSYN's alike) is the token's launch on an exchange's launch platform, not an
    unlock of a token that trades; readers join it to the token's listings (labelled same)."""
    row = _pairs()[pair]
    assert row["same_event"]
    assert _joined(judge, pair)


def test_only_the_verb_launch_is_no_launch_talk_beside_an_unlock() -> None:
    """The verb still tells no launch (a buyback program launches); the platforms' names
    (Launchpool, Launchpad) do."""
    pool = "Bitget Launchpool 项目 AEON 现已开放投入，锁仓 BGB 和 AEON 解锁 116 万枚 AEON"
    assert not later_news(pool)
    assert not later_news("Binance Launchpad project XYZ unlocks 5% of supply")
    assert later_news("Acme launches buyback program as 10M tokens unlock")
    assert later_news("Lighter launches token buyback program")


@pytest.mark.parametrize("pair", ["f30-052", "f31-047"])
def test_a_ticker_that_is_a_name_behind_a_prefix_is_that_name(judge, pair) -> None:
    """final30, final31 (shaped, one project's evidence: Gensyn's): Binance's and Bitget's
    "AIGENSYN" (Gensyn's token, its name behind "AI") and OKX's "AI/USDT (Gensyn)" or "$AI
    perpetual futures" keyed 'gensyn' are one launch (labelled same)."""
    assert _pairs()[pair]["same_event"]
    assert _joined(judge, pair)


def test_a_prefix_is_read_only_before_a_rare_name_of_five_letters_or_more() -> None:
    assert prefixed_name({"AIGENSYN"}, {"gensyn"})
    assert not prefixed_name({"WCOMMON"}, {"common"})  # a common word
    assert not prefixed_name({"XNETWORK"}, {"network"})  # a generic word
    assert not prefixed_name({"XAPE"}, {"ape"})  # too short a name
    assert not prefixed_name({"ABCGENSYN"}, {"gensyn"})  # a prefix of three
    assert not prefixed_name({"GENSYN"}, {"gensyn"})  # no prefix: the ticker is the name
    assert not prefixed_name({"AIGENSYN"}, {"gensyn labs"})  # not one word
