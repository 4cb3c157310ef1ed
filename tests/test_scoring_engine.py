"""Behaviour of the scoring engine: each signal, each negative, bands, proximity, noise."""

from __future__ import annotations

import random
import re
import threading
from datetime import datetime
from typing import Any

import pytest

from core.scoring import Analysis, CompanySpec, ScoringEngine, band_for
from core.scoring.text import PhraseTable, Words
from core.scoring.urgency import find_urgency

PUBLISHED = datetime(2026, 3, 1, 12, 0)

COMPANIES = [
    CompanySpec(1, "LayerZero", ("Layer Zero", "LayerZero Labs"), ("ZRO",), "HIGH"),
    CompanySpec(2, "Sonic", ("Sonic Labs",), ("S",), "MEDIUM", ("sonic the hedgehog",)),
    CompanySpec(3, "Athos Finance", ("Athos",), ("ATH",)),
    CompanySpec(4, "Monad", ("Monad Labs",), ("MON",)),
    CompanySpec(5, "Caldera", ("Caldera Labs",), ("ERA",), "MEDIUM", ("volcanic caldera",)),
    CompanySpec(6, "Jupiter", ("Jupiter Exchange",), ("JUP",)),
    CompanySpec(7, "Starknet", ("StarkWare",), ("STRK",)),
    CompanySpec(8, "The Open Network", ("TON", "Toncoin"), ("TON",)),
]


@pytest.fixture(scope="module")
def engine() -> ScoringEngine:
    return ScoringEngine(COMPANIES)


def analyze(engine: ScoringEngine, title: str, text: str = "") -> Analysis:
    return engine.analyze(title, text, published=PUBLISHED)


# --- bands -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("confidence", "band"),
    [
        (0.0, "low"),
        (0.399, "low"),
        (0.4, "medium"),
        (0.699, "medium"),
        (0.7, "high"),
        (1.0, "high"),
    ],
)
def test_band_for(confidence: float, band: str) -> None:
    assert band_for(confidence) == band


@pytest.mark.parametrize(
    ("title", "band"),
    [
        ("LayerZero announces ZRO token generation event on March 3", "high"),
        ("Acme teases a possible airdrop", "low"),
        ("Bitcoin ETF inflows hit a record", "low"),
    ],
)
def test_band_matches_confidence(engine: ScoringEngine, title: str, band: str) -> None:
    a = analyze(engine, title)
    assert a.band == band == band_for(a.confidence)
    assert 0.0 <= a.confidence <= 1.0
    assert a.confidence == round(a.confidence, 3)


# --- company names and aliases ----------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "name", "matched"),
    [
        ("LayerZero TGE set for next week", "LayerZero", "LayerZero"),
        ("layerzero tge set for next week", "LayerZero", "LayerZero"),  # lower-cased feed
        ("Layer Zero airdrop claim is live", "LayerZero", "Layer Zero"),
        ("LAYERZERO TGE TOMORROW", "LayerZero", "LayerZero"),
        ("Athos Finance announces airdrop", "Athos Finance", "Athos Finance"),
        ("Toncoin airdrop claims open", "The Open Network", "Toncoin"),
        ("TON airdrop claims open", "The Open Network", "TON"),
    ],
)
def test_company_names_and_aliases(
    engine: ScoringEngine, title: str, name: str, matched: str
) -> None:
    a = analyze(engine, title)
    assert a.companies, a.explanation
    assert a.companies[0]["name"] == name
    assert a.companies[0]["matched"] == matched
    assert set(a.companies[0]) == {"id", "name", "matched", "priority"}


@pytest.mark.parametrize(
    "title",
    [
        "Investor optimism grows as jupiter rises in the night sky",  # plain word, lower case
        "LayerZeroX launches something",  # no word boundary
        "A ton of new users arrived",  # upper-case alias only matches upper case
        "Superjupiter token launch",  # inside another word
    ],
)
def test_company_needs_word_boundary_and_case(engine: ScoringEngine, title: str) -> None:
    names = [c["name"] for c in analyze(engine, title).companies]
    assert "Jupiter" not in names and "LayerZero" not in names
    assert "The Open Network" not in names


def test_company_exclusion_phrase_cancels_match(engine: ScoringEngine) -> None:
    assert analyze(engine, "Volcanic caldera eruption feared").companies == []
    assert analyze(engine, "Sonic the Hedgehog movie launches in March").companies == []
    # Without the exclusion phrase the company matches.
    assert analyze(engine, "Caldera announces ERA token TGE on April 2").companies[0]["id"] == 5


# --- token symbols -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "tokens"),
    [
        ("Sonic launches the $S token on March 3", ["S"]),
        ("The S token goes live tomorrow", ["S"]),
        ("Monad: MON token airdrop claims open next week", ["MON"]),
        ("MON's airdrop claim is live", ["MON"]),
        ("Pudgy Penguins (PENGU) listing on Binance", ["PENGU"]),
        ("The token will trade under the ticker OP", ["OP"]),
        ("Starknet STRK airdrop", ["STRK"]),  # 4+ letter watched ticker stands alone
        ("Acme reveals $acme? no: ACME token launch", ["ACME"]),
    ],
)
def test_token_symbols_in_context(engine: ScoringEngine, title: str, tokens: list[str]) -> None:
    assert analyze(engine, title).tokens == tokens


@pytest.mark.parametrize(
    "title",
    [
        "Sonic price: S rallies as traders return",  # bare "S"
        "Bitcoin hits new ATH as ETF inflows surge",  # ATH is all-time high
        "MON TUE WED: the week ahead",  # all caps, no context
        "All-time high (ATH) for ether",  # acronym in parentheses
        "A token of appreciation",  # sentence-initial "A"
    ],
)
def test_short_symbols_need_context(engine: ScoringEngine, title: str) -> None:
    a = analyze(engine, title)
    assert a.tokens == []
    assert not any(
        c["name"] in ("Sonic", "Athos Finance", "Monad") and c["matched"].startswith("$")
        for c in a.companies
    )


