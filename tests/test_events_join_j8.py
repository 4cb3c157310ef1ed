"""J8 (names33): three readings on J6, each shaped on labelled pairs (final30, final31) and
kept apart from an exchange programme's count (final32's Gate Booster 第五期)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from core.bundled import COMPANIES_FILE
from core.events.evaluate import PAIRS_FILE, PairJudge
from core.events.join import later_news, prefixed_name, round_of


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


@pytest.mark.parametrize("pair", ["f31-022", "f31-024", "f31-042"])
def test_a_later_round_of_the_airdrop_in_chinese_is_another_launch(judge, pair) -> None:
    """final31 (shaped): Binance's "Fabric Protocol (ROBO) 第二轮空投奖励申领" (the second round of
    ROBO's airdrop) is another launch than ROBO's listings and its first airdrop (labelled
    different)."""
    assert not _pairs()[pair]["same_event"]
    assert not _joined(judge, pair)


@pytest.mark.parametrize("pair", ["f32-023", "f32-096", "f32-103"])
def test_an_exchange_programmes_edition_is_no_round(judge, pair) -> None:
    """final32 (J7 parted these): "Gate Booster 第五期上线，参与 MEZO CandyDrop 发帖任务分享
    100,000 MEZO 奖池" is Gate Booster's fifth edition, a campaign for MEZO, not MEZO's fifth
    round; it joins Coinbase's roadmap and listing of MEZO and its Bitget Launchpool notice
    (labelled same)."""
    assert _pairs()[pair]["same_event"]
    assert (
        round_of("Gate Booster 第五期上线，参与 MEZO CandyDrop 发帖任务分享 100,000 MEZO 奖池")
        == ""
    )
    assert _joined(judge, pair)


@pytest.mark.parametrize(
    ("headline", "wanted"),
    [
        ("Binance开启 Fabric Protocol (ROBO) 第二轮空投奖励申领", "2"),
        ("梳理Jupiter第二輪空投關鍵訊息:何時上線?有哪些限制?", "2"),
        ("Binance Alpha开启第三轮 Swarm Network (TRUTH) 空投，持有256积分可领2501枚代币", "3"),
        ("Acme 2차 에어드랍 시작", "2"),
        ("Acme 시즌 2 에어드랍 신청", "2"),
        ("Acme 第2弾エアドロップ", "2"),
        # an exchange's or platform's programme counts editions, not the token's rounds
        ("币安推出第64期HODLer空投项目Gensyn（AIGENSYN）", ""),
        ("币安HODLer空投上线第65期项目Genius Terminal（GENIUS）", ""),
        ("币安钱包独家TGE第44期将上线Unitas Labs (UP)", ""),
        ("币安钱包第六期 Pre-TGE 将上线 Espresso（ESP）", ""),
        ("Gate 交易赛第二季开启，瓜分 ACME 空投奖池", ""),
        # a quarter, a funding round: no token round
        ("Acme 第二季度空投计划", ""),
        ("Acme 完成第二轮融资", ""),
    ],
)
def test_cjk_rounds_are_the_tokens_own(headline, wanted) -> None:
    assert round_of(headline) == wanted