def test_watched_ticker_identifies_company(engine: ScoringEngine) -> None:
    a = analyze(engine, "", "MON's airdrop claim is live for eligible wallets")
    assert a.companies[0]["name"] == "Monad"
    assert a.companies[0]["matched"] == "$MON"


# --- keyword tiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "tier", "label"),
    [
        ("Acme token generation event next month", "tier1", "token generation event"),
        ("Acme TGE confirmed", "tier1", "tge"),
        ("Acme airdrop claim opens", "tier1", "airdrop claim"),
        ("Acme: claims for the airdrop are now live", "tier1", "claim ... live"),
        ("Acme has launched its native governance token", "tier1", "launch ... token"),
        ("Acme token sale starts", "tier1", "token sale"),
        ("Acme mainnet arrives", "tier2", "mainnet"),
        ("Acme airdrop details", "tier2", "airdrop"),
        ("Binance will list Acme", "tier2", "will list"),
        ("Acme community grows", "tier3", "community"),
    ],
)
def test_keyword_tiers(engine: ScoringEngine, title: str, tier: str, label: str) -> None:
    a = analyze(engine, title)
    assert label in a.keywords[tier]
    assert set(a.keywords) == {"tier1", "tier2", "tier3"}


def test_tiers_order_confidence(engine: ScoringEngine) -> None:
    t1 = analyze(engine, "Acme token generation event").confidence
    t2 = analyze(engine, "Acme mainnet upgrade").confidence
    t3 = analyze(engine, "Acme community call").confidence
    assert t1 > t2 > t3


def test_contained_keyword_reported_once(engine: ScoringEngine) -> None:
    a = analyze(engine, "Acme token generation event")
    assert "token generation event" in a.keywords["tier1"]
    assert "token generation" not in a.keywords["tier1"]


# --- urgency ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "date", "kind"),
    [
        ("on March 3", "2026-03-03", "date"),
        ("on the 20th of February", "2026-02-20", "date"),
        ("on 2026-03-03", "2026-03-03", "date"),
        ("on December 17, 2024", "2024-12-17", "date"),
        ("tomorrow", "2026-03-02", "relative"),
        ("in 2 hours", "2026-03-01", "relative"),
        ("in three days", "2026-03-04", "relative"),
        ("next week", "2026-03-08", "relative"),
        ("on Thursday", "2026-03-05", "weekday"),
        ("in Q2 2026", "2026-04-01", "quarter"),
        ("in Q1, 2027", "2027-01-01", "quarter"),
        ("by late April", "2026-04-01", "month"),
        ("at 07:30 UTC", None, "time"),
    ],
)
def test_urgency_normalised_to_published(phrase: str, date: str | None, kind: str) -> None:
    u = find_urgency(f"The Acme TGE happens {phrase}.", PUBLISHED)
    assert u is not None
    assert (u.date, u.kind) == (date, kind)


def test_urgency_in_analysis_and_adds_confidence(engine: ScoringEngine) -> None:
    with_date = analyze(engine, "Acme TGE on March 3")
    without = analyze(engine, "Acme TGE")
    assert with_date.urgency == {"text": "March 3", "date": "2026-03-03", "kind": "date"}
    assert without.urgency is None
    assert with_date.confidence > without.confidence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Claims open in a couple of hours", "in a couple of hours"),
        ("Claims open in 2 days", "in 2 days"),
        ("Claims open later this week", "later this week"),
        ("Claims open at 10:00 am UTC", "10:00 UTC"),
        ("Claims open at 9pm UTC", "9pm UTC"),
        ("Claims open on the day of the event", None),
        ("Claims open every month", None),
        ("Claims open for UTC holders", None),
    ],
)
def test_urgency_units_and_zones_need_a_date_before_them(
    engine: ScoringEngine, text: str, expected: str | None
) -> None:
    a = analyze(engine, "Acme airdrop", text)
    assert (a.urgency or {}).get("text") == expected


def test_urgency_relative_to_now_without_published(engine: ScoringEngine) -> None:
    a = engine.analyze("Acme TGE tomorrow", "")
    assert a.urgency is not None and a.urgency["date"] is not None


def test_stale_date_is_a_retrospective(engine: ScoringEngine) -> None:
    fresh = analyze(engine, "Acme carried out its token generation event on February 20, 2026")
    old = analyze(engine, "Acme carried out its token generation event on February 20, 2024")
    assert "stale" in old.negatives
    assert old.confidence < fresh.confidence


# --- negatives -------------------------------------------------------------------------------

POSITIVE = "Acme airdrop claim is live for the ACME token"


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Acme ACME token price surges 40% after airdrop claim", "price"),
        ("Acme hacked: airdrop claim contract exploited", "hack"),
        ("Acme faces lawsuit over token launch", "legal"),
        ("Acme says no plans for a token launch", "denial"),
        ("Acme co-founder denies token launch rumours", "denial"),
        ("Acme testnet goes live ahead of token launch", "testnet"),
        ("Rumour: Acme could launch token", "speculation"),
        ("Will Acme launch a token?", "speculation"),
        ("How to claim the Acme airdrop: a step-by-step guide", "guide"),
        ("Weekly recap: Acme TGE and other news", "recap"),
        ("Top 5 token launches to watch this week", "recap"),
        ("Acme airdrop: send to receive your tokens", "scam"),
        ("Acme takes snapshot ahead of token launch", "prelaunch"),
        ("Acme points season 2 begins ahead of airdrop", "prelaunch"),
        ("Acme launches a new stablecoin token", "product"),
        ("BlackRock launches bitcoin ETF", "product"),
        ("Acme raises $20M in a Series A ahead of token launch", "funding"),
        ("Acme completes token swap and rebrand", "swap"),
        ("Acme opens second airdrop for token holders", "second_round"),
        ("Acme token launch could turn $100 into 100x #partnercontent", "promo"),
        ("Acme token unlock: 1.1 billion ACME enter circulation on March 16", "unlock"),
        ("Acme confirms ACME airdrop; no date has been set", "undated"),
        ("Acme launches acmeETH, a liquid restaking token", "product"),
        ("Reminder: unclaimed ACME tokens return to the Acme DAO on March 3", "postlaunch"),
        ("Binance lists ACME token, which has been trading on other exchanges", "old_listing"),
        ("Acme launches a new platform; the launch does not involve a new token", "denial"),
        ("SEC ends probe into Acme; the Wells notice related to its 2021 token listing", "legal"),
        ("ACME token notches a new high as airdrop recipients hold", "price"),
        ("Acme airdrop registration closes; checker shows allocations", "prelaunch"),
        ("Acme mainnet goes live; the team declined to give a date for a token", "undated"),
        ("Acme begins exploring a potential token launch", "speculation"),
        ("This market will resolve Yes if Acme launches a token by December 31", "speculation"),
        (
            "Acme brings ACME to Solana with a token airdrop; ACME has traded since April",
            "old_listing",
        ),
    ],
)
def test_each_negative_detected_and_lowers_confidence(
    engine: ScoringEngine, title: str, category: str
) -> None:
    a = analyze(engine, title)
    assert category in a.negatives, a.explanation
    assert any(e["signal"].startswith("negative") and e["delta"] < 0 for e in a.explanation)
    assert a.confidence < 0.5


@pytest.mark.parametrize(
    ("announcing", "not_announcing"),
    [
        # looking back at a launch
        (
            "Acme ACME token launched today with claims open for 200,000 wallets",
            "Acme ACME holders are up 40% since the token launched a year ago",
        ),
        (
            "Acme token launch set for March 3",
            "Acme stakers earned rewards after the June token launch",
        ),
        # a launch that depends on something else
        (
            "Acme vouchers redeemable for ACME as the token launches on March 3",
            "Acme vouchers will be redeemable for ACME once the token launches",
        ),
        # negated
        (
            "Acme confirms ACME token, launch date set for March 3",
            "Acme names its ACME token. No launch date has been set",
        ),
    ],
)
def test_launch_words_after_since_once_or_no_do_not_announce(
    engine: ScoringEngine, announcing: str, not_announcing: str
) -> None:
    yes, no = analyze(engine, announcing), analyze(engine, not_announcing)
    assert yes.confidence >= 0.5, yes.explanation
    assert no.confidence < 0.5, no.explanation
    assert not no.keywords["tier1"]


def test_not_announcing_words_are_whole_words(engine: ScoringEngine) -> None:
    """ "casino" ends in "no", "sincerely" starts like "since": neither cancels a launch."""
    for title in (
        "Casino token launch set for March 3 by Acme",
        "Acme sincerely announces its token launch on March 3",
    ):
        assert "token launch" in analyze(engine, title).keywords["tier1"], title


def test_a_negative_word_inside_a_neutral_phrase_is_not_negative(engine: ScoringEngine) -> None:
    oracle = analyze(engine, "Acme airdrop claims open March 3 for users of its price feeds")
    talk = analyze(engine, "Acme airdrop claims open March 3 as the price climbs")
    assert "price" not in oracle.negatives and "price" in talk.negatives
    retro = analyze(engine, "Acme retrospective airdrop claims open March 3")
    assert "recap" not in retro.negatives and retro.confidence >= 0.7


def test_ticker_next_to_a_launch_verb_is_a_launch(engine: ScoringEngine) -> None:
    a = analyze(engine, "Introducing $ACME", "$ACME launches on Base on March 3. It is a token.")
    assert "ACME launch" in a.keywords["tier1"] and a.confidence >= 0.5, a.explanation
    unlock = analyze(engine, "$ACME unlock this week: 11M ACME releases to investors on the 12th")
    assert not unlock.keywords["tier1"] and unlock.confidence < 0.5, unlock.explanation


def test_airdrop_audiences_and_derivatives_are_not_negatives(engine: ScoringEngine) -> None:
    testnet = analyze(engine, "Acme ACME airdrop claims open March 3 for testnet participants")
    assert "testnet" not in testnet.negatives and testnet.confidence >= 0.7
    assert "testnet" in analyze(engine, "Acme public testnet goes live").negatives
    perps = analyze(engine, "Binance opens ACME perpetual swaps with 50x leverage")
    assert "swap" not in perps.negatives and "old_listing" in perps.negatives


def test_claim_posts_may_name_the_past_snapshot(engine: ScoringEngine) -> None:
    a = analyze(engine, "LayerZero airdrop is now claimable", "Bridged before the snapshot? Claim.")
    assert "prelaunch" not in a.negatives and a.confidence >= 0.5, a.explanation
    assert "prelaunch" in analyze(engine, "Acme takes airdrop snapshot").negatives


def test_ticker_launch_rule_needs_capitals_or_dollar(engine: ScoringEngine) -> None:
    """ "$acme is live" in a lower-cased post counts; the network "Acme" going live does not."""
    post = analyze(engine, "", "$zro is live. claims are open for early users at the link")
    assert "ZRO launch" in post.keywords["tier1"], post.explanation
    network = engine.analyze(
        "Acme mainnet goes live for developers", "The ACME token, already trading, pays gas."
    )
    assert "ACME launch" not in network.keywords["tier1"] and network.confidence < 0.5


def test_ticker_launch_rule_needs_the_verb_right_after_the_ticker(engine: ScoringEngine) -> None:
    """ "the successor to DAI, went live" is about something else going live."""
    a = analyze(engine, "Acme USDS goes live", "USDS, the successor to ZRO, went live on Ethereum.")
    assert "ZRO launch" not in a.keywords["tier1"], a.explanation
    assert "ZRO launch" in analyze(engine, "", "$ZRO went live on Ethereum.").keywords["tier1"]


def test_opening_price_of_a_listing_is_not_price_talk(engine: ScoringEngine) -> None:
    a = analyze(engine, "Binance lists ZRO token tonight at an opening price of $3")
    assert "price" not in a.negatives, a.explanation


def test_capitalised_name_written_as_another_companys_ticker_is_the_ticker() -> None:
    """ "ZETA" is ZetaChain's ticker; Zeta Markets (alias "Zeta") is not meant."""
    engine = ScoringEngine(
        [
            CompanySpec(1, "Zeta Markets", ("Zeta",), ("ZEX",)),
            CompanySpec(2, "ZetaChain", (), ("ZETA",)),
        ]
    )
    a = analyze(engine, "Binance will list ZETA token with trading pairs tomorrow")
    assert [c["name"] for c in a.companies] == ["ZetaChain"], a.companies
    assert analyze(engine, "Zeta airdrop claims open").companies[0]["name"] == "Zeta Markets"


def test_looking_back_at_an_airdrop_is_not_one(engine: ScoringEngine) -> None:
    a = analyze(engine, "Two years after the ACME airdrop", "looking back at the acme airdrop")
    assert a.confidence < 0.5 and "ACME airdrop" not in a.keywords["tier1"], a.explanation


def test_one_sentence_question_headline_is_speculation(engine: ScoringEngine) -> None:
    a = analyze(engine, "Acme token launch by September 30?")
    assert "speculation" in a.negatives and a.confidence < 0.5, a.explanation
    mid = analyze(engine, "Will Acme airdrop in January? Traders split on a prediction market")
    assert "speculation" in mid.negatives and mid.confidence < 0.5
    answered = analyze(engine, "Acme ACME token launch is live. Are you eligible?")
    assert "speculation" not in answered.negatives


def test_mainnet_going_live_is_not_a_token_launch(engine: ScoringEngine) -> None:
    mainnet = analyze(engine, "Acme mainnet goes live, unlocking bridged funds")
    claims = analyze(engine, "Acme airdrop claims go live for ACME holders")
    assert mainnet.confidence < 0.5 and not mainnet.keywords["tier1"]
    assert claims.confidence >= 0.5


def test_launchpool_listing_is_a_launch(engine: ScoringEngine) -> None:
    a = engine.analyze(
        "Introducing Acme (ACME) on Binance Launchpool!",
        "Binance will list Acme (ACME) at 2024-11-18 12:00 (UTC) with the Seed Tag applied. "
        "Users can lock BNB and FDUSD to farm ACME tokens.",
    )
    assert a.confidence >= 0.7, a.explanation
    assert "stale" not in a.negatives and "prelaunch" not in a.negatives


def test_undated_archive_stale_only_when_it_looks_back(engine: ScoringEngine) -> None:
    """Without a publication date "now" stands in: a past date is stale unless the sentence
    looks ahead ("will list ... at 2024-11-18")."""
    past = engine.analyze("", "In late November 2024 Acme carried out its token generation event.")
    ahead = engine.analyze("", "Acme will hold its token generation event on 2024-11-18.")
    assert "stale" in past.negatives
    assert "stale" not in ahead.negatives and ahead.confidence > past.confidence


def test_denial_beats_launch_words(engine: ScoringEngine) -> None:
    pos = analyze(engine, "LayerZero launches ZRO token on March 3")
    neg = analyze(engine, "LayerZero says it has no plans to launch a ZRO token on March 3")
    assert pos.confidence >= 0.7 > 0.4 > neg.confidence


# --- proximity -------------------------------------------------------------------------------


def test_same_sentence_counts_more_than_far_apart(engine: ScoringEngine) -> None:
    near = analyze(
        engine,
        "Starknet update",
        "The Starknet airdrop claim is live today. The team thanked its community.",
    )
    far = analyze(
        engine,
        "Starknet update",
        "The team thanked its community. Separately, an airdrop claim is live today.",
    )
    assert near.confidence > far.confidence
    assert any(e["signal"] == "proximity" for e in near.explanation)


def test_negative_far_from_signal_counts_less(engine: ScoringEngine) -> None:
    near = analyze(engine, "Acme token launch price surges", "")
    far = analyze(engine, "Acme token launch set", "Elsewhere, bitcoin price surges.")
    assert far.confidence > near.confidence


# --- noise: HTML, entities, emoji, case, quotes ------------------------------------------------


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("LayerZero ZRO token generation event", ""),
        ("<b>LayerZero</b> ZRO token <i>generation</i> event", ""),
        ("LayerZero&#8217;s ZRO token generation event &amp; more", ""),
        ("🚀🚀 LayerZero ZRO token generation event 🔥", ""),
        ("LAYERZERO ZRO TOKEN GENERATION EVENT", ""),
        ("layerzero zro token generation event", ""),
        ("“LayerZero’s” ZRO token generation event — finally", ""),
        ("", "<p>LayerZero&nbsp;ZRO token generation event</p><script>alert('x')</script>"),
        ("Layer\u200bZero ZRO token\u00a0generation \t event", ""),
        ("LayerZero空投: ZRO token generation event将于3月3日", ""),  # CJK has no spaces
        ("İstanbul: LayerZero ZRO token generation event", ""),  # lower() changes length
    ],
)
def test_noise_does_not_break_matching(engine: ScoringEngine, title: str, text: str) -> None:
    a = analyze(engine, title, text)
    assert [c["name"] for c in a.companies][:1] == ["LayerZero"]
    assert (
        "token generation event" in a.keywords["tier1"]
        or "tge" in a.keywords["tier1"]
        or a.keywords["tier1"]
    ), a.explanation
    assert a.confidence >= 0.5


def test_empty_and_whitespace_items(engine: ScoringEngine) -> None:
    for title, text in (("", ""), ("   ", "\n\t"), ("...", "!!!")):
        a = analyze(engine, title, text)
        assert a.confidence == 0.0 and a.band == "low"
        assert a.why() == "no TGE signals"


def test_item_without_any_signal_is_empty_but_tickers_still_count(
    engine: ScoringEngine,
) -> None:
    quiet = analyze(engine, "Quiet markets", "Nothing happened here at all, honestly.")
    assert quiet.to_dict() == {
        "confidence": 0.0,
        "band": "low",
        "companies": [],
        "tokens": [],
        "keywords": {"tier1": [], "tier2": [], "tier3": []},
        "urgency": None,
        "negatives": [],
        "explanation": [],
        "discovered": None,
        "new_project": False,
        "language": "en",
    }
    # No phrase or name matched, but "$STRK" and "(PENGU)" are still tickers.
    assert analyze(engine, "Quiet markets", "Nothing but $STRK here.").tokens == ["STRK"]
    assert [c["name"] for c in analyze(engine, "Quiet", "Nothing but $STRK.").companies] == [
        "Starknet"
    ]
    assert analyze(engine, "Quiet markets", "Pudgy Penguins (PENGU) idle.").tokens == ["PENGU"]


def test_headline_repeated_in_text_counts_once(engine: ScoringEngine) -> None:
    once = analyze(engine, "Acme TGE in 1 week", "")
    twice = analyze(engine, "Acme TGE in 1 week", "Acme TGE in 1 week")
    assert once.confidence == twice.confidence


# --- Analysis shape --------------------------------------------------------------------------


def test_analysis_round_trip_and_why(engine: ScoringEngine) -> None:
    a = analyze(engine, "Layer Zero announces $ZRO airdrop claim on March 3")
    d = a.to_dict()
    assert set(d) == {
        "confidence",
        "band",
        "companies",
        "tokens",
        "keywords",
        "urgency",
        "negatives",
        "explanation",
        "discovered",
        "new_project",
        "language",
    }
    assert Analysis.from_dict(d) == a
    why = a.why()
    assert why.startswith("LayerZero (alias 'Layer Zero')")
    assert "$ZRO" in why and "date 2026-03-03" in why and "tier-1" in why


def test_explanation_is_ordered_and_adds_up(engine: ScoringEngine) -> None:
    a = analyze(engine, "LayerZero launches ZRO token on March 3 despite price talk")
    assert a.explanation[0]["signal"] == "tier1"
    assert abs(sum(e["delta"] for e in a.explanation) - a.confidence) < 0.005
    for e in a.explanation:
        assert set(e) == {"signal", "detail", "delta"}


# --- rebuild ---------------------------------------------------------------------------------


def test_rebuild_swaps_companies() -> None:
    eng = ScoringEngine([CompanySpec(1, "Alpha Protocol", tokens=("ALP",))])
    assert eng.analyze("Alpha Protocol TGE", "").companies
    eng.rebuild([CompanySpec(2, "Beta Network", tokens=("BETA",))])
    assert eng.analyze("Alpha Protocol TGE", "").companies == []
    assert eng.analyze("Beta Network TGE", "").companies[0]["id"] == 2


def test_rebuild_while_scoring_never_breaks_in_flight_items() -> None:
    specs_a = [CompanySpec(i, f"Alpha{i} Labs", tokens=(f"AL{i:03d}",)) for i in range(300)]
    specs_b = [CompanySpec(i, f"Beta{i} Labs", tokens=(f"BE{i:03d}",)) for i in range(300)]
    eng = ScoringEngine(specs_a)
    errors: list[BaseException] = []
    stop = threading.Event()

    def score() -> None:
        try:
            while not stop.is_set():
                a = eng.analyze("Alpha7 Labs TGE tomorrow", "Beta7 Labs airdrop claim is live")
                names = {c["name"] for c in a.companies}
                # Each call sees one whole snapshot: never a mix of both sets.
                assert names in ({"Alpha7 Labs"}, {"Beta7 Labs"})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=score) for _ in range(2)]
    for t in threads:
        t.start()
    for i in range(6):
        eng.rebuild(specs_b if i % 2 == 0 else specs_a)
    stop.set()
    for t in threads:
        t.join()
    assert errors == []


def test_empty_engine_still_scores_unwatched_tge() -> None:
    a = ScoringEngine().analyze(
        "Acme Protocol TGE set for March 10, claims open at 14:00 UTC",
        "The ACME token will be distributed to early users.",
        published=PUBLISHED,
    )
    assert a.companies == []
    assert a.tokens == ["ACME"]
    assert a.confidence >= 0.7


# --- generalisation: companies the vocabulary was never tuned on ------------------------------

UNSEEN = [
    CompanySpec(1, "Arbitrum", ("Arbitrum Foundation", "Offchain Labs"), ("ARB",)),
    CompanySpec(2, "Celestia", ("Celestia Foundation",), ("TIA",)),
    CompanySpec(3, "zkSync", ("ZKsync", "Matter Labs"), ("ZK",)),
    CompanySpec(4, "Wormhole", ("Wormhole Foundation",), ("W",)),
    CompanySpec(5, "Scroll", ("Scroll Foundation",), ("SCR",)),
    CompanySpec(6, "Movement", ("Movement Labs",), ("MOVE",)),
]


@pytest.mark.parametrize(
    ("title", "is_tge"),
    [
        ("Arbitrum's ARB token airdrop goes live, claims open for 625,000 wallets", True),
        ("ZKsync to airdrop 3.6 billion ZK tokens on June 17", True),
        ("Wormhole reveals W token airdrop, claims open on April 3", True),
        ("Scroll sets TGE for October 22, SCR airdrop to follow", True),
        ("Movement Labs confirms MOVE token generation event for December 9", True),
        ("Celestia launches mainnet beta and TIA token, airdrop claims now open", True),
        ("ARB price drops 12% ahead of massive token unlock", False),
        ("ZKsync denies reports of a second airdrop", False),
        ("Wormhole bridge hacked for $320 million", False),
        ("Scroll takes airdrop snapshot, sybil checks under way", False),
        ("Movement Labs raises $38 million Series A led by Polychain", False),
        ("Binance lists ARB perpetual futures with 50x leverage", False),
        ("ZKsync season 2 airdrop: what we know", False),
        ("Beware fake Arbitrum airdrop sites: send to receive scam", False),
    ],
)
def test_unseen_companies(title: str, is_tge: bool) -> None:
    a = ScoringEngine(UNSEEN).analyze(title, "", published=datetime(2024, 6, 1))
    assert (a.confidence >= 0.5) is is_tge, a.explanation
    assert abs(a.confidence - 0.5) >= 0.15  # clear margins, not coin flips


def test_matches_in_text_that_is_not_ascii_keep_character_offsets() -> None:
    """The phrase table searches UTF-8 bytes; where the text is not ASCII its byte offsets
    are mapped back to the character offsets the rest of the engine reads."""
    import ahocorasick_rs

    from core.scoring.engine import _char_offsets

    patterns = [" société générale ", " token ", " générale ", " zro ", " ünï "]
    low = " la société générale  lance son token  zro  ünï token ünï "
    by_chars = ahocorasick_rs.AhoCorasick(patterns).find_matches_as_indexes(low, overlapping=True)
    raw = low.encode()
    table = PhraseTable([p.encode() for p in patterns])
    by_bytes = table.find_flat(Words(raw))
    triples = zip(by_bytes[0::3], by_bytes[1::3], by_bytes[2::3], strict=True)
    assert list(triples) == table.find(Words(raw))
    assert len(by_chars) == 7
    mapped = _char_offsets(low, raw, by_bytes)
    assert list(zip(mapped[0::3], mapped[1::3], mapped[2::3], strict=True)) == by_chars
    engine = ScoringEngine([CompanySpec(1, "Société Générale Chain", ("Société Générale",))])
    a = engine.analyze(
        "Société Générale lance son token SGX", "Le token SGX sera généré le 3 mars."
    )
    assert [c["matched"] for c in a.companies] == ["Société Générale"]


def test_companies_sharing_a_name_or_ticker_are_each_matched_and_excluded_alone() -> None:
    """Companies are stored as columns (rows, text slots, entry codes): a name, an alias or
    a ticker two companies share still reports each with its own id, name and priority, an
    exclusion drops only its own company, and a company named like a launch word is both."""
    engine = ScoringEngine(
        [
            CompanySpec(
                id=1, name="Nova Labs", aliases=("Nova",), tokens=("NOVA",), priority="HIGH"
            ),
            CompanySpec(
                id=2,
                name="Nova Finance",
                aliases=("Nova",),
                tokens=("NOVA",),
                exclusions=("nova scotia",),
            ),
            CompanySpec(id=None, name="Airdrop", tokens=("ADRP",), priority="LOW"),
        ]
    )
    both = engine.analyze_rules("Nova announces the NOVA token airdrop", "")
    assert sorted((c["id"], c["name"], c["matched"], c["priority"]) for c in both.companies) == [
        (1, "Nova Labs", "Nova", "HIGH"),
        (2, "Nova Finance", "Nova", "MEDIUM"),
    ]
    one = engine.analyze_rules("Nova Scotia holders get a Nova token airdrop", "")
    assert [c["id"] for c in one.companies] == [1]
    named = engine.analyze_rules("Airdrop opens its ADRP token airdrop", "")
    assert [(c["id"], c["name"], c["priority"]) for c in named.companies] == [
        (None, "Airdrop", "LOW")
    ]
    assert "airdrop" in named.keywords["tier2"] + named.keywords["tier1"]
    assert engine.company_count == 3
    assert engine.company_names() == ["Nova Labs", "Nova Finance", "Airdrop"]


def test_phrase_table_finds_what_an_overlapping_automaton_finds() -> None:
    """Every occurrence of every whole-word key, by end and the longer first at one end, as
    ahocorasick_rs's overlapping search reports them; runs of spaces, a text without its
    padding, keys inside keys and a word repeated."""
    import random

    import ahocorasick_rs

    words = ["token", "generation", "event", "zro", "$zro", "layer", "zero", "a", "claims"]
    keys = sorted(
        {
            " "
            + " ".join(random.Random(seed).choices(words, k=random.Random(-seed).randint(1, 4)))
            + " "
            for seed in range(60)
        }
        | {" token generation event ", " generation event ", " event ", " token "}
    )
    raw = [k.encode() for k in keys]
    table = PhraseTable(raw)
    automaton = ahocorasick_rs.BytesAhoCorasick(raw)
    rng = random.Random(5)
    texts = [b"", b" ", b"token", b" token", b"token ", b" token ", b"  token  generation  "]
    for _ in range(300):
        texts.append(
            "".join(
                rng.choice(words) + rng.choice((" ", " ", " ", "  ")) for _ in range(30)
            ).encode()
        )
    for text in texts:
        for data in (text, b" " + text + b" "):
            expected = [tuple(m) for m in automaton.find_matches_as_indexes(data, overlapping=True)]
            assert table.find(Words(data)) == expected, data
            assert table.indexes(Words(data)) == [k for k, _s, _e in expected]
            for limit in (0, 1, len(data) // 2, len(data)):
                within = automaton.find_matches_as_indexes(data[:limit], overlapping=True)
                assert table.indexes(Words(data), limit) == [k for k, _s, _e in within]


@pytest.mark.parametrize("key", [b"token", b" token", b"  ", b" token  event ", b" "])
def test_phrase_table_refuses_a_key_that_is_not_padded_whole_words(key: bytes) -> None:
    with pytest.raises(ValueError, match="padded whole-word phrase"):
        PhraseTable([b" fine ", key])


@pytest.mark.parametrize(
    "joined", [b"", b" fine  token", b"fine ", b" fine   token ", b" ", b"  ", b" fine    "]
)
def test_phrase_table_refuses_joined_keys_that_are_not_padded_whole_words(joined: bytes) -> None:
    if not joined:  # no keys at all is a table that finds nothing
        assert PhraseTable(joined).find(Words(b" fine ")) == []
        return
    with pytest.raises(ValueError, match="padded whole-word phrases"):
        PhraseTable(joined)


@pytest.mark.parametrize("shape", ["new words only", "shared tails", "mixed"])
def test_refilled_phrase_tables_find_what_the_automaton_finds(shape: str) -> None:
    """A phrase table is filled in place, first at a guessed size, then again larger or
    smaller as its distinct runs need (keys of new words only outgrow the guess; keys
    sharing long tails leave it mostly empty): whichever it took, joined or one by one, it
    holds every run at most half full and finds what ahocorasick_rs's overlapping search
    finds."""
    import random

    import ahocorasick_rs

    from core.scoring.text import _slots_for

    rng = random.Random(shape)
    vocab = [f"w{i}" for i in range(300)]
    tails = ["a common tail of many words", "labs of the network protocol", "finance"]
    keys: set[str] = set()
    while len(keys) < 600:
        n = len(keys)
        if shape == "new words only":
            key = f"a{n} b{n}"
        elif shape == "shared tails":
            key = f"{rng.choice(vocab)}x{n} {rng.choice(tails)}"
        else:
            key = " ".join(rng.choices(vocab, k=rng.randint(1, 4)))
        keys.add(f" {key} ")
    ordered = sorted(keys)
    raw = [k.encode() for k in ordered]
    runs = {
        " ".join(words[i:]) for words in (k.split() for k in ordered) for i in range(len(words))
    }
    one_by_one = PhraseTable(raw)
    joined = PhraseTable("".join(ordered).encode())
    automaton = ahocorasick_rs.BytesAhoCorasick(raw)
    assert one_by_one._mask + 1 == joined._mask + 1 == _slots_for(len(runs))
    guessed = _slots_for(max(len(raw), sum(len(k.split()) for k in ordered) // 2))
    if shape != "mixed":  # the refill the shape is made for happened
        assert (guessed < _slots_for(len(runs))) is (shape == "new words only")
        assert guessed != _slots_for(len(runs))
    words = [*vocab, *" ".join(tails).split(), *(k.strip() for k in ordered)]
    found = 0
    for _ in range(50):
        data = (" " + " ".join(rng.choices(words, k=80)) + " ").encode()
        expected = [tuple(m) for m in automaton.find_matches_as_indexes(data, overlapping=True)]
        assert one_by_one.find(Words(data)) == expected
        assert joined.find(Words(data)) == expected
        found += len(expected)
    assert found > 100


def test_a_drained_table_is_the_dict_of_its_filled_slots() -> None:
    """The source build keeps a table's filled (hash, entry) slots as a dict, moved there a
    piece at a time from the end of the array, which is left empty."""
    import random
    from array import array

    from core.scoring.text import _DRAIN_STEP, _drained

    rng = random.Random(1)
    slots = array("Q", bytes(8 * (3 * _DRAIN_STEP + 6)))
    expected = {}
    for t in range(0, len(slots), 2):
        if rng.random() < 0.4:
            slots[t], slots[t + 1] = rng.getrandbits(64), rng.randrange(1, 1 << 20)
            expected[slots[t]] = slots[t + 1]
    assert _drained(slots) == expected
    assert len(slots) == 0


def test_the_ticker_table_answers_like_the_dict_it_replaced() -> None:
    """Tickers live in a compact table (arrays and one string, no object per ticker): it
    answers ``get`` and ``in`` as the dict of upper-case ticker -> row, or rows when several
    companies share one, did: for every ticker, in every case asked, and for what is none."""
    import random

    from core.scoring.engine import _Tickers

    rng = random.Random(3)
    pairs: list[tuple[str, int]] = []
    for row in range(5000):
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            pairs.append((f"T{rng.randrange(4000)}", row))
    pairs += [("ZRO", 1), ("ZRO", 1), ("ÄRO", 7), ("", 9)]  # repeated, not ASCII, empty
    expected: dict[str, object] = {}
    for key, row in pairs:
        held = expected.get(key)
        if held is None:
            expected[key] = row
        elif isinstance(held, list):
            held.append(row)
        else:
            expected[key] = [held, row]
    expected = {k: v if isinstance(v, int) else tuple(v) for k, v in expected.items()}
    table = _Tickers(iter(pairs), len(pairs))
    assert len(table) == len(expected)
    for key, value in expected.items():
        assert key in table
        assert table.get(key) == value and type(table.get(key)) is type(value)
    for missing in ("T4000", "t1", "ZR", "ZROO", "zro", " ZRO", "$ZRO", "ARO", "MON"):
        assert missing not in table
        assert table.get(missing) is None
        assert table.get(missing, 5) == 5
    assert 12 not in table

    engine = ScoringEngine(
        [
            CompanySpec(1, "Nova Labs", tokens=("NOVA", "nv")),
            CompanySpec(2, "Nova Finance", tokens=("Nova",)),
            CompanySpec(3, "Zeta", tokens=("$ZETA", " ")),
        ]
    )
    symbols = engine._snap.symbols
    assert [symbols.get(k) for k in ("NOVA", "NV", "ZETA", "nv", "")] == [
        (0, 1),
        0,
        2,
        None,
        None,
    ]


@pytest.mark.parametrize(
    "marked",
    [
        " LayerZero's ZRO token: claims open, today! \x0e The $ZRO airdrop (1.28M) is live. ",
        " a. b! c? d; e\x0e f.. g .h. ",
        " ends with a stop.",
        ".",
        "",
        "\x0e a\x0e\x0e b\x0eb \x0e",  # the mark: a word byte, a bound only before a space
        "a \x0e. x.y! \x0e",
        *(  # seeded random runs of words, spaces, marks and sentence ends
            "".join(random.Random(k).choice("ab Z.!?;,$_9\x0e  -'") for _ in range(40))
            for k in range(200)
        ),
    ],
)
def test_prepare_in_one_loop_matches_the_table_translates(marked: str) -> None:
    """The compiled build prepares ASCII text, and finds and hashes its words, in one loop
    over its bytes; it must give what normalise and sentence_bounds give (the source's
    byte-method path) and the words Words finds in the lower-case form."""
    from core.scoring.text import normalise, prepare, prepare_words, sentence_bounds

    expected = (*normalise(marked), sentence_bounds(marked))
    assert prepare(marked) == expected
    *prepared, words = prepare_words(marked)
    assert tuple(prepared) == expected
    alone = Words(expected[1].encode())
    assert words.spans[: 3 * words.count] == alone.spans[: 3 * alone.count]
    assert (words.data, words.seed, words.spaces) == (alone.data, alone.seed, alone.spaces)


def test_date_regex_by_first_word_matches_as_the_whole_regex() -> None:
    """find_raw tries only the alternatives that can begin with the word where it looks
    (urgency._FIRST_WORDS): at every word of these texts that gives the very match the
    whole regex gives (same span, alternative and groups), or none where it gives none."""
    from core.bundled import DEV_EVAL_FILE
    from core.scoring.bench import synthetic_companies, synthetic_items
    from core.scoring.evaluate import load_items
    from core.scoring.text import clean, normalise, sentences_marked
    from core.scoring.urgency import _BY_FIRST_WORD, _DATE_RE, _DIGIT_START

    texts = [f"{r.get('title') or ''}. {r.get('text') or ''}" for r in load_items(DEV_EVAL_FILE)]
    texts += synthetic_items(synthetic_companies(50), 200, seed=3)
    texts += [
        "in 2 hours, within a couple of days, in may, in May 2026, by the end of 2025, end of "
        "June, early Q3, q4 25, on 2026 03 03, 20th of February 2026, 3rd of march, 10 am utc",
        "later this week, later today, next weekend, this weekend, on next friday, this monday, "
        "until sept 2026, through dec, from jan, mid 2026, late 2025, 9pm utc 8, 23 00 cet",
    ]

    def seen(m: re.Match[str] | None) -> tuple[Any, ...] | None:
        return None if m is None else (m.span(), m.lastgroup, m.groupdict())

    tried = 0
    for text in texts:
        low = normalise(sentences_marked("", clean(text)))[1]
        for i in range(1, len(low)):
            if low[i - 1] != " " or low[i] == " ":
                continue
            if low[i].isdigit():
                got = _DIGIT_START(low, i)
            else:
                match = _BY_FIRST_WORD.get(low[i : low.find(" ", i)])
                got = match(low, i) if match is not None else None
            assert seen(got) == seen(_DATE_RE.match(low, i)), low[i : i + 40]
            tried += got is not None
    assert tried > 500


def test_undated_items_read_todays_local_date_and_dates_their_iso_text() -> None:
    """DateCache gives what ref_date and isoformat give (today's date worked out once a
    second, the ISO text of a date made once)."""
    from datetime import date, timedelta

    from core.scoring.history import today as utc_today
    from core.scoring.urgency import DateCache, ref_date

    dates = DateCache()
    before, day_before = datetime.now().date(), utc_today()
    today = dates.ref(None)
    assert before <= today <= datetime.now().date() and dates.ref(None) == today
    assert day_before <= dates.utc_day() <= utc_today()
    assert dates.ref(PUBLISHED) == ref_date(PUBLISHED) == PUBLISHED.date()
    assert dates.ref(date(2025, 1, 2)) == date(2025, 1, 2)
    d = date(2026, 3, 3)
    assert dates.iso(d) == "2026-03-03" and dates.iso(date(2026, 3, 3)) is dates.iso(d)
    engine = ScoringEngine([])
    a = engine.analyze("Acme TGE tomorrow", "")
    assert a.urgency is not None
    assert a.urgency["date"] in {(today + timedelta(days=k)).isoformat() for k in (1, 2)}


def test_sentences_marked_collapses_runs_of_spaces_as_before() -> None:
    """sentences_marked asks whether a text holds two spaces in a row by reading its odd
    offsets in the compiled build: the same texts are collapsed as ``"  " in text`` would
    have it, spaces at the start, the end, at even and odd offsets, one- and two-byte text."""
    from core.scoring.text import SENT, sentences_marked

    def collapsed(t: str) -> str:
        t = t.strip()
        return " ".join(t.split()) if ("  " in t or "\t" in t) else t

    rng = random.Random(11)
    for k in range(20_000):
        alphabet = "ab  \t\xe9" if k % 2 else "ab  \u4e00"
        title = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        got = sentences_marked(title, text)
        t, x = collapsed(title), collapsed(text)
        if t and text.strip().startswith(title.strip()):
            continue  # the headline repeated as text: another rule, not this one
        if t:
            assert got == (f" {t} {SENT} {x} " if x else f" {t} "), (title, text)
        else:
            assert got == f" {x} ", (title, text)
