"""The joiner on real labelled items: a launch told over more than 90 days is one event while
the token has not launched; after a launch, a long gap or a later round is another event;
items that name each other, or an event known only by a headline word, join; a watched
company brings its aliases and token tickers; the window rolls from the latest dated phase."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from core.bundled import COMPANIES_FILE
from core.events.evaluate import PAIRS_FILE, PairJudge, _when
from core.events.extract import (
    Identity,
    blog_name,
    compared_only,
    identity_of,
    phase_of,
    public_body,
    title_name,
)
from core.events.join import (
    COVERAGE,
    JOIN_WINDOW,
    LAUNCH_STORY_GAP,
    LONG_WINDOW,
    STRONG,
    EventKeys,
    _owners_apart,
    agreement,
    authority_action,
    capital_coins,
    first_products,
    joins,
    later_news,
    launch_story,
    listed_names,
    market_news,
    mentions,
    names_agree,
    own_tickers,
    relation,
    round_of,
    shortens,
    side_news,
    supply_milestone,
)
from core.models import Alert, Company, Feed, FeedKind, Item, PhaseKind
from tests.test_delivery_kit import analysis
from tests.test_events import real, tell


@pytest.fixture(scope="module")
def judge() -> PairJudge:
    return PairJudge(COMPANIES_FILE)


def dated(corpus_id: str, day: str) -> dict[str, Any]:
    """A real item whose corpus row has no date, given its publication day."""
    return {**real(corpus_id), "date": day}


def test_a_launch_told_over_more_than_90_days_joins_before_the_token_exists(judge) -> None:
    # OpenSea's SEA: told on 2025-02-13, the TGE analysis on 2026-01-15 (336 days later);
    # the later item's discovered name is off ("Generation Event") but it shares the ticker
    # and names OpenSea
    joined, first, second = judge.same(real("c-2270"), real("c-0997"))
    assert joined and first.tickers == second.tickers == {"SEA"}
    assert "opensea" not in second.names
    # Saga: airdrop eligibility on 2024-01-15, tokenomics ("$Saga") on 2024-07-09
    assert judge.same(real("c-1804"), real("c-1151"))[0]
    # the same pair beyond the long window does not join
    assert not judge.same(real("c-1804"), dated("c-1151", "2025-02-01"))[0]


def test_after_a_launch_a_long_gap_or_a_later_round_is_another_event(judge) -> None:
    airdrop_1 = real("c-0890")  # "Ethereum Layer 2 Optimism launches token airdrop" (live)
    keys, _ident = judge.event_of(airdrop_1)
    assert keys.launched
    # "OP Drop #2" (published 2023-02-09): the same project and ticker, another launch
    drop_2 = dated("c-1818", "2023-02-09")
    assert round_of(drop_2["title"]) == "2"
    assert not judge.same(airdrop_1, drop_2)[0]
    # told within the short window, the round still tells them apart
    assert not judge.same(airdrop_1, dated("c-1818", "2022-06-20"))[0]
    # while a report of the first drop the same day joins
    assert judge.same(airdrop_1, real("c-1646"))[0]
    # Terra's LUNA listed in 2020 and Terra 2.0's new LUNA in 2022: two launches
    assert not judge.same(real("c-0001"), real("c-1751"))[0]


def test_items_that_name_each_other_or_a_headline_word_event_join(judge) -> None:
    # "Bored Ape Yacht Club (BAYC) ... on ApeCoin Announcement" and "ApeCoin Soars After
    # Launch, BAYC NFT Prices ...": no name or ticker in common, each names the other
    joined, bayc, ape = judge.same(real("c-1500"), real("c-0543"))
    assert joined and not (bayc.names & ape.names) and not (bayc.tickers & ape.tickers)
    # an event known only by a headline word ("Run", from "Binance Launchpad To Run Token
    # Sale of Tokocrypto") takes the Tokocrypto (TKO) item its headline names
    joined, run, toko = judge.same(real("c-1649"), real("c-1472"))
    assert joined and run.weak and "tokocrypto" in toko.names
    # naming one side is not enough: the ApeCoin flash-loan story does not name BAYC, and
    # the BAYC event is known by a name of its own
    assert not judge.same(real("c-1500"), real("c-0604"))[0]


def test_a_ticker_and_its_coin_are_one_name(judge) -> None:
    flash, _analysis = judge.identity(real("c-0604"))  # "... From ApeCoin's Airdrop ..."
    assert flash.names == {"apecoin"} and not flash.tickers
    ape = EventKeys(None, set(), {"APE"}, datetime(2022, 3, 17, tzinfo=UTC))
    ape.last_seen = ape.first_seen
    assert joins(ape, flash, datetime(2022, 3, 18, tzinfo=UTC))
    assert not joins(EventKeys(None, set(), {"APEX"}), flash, datetime(2022, 3, 18, tzinfo=UTC))


def test_a_watched_company_brings_its_aliases_and_token_tickers(judge) -> None:
    row = real("c-0890")
    scored = judge.engine.analyze(row["title"], row["text"], source_kind="rss").to_dict()
    company = scored["companies"][0]
    plain = identity_of({**scored, "tokens": []}, row["title"])
    full = identity_of(
        {**scored, "tokens": []}, row["title"], {company["id"]: (["OP Labs"], ["OP"])}
    )
    assert "op labs" not in plain.names and not plain.tickers
    assert "op labs" in full.names and full.tickers == {"OP"}


def test_the_window_rolls_from_the_latest_dated_phase(judge) -> None:
    keys, _ident = judge.event_of(real("c-1804"))  # Saga, 2024-01-15, no date of its own
    start = keys.last_seen
    later = start + JOIN_WINDOW + timedelta(days=30)
    # "Saga" and no text: the ticker is the name, but no mention backs it (the short window)
    names_only = Identity("Saga", names=frozenset({"saga"}))
    assert not joins(keys, names_only, later)
    keys.phased(start + timedelta(days=60), launched=False)  # a claim date set ahead
    assert joins(keys, names_only, later)
    # a phase date years ahead is no licence: the window ends a long window after the item
    keys.phased(start + timedelta(days=3000), launched=False)
    assert not joins(keys, names_only, start + LONG_WINDOW + JOIN_WINDOW + timedelta(days=1))


async def test_the_service_joins_a_launch_told_months_apart(app) -> None:
    """Through the alert service: Saga's eligibility post and its tokenomics six months later
    are one event; the event keeps the headlines for the next item's mentions."""
    app.events.clock = lambda: datetime(2024, 1, 16, tzinfo=UTC)
    first = await tell(app, "c-1804")
    app.events.clock = lambda: datetime(2024, 7, 10, tzinfo=UTC)
    second = await tell(app, "c-1151")
    a, b = [await Alert.get(id=x.id) for x in (first, second)]
    assert a.event_id is not None and a.event_id == b.event_id
    event = await a.event
    assert event.keys["headlines"] == [real("c-1804")["title"], real("c-1151")["title"]]
    assert event.keys["launched"] is False


async def test_the_service_reads_a_watched_companys_tokens(app) -> None:
    optimism = await Company.create(name="Optimism", aliases=["OP Labs"], tokens=["OP"])
    feed = await Feed.create(kind=FeedKind.RSS, name="CoinTelegraph", url="https://ct.example/")
    row = real("c-0890")
    item = await Item.create(
        feed=feed,
        guid="c-0890",
        title=row["title"],
        text=row["text"],
        published_at=datetime(2022, 6, 1, 12, tzinfo=UTC),
        fingerprint="c-0890",
    )
    app.events.clock = lambda: datetime(2022, 6, 1, 13, tzinfo=UTC)
    alert = await app.alerts.create_from_item(item, analysis(0.9, [optimism]))
    event = await (await Alert.get(id=alert.id)).event
    assert event.token == "OP" and event.keys["tickers"] == ["OP"]
    assert "op labs" in event.keys["names"] and event.keys["launched"] is True


def test_a_futures_notice_is_known_by_its_contracts_token(judge) -> None:
    """Found by final2's one measurement: "Binance Futures Will Launch USDⓈ-Margined ESPUSDT
    Perpetual Contract Pre-Market Trading" went by the headline word "USD" (and every such
    notice would have joined every other); its token is the contract's, glued to USDT."""
    notice, _analysis = judge.identity(real("c-1980"))
    assert notice.tickers == {"ESP"} and "usd" not in notice.names
    assert judge.same(real("c-1980"), real("c-2695"))[0]  # Binance lists Espresso (ESP)
    assert judge.same(real("c-2340"), real("c-3174"))[0]  # YBUSDT; Yield Basis (YB) airdrop
    # two notices of different tokens stay apart
    assert not judge.same(real("c-1980"), real("c-2340"))[0]


def test_one_ticker_two_projects_that_name_themselves_apart(judge) -> None:
    """Found by final2: WaterCoin's WATER listing and Waterfall's $WATER, AthenaDexFi's and
    Aethir's ATH, share a ticker and name two different projects, neither naming the other."""
    joined, water_coin, waterfall = judge.same(real("c-2399"), real("c-2358"))
    assert not joined and water_coin.tickers & waterfall.tickers
    assert not judge.same(real("c-2609"), real("c-2031"))[0]


def test_a_headline_names_a_project_only_as_a_name(judge) -> None:
    """Found by final2: an event known by the headline word "Modular" took an item the scorer
    named "Million" because its headline says "raises $15 million"; a name in a headline
    counts when written as one (capitalised), as "Token Sale of Tokocrypto" is."""
    assert not judge.same(real("c-0059"), real("c-2395"))[0]
    assert judge.same(real("c-1649"), real("c-1472"))[0]


def test_one_project_name_over_months_is_not_a_look_alike(judge) -> None:
    # "Moonbeam Foundation Announces ... a New Token Event" (2021-08-09) and "Moonbeam:
    # Polkadot's Smart Contract Hub" (2022-01-15, the launch analysed): one name, no ticker,
    # so they agree strongly; 159 days apart, the second tells no launch story in its headline
    # or lead, so they no longer join (the launch-story gate's price on dev: see the README)
    keys, _founder = judge.event_of(real("c-2435"))
    later = real("c-2500")
    ident, _analysis = judge.identity(later)
    blob = f"{later['title']}\n{later['text']}"
    assert agreement(keys, ident, blob) == STRONG
    assert not judge.same(real("c-2435"), later)[0]
    # "Blast" and "Blast Royale" agree as names within weeks, but are no one project over months
    joined, blast, royale = judge.same(real("c-2339"), real("c-1916"))
    assert not joined and {"blast", "blast royale"} <= blast.names | royale.names


def test_the_labelled_pairs_are_real_corpus_items_with_settled_labels() -> None:
    """Every pair's items are corpus rows as published (final5's to final26's and final30's to
    final33's: their own items, read afresh from public repositories or, final8's to final16's,
    final19's to final26's and final30's to final33's, from their pools of stored pages
    (final21's: labelled batch 28's dated pages rebuilt as pool rows, then the batch-29 pools;
    final22's: the ev22 story pools; final23's: the ev23 story pools, stored pages and GitHub
    news dumps' rows; final24's to final26's and final30's to final33's: the ev24, ev25, ev26,
    ev30, ev31, ev32 and ev33 story pools, likewise); final17's
    and final18's are labelled items, copied with the labelled file they came from);
    the final label is the readers' own when
    they agree, else the third reader's; no pair is in two splits."""
    rows = [json.loads(line) for line in PAIRS_FILE.read_text().splitlines() if line]
    seen: set[frozenset[str]] = set()
    for row in rows:
        for side in ("a", "b"):
            item = row[side]
            own = row["split"] in OWN_ITEM_SPLITS
            corpus = new(item["id"]) if own else real(item["id"])
            assert item["title"] == corpus["title"] and item["provenance"] == corpus["provenance"]
        labels = row["labels"]
        if "A" in labels:
            settled = labels["A"] if labels["A"] == labels["B"] else labels["C"]
            assert row["same_event"] == settled, row["pair"]
            assert row["borderline"] or labels["A"] == labels["B"]
        else:  # only the adjudicated label was handed over (add_labels.py)
            assert labels == {"final": row["same_event"]}, row["pair"]
        pair = frozenset((row["a"]["id"], row["b"]["id"]))
        assert pair not in seen, row["pair"]
        seen.add(pair)
    splits = ("dev", "test", *(f"final{n}" for n in (*range(2, 27), 30, 31, 32, 33)))
    counts = {s: sum(r["split"] == s for r in rows) for s in splits}
    assert counts == {
        "dev": 76,
        "test": 92,
        "final2": 134,
        "final3": 132,
        "final4": 114,
        "final5": 147,
        "final6": 180,
        "final7": 174,
        "final8": 23,
        "final9": 33,
        "final10": 38,
        "final11": 23,
        "final12": 58,
        "final13": 44,
        "final14": 20,
        "final15": 12,
        "final16": 18,
        "final17": 169,
        "final18": 22,
        "final19": 24,
        "final20": 40,
        "final21": 5,
        "final22": 31,
        "final23": 97,
        "final24": 27,
        "final25": 130,
        "final26": 30,
        "final30": 131,
        "final31": 131,
        "final32": 123,
        "final33": 99,
    }


def test_headline_words_that_name_no_project_are_passed_over(judge) -> None:
    """Found by final2 and final3: Terra 2.0 items known by "Staking" ("Binance Staking
    completes initial phase of Terra 2.0 airdrop") or "Exchanges" ("Exchanges back 'Terra 2.0
    revival plan'") met nothing; a futures delay went by the discovered name "Postponed"."""
    staking, _analysis = judge.identity(real("c-1257"))
    exchanges, _analysis = judge.identity(real("c-1750"))
    assert staking.weak and staking.names == exchanges.names == {"terra"}
    assert judge.same(real("c-1750"), real("c-1257"))[0]
    assert judge.same(real("c-0565"), real("c-1257"))[0]  # "New Terra Blockchain Goes Live"
    postponed, _analysis = judge.identity(real("c-1201"))
    assert "postponed" not in postponed.names and postponed.tickers == {"FIL"}
    assert judge.same(real("c-0781"), real("c-1201"))[0]  # Binance lists Filecoin (FIL)
    # two headline words, one naming the other, are not one project: CATICORN's "Charity Meme
    # Coin" and "The Meme Games"
    assert not judge.same(real("c-2148"), real("c-2306"))[0]


def test_a_headlines_lead_word_hints_at_the_project_the_scorer_left_out(judge) -> None:
    """Found by final2 and final3: "Terra Reveals LUNA Airdrop and Launch Date" is known by
    LUNA alone; its headline leads with Terra, the word the other Terra 2.0 items go by."""
    reveals, _analysis = judge.identity(real("c-0186"))
    assert reveals.tickers == {"LUNA"} and reveals.hints == {"terra"} and not reveals.names
    assert judge.same(real("c-1750"), real("c-0186"))[0]  # "Exchanges back 'Terra 2.0 ...'"
    assert judge.same(real("c-0186"), real("c-0565"))[0]  # "New Terra Blockchain Goes Live"
    assert judge.same(real("c-0135"), real("c-1257"))[0]  # "Terra 2.0 is Live ... LUNA"
    # a hint agrees with a name only: two Bitget notices both led by "[Initial Listing]"
    assert not judge.same(real("c-1960"), real("c-2668"))[0]  # GOATS, XION
    # and never across two tickers: CoinW's NEIRO (the scorer names Pump.fun, the headline
    # leads with NEIRO) is not Bitget's Neiro (NEIROCTO)
    coinw, _analysis = judge.identity(real("c-1857"))
    assert coinw.hints == {"neiro"} and "NEIRO" not in coinw.tickers
    assert not judge.same(real("c-1857"), real("c-2857"))[0]


def test_a_contract_token_may_start_with_a_digit(judge) -> None:
    """Found by final3: "Binance Futures Will Launch USDⓈ-Margined 0GUSDT Perpetual Contract
    Pre-Market Trading" is 0G's (the contract reader wanted a letter first)."""
    notice, _analysis = judge.identity(real("c-1962"))
    assert notice.tickers == {"0G"} and not notice.names
    assert judge.same(real("c-1962"), real("c-2484"))[0]  # 0G on Binance HODLer Airdrops


def test_pre_market_trading_is_no_launch(judge) -> None:
    """Found by final3: Bitget's EigenLayer pre-market (April 2024) counted as a listing, so
    the Bitget listing at the TGE five months later fell outside the short window."""
    keys, _ident = judge.event_of(real("c-2944"))
    assert not keys.launched
    assert judge.same(real("c-2944"), real("c-2928"))[0]


def test_two_months_after_a_launch_is_another_launch(judge) -> None:
    """Found by final2 and final3 (pairs the readers labelled different): Sapien on Binance
    Alpha and its HODLer airdrop 78 days later; Bitget's BOME listing and Margex's BOME airdrop
    87 days later; Compound starting COMP's distribution and a distribution update 88 days
    later. First listings weeks after a launch still join (Balancer's BAL, 44 days; Plasma's
    XPL futures and its HODLer airdrop, 33 days)."""
    assert not judge.same(real("c-3042"), real("c-2638"))[0]
    assert not judge.same(real("c-2956"), real("c-2822"))[0]
    keys, _ident = judge.event_of(real("c-2377"))
    assert keys.launched  # "... to Start Distributing Its COMP Governance Tokens"
    assert not judge.same(real("c-2377"), real("c-2634"))[0]
    assert judge.same(real("c-2073"), real("c-1149"))[0]
    assert judge.same(real("c-2127"), real("c-2419"))[0]


def test_a_hint_written_as_a_name_in_the_other_headline(judge) -> None:
    """Found by the test split (no longer clean): "Worldcoin's Mainnet, WLD Token Goes Live"
    (WLD; hint Worldcoin) and "Sam Altman Backed Worldcoin Launches Officially" (a discovered
    name of four words) are one launch: the other headline writes the hint as a name."""
    wld, _analysis = judge.identity(real("c-0513"))
    assert wld.hints == {"worldcoin"} and wld.tickers == {"WLD"}
    assert judge.same(real("c-0513"), real("c-0968"))[0]


def test_a_headline_word_event_and_a_ticker_only_item_that_names_it(judge) -> None:
    """Found by final3: "LUNA Rallies as Binance Airdrops Token to Users" (LUNA alone) writes
    "the new Terra chain's LUNA token", the word "Binance Staking completes initial phase of
    Terra 2.0 airdrop" goes by. An item with a project of its own that mentions the word does
    not join: "Ethereum Lost 0.74% ..." (known by "Ethereum") and LayerZero's claims raising
    the revenue of "Ethereum Layer 2 network Arbitrum" the next day."""
    assert judge.same(real("c-1257"), real("c-0382"))[0]
    assert not judge.same(real("c-0730"), real("c-0983"))[0]


def test_a_discovered_name_without_its_trailing_launch_words(judge) -> None:
    """Found by the test split (no longer clean): "Introducing $PEDRO: The Real Pedro Dancing
    Racoon Meme Token Pre-Sale" was discovered as "real pedro dancing racoon meme", so the
    FlappyPedro item writing "The Real Pedro Dancing Racoon ($PEDRO) token creators" did not
    name it, and one ticker with two names stayed apart."""
    pedro, _analysis = judge.identity(real("c-2786"))
    assert "real pedro dancing racoon" in pedro.names and pedro.tickers == {"PEDRO"}
    assert judge.same(real("c-2786"), real("c-2514"))[0]
    # a name the trim would leave with one word of its own keeps its words (Book of Meme)
    found = {"discovered": {"name": "Book of Meme", "ticker": "BOME"}}
    assert identity_of(found, real("c-2956")["title"]).names == {"book of meme"}


async def test_the_service_keeps_a_headlines_hint_for_later_items(app) -> None:
    """Through the alert service: Terra 2.0 told as "Exchanges back 'Terra 2.0 revival plan'"
    (known by the word Terra), "Terra Reveals LUNA Airdrop and Launch Date" (LUNA, hinting at
    Terra) and "Binance Staking completes initial phase of Terra 2.0 airdrop" is one event,
    which keeps the hint with its names and tickers."""
    alerts = []
    for corpus_id, day in (("c-1750", 26), ("c-0186", 27), ("c-1257", 31)):
        app.events.clock = lambda day=day: datetime(2022, 5, day, 13, tzinfo=UTC)
        alerts.append(await tell(app, corpus_id))
    events = {(await Alert.get(id=a.id)).event_id for a in alerts}
    assert len(events) == 1 and None not in events
    event = await (await Alert.get(id=alerts[0].id)).event
    assert event.keys["hints"] == ["terra"] and "LUNA" in event.keys["tickers"]
    assert "terra" in event.keys["names"]


def test_a_token_that_goes_live_has_launched(judge) -> None:
    """Found by final4's one measurement (final4 no longer measures this cleanly): "Worldcoin's
    Mainnet, WLD Token Goes Live" stayed unlaunched, so with its headline hint named back it
    took WLD price stories 147 and 333 days later into the year-long window."""
    keys, _ident = judge.event_of(real("c-0513"))
    assert keys.launched
    assert not judge.same(real("c-0513"), real("c-1274"))[0]
    assert not judge.same(real("c-0513"), real("c-1111"))[0]
    assert judge.same(real("c-0513"), real("c-0968"))[0]  # "Worldcoin Launches Officially"
    # a chain going live is no token: "New Terra Blockchain Goes Live" leaves the launch open
    terra, _ident = judge.event_of(real("c-0565"))
    assert not terra.launched


def test_market_news_of_a_trading_token_is_no_retelling_of_its_launch(judge) -> None:
    """Found by final4's one measurement (final4 no longer measures this cleanly): readers
    label a price move or a holders' vote about a launched token a different event; the joiner
    took any item of the project inside its window."""
    # ApeCoin's DAO vote 83 days after the airdrop exploit story: no word of the launch
    assert market_news("ApeCoin DAO officially favor to remain within Ethereum ecosystem")
    assert not judge.same(real("c-0604"), real("c-0260"))[0]
    # "BONK Airdrop Now More Expensive Than the Device" a year after BONK's launch story:
    # an item that tells of a token trading gets no long window
    assert not judge.same(real("c-0660"), real("c-0244"))[0]
    # a launch's first price swings still join ("LUNA 2 tanks 70% in two days", 3 days on)
    assert market_news(real("c-1610")["title"])
    assert judge.same(real("c-0186"), real("c-1610"))[0]
    # shares of a supply are no price move ("... the community allocation ratio will be 50%")
    assert not market_news(real("c-1484")["title"])
    assert judge.same(real("c-2478"), real("c-1484"))[0]


def test_a_long_discovered_name_holding_the_project_name(judge) -> None:
    """ "Trump backed World Liberty Financial clarifies WLFI" (a discovered name) and Binance's
    "World Liberty Financial (WLFI)" listing 43 days later are one project."""
    _joined, first, second = judge.same(real("c-0959"), real("c-1999"))
    assert "world liberty financial" in second.names and len(first.names) == 1
    assert names_agree(next(iter(first.names)), "world liberty financial")
    assert judge.same(real("c-0959"), real("c-1999"))[0]
    # one word inside a long name is not enough ("liberty")
    assert not names_agree("liberty", "trump backed world liberty financial")


def test_a_headline_leading_with_the_project_name_gets_the_long_window(judge) -> None:
    """OpenSea's KYC rumour story (2025-02-11, no ticker) and "OpenSea CMO In-Depth Analysis:
    With TGE Approaching, ... $SEA Airdrop" 338 days later (discovered name "Generation
    Event"): the headline leads with the project's own name, so the unlaunched token's long
    window holds."""
    assert judge.same(real("c-2768"), real("c-0997"))[0]


def test_a_watched_companys_ticker_alone_gets_the_long_window(judge) -> None:
    """MegaETH's ICO FAQ and the MEGAUSDT pre-market contract 95 days later: the contract
    names only the watched company's token."""
    assert judge.same(real("c-2412"), real("c-2096"))[0]


_FINAL5: dict[str, dict[str, Any]] = {}


# The splits whose pairs hold items of their own (<split>_items.jsonl), not corpus rows
# (final27 to final29 were never drawn).
OWN_ITEM_SPLITS = tuple(f"final{n}" for n in (*range(5, 27), 30, 31, 32, 33))


def new(item_id: str) -> dict[str, Any]:
    """One real item of the final5 to final26 and final30 to final33 draws, read from its public
    repository at a fixed commit, from final8's to final16's, final19's to final26's and
    final30's to final33's pools or (final17, final18) from the labelled files (provenance in
    core/data/eval/events/final5_items.jsonl ...)."""
    if not _FINAL5:
        for name in (f"{split}_items.jsonl" for split in OWN_ITEM_SPLITS):
            path = PAIRS_FILE.parent / name
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                _FINAL5[row["id"]] = row
    return _FINAL5[item_id]


def test_two_headlines_giving_two_tokens_of_their_own_are_two_events(judge) -> None:
    """Shaped on final5 (after its one measurement): Bitget lists many tokens in one zone
    ("... TON Ecosystem Zone", which the scorer reads as TON) or by one launchpad ("by
    Virtuals"); each headline gives its own token in brackets, and two that differ are two
    launches."""
    assert not judge.same(new("n5-00704"), new("n5-00720"))[0]  # GoldVerse (GDV), RabBitcoin
    assert not judge.same(new("n5-00907"), new("n5-00909"))[0]  # Vertus (VERT), Clayton (CLAY)
    assert not judge.same(new("n5-00838"), new("n5-00913"))[0]  # aixbt / GAME by Virtuals
    assert not judge.same(new("n5-00868"), new("n5-00912"))[0]  # Travala (AVA), AVA (AVAAI)
    # one name with two tickers is one token ("Gifto (GIFTO)" sale, "GIFTO (GTO)" listing),
    # and a pre-market notice's ticker is a placeholder ("Taiko (TKO)" before TAIKO)
    assert judge.same(real("c-0166"), real("c-1551"))[0]
    assert judge.same(new("n5-00535"), new("n5-00571"))[0]
    assert judge.same(real("c-2077"), real("c-2724"))[0]  # HMSTRBG pre-market, $HMSTR


def test_a_numbered_round_with_words_between_is_another_round(judge) -> None:
    """Shaped on final5: "Third Binance HODLer Airdrops" and "Fourth Binance HODLer Airdrops"
    of Solayer's LAYER, a month apart, are two rounds."""
    assert round_of(new("n5-01166")["title"]) == "4"
    assert not judge.same(new("n5-01121"), new("n5-01166"))[0]


def test_results_and_trading_contests_tell_of_something_that_trades(judge) -> None:
    """Shaped on final5: a company's earnings are market news (HIVE Digital's Q4 earnings 37
    days after Bitget listed the Hive token); a trading tournament gets no long window
    (Binance's TREE tournament 248 days after its Treehouse affiliate airdrop) but near a
    launch still joins it (Tria's trading competition and its futures contract)."""
    assert market_news(new("n5-00988")["title"])
    assert not judge.same(new("n5-00902"), new("n5-00988"))[0]
    assert not judge.same(new("n5-01102"), new("n5-01408"))[0]
    assert judge.same(new("n5-01383"), new("n5-01390"))[0]  # Block Street (BSB), 8 days


def test_a_ticker_shared_and_the_name_written_in_our_headline_is_strong(judge) -> None:
    """Shaped on final5: "Crypto Whale Invests $11,695 in PawFury (PAW) Presale" (the scorer
    found no name) and "Pawfury Presale Nears $5M Mark" 103 days later: one presale, told
    past the 90-day window while the token has not launched."""
    assert judge.same(new("n5-00475"), new("n5-00690"))[0]


def test_token_farming_hands_the_token_out(judge) -> None:
    """Shaped on final5's fixes: "An Introduction to MIR Token Farming on Mirror Protocol" is
    the token out (a claim phase), so Binance's MIR listing 137 days on is a later listing."""
    keys, _ident = judge.event_of(real("c-2118"))
    assert keys.launched
    assert not judge.same(real("c-2118"), real("c-1288"))[0]


def test_one_ticker_given_to_two_owners_is_two_projects(judge) -> None:
    """Shaped on final5: "Penguiana's $PENGU Token Presale Launches" (the scorer took the
    watched Pudgy Penguins from "$PENGU") and Bitget's "Pudgy Penguins (PENGU)" listing 226
    days later: each headline gives the ticker to an owner the other never writes."""
    assert not judge.same(new("n5-00486"), new("n5-00875"))[0]
    # one owner written two ways still agrees ("Etherfi (ETHFI)", "ether.fi (ETHFI)")
    a, b = "Bitget Will List Etherfi (ETHFI)", "OKX to list ether.fi (ETHFI) for spot trading"
    assert not _owners_apart(own_tickers([a]), own_tickers([b]), a, b)


def test_a_partnership_product_game_or_results_retells_no_launch(judge) -> None:
    """Shaped on final5 (after its one measurement): news of what a project does beside its
    token's launch, with no word of a launch in its headline, joins no launch event and founds
    none a launch joins, whatever ticker or name it shares; readers labelled each different."""
    # World of Dypians' $WOD airdrop campaign, then an NFT marketplace going live (47 days)
    # and the project joining BNB Chain's challenge (79 days)
    assert side_news(new("n5-00603")["title"]) and side_news(new("n5-00659")["title"])
    assert not judge.same(new("n5-00477"), new("n5-00603"))[0]
    assert not judge.same(new("n5-00477"), new("n5-00659"))[0]
    # DJI listed on Moonshot, then a staking and leverage-trading integration (14 days)
    assert not judge.same(new("n5-00839"), new("n5-00869"))[0]
    # tZERO's plan for a public listing, then its proxy-voting partnership (8 days)
    assert not judge.same(new("n5-01235"), new("n5-01252"))[0]
    # a game's press release first, Bitget's LOE listing 42 days later (either way round)
    assert not judge.same(new("n5-00240"), new("n5-00355"))[0]
    # a company's monthly results, and a token with its ticker listed a week later
    assert not judge.same(new("n5-00289"), new("n5-00316"))[0]
    # an exchange's launch programme that speaks of staking is a launch (Bitget's PoolX and
    # its listing of NUTS, the same day), and so is a listing's celebratory campaign
    assert not side_news(new("n5-00521")["title"])
    assert judge.same(new("n5-00521"), new("n5-00528"))[0]
    assert judge.same(new("n5-00799"), new("n5-00802"))[0]
    # a game as a ticker is no game ("GAME by Virtuals (GAME)")
    assert not side_news("GAME Trading Competition: Trade GameBuild (GAME) and Share Rewards")


def test_an_earn_product_of_a_token_is_no_retelling_of_its_launch(judge) -> None:
    """SHAPED ON FINAL6 (after its one measurement): "BABY Locked Products: Enjoy Up to 29.9%
    APR in Rewards!" 231 days after Bitget's BABY pre-market notice is an earn product of a
    token that trades, not its launch (readers: different)."""
    assert side_news(new("n6-01782")["title"])
    assert not judge.same(new("n6-01565"), new("n6-01782"))[0]
    # a HODLer airdrop that says "Simple Earn" is launch talk
    assert not side_news("Introducing Babylon (BABY) on Binance HODLer Airdrops! Earn BABY")


def test_weeks_apart_both_items_must_tell_the_launch_story(judge) -> None:
    """SHAPED ON FINAL2-FINAL6 TOGETHER (after final6's one measurement): more than
    LAUNCH_STORY_GAP from the event's span, an item joins only when it and one of the event's
    headlines tell the token's launch story (launch talk, and no campaign, Earn product,
    contest, market move, vote or result). Readers labelled each of these different."""
    assert LAUNCH_STORY_GAP.days == 45
    # a trading competition, then Binance adding NIGHT to Earn and Margin 90 days later
    assert not launch_story(new("n6-01805")["title"])
    assert not judge.same(new("n6-01805"), new("n6-01864"))[0]
    # "Meet Brett ($BRETT)" and its Bithumb listing 48 days later; two I-ON corporate updates
    # 50 days apart; two Janction competitions 55 days apart
    assert not judge.same(new("n6-00896"), new("n6-01033"))[0]
    assert not judge.same(new("n6-01165"), new("n6-01275"))[0]
    assert not judge.same(new("n6-01860"), new("n6-01899"))[0]
    # STEPN's Launchpad introduction and its tokens' new highs 56 days later
    assert not judge.same(real("c-3185"), real("c-1070"))[0]
    # a launch told over months still joins: pre-market notice, then its order mapping 98
    # days later and the listing 72 days later (readers: same)
    assert judge.same(new("n6-01081"), new("n6-01293"))[0]
    assert judge.same(new("n6-00978"), new("n6-01125"))[0]
    # what counts as the story: a listing, a public sale, an airdrop by any name
    assert launch_story("Bitget Will List Hamster Kombat (HMSTR)")
    assert launch_story("Updates to Avalanche (AVAX) Public Sale")
    assert launch_story("The Evmos Rektdrop")


def test_final7_holds_new_real_items_with_provenance() -> None:
    """final7's items come from sources no split read, each with repository, commit and path,
    and none is an item any earlier split, the corpus or the eval sets showed anyone."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final6

    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / "final7_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / "final7_drawn.jsonl").read_text().splitlines()]
    ids = {i["id"] for i in items}
    assert len(ids) == len(items) == 227 and len(drawn) == 174
    assert all(d["a"] in ids and d["b"] in ids for d in drawn)
    assert all({"repo", "commit", "path"} <= i["provenance"].keys() for i in items)
    sources = {"r-hou/cex_crawler", "aizhan-abc/crypto-announcement-bot"}
    assert {i["provenance"]["repo"] for i in items} <= sources
    titles, _texts = draw_final6._seen("final7")
    assert not any(draw_final6.f5._norm(i["title"]) in titles for i in items)


def test_a_token_written_as_a_pair_is_its_ticker(judge) -> None:
    """Shaped on final7 (after its one measurement): a notice that writes its token only as a
    trading pair ("XPL/USDT", "XPLUSDT", "XYZ-USDT") is the token's, so two tokens of one
    exchange's template stay apart and one token's notices on several exchanges join."""
    from core.events.extract import contract_tickers

    assert contract_tickers("Bitunix to Launch XPL/USDT in Perpetual Futures") == {"XPL"}
    assert contract_tickers("BingX Pre-Launch Futures Has Launched WLFIUSDT") == {"WLFI"}
    assert contract_tickers("Adds ARB-USDT, LUNA_BTC and 1000PEPEUSDC") == {"ARB", "LUNA", "PEPE"}
    # quote assets, stablecoins ending in USD and numbers are no token of their own
    assert contract_tickers("BTC/USDT, ETH-BTC, FDUSD, PYUSD and KRW-BTC markets") == set()
    # Bitunix's WLFI/USDT and XPL/USDT; BingX's XPLUSDT and WLFIUSDT (the headline word "Has"
    # was the identity of both)
    assert not judge.same(new("n7-00083"), new("n7-00098"))[0]
    assert not judge.same(new("n7-00071"), new("n7-00079"))[0]
    # BloFin's CAMP/USDT and Bitget's "CAMPUSDT now launched" (the pair was a name of its own,
    # "campusdt", that parted the shared ticker); Bitget's CAMPUSDT and Bitunix's Camp Network
    # (CAMP); BASUSDT and CoinEx's BAS (BNB Attestation Service)
    assert judge.same(new("n7-00149"), new("n7-00150"))[0]
    assert judge.same(new("n7-00150"), new("n7-00177"))[0]
    assert judge.same(new("n7-00127"), new("n7-00194"))[0]


def test_a_chinese_contract_notice_is_its_tokens(judge) -> None:
    """Shaped on final7: a Chinese (or Korean) contract notice writes the pair inside the text
    ("SAPIENUSDT 永续合约全新上线", "币安合约将上线CUDISUSDT U本位永续合约"), with no English
    word after it and no word boundary before it."""
    from core.events.extract import contract_tickers

    assert contract_tickers("币安合约将上线CUDISUSDT U本位永续合约 (2025-08-20)") == {"CUDIS"}
    assert contract_tickers("MEXC 永续合约盘前交易：LINEAUSDT 即将上线") == {"LINEA"}
    assert judge.same(new("n7-00052"), new("n7-00063"))[0]  # Binance's Sapien, Bybit's pair
    assert judge.same(new("n7-00149"), new("n7-00175"))[0]  # BloFin CAMP/USDT, Bybit CAMPUSDT
    assert judge.same(new("n7-00219"), new("n7-00224"))[0]  # LBank LINEA, MEXC LINEAUSDT
    assert judge.same(new("n7-00081"), new("n7-00094"))[0]  # Bybit WLFIUSDT, BingX WLFI
    assert judge.same(new("n7-00079"), new("n7-00225"))[0]  # BingX WLFIUSDT, Bybit's


def test_an_exchanges_template_and_name_are_no_project(judge) -> None:
    """Shaped on final7: the smaller exchanges are venues (Bitunix, BloFin, WEEX ...), and
    LBank's "World Premiere | SOMI (Somnia) Will Be Listed in LBank" is SOMI's (a ticker
    before the name it stands for), not the project "World"; "Gate Has Listed BAS Contract"
    is BAS's."""
    import sys

    from core.events.extract import VENUES, contract_tickers, normalise_name, title_name

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final7

    assert {normalise_name(v) for v in draw_final7.EXCHANGES.values()} <= VENUES
    bitunix = judge.identity(new("n7-00083"))[0]
    assert bitunix.tickers == {"WLFI"} and "bitunix" not in bitunix.names
    assert title_name("World Premiere | MITO (MITO) Will Be Listed in LBank") == "mito"
    assert contract_tickers("World Premiere | SOMI (Somnia) Will Be Listed in LBank") == {"SOMI"}
    assert contract_tickers("Gate Has Listed BAS Contract (USDT-M)") == {"BAS"}
    assert contract_tickers("AMA (Ask Me Anything) with the Team") == set()  # initials
    assert not judge.same(new("n7-00188"), new("n7-00209"))[0]  # MITO, WLFI
    assert not judge.same(new("n7-00112"), new("n7-00164"))[0]  # CAMP, GOAT
    assert not judge.same(new("n7-00228"), new("n7-00248"))[0]  # USDUT, SOMI
    assert not judge.same(new("n7-00129"), new("n7-00214"))[0]  # Gate's BAS and HEMI
    assert judge.same(new("n7-00107"), new("n7-00248"))[0]  # MEXC SOMIUSDT, LBank's SOMI


def test_final8_draw_keeps_the_search_term_from_readers(tmp_path) -> None:
    """draw_final8 on a made-up pool: undated pages, pages of the scorer's batches and pages
    that do not name their search term are dropped; a page's search term (`project_hint`)
    pairs it with its project's other pages but is written nowhere a reader or the joiner
    reads; same-project pairs come near and more than 45 days apart."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final8

    rows: list[dict[str, Any]] = []

    def page(title: str, text: str, day: str | None, hint: str) -> None:
        n = len(rows) + 1
        url = f"https://news.example/p{n}"
        prov = {"page": url, "via": "search", "query": f"{hint} airdrop"}
        rows.append(
            {"id": f"p-{n:04d}", "title": title, "text": text, "source": "news.example",
             "date": day, "url": url, "provenance": prov, "project_hint": hint}
        )  # fmt: skip

    for k, name in enumerate(("Zorblax", "Quintora")):
        page(f"{name} token generation event for March", "Listing.", f"2025-0{k + 1}-02", name)
        page(f"Exchange will list {name} tokens", "Trading opens.", f"2025-0{k + 1}-09", name)
        page(f"{name} airdrop claim opens", "Wallets can claim.", f"2025-0{k + 1}-10", name)
        page(f"{name} price rallies after partnership", "It rose.", f"2025-0{k + 5}-20", name)
        page(f"{name} airdrop recap", "How the launch went.", None, name)
    page("A page that never names its search term", "Nothing here.", "2025-01-05", "Zorblax")
    page("Three TGEs this week", "Market wrap.", "2025-01-05", "TGE market (generic)")
    batch = json.loads(draw_final8.TRAINING[-1].read_text().splitlines()[0])
    page(batch["title"], batch.get("text") or "", "2025-01-06", "Zorblax")
    path = tmp_path / "pool.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))

    items, counts = draw_final8.pool(path)
    assert counts["undated or no headline"] == 2 and counts["in a scoring batch"] == 1
    assert {i["project"] for i in items} == {"hint:zorblax", "hint:quintora"}
    pairs = draw_final8.draw(items)
    assert draw_final8.f6.FAR_DAYS == 30  # draw_final6's own setting is left as it was
    draw_final8.f5.write_split(tmp_path, "final8", items, pairs)
    gaps = {draw_final8.f5._days(p["a"], p["b"]) > 45 for p in pairs}
    assert len(pairs) >= 4 and gaps == {True, False}
    for name in ("final8_items.jsonl", "pairs_final8_unlabelled.jsonl"):
        assert "hint" not in (tmp_path / name).read_text()
    shown = [json.loads(x) for x in (tmp_path / "pairs_final8_unlabelled.jsonl").open()]
    assert all(set(p["a"]) == {"title", "text", "source", "date"} for p in shown)


def test_final8_holds_dated_pool_pages_unseen_anywhere() -> None:
    """final8's items are dated pages of the pool in the repository (final8_pool.jsonl), each
    with its pool id and address, none an item any earlier split, the corpus, the eval sets or
    the scorer's batches hold; readers' pairs carry no search term."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final8

    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / "final8_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / "final8_drawn.jsonl").read_text().splitlines()]
    pool = {
        r["id"]: r
        for r in (json.loads(x) for x in (here / "final8_pool.jsonl").read_text().splitlines())
    }
    ids = {i["id"] for i in items}
    assert len(ids) == len(items) == 30 and len(drawn) == 23
    assert all(d["a"] in ids and d["b"] in ids for d in drawn)
    assert all(i["date"] and pool[i["provenance"]["pool_id"]]["title"] == i["title"] for i in items)
    titles, _texts = draw_final8.f6._seen("final8")
    batch, _texts, _urls = draw_final8._training()
    assert not any(draw_final8.f5._norm(i["title"]) in titles | batch for i in items)
    assert "hint" not in (here / "pairs_final8_unlabelled.jsonl").read_text()


def test_final17_holds_labelled_items_no_event_split_saw() -> None:
    """final17's items are labelled items (c- ids) whose id, headline, text opening and address
    no events file held at the frozen commit; readers' pairs carry headline, lead, source and
    date only, and no file the joiner or a reader reads carries the company or the label."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final17

    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / "final17_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / "final17_drawn.jsonl").read_text().splitlines()]
    ids = {i["id"] for i in items}
    assert len(ids) == len(items) and len(drawn) >= 150
    assert all(d["a"] in ids and d["b"] in ids for d in drawn)
    seen_ids, pages = draw_final17.seen_in_events()
    assert not ids & seen_ids
    every = [
        json.loads(x)
        for f in draw_final17.files_at(draw_final17.LABELLED, r"\.jsonl$")
        for x in draw_final17.read_at(f).splitlines()
        if x.strip()
    ]
    boilerplate = draw_final17.boilerplate_of(every + pages)
    keys = {k for page in pages for k in draw_final17.keys_of(page, boilerplate)}
    assert not any(draw_final17.keys_of(i, boilerplate) & keys for i in items)
    shown = [json.loads(x) for x in (here / "pairs_final17_unlabelled.jsonl").open()]
    assert [p["pair"] for p in shown] == [d["pair"] for d in drawn]
    assert all(set(p[s]) == {"title", "text", "source", "date"} for p in shown for s in "ab")
    assert all("company" not in i and "is_tge" not in i for i in items)


def test_draw_final18_sets_a_private_copy_of_draw_final17() -> None:
    """draw_final18 runs draw_final17's functions with its own split, seed, frozen commit and
    labelled files (batches 17, 18, 19 and 20 from branch lead at c8e1a38), on a private copy:
    draw_final17's own settings, which its split's test reads, stay final17's."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final17
    import draw_final18

    assert (draw_final17.SPLIT, draw_final17.SEED) == ("final17", 17170)
    assert draw_final17.FROZEN.startswith("9bac892")
    assert draw_final17.labelled is not draw_final18.labelled
    f17 = draw_final18.f17
    assert f17 is not draw_final17 and f17.labelled is draw_final18.labelled
    assert (f17.SPLIT, f17.SEED) == ("final18", 18180)
    assert draw_final18.FROZEN.startswith("0abbc42") and draw_final18.LEAD.startswith("c8e1a38")
    assert draw_final18.FROZEN_LANDED.startswith("d4ea86a")
    assert f17.FROZEN == draw_final18.FROZEN_LANDED
    assert [p.rsplit("-", 1)[-1] for p in draw_final18.LEAD_BATCHES] == [
        "17.jsonl",
        "18.jsonl",
        "19.jsonl",
        "20.jsonl",
    ]
    assert (f17.PER_PROJECT, f17.TGE_TGE_PER_PROJECT) == (4, 2)


def test_the_commits_the_event_draws_read_are_in_this_clones_history() -> None:
    """The draws read their frozen state from git. A commit that was rebased away (final18's
    0abbc42) is in no fresh clone, so each commit read must be an ancestor of HEAD."""
    import subprocess
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final17
    import draw_final18

    for commit in (draw_final17.FROZEN, draw_final18.FROZEN_LANDED, draw_final18.LEAD):
        ancestor = subprocess.run(
            ["git", "merge-base", "--is-ancestor", commit, "HEAD"], capture_output=True
        )
        assert ancestor.returncode == 0, f"{commit} is not in this clone's history"


def test_final18_draws_again_byte_for_byte_from_the_landed_freeze(tmp_path) -> None:
    """Read at FROZEN's landed copy (d4ea86a) with batches 17-20 from LEAD, final18's draw
    writes the very files that were drawn at 0abbc42 and read by the readers."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final18

    items, _counts = draw_final18.eligible()
    draw_final18.write(tmp_path, draw_final18.draw(items))
    for name in ("final18_items.jsonl", "final18_drawn.jsonl", "pairs_final18_unlabelled.jsonl"):
        assert (tmp_path / name).read_bytes() == (PAIRS_FILE.parent / name).read_bytes(), name


def test_final18_holds_labelled_items_no_event_split_saw() -> None:
    """final18's 22 pairs (44 items) are labelled items whose id, headline, text opening and
    address no events file held at its frozen commit (0abbc42, final17's included); readers'
    pairs carry headline, lead, source and date only; no file carries the company or label."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final18

    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / "final18_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / "final18_drawn.jsonl").read_text().splitlines()]
    ids = {i["id"] for i in items}
    assert len(ids) == len(items) == 44 and len(drawn) == 22
    assert all(d["a"] in ids and d["b"] in ids for d in drawn)
    assert {d["pair"] for d in drawn} == {f"f18-{n:03d}" for n in range(1, 23)}
    seen_ids, pages = draw_final18.seen_in_events()
    assert not ids & seen_ids
    every = draw_final18.f17.labelled()
    boilerplate = draw_final18.boilerplate_of(every + pages)
    keys = {k for page in pages for k in draw_final18.keys_of(page, boilerplate)}
    assert not any(draw_final18.keys_of(i, boilerplate) & keys for i in items)
    f17_ids = {json.loads(x)["id"] for x in (here / "final17_items.jsonl").read_text().splitlines()}
    assert not ids & f17_ids
    shown = [json.loads(x) for x in (here / "pairs_final18_unlabelled.jsonl").open()]
    assert [p["pair"] for p in shown] == [d["pair"] for d in drawn]
    assert all(set(p[s]) == {"title", "text", "source", "date"} for p in shown for s in "ab")
    assert all("company" not in i and "is_tge" not in i for i in items)


def _relation(judge: PairJudge, a: dict[str, Any], b: dict[str, Any]) -> str:
    """How the later of two real items relates to the event the earlier founds."""
    first, second = sorted((a, b), key=_when)
    keys, _founder = judge.event_of(first)
    ident, _analysis = judge.identity(second)
    blob = f"{second.get('title') or ''}\n{second.get('text') or ''}"
    return relation(keys, ident, _when(second), blob)


def test_later_news_of_a_launched_token_is_coverage_not_the_event(judge) -> None:
    """final8's false joins (shaped on after its one measurement): a buyback, a review, a
    crash whose event is a CEO's denial, an unlock a year on, each of the event's project and
    within its windows, are later news of the token; readers label each a different event.
    Such an item is coverage of the event (linked, never a phase), which is no join."""
    coverage = [
        ("n8-00039", "n8-00042"),  # Lighter's TGE confirmation; "LIT Surges as ... Buyback"
        ("n8-00039", "n8-00040"),  # ... and "LIT Token Jumps 14% as Buyback Program Launches"
        ("n8-00042", "n8-00043"),  # two retellings of the buyback
        ("n8-00006", "n8-00007"),  # "ZkSync's Token (ZK) Is Finally Here!"; "ZKsync Review"
        ("n8-00025", "n8-00026"),  # Plasma's CEO denies team selling; "XPL Crashes Over 50%"
        ("n8-00011", "n8-00034"),  # Hyperliquid's airdrop; the HYPE unlock 348 days later
    ]
    for a, b in coverage:
        assert _relation(judge, new(a), new(b)) == COVERAGE, (a, b)
        assert not judge.same(new(a), new(b))[0], (a, b)
    assert later_news("LIT Surges as Lighter Protocol Launches Token Buyback Program")
    assert later_news("ZKsync Review: Innovative Ethereum Layer 2 Solution")
    # the launch story stays the event: Aster's airdrop pieces, ZK's arrival and its debacle
    assert judge.same(new("n8-00027"), new("n8-00029"))[0]
    assert judge.same(new("n8-00005"), new("n8-00006"))[0]
    # a buyback told with the launch ("via airdrops, listing, buyback and burning") is the story
    assert not later_news("Exchanges back 'Terra 2.0 revival plan' via airdrops, listing, buyback")
    # and a price move near a launch is part of it, as readers labelled ("LUNA 2 tanks 70%")
    assert not later_news("Investors dumping on Terra as LUNA 2 tanks 70% in two days")


def test_final9_draw_keeps_cjk_headlines_and_restores_the_imported_settings(tmp_path) -> None:
    """draw_final9 on a made-up pool: two Chinese headlines that share one Latin word stay two
    pages (draw_final5's key would make both "zorblax"), a search term written against Chinese
    characters still names the page's project, the search term reaches no reader's or joiner's
    file, and the imported draws' own settings are as they were afterwards."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final9

    f5, f6, f8 = draw_final9.f5, draw_final9.f6, draw_final9.f8
    before = (f5._norm, f8.TRAINING, f8.hint_of, f6.FAR_DAYS, f6.MAX_USES, f6.PER_PROJECT)
    rows: list[dict[str, Any]] = []

    def page(title: str, text: str, day: str | None, hint: str) -> None:
        n = len(rows) + 1
        url = f"https://news.example/q{n}"
        prov = {"page": url, "via": "search pages corpus", "query": f"{hint} airdrop"}
        rows.append(
            {"id": f"q9-{n:04d}", "title": title, "text": text, "source": "news.example",
             "date": day, "url": url, "provenance": prov, "project_hint": hint}
        )  # fmt: skip

    page("Zorblax空投倒计时:代币经济学公布", "Zorblax公布代币。", "2025-03-01", "Zorblax")
    page("Zorblax上线币安:空投领取开启", "空投领取开启。", "2025-03-03", "Zorblax")
    page("Zorblax token generation event set for March", "Listing.", "2025-03-02", "Zorblax")
    page("Zorblax price rallies after buyback", "It rose.", "2025-06-20", "Zorblax")
    page("Quintora airdrop claim opens", "Wallets can claim.", "2025-03-04", "Quintora")
    page("Quintora listing on exchanges", "Trading opens.", "2025-03-05", "Quintora")
    page("An undated Zorblax recap", "How it went.", None, "Zorblax")
    path = tmp_path / "pool.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))

    items, counts = draw_final9.pool(path)
    assert counts["undated or no headline"] == 1 and "repeated" not in counts
    assert [i["project"] for i in items].count("hint:zorblax") == 4
    pairs = draw_final9.draw(items)
    assert before == (f5._norm, f8.TRAINING, f8.hint_of, f6.FAR_DAYS, f6.MAX_USES, f6.PER_PROJECT)
    assert f5._norm("Zorblax空投") == "zorblax" and draw_final9.norm("Zorblax空投") != "zorblax"
    f5.write_split(tmp_path, "final9", items, pairs)
    uses = Counter(i for p in pairs for i in (p["a"]["id"], p["b"]["id"]))
    assert pairs and max(uses.values()) <= draw_final9.MAX_USES
    for name in ("final9_items.jsonl", "pairs_final9_unlabelled.jsonl"):
        assert "hint" not in (tmp_path / name).read_text()


def test_final9_holds_dated_pool_pages_unseen_anywhere() -> None:
    """final9's items are dated pages of its pool (final9_pool.jsonl: pages9's and batch5's
    pages as collected), each with its pool id, none an item any earlier split, the corpus,
    the eval sets or the scorer's five batches hold; readers' pairs carry no search term."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final9

    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / "final9_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / "final9_drawn.jsonl").read_text().splitlines()]
    pool = {
        r["id"]: r
        for r in (json.loads(x) for x in (here / "final9_pool.jsonl").read_text().splitlines())
    }
    ids = {i["id"] for i in items}
    assert len(ids) == len(items) == 41 and len(drawn) == 33
    assert all(d["a"] in ids and d["b"] in ids for d in drawn)
    assert all(i["date"] and pool[i["provenance"]["pool_id"]]["title"] == i["title"] for i in items)
    with draw_final9._final9():
        titles, _texts = draw_final9.f6._seen("final9")
        batch, _texts, _urls = draw_final9.f8._training()
        assert not any(draw_final9.norm(i["title"]) in titles | batch for i in items)
    assert "hint" not in (here / "pairs_final9_unlabelled.jsonl").read_text()


def test_final10_draw_is_reproducible_and_restores_the_imported_settings(tmp_path) -> None:
    """draw_final10 on its own pool writes, byte for byte, the committed items, pairs and
    readers' pairs (seeded, no clock or set order in it), and leaves draw_final9's and the
    imported draws' settings as they were."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final10

    f6, f9 = draw_final10.f6, draw_final10.f9
    f5 = f9.f5
    before = (f9.SPLIT, f5._norm, f6.MAX_USES, f6.PER_PROJECT, f6.PER_KIND, f6.FAR_DAYS)
    items, counts = draw_final10.pool(PAIRS_FILE.parent / "final10_pool.jsonl")
    pairs = draw_final10.draw(items)
    assert before == (f9.SPLIT, f5._norm, f6.MAX_USES, f6.PER_PROJECT, f6.PER_KIND, f6.FAR_DAYS)
    assert counts["read"] == 57
    f5.write_split(tmp_path, "final10", items, pairs)
    for name in ("final10_items.jsonl", "final10_drawn.jsonl", "pairs_final10_unlabelled.jsonl"):
        assert (tmp_path / name).read_bytes() == (PAIRS_FILE.parent / name).read_bytes(), name
    same = Counter(p["a"]["project"] for p in pairs if p["a"]["project"] == p["b"]["project"])
    assert max(same.values()) <= draw_final10.PER_PROJECT
    uses = Counter(i for p in pairs for i in (p["a"]["id"], p["b"]["id"]))
    assert max(uses.values()) <= draw_final10.MAX_USES


def test_final10_holds_dated_pool_pages_unseen_anywhere() -> None:
    """final10's items are dated pages of its pool (final10_pool.jsonl), each with its pool id,
    none an item of final9 or any earlier split, the corpus, the eval sets or the scorer's
    batches; the pairs are f10-001..f10-038 and the readers' pairs carry no search term."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final10

    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / "final10_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / "final10_drawn.jsonl").read_text().splitlines()]
    pool = {
        r["id"]: r
        for r in (json.loads(x) for x in (here / "final10_pool.jsonl").read_text().splitlines())
    }
    ids = {i["id"] for i in items}
    assert len(ids) == len(items) == 35 and len(drawn) == 38
    assert [d["pair"] for d in drawn] == [f"f10-{n:03d}" for n in range(1, 39)]
    assert all(d["a"] in ids and d["b"] in ids for d in drawn)
    assert all(i["date"] and pool[i["provenance"]["pool_id"]]["title"] == i["title"] for i in items)
    final9 = [json.loads(x) for x in (here / "final9_items.jsonl").read_text().splitlines()]
    f9 = draw_final10.f9
    assert not {f9.norm(i["title"]) for i in items} & {f9.norm(i["title"]) for i in final9}
    with f9._final9():
        titles, _texts = f9.f6._seen("final10")
        batch, _texts, _urls = f9.f8._training()
        assert not any(f9.norm(i["title"]) in titles | batch for i in items)
    assert "hint" not in (here / "pairs_final10_unlabelled.jsonl").read_text()


def test_a_project_named_only_in_a_comparison_is_not_the_items_project(judge) -> None:
    """final10 (shaped after its one measurement): both Plasma sale pages open "从 WLFI 到
    Pumpfun 再到 Plasma" ("from WLFI to Pumpfun to Plasma") and were keyed Pump.fun's PUMP,
    joined to PUMP's crash news (f10-010, f10-024). A watched company the headline does not
    write and the text names only in a comparison or a list is not what the item is about."""
    ident, _analysis = judge.identity(new("n10-00010"))  # "大户疯抢,Plasma 的 $XPL 公售有多香?"
    assert ident.company_id is None and ident.tickers == {"XPL"} and "plasma" in ident.hints
    ident, _analysis = judge.identity(new("n10-00008"))  # "XPL公售遭大户疯抢,Plasma为何..."
    assert "PUMP" not in ident.tickers and not any("pump" in n for n in ident.names)
    assert not judge.same(new("n10-00010"), new("n10-00014"))[0]  # f10-010
    assert not judge.same(new("n10-00008"), new("n10-00012"))[0]  # f10-024
    assert judge.same(new("n10-00008"), new("n10-00010"))[0]  # f10-036: the two sale pages
    # an investor list ("Polychain Capital、...、StarkWare 与 Alliance") names no project of
    # the item; a headline that writes the company keeps it
    lead = "从 WLFI 到 Pumpfun 再到 Plasma,"
    assert compared_only(["Pump.fun", "PumpFun"], ["PUMP"], "大户疯抢", lead)
    assert not compared_only(["Pump.fun"], ["PUMP"], "Pump.fun 发币", "从 WLFI 到 Pump.fun")
    assert not compared_only(["Pump.fun"], ["PUMP"], "PUMP 暴跌", "从 WLFI 到 Pump.fun")
    assert not compared_only(["Pump.fun"], ["PUMP"], "平台币", "Pump.fun 计划发行平台代币")
    # the MegaETH TVL piece ("MegaETH、Monad之间的争议") is MegaETH's, not Monad's too
    ident, _analysis = judge.identity(new("n10-00046"))
    assert "MON" not in ident.tickers and "MEGA" in ident.tickers


def test_a_headline_word_of_another_language_is_no_project_key(judge) -> None:
    """final10: Sahara AI's Polish Knowledge Drop page was keyed "szczeg y" (from "Szczegóły",
    a sentence-case word) and missed the German listing piece five days earlier (f10-009).
    A headline word with letters beyond English's is a word of the headline's language; a
    Latin word ends where another script begins ("XPL公售遭大户疯抢" is "xpl")."""
    polish = "Szczegóły i kwalifikowalność do nagrody Sahara AI Knowledge Drop"
    assert title_name(polish) == "sahara"
    assert title_name("Phân tích chi tiết về airdrop Monad") == "monad"
    assert title_name("XPL公售遭大户疯抢,Plasma为何成为市场新宠?") == "xpl"
    assert judge.same(new("n10-00005"), new("n10-00006"))[0]  # f10-009


def test_later_news_in_other_words_and_languages_is_coverage(judge) -> None:
    """final10: a freeze of a holder's tokens and a Chinese buyback piece are later news of
    a launched token (readers: different events), as are two price pieces of one token the
    same day (the earlier "Post-Launch" dip is a price move, not launch talk)."""
    coverage = [
        ("n10-00021", "n10-00026"),  # WLFI's first-day crash; "Justin Sun ... Unfreeze Tokens"
        ("n10-00021", "n10-00024"),  # ... "Justin Sun's blocked holdings spark WLFI ..."
        ("n10-00013", "n10-00016"),  # "Pump.fun Token Plummets 23% Post-ICO"; "回购失真 ..."
    ]
    for a, b in coverage:
        assert _relation(judge, new(a), new(b)) == COVERAGE, (a, b)
    assert not judge.same(new("n10-00029"), new("n10-00030"))[0]  # f10-006, two XPL drops
    for headline in (
        "回购失真与旧闻缠身,PUMP的自证时刻",
        "Justin Sun Urges WLFI to Unfreeze Tokens",
        "某代币解锁在即",
        "토큰 바이백 발표",
        "Binance đóng băng tài khoản",
    ):
        assert later_news(headline), headline
    assert market_news("Plasma’s XPL Token Dips Nearly 50% Amid Post-Launch Volatility")
    assert market_news("월드리버티파이낸셜, 상장가 비해선 31% 하락")
    assert market_news("某代币暴跌 40%")
    # "Pump.fun" is a name, not a price pump
    assert not market_news("Pump.fun Token Plummets 23% Post-ICO")
    # the WLFI listing piece and the first-day crash (f10-014), the XPL listing and its dip
    # two weeks on (f10-037): near a launch a price move is part of it, as readers labelled
    assert judge.same(new("n10-00020"), new("n10-00021"))[0]
    assert judge.same(new("n10-00028"), new("n10-00029"))[0]


def test_a_regulators_action_on_a_launched_project_is_coverage(judge) -> None:
    """final19 f19-017 (shaped on it after its one measurement, not evidence): "Kenya Appears
    to Have Flip-Flopped on Worldcoin's Data Practices", ten days after Worldcoin's launch, is
    a government's action on the project (readers: different); it is coverage of the launch,
    as f19-009 (the same page against the other launch story) stays apart by its keys."""
    launch, kenya = new("n19-00036"), new("n19-00038")
    assert authority_action(kenya["title"]) and later_news(kenya["title"])
    assert _relation(judge, launch, kenya) == COVERAGE
    assert not judge.same(launch, kenya)[0]  # f19-017
    assert not judge.same(new("n19-00037"), kenya)[0]  # f19-009
    # a regulator's or court's action, named or told by the action only an authority takes
    for headline in (
        "SEC drops Ethereum investigation to avoid 'embarrassing' court case",
        "OpenSea Sued For 1 Million Dollars By User Who Lost His Bored Ape NFT",
    ):
        assert later_news(headline), headline
    # ... unless it names the sale it acts on (after final20: `test_a_sale_word_tells_the_launch`)
    assert authority_action("Swiss cryptocurrency miner investigated over ICO")
    assert not later_news("Swiss cryptocurrency miner investigated over ICO")
    # an action word with no authority is no regulator's action: the MAJOR pre-market orders
    # mapped to the listed token join the pre-market notice (f6-074), and a game that shuts
    # down ahead of its token launch is that launch (a TGE item of the corpus)
    assert not authority_action(new("n6-01293")["title"])
    assert judge.same(new("n6-01081"), new("n6-01293"))[0]  # f6-074
    assert not authority_action(real("c-3103")["title"])
    # a headline naming a regulator that also tells a token's presale founds the presale's
    # event, which the later presale stories join (f6-059, f6-113)
    sec = new("n6-00780")
    assert not later_news(sec["title"])
    # (f6-059, the presale story 13 days on, is market news past `MARKET_WINDOW` since final23)
    assert not judge.same(sec, new("n6-00820"))[0]  # f6-059
    assert judge.same(sec, new("n6-00929"))[0]  # f6-113


def test_a_sale_word_tells_the_launch_whatever_later_news_beside_it(judge) -> None:
    """After final20 (shaped on it after its one measurement, not evidence): a headline naming
    the sale (an ICO, a crowdsale) is about the launch, whatever later news it tells beside it:
    an authority's action on the ICO, a review of it, a freeze of its funds. final20's readers
    called "SEC Halts Multimillion-Dollar 'Munchee' ICO" and "SEC sends ICO for restaurant app
    Munchee back to the kitchen", two days apart, one launch (f20-030). Later news that names no
    sale stays coverage ("ZKsync Review" beside the ZK token's launch, f8-002, readers:
    different), and so does news told after the sale ("post-ICO")."""
    halted, kitchen = new("n20-00037"), new("n20-00038")
    assert authority_action(halted["title"]) and not later_news(halted["title"])
    assert judge.same(halted, kitchen)[0]  # f20-030
    assert judge.same(new("n20-00045"), new("n20-00046"))[0]  # f20-017, a review of the ICO
    assert judge.same(new("n20-00132"), new("n20-00134"))[0]  # f20-019, its funds frozen
    launch, review = new("n8-00006"), new("n8-00007")
    assert later_news(review["title"])
    assert _relation(judge, launch, review) == COVERAGE
    assert not judge.same(launch, review)[0]  # f8-002
    assert later_news("SEC Sues Acme Over Post-ICO Token Buybacks")


def test_a_tokens_supply_or_rewards_milestone_is_coverage(judge) -> None:
    """final19 f19-004 (shaped on it after its one measurement, not evidence): "WLD Token
    Milestone: Over 1% of Total Supply Circulating as Rewards", three months after Worldcoin's
    launch, is news of a token that trades (readers: different); it is coverage of the launch,
    and f19-002 (the same page against the other launch story) stays apart."""
    launch, milestone = new("n19-00037"), new("n19-00041")
    assert supply_milestone(milestone["title"]) and later_news(milestone["title"])
    assert _relation(judge, launch, milestone) == COVERAGE
    assert not judge.same(launch, milestone)[0]  # f19-004
    assert not judge.same(new("n19-00036"), milestone)[0]  # f19-002
    # rewards handed out so far: "distributed" is no launch talk there, an airdrop still is
    assert later_news("Over 10M WLD rewards distributed so far")
    assert not later_news("Airdrop rewards claimed so far top 1M")
    # a milestone that tells the launch (an airdrop) joins its listing (p-017), and a presale's
    # milestone speaks of no supply or rewards: KangaMoon's presale stories join (f6-076, 096)
    catizen = real("c-0822")
    assert not later_news(catizen["title"])
    assert judge.same(real("c-3097"), catizen)[0]  # p-017
    assert not supply_milestone(new("n6-00682")["title"])
    assert judge.same(new("n6-00682"), new("n6-00732"))[0]  # f6-076
    assert judge.same(new("n6-00682"), new("n6-00703"))[0]  # f6-096


def test_the_launch_story_in_other_words_and_languages(judge) -> None:
    """final9 f9-020: "Lighter launches its token LIT: ... revenue ... for growth and
    buybacks" is the launch (the verb's object is the token), not later news; final10
    f10-001, f10-025: Pump.fun's token rumour ("发币", issuing a coin) and its $500M sale are
    the launch the "Plummets 23% Post-ICO" piece recounts (readers: same, borderline); the
    MegaETH sale allocation (公募) and a TVL analysis 177 days later are not (f10-003)."""
    assert not later_news(new("n9-00064")["title"])
    assert judge.same(new("n9-00059"), new("n9-00064"))[0]  # f9-020
    # a buyback *program* that launches is still later news (final8's LIT pieces)
    assert later_news("LIT Surges as Lighter Protocol Launches Token Buyback Program")
    assert launch_story("Pump.fun发币传闻再起,平台币是生态点金石还是吸血鬼?")
    assert launch_story("MegaETH究竟是怎么分配公募份额的?")
    assert launch_story("바이낸스, 신규 토큰 상장")
    assert not launch_story("MegaETH 如何让 TVL 在 TGE 一周内达到 700m?拆解包装手法")
    assert judge.same(new("n10-00004"), new("n10-00013"))[0]  # f10-001, 51 days
    assert judge.same(new("n10-00007"), new("n10-00013"))[0]  # f10-025
    assert not judge.same(new("n10-00037"), new("n10-00046"))[0]  # f10-003
    assert not judge.same(new("n10-00035"), new("n10-00046"))[0]  # f10-015


def test_a_stablecoin_ending_in_usd_is_no_token_of_its_own() -> None:
    """A dollar stablecoin written whole is the quote, not a token glued to "USD": "FDUSD" in
    a contract notice was read as FD + USD (and "BTCFDUSD" as a token); other stablecoin pairs
    still give their token."""
    from core.events.extract import contract_tickers

    assert (
        contract_tickers("Binance Futures Will Launch FDUSD-Margined Perpetual Contract") == set()
    )
    assert contract_tickers("币安合约将上线FDUSD永续合约") == set()
    assert contract_tickers("Binance Will Launch BTCFDUSD Perpetual Contract") == set()
    assert contract_tickers("PYUSD Perpetual Contract") == set()
    assert contract_tickers("Binance Will Launch XPLFDUSD Perpetual Contract") == {"XPL"}
    assert contract_tickers("1000PEPEFDUSD and ENAUSD Perpetual Contracts") == {"PEPE", "ENA"}
    assert contract_tickers("ARBBUSD Perpetual Contract") == {"ARB"}
    assert contract_tickers("Binance Adds BTC/FDUSD and XPL/FDUSD Trading Pairs") == {"XPL"}
    assert contract_tickers("ESPUSDT Perpetual Contract") == {"ESP"}


def test_an_exchanges_products_for_an_unlaunched_token_are_its_listing(judge) -> None:
    """final10 f10-007, f10-019 (shaped after its one measurement): Binance's (Vietnamese)
    notice adding Plasma's XPL to Earn, Buy Crypto, Convert, Margin and Futures, its listing
    day, 72-73 days after the XPL sale pages (readers: same). An exchange adding a token that
    has not launched to several of its products at once is its first listing; once a token
    trades such a notice is a product of it (Binance adding NIGHT to Earn and Margin after a
    competition; STEPN's "move-to-earn" tokens at new highs after its Launchpad)."""
    notice = new("n10-00028")["title"]
    assert first_products(notice) and not launch_story(notice)
    assert judge.same(new("n10-00010"), new("n10-00028"))[0]  # f10-007
    assert judge.same(new("n10-00008"), new("n10-00028"))[0]  # f10-019
    assert not first_products("STEPN move-to-earn tokens GMT, GST hit new highs")
    assert not judge.same(new("n6-01805"), new("n6-01864"))[0]
    assert not judge.same(real("c-3185"), real("c-1070"))[0]


def test_final11_draw_is_reproducible_and_restores_the_imported_settings(tmp_path) -> None:
    """draw_final11 on its own pool writes, byte for byte, the committed items, pairs and
    readers' pairs, and leaves the imported draws' settings (caps, TRAINING) as they were."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final11

    f6, f8, f9 = draw_final11.f6, draw_final11.f8, draw_final11.f9
    f5 = f9.f5
    before = (f9.SPLIT, f5._norm, f6.MAX_USES, f6.PER_PROJECT, f6.PER_KIND, f8.TRAINING)
    items, counts = draw_final11.pool(PAIRS_FILE.parent / "final11_pool.jsonl")
    pairs = draw_final11.draw(items)
    assert before == (f9.SPLIT, f5._norm, f6.MAX_USES, f6.PER_PROJECT, f6.PER_KIND, f8.TRAINING)
    assert counts["read"] == 27
    f5.write_split(tmp_path, "final11", items, pairs)
    for name in ("final11_items.jsonl", "final11_drawn.jsonl", "pairs_final11_unlabelled.jsonl"):
        assert (tmp_path / name).read_bytes() == (PAIRS_FILE.parent / name).read_bytes(), name
    uses = Counter(i for p in pairs for i in (p["a"]["id"], p["b"]["id"]))
    assert max(uses.values()) <= draw_final11.MAX_USES


def test_final11_holds_dated_pool_pages_unseen_anywhere() -> None:
    """final11's items are dated pages of its pool, none an item of an earlier split, the
    corpus, the eval sets or any of the seven scoring batches; the readers' pairs carry no
    search term."""
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    import draw_final11

    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / "final11_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / "final11_drawn.jsonl").read_text().splitlines()]
    pool = {
        r["id"]: r
        for r in (json.loads(x) for x in (here / "final11_pool.jsonl").read_text().splitlines())
    }
    ids = {i["id"] for i in items}
    assert len(ids) == len(items) == 19 and len(drawn) == 23
    assert [d["pair"] for d in drawn] == [f"f11-{n:03d}" for n in range(1, 24)]
    assert all(i["date"] and pool[i["provenance"]["pool_id"]]["title"] == i["title"] for i in items)
    f9 = draw_final11.f9
    with draw_final11._final11():
        titles, _texts = f9.f6._seen("final11")
        batch, _texts, _urls = f9.f8._training()
        assert not any(f9.norm(i["title"]) in titles | batch for i in items)
    assert "hint" not in (here / "pairs_final11_unlabelled.jsonl").read_text()


def test_a_common_word_leading_a_headline_is_no_project_key(judge) -> None:
    """final11: "Criptomoeda wormhole despenca ..." was keyed "criptomoeda" (Portuguese
    "cryptocurrency", plain ASCII: the scorer's discovered name, its headline's first word)
    and "Content Coins: Zora and Base Explained" "content". A headline capitalises its first
    word whatever it is; a word its own text writes in lower case, and never capitalised where
    no sentence starts, is a common word, no name."""
    from core.events.extract import common_word

    crypto = new("n11-00002")
    assert common_word("Criptomoeda", crypto["text"])
    assert "criptomoeda" not in judge.identity(crypto)[0].names
    content = new("n11-00009")
    assert title_name(content["title"], content["text"]) == "zora"
    # no text: the labelled corpus says "content" is a common word (common-words.txt)
    assert title_name(content["title"]) == "zora"
    # a name the text writes as a name, or not at all, or with capitals past its first
    assert not common_word("Evmos", "The airdrop. Users of Evmos and evmos fans")
    assert not common_word("Wormhole", "Airdrop é uma forma ...")
    assert not common_word("ZkSync", "Ethereum scaling solution zkSync will airdrop")
    assert not common_word("PENGU", "the pengu token")
    # a sentence's first word is capitalised whatever it is: no evidence of a name
    assert common_word("Criptomoeda", "Criptomoeda. A criptomoeda caiu")


def test_coins_minted_on_a_platform_are_not_its_token_launch(judge) -> None:
    """final11: pages on Base's content coin minted on Zora (April 16-18, 2025) joined the
    ZORA token's airdrop pages a week later through the text's mentions of Zora (f11-004,
    f11-014, f11-016; readers: two different tokens), and a debate on content coins ("Moedas de
    Conteúdo") the ZORA launch piece of its day (f11-015). Coins anyone mints on a platform
    (content or creator coins, minting) are the platform's product (`side_news`), not a
    retelling of its own token's launch."""
    from core.events.join import side_news

    assert side_news("Content Coins: Zora and Base Explained")
    assert side_news("Cunhando em Zora: Debatendo a Nova Meta Controversa")
    assert side_news("Vale a Pena Zora? ... Debate sobre Moedas de Conteúdo")  # f11-015
    assert not side_news("Zora airdrop triggers confusion as token launches without announcement")
    assert not side_news("Cutoshi (CUTO) Set To Mint New Millionaires")
    for a, b in (
        ("n11-00009", "n11-00014"),
        ("n11-00008", "n11-00012"),
        ("n11-00008", "n11-00013"),
    ):
        assert not judge.same(new(a), new(b))[0]


def _draw_module(split: str) -> Any:
    """A split's draw script (core/data/eval/events/draw_<split>.py), imported."""
    import importlib
    import sys

    sys.path.insert(0, str(PAIRS_FILE.parent))
    return importlib.import_module(f"draw_{split}")


@pytest.mark.parametrize(
    ("split", "read"),
    [
        ("final12", 72),
        ("final13", 45),
        ("final14", 147),
        ("final15", 857),
        ("final16", 80),
        ("final19", 91),
        ("final20", 357),
        ("final21", 100),
        ("final22", 142),
        ("final23", 251),
        ("final24", 177),
        ("final25", 371),
        ("final26", 101),
        ("final30", 182),
        ("final31", 225),
        ("final32", 118),
        ("final33", 127),
    ],
)
def test_draw_is_reproducible_and_restores_the_imported_settings(tmp_path, split, read) -> None:
    """draw_final12 to draw_final16, draw_final19 to draw_final26 and draw_final30 to
    draw_final33 on its own pool writes, byte
    for byte, the committed items, pairs and readers' pairs, and leaves draw_final11's and the
    imported draws' settings as they were."""
    draw = _draw_module(split)
    f11 = draw.f11
    f6, f8, f9 = f11.f6, f11.f8, f11.f9
    f5 = f9.f5

    def settings() -> tuple:
        return (
            f11.SPLIT,
            f11.SEED,
            f11.MAX_USES,
            f11.TRAINING,
            f9.SPLIT,
            f5._norm,
            f6.MAX_USES,
            f6.PER_PROJECT,
            f6.PER_KIND,
            f8.TRAINING,
        )

    before = settings()
    items, counts = draw.pool(PAIRS_FILE.parent / f"{split}_pool.jsonl")
    pairs = draw.draw(items)
    assert before == settings()
    assert counts["read"] == read
    f5.write_split(tmp_path, split, items, pairs)
    for name in (f"{split}_items.jsonl", f"{split}_drawn.jsonl", f"pairs_{split}_unlabelled.jsonl"):
        assert (tmp_path / name).read_bytes() == (PAIRS_FILE.parent / name).read_bytes(), name
    uses = Counter(i for p in pairs for i in (p["a"]["id"], p["b"]["id"]))
    assert max(uses.values()) <= draw.MAX_USES


@pytest.mark.parametrize(
    ("split", "n_items", "n_pairs"),
    [
        ("final12", 53, 58),
        ("final13", 30, 44),
        ("final14", 30, 20),
        ("final15", 14, 12),
        ("final16", 26, 18),
        ("final19", 27, 24),
        ("final20", 62, 40),
        ("final21", 7, 5),
        ("final22", 24, 31),
        ("final23", 97, 97),
        ("final24", 39, 27),
        ("final25", 114, 130),
        ("final26", 32, 30),
        ("final30", 110, 131),
    ],
)
def test_split_holds_dated_pool_pages_unseen_anywhere(split, n_items, n_pairs) -> None:
    """final12's to final16's, final19's to final26's and final30's items are dated pages of
    their pools,
    none an item of an earlier split, the corpus, the eval sets or a scoring batch the draw knew
    of; the readers' pairs carry no search term."""
    draw = _draw_module(split)
    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / f"{split}_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / f"{split}_drawn.jsonl").read_text().splitlines()]
    pool = {
        r["id"]: r
        for r in (json.loads(x) for x in (here / f"{split}_pool.jsonl").read_text().splitlines())
    }
    ids = {i["id"] for i in items}
    assert len(ids) == len(items) == n_items and len(drawn) == n_pairs
    prefix = "f" + split.removeprefix("final")
    assert [d["pair"] for d in drawn] == [f"{prefix}-{n:03d}" for n in range(1, n_pairs + 1)]
    assert all(i["date"] and pool[i["provenance"]["pool_id"]]["title"] == i["title"] for i in items)
    f9 = draw.f11.f9
    with getattr(draw, f"_{split}")(), draw.f11._final11():
        titles, _texts = f9.f6._seen(split)
        batch, _texts, _urls = f9.f8._training()
        assert not any(f9.norm(i["title"]) in titles | batch for i in items)
    # the readers see each side's title, text, source and date only: no search term, no project
    # hint (a word "hint" in a headline or lead, "hints at", is the outlet's, not the draw's)
    readers = (here / f"pairs_{split}_unlabelled.jsonl").read_text()
    for row in (json.loads(x) for x in readers.splitlines()):
        assert set(row) == {"pair", "a", "b"}, row["pair"]
        assert set(row["a"]) == set(row["b"]) == {"title", "text", "source", "date"}, row["pair"]
    assert "hint:" not in readers and "project_hint" not in readers


# final31's items that are rows of a labelled scoring batch its TRAINING names (found when
# final31 was recorded): the draw's batch check (draw_final8.read_pool) ran inside
# draw_final9's `_final9`, which sets draw_final8.TRAINING to draw_final9's five batches over
# the split's own, so batches 33 and 34 (drawn from the same rss-bot stream as ev31a and
# ev31b) were named but not read. Every draw since final11 read only those five; final11 to
# final30 hold no row of a later batch (`test_split_holds_dated_pool_pages_unseen_anywhere`).
FINAL31_IN_A_BATCH = {
    "batch-2026-12-07-33.jsonl": "n31-00061 n31-00128 n31-00139 n31-00149 n31-00151 n31-00157",
    "batch-2026-12-07-34.jsonl": (
        "n31-00018 n31-00022 n31-00025 n31-00027 n31-00092 n31-00094 n31-00098 n31-00123"
        " n31-00135 n31-00148"
    ),
}


def test_final31_holds_dated_pool_rows_unseen_but_16_rows_of_batches_33_and_34() -> None:
    """final31's 118 items (131 pairs) are dated rows of its pool, none an item of an earlier
    split, the corpus or the eval sets, and the readers' pairs carry no search term; but 16 of
    them (on 27 pairs) are rows of labelled scoring batches 33 and 34, which its TRAINING names
    and its draw did not read (`FINAL31_IN_A_BATCH`). Pinned as drawn: the split is not
    redrawn."""
    split = "final31"
    draw = _draw_module(split)
    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / f"{split}_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / f"{split}_drawn.jsonl").read_text().splitlines()]
    pool = {
        r["id"]: r
        for r in (json.loads(x) for x in (here / f"{split}_pool.jsonl").read_text().splitlines())
    }
    assert len({i["id"] for i in items}) == len(items) == 118 and len(drawn) == 131
    assert [d["pair"] for d in drawn] == [f"f31-{n:03d}" for n in range(1, 132)]
    assert all(i["date"] and pool[i["provenance"]["pool_id"]]["title"] == i["title"] for i in items)
    f9 = draw.f11.f9
    with draw._final31(), draw.f11._final11():
        titles, _texts = f9.f6._seen(split)
        assert not any(f9.norm(i["title"]) in titles for i in items)
    in_batch: dict[str, set[str]] = {}
    for path in draw.TRAINING:
        batch = {
            f9.norm(json.loads(x).get("title"))
            for x in path.read_text(encoding="utf-8").splitlines()
            if x.strip()
        }
        got = {i["id"] for i in items if f9.norm(i["title"]) in batch}
        if got:
            in_batch[path.name] = got
    assert in_batch == {name: set(ids.split()) for name, ids in FINAL31_IN_A_BATCH.items()}
    # what the draw read: draw_final9's five batches, not the split's TRAINING
    seen: list[list[Path]] = []
    f8 = draw.f11.f8
    read_pool = f8.read_pool

    def spy(path: Path, counts: Counter[str]) -> Any:
        seen.append(list(f8.TRAINING))
        return read_pool(path, counts)

    with mock.patch.object(f8, "read_pool", spy):
        draw.pool(draw.POOL)
    assert seen == [list(draw.f9.TRAINING)] and len(draw.f9.TRAINING) == 5
    hit = {i for ids in in_batch.values() for i in ids}
    assert sum(d["a"] in hit or d["b"] in hit for d in drawn) == 27
    readers = (here / f"pairs_{split}_unlabelled.jsonl").read_text()
    for row in (json.loads(x) for x in readers.splitlines()):
        assert set(row) == {"pair", "a", "b"}, row["pair"]
        assert set(row["a"]) == set(row["b"]) == {"title", "text", "source", "date"}, row["pair"]
    assert "hint:" not in readers and "project_hint" not in readers


# final32's items that are rows of a labelled scoring batch: none. Its draw read draw_final9's
# five batches only, as final31's did (`FINAL31_IN_A_BATCH`), but the ev32 collectors ran after
# batches 33 and 34 were on main, so their held.py read them (ev32b skipped two of batch 34's
# rows); the lead checked final32's 82 items against every labelled file by url and headline.
FINAL32_IN_A_BATCH: dict[str, str] = {}


def test_final32_holds_dated_pool_rows_unseen_anywhere_and_no_row_of_a_batch() -> None:
    """final32's 82 items (123 pairs) are dated rows of its pool, none an item of an earlier
    split, the corpus or the eval sets, and the readers' pairs carry no search term; unlike
    final31's, none is a row of a labelled scoring batch its TRAINING names (by headline or by
    url: `FINAL32_IN_A_BATCH` is empty), though its draw read draw_final9's five batches only."""
    split = "final32"
    draw = _draw_module(split)
    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / f"{split}_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / f"{split}_drawn.jsonl").read_text().splitlines()]
    pool = {
        r["id"]: r
        for r in (json.loads(x) for x in (here / f"{split}_pool.jsonl").read_text().splitlines())
    }
    assert len({i["id"] for i in items}) == len(items) == 82 and len(drawn) == 123
    assert [d["pair"] for d in drawn] == [f"f32-{n:03d}" for n in range(1, 124)]
    assert all(i["date"] and pool[i["provenance"]["pool_id"]]["title"] == i["title"] for i in items)
    f9 = draw.f11.f9
    with draw._final32(), draw.f11._final11():
        titles, _texts = f9.f6._seen(split)
        assert not any(f9.norm(i["title"]) in titles for i in items)
    in_batch: dict[str, set[str]] = {}
    labelled = sorted((f9.f5.ROOT / "core/data/labelled").glob("*.jsonl"))
    assert set(draw.TRAINING) <= set(labelled)
    for path in labelled:
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        heads = {f9.norm(r.get("title")) for r in rows}
        urls = {r.get("url") for r in rows} - {None, ""}
        got = {i["id"] for i in items if f9.norm(i["title"]) in heads or i["url"] in urls}
        if got:
            in_batch[path.name] = got
    assert in_batch == {name: set(ids.split()) for name, ids in FINAL32_IN_A_BATCH.items()}
    # what the draw read: draw_final9's five batches, not the split's TRAINING (as final31's)
    seen: list[list[Path]] = []
    f8 = draw.f11.f8
    read_pool = f8.read_pool

    def spy(path: Path, counts: Counter[str]) -> Any:
        seen.append(list(f8.TRAINING))
        return read_pool(path, counts)

    with mock.patch.object(f8, "read_pool", spy):
        draw.pool(draw.POOL)
    assert seen == [list(draw.f9.TRAINING)] and len(draw.f9.TRAINING) == 5
    readers = (here / f"pairs_{split}_unlabelled.jsonl").read_text()
    for row in (json.loads(x) for x in readers.splitlines()):
        assert set(row) == {"pair", "a", "b"}, row["pair"]
        assert set(row["a"]) == set(row["b"]) == {"title", "text", "source", "date"}, row["pair"]
    assert "hint:" not in readers and "project_hint" not in readers


# final33's items that are rows of a labelled scoring batch: none. It is the first split drawn
# with its own TRAINING screened (`screen_training=True`: every labelled scoring batch read,
# 0 pool rows dropped), and the lead checked its 81 items against every labelled file by url
# and headline before any reader started.
FINAL33_IN_A_BATCH: dict[str, str] = {}


def test_final33_holds_dated_pool_rows_unseen_anywhere_and_no_row_of_a_batch() -> None:
    """final33's 81 items (99 pairs) are dated rows of its pool, none an item of an earlier
    split, the corpus or the eval sets, and the readers' pairs carry no search term; none is a
    row of a labelled scoring batch (by headline or by url: `FINAL33_IN_A_BATCH` is empty), and
    its draw screened the pool against every batch its TRAINING names (draw_final8.SCREEN), not
    draw_final9's five alone, dropping no row."""
    split = "final33"
    draw = _draw_module(split)
    here = PAIRS_FILE.parent
    items = [json.loads(x) for x in (here / f"{split}_items.jsonl").read_text().splitlines()]
    drawn = [json.loads(x) for x in (here / f"{split}_drawn.jsonl").read_text().splitlines()]
    pool = {
        r["id"]: r
        for r in (json.loads(x) for x in (here / f"{split}_pool.jsonl").read_text().splitlines())
    }
    assert len({i["id"] for i in items}) == len(items) == 81 and len(drawn) == 99
    assert [d["pair"] for d in drawn] == [f"f33-{n:03d}" for n in range(1, 100)]
    assert all(i["date"] and pool[i["provenance"]["pool_id"]]["title"] == i["title"] for i in items)
    f9 = draw.f11.f9
    with draw._final33(), draw.f11._final11():
        titles, _texts = f9.f6._seen(split)
        assert not any(f9.norm(i["title"]) in titles for i in items)
    in_batch: dict[str, set[str]] = {}
    labelled = sorted((f9.f5.ROOT / "core/data/labelled").glob("*.jsonl"))
    assert set(draw.TRAINING) <= set(labelled)
    for path in labelled:
        rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        heads = {f9.norm(r.get("title")) for r in rows}
        urls = {r.get("url") for r in rows} - {None, ""}
        got = {i["id"] for i in items if f9.norm(i["title"]) in heads or i["url"] in urls}
        if got:
            in_batch[path.name] = got
    assert in_batch == {name: set(ids.split()) for name, ids in FINAL33_IN_A_BATCH.items()}
    # what the draw read: draw_final9's five batches and, screened, every batch of its TRAINING
    assert draw.OVER.screen_training is True
    seen: list[tuple[list[Path], Any]] = []
    f8 = draw.f11.f8
    read_pool = f8.read_pool

    def spy(path: Path, counts: Counter[str]) -> Any:
        seen.append((list(f8.TRAINING), f8.SCREEN))
        return read_pool(path, counts)

    with mock.patch.object(f8, "read_pool", spy):
        kept, counts = draw.pool(draw.POOL)
    assert seen == [(list(draw.f9.TRAINING), tuple(draw.TRAINING))]
    assert len(draw.f9.TRAINING) == 5 and len(draw.TRAINING) == 34
    assert counts["read"] == 127 and counts[f8.SCREENED] == 0 and f8.SCREEN is None
    assert len(kept) == counts["kept"] == 98
    readers = (here / f"pairs_{split}_unlabelled.jsonl").read_text()
    for row in (json.loads(x) for x in readers.splitlines()):
        assert set(row) == {"pair", "a", "b"}, row["pair"]
        assert set(row["a"]) == set(row["b"]) == {"title", "text", "source", "date"}, row["pair"]
    assert "hint:" not in readers and "project_hint" not in readers


def test_final13_draw_knows_batch_7() -> None:
    """final13 was drawn after batch 7 existed: its draw keeps batch 7's pages out too."""
    draw = _draw_module("final13")
    assert any(str(p).endswith("batch-2026-12-07-7.jsonl") for p in draw.TRAINING)


def test_final14_draw_knows_batches_8_and_9_and_draws_from_batches_10_and_11() -> None:
    """final14 was drawn after batches 8 to 10 existed: it keeps batches 8 and 9's pages out, and
    draws from the dated pages of batch 10's and batch 11's pools (its source, not in TRAINING)."""
    draw = _draw_module("final14")
    names = [p.name for p in draw.TRAINING]
    assert {
        "batch-2026-12-07-7.jsonl",
        "batch-2026-12-07-8.jsonl",
        "batch-2026-12-07-9.jsonl",
    } <= set(names)
    assert not any(n.startswith(("batch-2026-12-07-10", "batch-2026-12-07-11")) for n in names)
    rows = [json.loads(x) for x in draw.POOL.read_text().splitlines()]
    assert all(r["date"] for r in rows)
    assert {r["id"].split("-")[0] for r in rows} == {"q10b", "q11b"}


def test_final15_draw_knows_batches_10_to_13_and_draws_from_batches_14_and_15() -> None:
    """final15 was drawn after batches 10 to 13 were labelled: it keeps their items out, and draws
    from the dated rows of batch 14's and batch 15's pools (its source, not in TRAINING)."""
    draw = _draw_module("final15")
    names = [p.name for p in draw.TRAINING]
    assert {f"batch-2026-12-07-{n}.jsonl" for n in (7, 8, 9, 10, 11, 12, 13)} <= set(names)
    assert not any(n.startswith(("batch-2026-12-07-14", "batch-2026-12-07-15")) for n in names)
    rows = [json.loads(x) for x in draw.POOL.read_text().splitlines()]
    assert all(r["date"] for r in rows)
    assert {r["id"].split("-")[0] for r in rows} == {"q14b", "q15"}


def test_final16_draw_knows_batches_10_to_15_and_draws_from_batch_16() -> None:
    """final16 was drawn after batches 14 and 15 were labelled: it keeps every labelled scoring
    batch's items out, and draws from the dated pages of batch 16's pool (its source, not in
    TRAINING)."""
    draw = _draw_module("final16")
    names = [p.name for p in draw.TRAINING]
    assert {f"batch-2026-12-07-{n}.jsonl" for n in range(7, 16)} <= set(names)
    assert all(p.exists() for p in draw.TRAINING)
    assert not any(n.startswith("batch-2026-12-07-16") for n in names)
    rows = [json.loads(x) for x in draw.POOL.read_text().splitlines()]
    assert len(rows) == 80 and all(r["date"] for r in rows)
    assert {r["id"].split("-")[0] for r in rows} == {"q16b"}


def test_final19_caps_come_from_trial_counts_by_a_rule_fixed_before_the_pools_closed() -> None:
    """final19's caps are a rung of a fixed ladder, final11-final16's caps first: the first rung
    whose trial draw gives at least 120 pairs, else the one giving the most (the earlier of
    equals); its TRAINING names every labelled scoring batch labelled when it was written."""
    draw = _draw_module("final19")
    f16 = _draw_module("final16")
    assert (draw.SPLIT, draw.SEED, draw.TARGET) == ("final19", 19190, 120)
    first = draw.LADDER[0]
    assert (first.max_uses, first.per_project, first.per_kind) == (
        f16.MAX_USES,
        f16.PER_PROJECT,
        f16.PER_KIND,
    )
    assert first.quotas == draw.f11.QUOTAS and draw.CAPS in draw.LADDER
    assert draw.pick([100, 121, 130, 140]) == 1
    assert draw.pick([10, 12, 12, 11]) == 1
    assert draw.pick([18, 18, 18, 18]) == 0
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and all(p.exists() for p in draw.TRAINING)
    assert set(names) == {
        *(f"batch-2026-12-06{s}.jsonl" for s in ("", "b", "-2", "-3", "-4", "-5", "-6")),
        *(f"batch-2026-12-07-{n}.jsonl" for n in range(7, 22)),
    }


def test_final19_pool_is_the_four_closed_pools_less_one_undated_year() -> None:
    """final19's pool is the dated rows of ev19a, ev19b, ev19c and ev19d as the lead closed them
    (09:02:50 UTC), in that order, less q19d-0020 (its date line gives no year)."""
    draw = _draw_module("final19")
    rows = [json.loads(x) for x in draw.POOL.read_text().splitlines()]
    assert len(rows) == 91 and all(r["date"] for r in rows)
    prefixes = [r["id"].split("-")[0] for r in rows]
    assert prefixes == sorted(prefixes) and Counter(prefixes) == {
        "q19a": 26,
        "q19b": 16,
        "q19c": 17,
        "q19d": 32,
    }
    assert set(draw.LEFT_OUT) == {"q19d-0020"} and "q19d-0020" not in {r["id"] for r in rows}
    assert draw.CAPS == draw.LADDER[0]  # the rule on the trial's counts: 24 pairs at every rung


# final20's sources: the ten closed pools of scoring batches 26 and 27 (sha256 as in
# /work/notes/LOG.md at their close; rows, dated rows), in the order draw_final20 reads them
FINAL20_SOURCES = {
    "b26a": ("9fbda9f4d0a318fa7a0343613c1a0a831f25db9c4fccf281f8e8980f42f44a6c", 4, 0),
    "b26b": ("5d5242579e09566863e3c55d6e29bf361aeebe361c3f29d3de026811a965acc6", 107, 19),
    "b26c": ("d4feee5a38de2d14099c5a85be2f9ec4ef60d3c34a7a0fdd94963ad3d6786893", 170, 35),
    "b26d": ("d57265cf76329d1b93dac39f1a7cb4c2f0d406e56023daa6ba19a0c56a62f963", 3, 0),
    "b26e": ("7aa48c73fcce9f296da131bb0331ee2bc3b68a5b7c49e3d920e599e621313ff5", 203, 63),
    "b26f": ("dee45ea4e3330c84a90398e65edbfd2853398448fa65a77629df4ec8d1d50661", 295, 58),
    "b27g": ("6e76f93d92355472ef5628c2a7cb0325a1a050161dd36283cde795a58c5ad39c", 191, 46),
    "b27h": ("41bbaa714f3e7232b2233b6e0b49f28073dbba534caef97093e1774c66c035e5", 166, 25),
    "b27i": ("3c72e40efd76f291131162e5555016d73fecb18b060cab3b686aab728d6d5215", 207, 52),
    "b27j": ("ca5b22b204dbf5c2eb327d81b9d17a977dfd1f2bfd462a709ea8ffba9a0c6e1c", 150, 59),
}


def test_final20_caps_rule_and_batches_are_final19s_with_batches_22_to_25() -> None:
    """final20 draws by draw_final19's rule, unchanged (its ladder, target and pick, the same
    objects), under its own name and seed; the rule on the trial's counts (40 pairs at every
    rung) picks rung 0. TRAINING is final19's and the labelled scoring batches 22 to 25, named;
    batches 26 and 27 (the pools' own batches, no shipped scorer's data) stay in."""
    draw = _draw_module("final20")
    f19 = _draw_module("final19")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == ("final20", 20200, "final20_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[0]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[0])
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and all(p.exists() for p in draw.TRAINING)
    assert draw.TRAINING[: len(f19.TRAINING)] == f19.TRAINING
    assert names[len(f19.TRAINING) :] == [f"batch-2026-12-07-{n}.jsonl" for n in (22, 23, 24, 25)]
    assert not any(n.startswith(("batch-2026-12-07-26", "batch-2026-12-07-27")) for n in names)


def test_final20_trial_and_pool_leave_draw_final19_as_it_was(tmp_path) -> None:
    """draw_final20 runs draw_final19's trial and pool builder with its own settings patched
    over draw_final19's for the call only: the trial counts final20's pool (40 pairs at every
    rung, rung 0) and draw_final19 keeps its name, seed, pool, sources and batches."""
    draw = _draw_module("final20")
    f19 = draw.f19
    names = ("SPLIT", "SEED", "POOL", "SOURCES", "LEFT_OUT", "TRAINING", "pool", "CAPS")
    before = {n: getattr(f19, n) for n in names}
    assert draw.trial(draw.POOL) == ([40, 40, 40, 40], 0)
    assert {n: getattr(f19, n) for n in names} == before
    src = tmp_path / "b99z" / "pool.jsonl"
    src.parent.mkdir()
    src.write_text(
        '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
        '{"id": "q99z-0002", "title": "x", "date": null}\n',
        encoding="utf-8",
    )
    out = tmp_path / "pool.jsonl"
    assert draw.build_pool((src,), out) == {"b99z kept": 1, "b99z undated": 1}
    assert out.read_text() == '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
    assert {n: getattr(f19, n) for n in names} == before


def test_final20_pool_is_the_dated_rows_of_the_ten_closed_pools_unchanged() -> None:
    """final20's pool is the dated rows of b26a ... b26f and b27g ... b27j as the lead closed
    them, in that order, each line as the collector wrote it (null headlines kept as found:
    20 of b26f's); where the closed pools are on this machine, they still hash as at their close
    and rebuild the pool byte for byte."""
    draw = _draw_module("final20")
    text = draw.POOL.read_text(encoding="utf-8")
    rows = [json.loads(x) for x in text.splitlines()]
    assert len(rows) == 357 and all(r["date"] for r in rows) and not draw.LEFT_OUT
    prefixes = [r["id"].split("-")[0] for r in rows]
    assert prefixes == sorted(prefixes)
    assert Counter(prefixes) == {f"q{k[1:]}": n for k, (_h, _r, n) in FINAL20_SOURCES.items() if n}
    assert sum(r["title"] is None for r in rows) == 20
    assert [p.parent.name for p in draw.SOURCES] == list(FINAL20_SOURCES)
    if not all(p.exists() for p in draw.SOURCES):
        pytest.skip("the closed pools are not on this machine")
    lines = []
    for path, (sha, n_rows, n_dated) in zip(draw.SOURCES, FINAL20_SOURCES.values(), strict=True):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, path
        got = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        dated = [x for x in got if json.loads(x).get("date")]
        assert (len(got), len(dated)) == (n_rows, n_dated), path
        lines += dated
    assert text == "".join(f"{x}\n" for x in lines)


def test_final21_caps_rule_and_batches_are_final20s_with_batches_26_and_27() -> None:
    """final21 draws by draw_final19's rule, unchanged (its ladder, target and pick, the same
    objects), under its own name and seed; the rule on the trial's counts (5 pairs at every
    rung) picks rung 0. TRAINING is final20's and the labelled scoring
    batches 26 and 27, named (final20 drew their pools); batch 28 (this split's source, no
    shipped scorer's data) stays in."""
    draw = _draw_module("final21")
    f19, f20 = _draw_module("final19"), _draw_module("final20")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == ("final21", 21210, "final21_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[0]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[0])
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and all(p.exists() for p in draw.TRAINING)
    assert draw.TRAINING[: len(f20.TRAINING)] == f20.TRAINING
    assert names[len(f20.TRAINING) :] == [f"batch-2026-12-07-{n}.jsonl" for n in (26, 27)]
    assert not any(n.startswith("batch-2026-12-07-28") for n in names)
    assert draw.BATCH28.name == "batch-2026-12-07-28.jsonl" and draw.BATCH28.exists()
    assert [p.parent.name for p in draw.POOLS] == ["b29a", "b29b", "b29c", "b29d", "b29e"]
    assert draw.SOURCES == (draw.BATCH28, *draw.POOLS) and not draw.LEFT_OUT


def test_final21_rebuilds_batch_28s_pages_as_pool_rows_without_labels() -> None:
    """Batch 28's pages are the pool rows they were: id the pool id, the page's fields,
    provenance {page, via, query}, project_hint the searched project; no label field."""
    draw = _draw_module("final21")
    batch = [json.loads(x) for x in draw.BATCH28.read_text(encoding="utf-8").splitlines()]
    rows = [json.loads(x) for x in draw.batch_lines()]
    assert len(rows) == len(batch) == 149 and sum(bool(r["date"]) for r in rows) == 33
    for row, page in zip(rows, batch, strict=True):
        assert list(row) == [
            "id",
            "title",
            "text",
            "source",
            "date",
            "url",
            "provenance",
            "project_hint",
        ]
        assert row["id"] == page["provenance"]["pool_id"]
        assert row["project_hint"] == page["provenance"]["project_hint"]
        assert list(row["provenance"]) == ["page", "via", "query"]
        assert all(row[k] == page[k] for k in ("title", "text", "source", "date", "url"))
        assert not set(draw.LABEL_FIELDS) & set(row)
        assert set(draw.LABEL_FIELDS) <= set(page)


def test_final21_trial_and_pool_leave_draw_final19_as_it_was(tmp_path) -> None:
    """draw_final21 runs draw_final19's pool builder (batch 28's dated pages first, then the
    collectors' dated rows) and trial with its own settings patched over draw_final19's for
    the call only: draw_final19 keeps its name, seed, pool, sources and batches."""
    draw = _draw_module("final21")
    f19 = draw.f19
    names = ("SPLIT", "SEED", "POOL", "SOURCES", "LEFT_OUT", "TRAINING", "pool", "CAPS")
    before = {n: getattr(f19, n) for n in names}
    src = tmp_path / "b99z" / "pool.jsonl"
    src.parent.mkdir()
    src.write_text(
        '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
        '{"id": "q99z-0002", "title": "x", "date": null}\n',
        encoding="utf-8",
    )
    out = tmp_path / "pool.jsonl"
    assert draw.build_pool(pools=(src,), out=out) == {
        "b28 undated": 116,
        "b28 kept": 33,
        "b99z kept": 1,
        "b99z undated": 1,
    }
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:33] == [x for x in draw.batch_lines() if json.loads(x)["date"]]
    assert lines[33:] == ['{"id": "q99z-0001", "title": null, "date": "2020-01-02"}']
    assert {n: getattr(f19, n) for n in names} == before
    got, rung = draw.trial(out)
    assert len(got) == len(draw.LADDER) and rung == draw.pick(got)
    assert {n: getattr(f19, n) for n in names} == before


# final21's sources: labelled batch 28 (committed) and the five closed pools of scoring batch 29
# (sha256 as in /work/notes/LOG-2026-12-07-n.md and /work/scratch/final21/GO at their close;
# rows, dated rows), in the order draw_final21 reads them
FINAL21_SOURCES = {
    "b28": ("b3a5f79d4202db21ecbf08df4bbe4f19ad3599bf885a53b98dcc0ca960536c02", 149, 33),
    "b29a": ("4f60d50d6d90524e5f47730afa6f090e3b8e15e9edb3bc709db9e85c9f007a7b", 35, 5),
    "b29b": ("8b49ef389fc9a6a9903acd8b1b03587c3c1dcd9953f956a9ba337c0fd79a0cfe", 108, 28),
    "b29c": ("caffe273941e7e2e7c28c337d21afe0013ed6971f74b7837d6031db95d6d575c", 44, 13),
    "b29d": ("70e83e6700f3f89686519710b2f953ccaeb07b6d9eae58474b228bd7a68f207c", 57, 14),
    "b29e": ("b8d4a047cc2a5f0467950643ad456e4ad9f28de763a4172da625eec09dd3f852", 84, 7),
}


def test_final21_pool_is_batch_28s_dated_pages_then_the_b29_pools_dated_rows() -> None:
    """final21's pool is batch 28's dated pages (rebuilt as pool rows, in its labelled order)
    then the dated rows of b29a ... b29e as the lead closed them, each line as the collector
    wrote it; batch 28's file still hashes as when the pool was built, and where the closed
    pools are on this machine they still hash as at their close and rebuild the pool byte for
    byte. The trial on it gives 5 pairs at every rung: rung 0."""
    draw = _draw_module("final21")
    text = draw.POOL.read_text(encoding="utf-8")
    rows = [json.loads(x) for x in text.splitlines()]
    assert len(rows) == 100 and all(r["date"] for r in rows) and not draw.LEFT_OUT
    assert Counter(r["id"][:4] for r in rows) == {
        "q28k": 9,
        "q28l": 1,
        "q28m": 4,
        "q28n": 19,
        **{f"q{k[1:]}": n for k, (_h, _r, n) in FINAL21_SOURCES.items() if k != "b28"},
    }
    sha, n_rows, n_dated = FINAL21_SOURCES["b28"]
    assert hashlib.sha256(draw.BATCH28.read_bytes()).hexdigest() == sha
    dated28 = [x for x in draw.batch_lines() if json.loads(x)["date"]]
    assert (len(draw.batch_lines()), len(dated28)) == (n_rows, n_dated)
    assert text.splitlines()[:n_dated] == dated28
    assert draw.trial(draw.POOL) == ([5, 5, 5, 5], 0)
    if not all(p.exists() for p in draw.POOLS):
        pytest.skip("the closed pools are not on this machine")
    lines = list(dated28)
    for path, (sha, n_rows, n_dated) in zip(
        draw.POOLS, list(FINAL21_SOURCES.values())[1:], strict=True
    ):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, path
        got = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        dated = [x for x in got if json.loads(x).get("date")]
        assert (len(got), len(dated)) == (n_rows, n_dated), path
        lines += dated
    assert text == "".join(f"{x}\n" for x in lines)


def test_final22_caps_rule_and_batches_are_final21s_with_batches_28_to_30() -> None:
    """final22 draws by draw_final19's rule, unchanged (its ladder, target and pick, the same
    objects), under its own name and seed, from the three story pools ev22a-c in that order;
    the rule on the trial's counts (23, 23, 26, 31 pairs) picks rung 3, the ladder's top.
    TRAINING is final21's and the labelled scoring batches 28, 29 and 30, named (final21 drew
    batch 28's pages and batch 29's pools); every file it names is in the checkout."""
    draw = _draw_module("final22")
    f19, f21 = _draw_module("final19"), _draw_module("final21")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == ("final22", 22220, "final22_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[3]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[3])
    assert draw.pick([23, 23, 26, 31]) == 3  # the trial's counts on the closed pools
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and not draw.missing_training()
    assert draw.TRAINING[: len(f21.TRAINING)] == f21.TRAINING
    assert names[len(f21.TRAINING) :] == [f"batch-2026-12-07-{n}.jsonl" for n in (28, 29, 30)]
    assert [str(p) for p in draw.SOURCES] == [
        f"/work/scratch/ev22{n}/pool.jsonl" for n in "abc"
    ] and not draw.LEFT_OUT


@pytest.mark.parametrize(
    "split",
    [
        "final22",
        "final23",
        "final24",
        "final25",
        "final26",
        "final30",
        "final31",
        "final32",
        "final33",
    ],
)
def test_draws_stop_when_a_named_batch_is_missing(split, tmp_path, monkeypatch) -> None:
    """A batch TRAINING names that the checkout lacks stops the trial and the draw with its
    name (never a draw that knows fewer pages); the command exits with the message."""
    draw = _draw_module(split)
    gone = draw.f9.f5.ROOT / "core/data/labelled/batch-2026-12-07-99.jsonl"
    monkeypatch.setattr(draw, "TRAINING", [*draw.TRAINING, gone])
    assert draw.missing_training() == [gone]
    with pytest.raises(draw.MissingTraining, match=r"batch-2026-12-07-99\.jsonl"):
        draw.pool(tmp_path / "pool.jsonl")
    with pytest.raises(draw.MissingTraining, match=r"batch-2026-12-07-99\.jsonl"):
        draw.trial(tmp_path / "pool.jsonl")
    monkeypatch.setattr(sys, "argv", [f"draw_{split}.py", "trial", "--pool", str(tmp_path)])
    with pytest.raises(SystemExit, match=r"batch-2026-12-07-99\.jsonl"):
        draw.main()


def test_final22_trial_and_pool_leave_draw_final19_as_it_was(tmp_path) -> None:
    """draw_final22 runs draw_final19's pool builder (the collectors' dated rows, each line as
    written) and trial with its own settings patched over draw_final19's for the call only:
    draw_final19 keeps its name, seed, pool, sources and batches."""
    draw = _draw_module("final22")
    f19 = draw.f19
    names = ("SPLIT", "SEED", "POOL", "SOURCES", "LEFT_OUT", "TRAINING", "pool", "CAPS")
    before = {n: getattr(f19, n) for n in names}
    src = tmp_path / "ev99z" / "pool.jsonl"
    src.parent.mkdir()
    src.write_text(
        '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
        '{"id": "q99z-0002", "title": "x", "date": null}\n',
        encoding="utf-8",
    )
    out = tmp_path / "pool.jsonl"
    assert draw.build_pool((src,), out) == {"ev99z kept": 1, "ev99z undated": 1}
    assert out.read_text() == '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
    assert {n: getattr(f19, n) for n in names} == before
    got, rung = draw.trial(out)
    assert got == [0, 0, 0, 0] and rung == 0
    assert {n: getattr(f19, n) for n in names} == before


# final22's sources: the three closed story pools (sha256 as in /work/notes/LOG-2026-12-07-n.md
# and /work/scratch/final22/GO at their close; rows, dated rows; their NOTES.md's sha256), in the
# order draw_final22 reads them
FINAL22_SOURCES = {
    "ev22a": (
        "2b3b758611db4ae0c3b85ac3368f576edec444023899afd1f993a963a9076d49",
        15,
        15,
        "f5a04585d1f408b6337ddb335fe80afe39e421123fbfaec5b4b4b3a2ff9eef51",
    ),
    "ev22b": (
        "dc0d3ce3f3188a8866a0739dd2770a6586b62ad28817279bdaa42d667991496e",
        42,
        42,
        "db95b51ba67d370eb131ad706c987461a3f29a53da34377d8c2b75ed9f14ab82",
    ),
    "ev22c": (
        "9f703b8582d818d8cef0a2cae81cc4902e201204c8f021469baeffc3dfdc43dd",
        85,
        85,
        "c145153ef2481ba7c3e21b3b0dd26d3cde22c79337771a89b16dc43adbf4a0e3",
    ),
}


def test_final22_pool_is_the_dated_rows_of_the_three_story_pools_unchanged() -> None:
    """final22's pool is the dated rows of ev22a, ev22b and ev22c as the lead closed them, in that
    order, each line as the collector wrote it (every row dated, 66 with an empty headline);
    final22_SOURCES.md holds each pool's sha256 and each collector's notes verbatim (hashing as
    in the table); the trial on the pool gives 23, 23, 26 and 31 pairs: rung 3. Where the closed
    pools are on this machine they still hash as at their close and rebuild the pool byte for
    byte."""
    draw = _draw_module("final22")
    text = draw.POOL.read_text(encoding="utf-8")
    rows = [json.loads(x) for x in text.splitlines()]
    assert len(rows) == 142 and all(r["date"] for r in rows) and not draw.LEFT_OUT
    assert hashlib.sha256(text.encode("utf-8")).hexdigest().startswith("acdaaeb5")
    prefixes = [r["id"].split("-")[0] for r in rows]
    assert prefixes == sorted(prefixes)
    assert Counter(prefixes) == {f"q22{k[-1]}": n for k, (_h, _r, n, _s) in FINAL22_SOURCES.items()}
    assert sum(r["title"] == "" for r in rows) == 66 and all(r["title"] is not None for r in rows)
    assert [p.parent.name for p in draw.SOURCES] == list(FINAL22_SOURCES)
    sources = (draw.HERE / "final22_SOURCES.md").read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() in sources
    for name, (sha, n_rows, n_dated, notes_sha) in FINAL22_SOURCES.items():
        assert f"| {name} | {n_rows} | {n_dated} | {sha} | {notes_sha} |" in sources
        notes = sources.split(f"## {name}: NOTES.md\n\n````markdown\n", 1)[1].split("\n````\n")[0]
        assert hashlib.sha256(f"{notes}\n".encode()).hexdigest() == notes_sha, name
    assert draw.trial(draw.POOL) == ([23, 23, 26, 31], 3)
    if not all(p.exists() for p in draw.SOURCES):
        pytest.skip("the closed pools are not on this machine")
    lines = []
    for path, (sha, n_rows, n_dated, _s) in zip(
        draw.SOURCES, FINAL22_SOURCES.values(), strict=True
    ):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, path
        got = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        dated = [x for x in got if json.loads(x).get("date")]
        assert (len(got), len(dated)) == (n_rows, n_dated), path
        lines += dated
    assert text == "".join(f"{x}\n" for x in lines)


def test_final23_caps_rule_and_batches_are_final22s() -> None:
    """final23 draws by draw_final19's rule, unchanged (its ladder, target and pick, the same
    objects), under its own name and seed, from the seven story pools ev23a-g in that order;
    the rule on the trial's counts (94, 94, 97, 97 pairs) picks rung 2, the earlier of the two
    giving the most. TRAINING is final22's (every labelled scoring batch to 30), every file it
    names in the checkout; LEFT_OUT names ev23d's 32 aggregator rewrites and 8 machine-written
    pages, each with its reason."""
    draw = _draw_module("final23")
    f19, f22 = _draw_module("final19"), _draw_module("final22")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == ("final23", 23230, "final23_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[2]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[2])
    assert draw.pick([94, 94, 97, 97]) == 2  # the trial's counts on the closed pools
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and not draw.missing_training()
    assert draw.TRAINING == f22.TRAINING
    assert [str(p) for p in draw.SOURCES] == [
        f"/work/scratch/pools/ev23{n}/pool.jsonl" for n in "abcdefg"
    ]
    rewrites = {f"q23d-{n:04d}" for n in range(4, 36)}
    machine = {
        "q23e-0031",
        "q23f-0033",
        "q23f-0048",
        "q23f-0063",
        "q23f-0066",
        "q23g-0011",
        "q23g-0019",
        "q23g-0021",
    }
    assert set(draw.LEFT_OUT) == rewrites | machine
    assert {draw.LEFT_OUT[i] for i in rewrites} == {draw._REWRITE}
    assert {draw.LEFT_OUT[i] for i in machine} == {draw._MACHINE}


def test_final23_trial_and_pool_leave_draw_final19_as_it_was(tmp_path) -> None:
    """draw_final23 runs draw_final19's pool builder (the collectors' dated rows, each line as
    written, less LEFT_OUT) and trial with its own settings patched over draw_final19's for the
    call only: draw_final19 keeps its name, seed, pool, sources, left-out rows and batches."""
    draw = _draw_module("final23")
    f19 = draw.f19
    names = ("SPLIT", "SEED", "POOL", "SOURCES", "LEFT_OUT", "TRAINING", "pool", "CAPS")
    before = {n: getattr(f19, n) for n in names}
    src = tmp_path / "ev99z" / "pool.jsonl"
    src.parent.mkdir()
    src.write_text(
        '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
        '{"id": "q99z-0002", "title": "x", "date": null}\n'
        '{"id": "q23d-0004", "title": "y", "date": "2020-01-03"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "pool.jsonl"
    assert draw.build_pool((src,), out) == {
        "ev99z kept": 1,
        "ev99z undated": 1,
        "ev99z left out": 1,
    }
    assert out.read_text() == '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
    assert {n: getattr(f19, n) for n in names} == before
    got, rung = draw.trial(out)
    assert got == [0, 0, 0, 0] and rung == 0
    assert {n: getattr(f19, n) for n in names} == before


# final23's sources: the seven closed story pools (sha256 as in /work/notes/LOG-2026-12-07-o.md
# and /work/scratch/final23/GO at their close; rows, dated rows, rows left out; their NOTES.md's
# sha256), in the order draw_final23 reads them
FINAL23_SOURCES = {
    "ev23a": (
        "c45514fd150da3202964573747d44820188d350a4652fb7ebf06339aeb2d3fff",
        82,
        82,
        0,
        "afc5ece1a80f87dc03101d1c71536b0cd2862c83712905a5072c1594cd982179",
    ),
    "ev23b": (
        "2c1a6215c298533914f104e19f3197b7bf185180137e0b0e085e882c6c85d88a",
        50,
        50,
        0,
        "a0c354dee41edaf1e0b5dabed79ac4c300052db6e908203267ce152ea0e6155a",
    ),
    "ev23c": (
        "71c0a344ff40a7a7ed3c320be0d0b77997997c0430b341bd47851109c3a0df6b",
        41,
        41,
        0,
        "a49fc5bad08f237a8ccea0fa024842665188f008d98e7906d421566550dcb9d2",
    ),
    "ev23d": (
        "64c4faaee65a7e8b454e315ba1a5c2838542cacebaf0e815cdcdf0358c8a3b67",
        36,
        36,
        32,
        "e113806e02201f9ad294c24a346b01dc6e3f0e5178143d057ac6996fcff13393",
    ),
    "ev23e": (
        "7d8feb58f63f078375a6501bf23f2a3243203555649f7629fe0f9b1b8cf043b7",
        20,
        20,
        1,
        "89bfa95ac8d4561c65082aa7885333af98e8b2a781e7101d81dd4baeaee40afa",
    ),
    "ev23f": (
        "78395ff4e6a481794c93ed5a98cb347a7b95404fcd5e9f54ebf4cba2b7bfa87e",
        50,
        50,
        4,
        "f5ceddf2fa10645715f3adac1f6d5b17c94d5f30239f539f26ea876939fa29fb",
    ),
    "ev23g": (
        "96167a6752e696f8a4b39516a79066c89ee8585c9ca4fdb132196ced792314eb",
        12,
        12,
        3,
        "a64c2a701608aa4975b0283ffb150b55e7255cf869e62c69017e766ace9b42eb",
    ),
}


def test_final23_pool_is_the_dated_rows_of_the_seven_story_pools_less_left_out() -> None:
    """final23's pool is the dated rows of ev23a ... ev23g as the lead closed them, in that
    order, each line as the collector wrote it, less LEFT_OUT (every row dated, 32 kept with an
    empty headline); final23_SOURCES.md holds each pool's sha256, GATHER_EV23.md and each
    collector's notes verbatim (hashing as in the table); the trial on the pool gives 94, 94, 97
    and 97 pairs: rung 2. Where the closed pools are on this machine they still hash as at their
    close and rebuild the pool byte for byte (skipped otherwise)."""
    draw = _draw_module("final23")
    text = draw.POOL.read_text(encoding="utf-8")
    rows = [json.loads(x) for x in text.splitlines()]
    assert len(rows) == 251 and all(r["date"] for r in rows)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest().startswith("94661c1b")
    assert not {r["id"] for r in rows} & set(draw.LEFT_OUT)
    # ev23b numbered its rows q23X-NNNN (GATHER_EV23's template id)
    prefixes = [r["id"].split("-")[0] for r in rows]
    order = ["q23a", "q23X", *(f"q23{k}" for k in "cdefg")]
    assert prefixes == sorted(prefixes, key=order.index)
    assert Counter(prefixes) == {
        p: n - out for p, (_h, _r, n, out, _s) in zip(order, FINAL23_SOURCES.values(), strict=True)
    }
    assert sum(r["title"] == "" for r in rows) == 32 and all(r["title"] is not None for r in rows)
    assert [p.parent.name for p in draw.SOURCES] == list(FINAL23_SOURCES)
    sources = (draw.HERE / "final23_SOURCES.md").read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() in sources
    gather = sources.split("## GATHER_EV23.md\n\n````markdown\n", 1)[1].split("\n````\n")[0]
    assert hashlib.sha256(f"{gather}\n".encode()).hexdigest() == (
        "474bddf6a955fa71ff26df9ae37218cea5a20fdf0acaf87772c42680deb02802"
    )
    for name, (sha, n_rows, n_dated, n_out, notes_sha) in FINAL23_SOURCES.items():
        kept = n_dated - n_out
        assert (
            f"| {name} | {n_rows} | {n_dated} | {n_out} | {kept} | {sha} | {notes_sha} |" in sources
        )
        notes = sources.split(f"## {name}: NOTES.md\n\n````markdown\n", 1)[1].split("\n````\n")[0]
        assert hashlib.sha256(f"{notes}\n".encode()).hexdigest() == notes_sha, name
    assert draw.trial(draw.POOL) == ([94, 94, 97, 97], 2)
    if not all(p.exists() for p in draw.SOURCES):
        pytest.skip("the closed pools are not on this machine")
    lines = []
    for path, (sha, n_rows, n_dated, n_out, _s) in zip(
        draw.SOURCES, FINAL23_SOURCES.values(), strict=True
    ):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, path
        got = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        dated = [x for x in got if json.loads(x).get("date")]
        kept = [x for x in dated if json.loads(x)["id"] not in draw.LEFT_OUT]
        assert (len(got), len(dated), len(dated) - len(kept)) == (n_rows, n_dated, n_out), path
        lines += kept
    assert text == "".join(f"{x}\n" for x in lines)


def test_final24_caps_rule_and_batches_are_final23s() -> None:
    """final24 draws by draw_final19's rule, unchanged (its ladder, target and pick, the same
    objects), under its own name and seed, from the six story pools ev24a-f in that order; the
    rule on the trial's counts (27 pairs at every rung) picks rung 0, the earliest of equals.
    TRAINING is final22's and final23's (every labelled scoring batch to 30), every file it
    names in the checkout; LEFT_OUT is empty (no row marked machine-written)."""
    draw = _draw_module("final24")
    f19, f22, f23 = _draw_module("final19"), _draw_module("final22"), _draw_module("final23")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == ("final24", 24240, "final24_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[0]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[0])
    assert draw.pick([27, 27, 27, 27]) == 0  # the trial's counts on the closed pools
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and not draw.missing_training()
    assert draw.TRAINING == f22.TRAINING == f23.TRAINING
    assert [str(p) for p in draw.SOURCES] == [
        f"/work/scratch/pools/ev24{n}/pool.jsonl" for n in "abcdef"
    ]
    assert draw.LEFT_OUT == {}


def test_final24_trial_and_pool_leave_draw_final19_as_it_was(tmp_path) -> None:
    """draw_final24 runs draw_final19's pool builder (the collectors' dated rows, each line as
    written; LEFT_OUT empty, so a row final23 left out is kept) and trial with its own settings
    patched over draw_final19's for the call only: draw_final19 keeps its name, seed, pool,
    sources, left-out rows and batches."""
    draw = _draw_module("final24")
    f19 = draw.f19
    names = ("SPLIT", "SEED", "POOL", "SOURCES", "LEFT_OUT", "TRAINING", "pool", "CAPS")
    before = {n: getattr(f19, n) for n in names}
    src = tmp_path / "ev99z" / "pool.jsonl"
    src.parent.mkdir()
    src.write_text(
        '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
        '{"id": "q99z-0002", "title": "x", "date": null}\n'
        '{"id": "q23d-0004", "title": "y", "date": "2020-01-03"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "pool.jsonl"
    assert draw.build_pool((src,), out) == {"ev99z kept": 2, "ev99z undated": 1}
    assert out.read_text() == (
        '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
        '{"id": "q23d-0004", "title": "y", "date": "2020-01-03"}\n'
    )
    assert {n: getattr(f19, n) for n in names} == before
    got, rung = draw.trial(out)
    assert got == [0, 0, 0, 0] and rung == 0
    assert {n: getattr(f19, n) for n in names} == before


# final24's sources: the six closed story pools (sha256 as in /work/notes/LOG-2026-12-07-o.md
# and /work/scratch/final24/GO at their close; rows, dated rows; their NOTES.md's sha256), in the
# order draw_final24 reads them
FINAL24_SOURCES = {
    "ev24a": (
        "8b3121545a365d49b9f9d2c40a3e079f139ef5d56d4fce077f1d7ace3b7f7811",
        35,
        35,
        "3252aa2782a64098efa2ef5f7ee8eac9cd766a39d334904165bd84d38a96083e",
    ),
    "ev24b": (
        "4433dec04e4a6c681f8eddb1e8a6c3f9ed4b331fd7ba84504890bb893ff9d09c",
        23,
        23,
        "ca656443152205afe0fba07b4ec0e9e5a8591ff5540eff4318bda464daedf543",
    ),
    "ev24c": (
        "a5c7eabadb6492bb51d562352a30cd7da77bdb4a306fced04c3e233f0ef5cd98",
        40,
        40,
        "e2ac22e69353240fa1d1fea8b605f996d3df9f83d064bbc2655f00faae09ec04",
    ),
    "ev24d": (
        "337faa5b33c5502cee3261ecbdf81c4b4babdd42f0ae36c4d2a8c523b7a4aa1f",
        24,
        24,
        "c7ede9c8d22cc2f15cc765a8303694a6752ec92f847dd449d385b16623bb8130",
    ),
    "ev24e": (
        "316ff5f95bcff86c6eee799a5a7d1b83235d59053587ebdeee8272158be7b37c",
        26,
        26,
        "1aacd5d582757db1308ed71435b590df4aa76d26a8bb616b8d3ec6e8ce6d3bf0",
    ),
    "ev24f": (
        "d6f0a6f5c52c16e236eb82ba82afc6d10e70b8997b1bb020c559939adbd62871",
        29,
        29,
        "f66e8b79a780b89edc510614f0d7ccc10bb352f46240524b3af059cb5aefce79",
    ),
}


def test_final24_pool_is_the_dated_rows_of_the_six_story_pools_unchanged() -> None:
    """final24's pool is the dated rows of ev24a ... ev24f as the lead closed them, in that
    order, each line as the collector wrote it (every row dated and headlined; LEFT_OUT empty);
    final24_SOURCES.md holds each pool's sha256, GATHER_EV24.md and each collector's notes
    verbatim (hashing as in the table); the trial on the pool gives 27 pairs at every rung: rung
    0. Where the closed pools are on this machine they still hash as at their close and rebuild
    the pool byte for byte (skipped otherwise)."""
    draw = _draw_module("final24")
    text = draw.POOL.read_text(encoding="utf-8")
    rows = [json.loads(x) for x in text.splitlines()]
    assert len(rows) == 177 and all(r["date"] and r["title"] for r in rows)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest().startswith("af91a5bb")
    assert not draw.LEFT_OUT
    prefixes = [r["id"].split("-")[0] for r in rows]
    assert prefixes == sorted(prefixes)
    assert Counter(prefixes) == {f"q24{k[-1]}": n for k, (_h, _r, n, _s) in FINAL24_SOURCES.items()}
    assert [p.parent.name for p in draw.SOURCES] == list(FINAL24_SOURCES)
    sources = (draw.HERE / "final24_SOURCES.md").read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() in sources
    gather = sources.split("## GATHER_EV24.md\n\n````markdown\n", 1)[1].split("\n````\n")[0]
    assert hashlib.sha256(f"{gather}\n".encode()).hexdigest() == (
        "5ce6df34ef06fa2008ef4fa97588f67fe3267c34696d2794dc9735406b6b9817"
    )
    for name, (sha, n_rows, n_dated, notes_sha) in FINAL24_SOURCES.items():
        assert f"| {name} | {n_rows} | {n_dated} | 0 | {n_dated} | {sha} | {notes_sha} |" in sources
        notes = sources.split(f"## {name}: NOTES.md\n\n````markdown\n", 1)[1].split("\n````\n")[0]
        assert hashlib.sha256(f"{notes}\n".encode()).hexdigest() == notes_sha, name
    assert draw.trial(draw.POOL) == ([27, 27, 27, 27], 0)
    if not all(p.exists() for p in draw.SOURCES):
        pytest.skip("the closed pools are not on this machine")
    lines = []
    for path, (sha, n_rows, n_dated, _s) in zip(
        draw.SOURCES, FINAL24_SOURCES.values(), strict=True
    ):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, path
        got = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        dated = [x for x in got if json.loads(x).get("date")]
        assert (len(got), len(dated)) == (n_rows, n_dated), path
        lines += dated
    assert text == "".join(f"{x}\n" for x in lines)


@pytest.mark.parametrize(
    ("split", "seed", "letters", "counts", "rung"),
    [
        ("final25", 25250, "abcdefghijklm", [130, 193, 219, 224], 0),
        ("final26", 26260, "abc", [30, 30, 30, 30], 0),
    ],
)
def test_final25_and_final26_caps_rule_and_batches_are_final24s(
    split, seed, letters, counts, rung
) -> None:
    """final25 and final26 draw by draw_final19's rule, unchanged (its ladder, target and pick,
    the same objects), under their own names and seeds, from their closed story pools in order
    (final25: ev25a-m, GATHER_EV25's seven and its amendments' six; final26: ev26a-c); the rule
    on the trial's counts picks rung 0 (final25: the first rung giving >= 120 pairs, 130;
    final26: 30 pairs at every rung, the earliest of equals). TRAINING is final22's to final24's
    (every labelled scoring batch to 30), every file it names in the checkout; LEFT_OUT is
    final25's q25b-0029 (machine-written) and final26's nothing."""
    draw = _draw_module(split)
    f19, f22, f24 = _draw_module("final19"), _draw_module("final22"), _draw_module("final24")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == (split, seed, f"{split}_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[rung]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[0])
    assert draw.pick(counts) == rung  # the trial's counts on the closed pools
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and not draw.missing_training()
    assert draw.TRAINING == f22.TRAINING == f24.TRAINING
    n = split.removeprefix("final")
    assert [str(p) for p in draw.SOURCES] == [
        f"/work/scratch/pools/ev{n}{k}/pool.jsonl" for k in letters
    ]
    assert list(draw.LEFT_OUT) == (["q25b-0029"] if split == "final25" else [])
    assert all("machine-written" in why for why in draw.LEFT_OUT.values())


@pytest.mark.parametrize(
    "split", ["final25", "final26", "final30", "final31", "final32", "final33"]
)
def test_final25_to_final33_trial_and_pool_leave_draw_final19_as_it_was(split, tmp_path) -> None:
    """draw_final25, draw_final26 and draw_final30 to draw_final33 run draw_final19's pool
    builder (the collectors' dated rows, each line as written, less their own LEFT_OUT: final25
    drops q25b-0029, the others keep it) and trial with their own settings patched over
    draw_final19's for the call only: draw_final19 keeps its name, seed, pool, sources,
    left-out rows and batches."""
    draw = _draw_module(split)
    f19 = draw.f19
    names = ("SPLIT", "SEED", "POOL", "SOURCES", "LEFT_OUT", "TRAINING", "pool", "CAPS")
    before = {n: getattr(f19, n) for n in names}
    src = tmp_path / "ev99z" / "pool.jsonl"
    src.parent.mkdir()
    src.write_text(
        '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
        '{"id": "q99z-0002", "title": "x", "date": null}\n'
        '{"id": "q25b-0029", "title": "y", "date": "2020-01-03"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "pool.jsonl"
    kept = '{"id": "q99z-0001", "title": null, "date": "2020-01-02"}\n'
    if split == "final25":
        assert draw.build_pool((src,), out) == {
            "ev99z kept": 1,
            "ev99z left out": 1,
            "ev99z undated": 1,
        }
        assert out.read_text() == kept
    else:
        assert draw.build_pool((src,), out) == {"ev99z kept": 2, "ev99z undated": 1}
        assert out.read_text() == kept + '{"id": "q25b-0029", "title": "y", "date": "2020-01-03"}\n'
    assert {n: getattr(f19, n) for n in names} == before
    got, rung = draw.trial(out)
    assert got == [0, 0, 0, 0] and rung == 0
    assert {n: getattr(f19, n) for n in names} == before


def test_final30_caps_rule_and_batches_are_final22s_with_batch_31() -> None:
    """final30 draws by draw_final19's rule, unchanged (its ladder, target and pick, the same
    objects), under its own name and seed (30300), from the closed story pools ev30a-d in order
    (GATHER_EV30); the rule on the trial's counts (20:41:49 UTC: 131, 178, 217, 229 pairs)
    picks rung 0, the first rung giving >= 120 pairs. TRAINING is draw_final22's (every
    labelled scoring batch to 30) and labelled batch 31, every file it names in the checkout;
    LEFT_OUT is empty (no row marked machine-written, decided at the pools' close)."""
    draw = _draw_module("final30")
    f19, f22 = _draw_module("final19"), _draw_module("final22")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == ("final30", 30300, "final30_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[0]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[0])
    assert draw.pick([131, 178, 217, 229]) == 0  # the trial's counts on the closed pools
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and not draw.missing_training()
    assert draw.TRAINING == [
        *f22.TRAINING,
        draw.f9.f5.ROOT / "core/data/labelled/batch-2026-12-07-31.jsonl",
    ]
    assert [str(p) for p in draw.SOURCES] == [
        f"/work/scratch/pools/ev30{k}/pool.jsonl" for k in "abcd"
    ]
    assert draw.LEFT_OUT == {}


def test_final31_caps_rule_and_batches_are_final22s_with_batches_31_33_and_34() -> None:
    """final31 draws by draw_final19's rule, unchanged (its ladder, target and pick, the same
    objects), under its own name and seed (31310), from the closed story pools ev31a-c in order
    (GATHER_EV31); the rule on the trial's counts (21:27:36 UTC: 131, 186, 233, 267 pairs)
    picks rung 0, the first rung giving >= 120 pairs. TRAINING is draw_final22's (every
    labelled scoring batch to 30) and labelled batches 31, 33 and 34, every file it names in the
    checkout; LEFT_OUT is empty (no row marked machine-written, decided at the pools' close)."""
    draw = _draw_module("final31")
    f19, f22 = _draw_module("final19"), _draw_module("final22")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == ("final31", 31310, "final31_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[0]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[0])
    assert draw.pick([131, 186, 233, 267]) == 0  # the trial's counts on the closed pools
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and not draw.missing_training()
    assert draw.TRAINING == [
        *f22.TRAINING,
        *(draw.f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (31, 33, 34)),
    ]
    assert [str(p) for p in draw.SOURCES] == [
        f"/work/scratch/pools/ev31{k}/pool.jsonl" for k in "abc"
    ]
    assert draw.LEFT_OUT == {}


def test_final32_caps_rule_and_batches_are_final22s_with_batches_31_33_and_34() -> None:
    """final32 draws by draw_final19's rule, unchanged (its ladder, target and pick, the same
    objects), under its own name and seed (32320), from the closed story pools ev32a-b in order
    (GATHER_EV32); the rule on the trial's counts (21:50:15 UTC: 109, 123, 125, 128 pairs)
    picks rung 1, the first rung giving >= 120 pairs. TRAINING is draw_final22's (every
    labelled scoring batch to 30) and labelled batches 31, 33 and 34, every file it names in the
    checkout; LEFT_OUT is empty (no row marked machine-written, decided at the pools' close)."""
    draw = _draw_module("final32")
    f19, f22 = _draw_module("final19"), _draw_module("final22")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == ("final32", 32320, "final32_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[1]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[1])
    assert draw.pick([109, 123, 125, 128]) == 1  # the trial's counts on the closed pools
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and not draw.missing_training()
    assert draw.TRAINING == [
        *f22.TRAINING,
        *(draw.f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (31, 33, 34)),
    ]
    assert [str(p) for p in draw.SOURCES] == [
        f"/work/scratch/pools/ev32{k}/pool.jsonl" for k in "ab"
    ]
    assert draw.LEFT_OUT == {}


def test_final33_caps_rule_and_batches_are_final22s_with_batches_31_33_and_34() -> None:
    """final33 draws by draw_final19's rule, unchanged (its ladder, target and pick, the same
    objects), under its own name and seed (33330), from the closed story pools ev33a-c in order
    (GATHER_EV33 with its Amendment 1); the rule on the trial's counts (23:22:06 UTC: 99 pairs on
    every rung) picks rung 0 (none reaches 120: the most, the first of the tie). TRAINING is
    draw_final22's (every labelled scoring batch to 30) and labelled batches 31, 33 and 34,
    every file it names in the checkout, screened (`screen_training`); LEFT_OUT is empty (no row
    marked machine-written, decided at the pools' close)."""
    draw = _draw_module("final33")
    f19, f22 = _draw_module("final19"), _draw_module("final22")
    assert (draw.SPLIT, draw.SEED, draw.POOL.name) == ("final33", 33330, "final33_pool.jsonl")
    assert draw.LADDER is f19.LADDER and draw.TARGET == f19.TARGET == 120
    assert draw.pick is f19.pick and draw.CAPS == draw.LADDER[0]
    assert (draw.MAX_USES, draw.PER_PROJECT, draw.PER_KIND, draw.QUOTAS) == tuple(draw.LADDER[0])
    assert draw.pick([99, 99, 99, 99]) == 0  # the trial's counts on the closed pools
    names = [p.name for p in draw.TRAINING]
    assert len(set(names)) == len(names) and not draw.missing_training()
    assert draw.TRAINING == [
        *f22.TRAINING,
        *(draw.f9.f5.ROOT / f"core/data/labelled/batch-2026-12-07-{n}.jsonl" for n in (31, 33, 34)),
    ]
    assert draw.OVER.screen_training is True and draw.OVER.training == draw.TRAINING
    assert [str(p) for p in draw.SOURCES] == [
        f"/work/scratch/pools/ev33{k}/pool.jsonl" for k in "abc"
    ]
    assert draw.LEFT_OUT == {}


# final25's, final26's and final30's to final33's sources: the closed story pools (sha256 as in
# /work/notes/LOG-2026-12-07-p.md and /work/scratch/final25/GO, /work/scratch/final26/GO at their
# close, for final30 to final32 /work/notes/LOG-2026-12-07-q.md and /work/scratch/final30/GO,
# /work/scratch/final31/GO, /work/scratch/final32/GO, and for final33
# /work/notes/LOG-2026-12-07-r.md and /work/scratch/final33/GO; rows, dated rows, rows left out;
# their NOTES.md's sha256), in the order each draw reads them
FINAL25_SOURCES = {
    "ev25a": (
        "f1e0493bfbebd18be21f175f9b408b38cca17ba37154c4e66e18f09110736a35",
        2,
        2,
        0,
        "72cc8130826752189d53e5177e0fc48fb9bc9b4d4cd25b4d809e00e27a5dcd38",
    ),
    "ev25b": (
        "33586631c12e3783cefa6b90a305396419530f6817bb72a77b9d14a7c150ee25",
        14,
        14,
        1,
        "1c2c7d01197fd0221e4b7da7433c559aad7f43cd9ebaad4df408e0b6fc77b7e7",
    ),
    "ev25c": (
        "5ba7421d24391a0c0b2338522bd00419c76f57a0f7be8b9c070a97e9ab95b86d",
        40,
        40,
        0,
        "b6c51b0ab39c0a35e1b28d2603895d0411e1ed3d577affd5d82539c35dc79402",
    ),
    "ev25d": (
        "05be9b6cfa37efcf777060aaebf52323cd6372954acef8c971598933e0f5ffcd",
        9,
        9,
        0,
        "9e595f183c1c729f28716b2f26ab4a2d0084f3e31f4478528b5406f81ba5a2f6",
    ),
    "ev25e": (
        "415860e300e2419c59b42f6e117d2cc92e02fbb2dc4ef039c602dc75b084c22c",
        29,
        29,
        0,
        "cb948e862f337e51a144e8774e8fff4957a6242379ac225e16870e4f8df58f90",
    ),
    "ev25f": (
        "0eb58ddfa9ea930ace64f66b3f4db283fe943ddaf1820819195b2d09b063643d",
        15,
        15,
        0,
        "9af5750d85d98a6e6a50438c108f5800932728ac470356c65f56eb6877bd47ff",
    ),
    "ev25g": (
        "45684b784e05c9b2eeec6e937f88a2602a800b6a3a0c6dd498909b6308e69ff9",
        11,
        11,
        0,
        "90eac1945910503651c120ed7229be69939e0e5582e8bc4955f37a7b0724a101",
    ),
    "ev25h": (
        "35f3766d8da517cd1911de9f636f75880b43ffead50e74dde64b45c3acf69448",
        23,
        23,
        0,
        "3475e847da1f80d6f837b145df592b34399d4c440ae33332eea62e436bb963d3",
    ),
    "ev25i": (
        "b4a6bdaade314ec4a3a7ad09da8ea0c42bd27aa513badd998e114d01573fa0d8",
        93,
        93,
        0,
        "fb0d7b5fbb9423e548976326cab0202022efca12dc9a062bcf7aa9c20a6009a2",
    ),
    "ev25j": (
        "c288ad24dd748c4c940f7e604faff803583f25bf32d519c0472bc5b2d8125638",
        5,
        5,
        0,
        "94d062ffe995600ada5122dcd636a4670d2568cb93ef523fce06eb6dffa13fc9",
    ),
    "ev25k": (
        "8b4472cd1b23ac183f6a36eaf47b1a2c9340deb118d7137182f606527a7f516f",
        54,
        54,
        0,
        "cc703e874cdd63d8fa3c985d8b73c545de2ab760958537a0f516254ede8e36ca",
    ),
    "ev25l": (
        "d3b2fd39daae468a08967fde886e5ac089d0c14b1252633a9d2f727e4d5b8cf2",
        5,
        5,
        0,
        "6674dbf0d1097819169feda844940d926c35fa2b135877309031ff2f5ac7e212",
    ),
    "ev25m": (
        "1826b3bff694eaacb09f2b6893d781fd87685ab246ca7f19d8dcb9a30c8e9095",
        72,
        72,
        0,
        "3bf9db782fbaa090d48ebd83a0fcbad40ff41038c9d6f5a11878a9852f198dda",
    ),
}
FINAL26_SOURCES = {
    "ev26a": (
        "29692e68a688eb030d4c497117794a758032256829937aaa00454244c842e045",
        38,
        38,
        0,
        "95c2b263a370c56fb2b5c20f292fb7cfb2a5ce2590def44478dfda00a5bda6ca",
    ),
    "ev26b": (
        "6fd5f04b061bae461273097efbc4163481a3848a95344d355c00f02c530a505b",
        7,
        7,
        0,
        "c4ad34deb72472b901d88f44ba8f3665bd9f2ba237fa8c7054731c4e5d306dfc",
    ),
    "ev26c": (
        "11fa9ef446c83f2fccc4f2af63251b5c456291f4d71bf7c2904148b89a25b974",
        56,
        56,
        0,
        "2b26c7078a577c3377358df3ec64bd0bec4e561de9e513b3e15a1a8c99d63ff5",
    ),
}
FINAL30_SOURCES = {
    "ev30a": (
        "0700ab541f231a2380a838cf8df575d74c22304df96c22ec5e55a51a16072f26",
        53,
        53,
        0,
        "fb357b9f7dcd3baa2ef55e63af389c2b73ffb438c3122e0d6ba9af3dc5e00716",
    ),
    "ev30b": (
        "3b25744d2041b3237d63aa1f50422a1b211bd15dcb88e32aba5a8444af4374f2",
        108,
        108,
        0,
        "8ad9499eba7bd5317bdfefff8fc93af697bf6f71eee53cc887221edc881a6eea",
    ),
    "ev30c": (
        "20e7ae67baaa90cea93b410ff7122b5dbdcfe7f76500965e0b520267d1894ecf",
        13,
        13,
        0,
        "7e812cb6b6b3e3d3d8cfa4c7b7928be1d6156ab8d89ff30459ab62153f3a1734",
    ),
    "ev30d": (
        "fd970f16bb0dbc564869da71c771c0a484fe55e85beba02c5ea597e9c3805e81",
        8,
        8,
        0,
        "4f6768b11b0dab2d53537ccae6e6cb4c0a26c0ed76db965febd241fb65f9c970",
    ),
}
FINAL31_SOURCES = {
    "ev31a": (
        "6e11c8b87aeb5c9a4be7ceaf1462fa83abf5f9abe0d89027b4f22271a2a56f13",
        70,
        70,
        0,
        "643c040f6c6af2a2ef79dd822236429fb5cdf933162e1d8cf29c209a452e25bb",
    ),
    "ev31b": (
        "da16b8d83cd72ea0fe1bed312227461c719d345c7c1f90c8780fb360f9f12fb1",
        97,
        97,
        0,
        "dc2249546c316c3d4998ae7fde681700c2d511eb9b93bd781607ed6383eeec69",
    ),
    "ev31c": (
        "0bdb83cfed1c59b996b579070f611f2a6b0d52f22e807fc4e475ea0ff12f8ba8",
        58,
        58,
        0,
        "552a63eec4cd97b26e44140b39cfa19ade077c7a3c74ae96028b05eeda252522",
    ),
}
FINAL32_SOURCES = {
    "ev32a": (
        "7ba7df3c39a281938491251157764c9fc65b4fea8de9806c9f27469bae8f479a",
        73,
        73,
        0,
        "b0df4829300e7d3cab3e9c16318ddf1c8beb7b7d508d828d6ddfb35771ea6774",
    ),
    "ev32b": (
        "20ec883e4f9b2df4577e4f29d34cadf1b0c802c64aa48bbcdf327d23e727f58b",
        45,
        45,
        0,
        "b51feb731cd605af79067455eb1323196131171e0ef8d9c9a2be8cdb489a86ae",
    ),
}
FINAL33_SOURCES = {
    "ev33a": (
        "9bb94139588ac85a6c11272b06ed05210f38a47c489d09e50e04b679289e87c3",
        51,
        51,
        0,
        "9fe2843a9447c550193f87eca9a6dea02179f8a1b3ce5508a8a1b4ac999cb7d6",
    ),
    "ev33b": (
        "6282766145b760c8705ca7886fd0f98483c115b725d801d279dd0c3f093907f3",
        41,
        41,
        0,
        "87a0f602586ce75a1f1ec9259b007e3b69570f32504060adf55528e7eacb8dae",
    ),
    "ev33c": (
        "750fce898435e02fdc960c68f8fdc680839686b7d811f8a5c53b8322b540c665",
        35,
        35,
        0,
        "111cd09c9d7e8c2f2eef979053e3631d2683df56a0f85edc7583bf3c9d36eba3",
    ),
}


@pytest.mark.parametrize(
    ("split", "table", "n_pool", "pool_sha", "gather", "gather_sha", "trial", "rung"),
    [
        (
            "final25",
            FINAL25_SOURCES,
            371,
            "561b649f",
            "GATHER_EV25.md",
            "3cea2c9e83a405a0f230e473f7eb8ec920c5365843b5f8717729ea1b269b5ae5",
            [130, 193, 219, 224],
            0,
        ),
        (
            "final26",
            FINAL26_SOURCES,
            101,
            "8dea0092",
            "GATHER_EV26.md",
            "e77de39a5b1fdcc8578616487f42e1c373947d9028fb759e2218c1571ef7b9e7",
            [30, 30, 30, 30],
            0,
        ),
        (
            "final30",
            FINAL30_SOURCES,
            182,
            "4b209b91",
            "GATHER_EV30.md",
            "fc6cf3bf86edc8e520cd4a09dfa70a32c5a6df8186c45435c6a59181275b1bd4",
            [131, 178, 217, 229],
            0,
        ),
        (
            "final31",
            FINAL31_SOURCES,
            225,
            "9e1d678d",
            "GATHER_EV31.md",
            "cf516b16858f15888276088839c1e5898c513cb0c22608cef061f790a7715009",
            [131, 186, 233, 267],
            0,
        ),
        (
            "final32",
            FINAL32_SOURCES,
            118,
            "b727f7df",
            "GATHER_EV32.md",
            "022ee7024dc94179778c90c62c250be82237669f43bfecb6256b411c4bd50575",
            [109, 123, 125, 128],
            1,
        ),
        (
            "final33",
            FINAL33_SOURCES,
            127,
            "034edeed",
            "GATHER_EV33.md",
            "d7bd01cd0bc4e6f38c0b151ecb8068ddc0fbe960c574881ce98a024205e58444",
            [99, 99, 99, 99],
            0,
        ),
    ],
)
def test_final25_to_final33_pools_are_the_dated_rows_of_their_story_pools(
    split, table, n_pool, pool_sha, gather, gather_sha, trial, rung
) -> None:
    """final25's pool is the dated rows of ev25a ... ev25m, final26's of ev26a ... ev26c,
    final30's of ev30a ... ev30d, final31's of ev31a ... ev31c, final32's of ev32a and ev32b,
    final33's of ev33a ... ev33c, as the lead closed them, in that order, each line as the
    collector wrote it, less LEFT_OUT (every row dated and headlined; final25 leaves out
    q25b-0029); <split>_SOURCES.md holds each pool's sha256, the GATHER file (GATHER_EV25 with
    its two amendments, GATHER_EV33 with its one) and each
    collector's notes verbatim (hashing as in the table); the trial on the pool gives the
    logged counts and rung (rung 0; final32's rung 1). Where the closed
    pools are on this machine they still hash as at their close and rebuild the pool byte for
    byte (skipped otherwise)."""
    draw = _draw_module(split)
    text = draw.POOL.read_text(encoding="utf-8")
    rows = [json.loads(x) for x in text.splitlines()]
    assert len(rows) == n_pool and all(r["date"] and r["title"] for r in rows)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest().startswith(pool_sha)
    assert not {r["id"] for r in rows} & set(draw.LEFT_OUT)
    prefixes = [r["id"].split("-")[0] for r in rows]
    assert prefixes == sorted(prefixes)
    assert Counter(prefixes) == {f"q{k[2:]}": n - out for k, (_h, _r, n, out, _s) in table.items()}
    assert [p.parent.name for p in draw.SOURCES] == list(table)
    sources = (draw.HERE / f"{split}_SOURCES.md").read_text(encoding="utf-8")
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() in sources
    got = sources.split(f"## {gather}\n\n````markdown\n", 1)[1].split("\n````\n")[0]
    assert hashlib.sha256(f"{got}\n".encode()).hexdigest() == gather_sha
    for name, (sha, n_rows, n_dated, n_out, notes_sha) in table.items():
        kept = n_dated - n_out
        assert (
            f"| {name} | {n_rows} | {n_dated} | {n_out} | {kept} | {sha} | {notes_sha} |" in sources
        )
        notes = sources.split(f"## {name}: NOTES.md\n\n````markdown\n", 1)[1].split("\n````\n")[0]
        assert hashlib.sha256(f"{notes}\n".encode()).hexdigest() == notes_sha, name
    assert draw.trial(draw.POOL) == (trial, rung)
    if not all(p.exists() for p in draw.SOURCES):
        pytest.skip("the closed pools are not on this machine")
    lines = []
    for path, (sha, n_rows, n_dated, n_out, _s) in zip(draw.SOURCES, table.values(), strict=True):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha, path
        got_rows = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        dated = [x for x in got_rows if json.loads(x).get("date")]
        kept_rows = [x for x in dated if json.loads(x)["id"] not in draw.LEFT_OUT]
        assert (len(got_rows), len(dated), len(dated) - len(kept_rows)) == (
            n_rows,
            n_dated,
            n_out,
        ), path
        lines += kept_rows
    assert text == "".join(f"{x}\n" for x in lines)


def test_labels_alone_are_the_scores_labels_and_read_no_predictions(tmp_path) -> None:
    """`score_final5.py labels` gives the readers' agreement (kappa, disputed and unsettled
    pairs) and writes the labels `score --labels-out` writes from the same readers' files,
    without a predictions file: the labels (and a third reader where two disagree) are settled
    before the one score."""
    import subprocess
    import sys

    _draw_module("final19")  # puts the draws' folder on sys.path
    import score_final5  # beside the draws

    rows = [
        r for r in map(json.loads, PAIRS_FILE.read_text().splitlines()) if r["split"] == "final19"
    ]
    reader_a, reader_b, third, pred = (tmp_path / f"{n}.jsonl" for n in ("A", "B", "C", "P"))
    reader_a.write_text(
        "".join(
            json.dumps(
                {
                    "pair": r["pair"],
                    "same_event": r["labels"]["A"],
                    "unsure": n % 3 == 0,
                    "note": "a",
                }
            )
            + "\n"
            for n, r in enumerate(rows)
        )
    )
    reader_b.write_text(
        "".join(
            json.dumps({"pair": r["pair"], "same_event": r["labels"]["B"] != (n < 2)}) + "\n"
            for n, r in enumerate(rows)
        )
    )
    third.write_text(
        "".join(json.dumps({"pair": r["pair"], "same_event": False}) + "\n" for r in rows[:2])
    )
    pred.write_text(
        "".join(json.dumps({"pair": r["pair"], "same_event": True}) + "\n" for r in rows)
    )
    script = PAIRS_FILE.parent / "score_final5.py"
    readers = ["--split", "final19", "--reader", str(reader_a), "--reader", str(reader_b)]
    out = subprocess.run(
        [sys.executable, script, "labels", *readers, "--labels-out", tmp_path / "alone.jsonl"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    got = json.loads(out)
    assert got["disputed"] == got["unsettled"] == [rows[0]["pair"], rows[1]["pair"]]
    assert got["pairs"] == 24 and got["agree"] == got["scored"] == 22 and "precision" not in got
    for extra in ([], ["--third", str(third)]):
        subprocess.run(
            [
                sys.executable,
                script,
                "labels",
                *readers,
                *extra,
                "--labels-out",
                tmp_path / "l.jsonl",
            ],
            check=True,
            capture_output=True,
        )
        result = score_final5.score(
            [reader_a, reader_b], third if extra else None, pred, tmp_path / "s.jsonl", "final19"
        )
        assert (tmp_path / "l.jsonl").read_bytes() == (tmp_path / "s.jsonl").read_bytes()
        assert result["scored"] == (24 if extra else 22)


def test_reader_packets_hold_the_rules_and_what_readers_see_only(tmp_path) -> None:
    """A reader's folder gets final8's rules byte for byte and the unlabelled pairs (headline,
    lead, source, date of each side), nothing else; a folder already holding a file is refused."""
    import reader_packets  # beside the draws (sys.path set by _draw_module)

    _draw_module("final16")
    here = PAIRS_FILE.parent
    assert reader_packets.write_packet(tmp_path / "A", "final18") == 22
    assert sorted(p.name for p in (tmp_path / "A").iterdir()) == ["RULES.md", "pairs.jsonl"]
    assert (tmp_path / "A/RULES.md").read_bytes() == (here / "final8_RULES.md").read_bytes()
    rows = [json.loads(x) for x in (tmp_path / "A/pairs.jsonl").read_text().splitlines()]
    assert all(set(r) == {"pair", "a", "b"} for r in rows)
    assert all(set(r[s]) == {"title", "text", "source", "date"} for r in rows for s in "ab")
    assert (tmp_path / "A/pairs.jsonl").read_bytes() == (
        here / "pairs_final18_unlabelled.jsonl"
    ).read_bytes()
    with pytest.raises(SystemExit):
        reader_packets.write_packet(tmp_path / "A", "final18")


@pytest.mark.parametrize(
    "split",
    [
        "final19",
        "final20",
        "final21",
        "final22",
        "final23",
        "final24",
        "final25",
        "final26",
        "final30",
        "final31",
        "final32",
        "final33",
    ],
)
def test_eval_events_split_takes_final19_to_final26_and_final30_to_final33(split) -> None:
    """`tge-monitor eval --events --split final19` (final20 ... final26, final30 ... final33) is a
    choice (the list is closed: final27 to final29 were never drawn, final34 does not exist)."""
    from tge_monitor.cli import parser

    args = parser().parse_args(["eval", "--events", "--split", split])
    assert args.events and args.split == split
    for absent in ("final27", "final28", "final29", "final34"):
        with pytest.raises(SystemExit):
            parser().parse_args(["eval", "--events", "--split", absent])


def test_an_airdrop_to_a_tokens_holders_is_keyed_by_the_token_handed_out(judge) -> None:
    """final12: a notice of an airdrop "for X holders" names two tokens, and one side was keyed
    by the holders' chain (TRX, IOST, XEM, XRP: the watched company XRP Ledger) and the other
    by the new token (JST, DON, XYM, SPARK/FLR), so retellings of one launch missed each other
    (f12-012, f12-013, f12-016, f12-025) while two airdrops to XRP holders (Flare's Spark and
    Songbird's SGB, one snapshot day) shared a key. The holders' company, name and tickers are
    left out when something else names the item; the name its text writes beside the handed
    out token's ticker ("XYM (Symbol)") is kept."""
    from core.events.extract import _held, token_names

    jst = judge.identity(new("n12-00014"))[0]  # "... JUST (JST) Airdrop ... for TRON (TRX) Holders"
    assert jst.tickers == {"JST"} and "tron" not in jst.names
    assert "IOST" not in judge.identity(new("n12-00039"))[0].tickers  # "... to IOST holders"
    xym = judge.identity(new("n12-00031"))[0]  # "XYM (Symbol) airdrop for XEM (NEM) holders"
    assert xym.tickers == {"XYM"} and "symbol" in xym.names
    spark = judge.identity(new("n12-00029"))[0]  # "Spark (SPARK) ... for Ripple (XRP) holders"
    assert spark.company_id is None and spark.tickers == {"SPARK"}
    sgb = judge.identity(new("n12-00047"))[0]  # "... SGB Airdrop Program for XRP Holders"
    assert sgb.company_id is None and sgb.tickers == {"SGB"}
    # a token airdropped to its own holders keeps its key
    assert judge.identity(new("n12-00034"))[0].tickers == {"DIA"}
    # the holders in the pages' languages
    for form, text in (
        ("TRX", "BitMart支持对TRX持有者空投JST的公告"),
        ("Ontology", "所有在OKEx平台持有Ontology(ONT)的用户"),
        ("ONT", "所有在OKEx平台持有Ontology(ONT)的用户"),
        ("TRX", "JUST(JST)空投TRON(TRX)用户的计划"),
        ("QTUM", "将支持QiSwap(QI) 对Qtum(QTUM) 持币用户的代币空投计划"),
        ("Tron", "JUST (JST) airdrop cho người nắm giữ Tron (TRX) trên sàn Poloniex"),
        ("XRP", "users who are holding XRP at the snapshot time"),
        ("XEM", "a snapshot of all XEM held by its users"),
        ("BCC", "based on the snapshot of all Bitcoin Cash (BCC) balances"),
    ):
        assert _held("", text)(form), (form, text)
    assert not _held("", "JUST (JST) airdrop for TRON (TRX) holders")("JST")
    assert not _held("", "Helium (HNT) market price")("HNT")
    assert not _held("", "BCHABC and BCHSV balances were each distributed")("BCHSV")
    # a token written as the one handed out is the item's own, holders or not
    juno = new("n12-00050")  # "The JUNO holder in question ... gaming a JUNO airdrop"
    assert not _held(juno["title"], juno["text"])("JUNO")
    assert "JUNO" in judge.identity(juno)[0].tickers
    # a name is the run of capitalised words beside the ticker, not its last word alone
    assert token_names({"BTG"}, "Binance Distributes BTG. Bitcoin Gold (BTG)") == {"bitcoin gold"}
    assert token_names({"FF"}, "Binance Will Add Falcon Finance (FF) on Earn") == {"falcon finance"}
    assert token_names({"JST"}, "JUST (JST) airdrop") == set()  # no small letter: no name
    for a, b in (
        ("n12-00039", "n12-00040"),  # Donnie Finance's airdrop, IOST's post and a Japanese one
        ("n12-00013", "n12-00015"),  # JST for TRX holders, Vietnamese and Chinese
        ("n12-00031", "n12-00044"),  # Huobi's XYM notice and "Symbol Launch Weekend"
        ("n12-00028", "n12-00029"),  # the Flare Networks Spark (FLR) airdrop and CEX.IO's
    ):
        assert judge.same(new(a), new(b))[0], (a, b)
    for a, b in (
        ("n12-00030", "n12-00047"),  # Spark to XRP holders, SGB to XRP holders: two tokens
        ("n12-00028", "n12-00048"),
        ("n12-00041", "n12-00042"),  # QI to Qtum holders, DON to IOST holders (f12-052)
    ):
        assert not judge.same(new(a), new(b))[0], (a, b)


def test_a_distribution_recalling_its_snapshot_day_joins_however_late(judge) -> None:
    """final12: Flare's FLR was distributed in October-December 2022 to the XRP held on
    December 12, 2020; the notices of the distribution (Revolut's, OKX's) missed the snapshot's
    notices two years before, past every window (f12-015, f12-032, f12-043). A later step that
    shares the event's token and recalls, with its year, a day of the event in a sentence about
    a snapshot, airdrop or distribution (`written_days`) joins however late; a day without its
    year, or another token recalling the same day (Songbird's SGB), does not."""
    from datetime import date

    from core.events.extract import written_days

    assert written_days(new("n12-00055")["text"]) == {date(2020, 12, 12)}
    assert written_days("并于2020年12月12日上午08:00对XRP持仓用户进行快照") == {date(2020, 12, 12)}
    assert written_days("The airdrop is on March 3.") == set()
    assert written_days("Flare launched on December 12, 2020.") == set()  # no step word
    for a, b in (
        ("n12-00028", "n12-00053"),
        ("n12-00028", "n12-00055"),
        # "The upcoming XRP airdrop ... Spark (FLR) tokens" (XRP Ledger's, FLR beside it) and
        # OKX's FLR notice "to users who are holding XRP": the event's other token named back
        ("n12-00027", "n12-00055"),
    ):
        assert judge.same(new(a), new(b))[0], (a, b)
    assert not judge.same(new("n12-00028"), new("n12-00047"))[0]  # SGB recalls Dec 12, 2020
    # the same distribution notice with its recalled day taken out stays past the window
    late = {**new("n12-00055"), "text": "We will distribute Flare (FLR) token airdrops."}
    assert not judge.same(new("n12-00028"), late)[0]


async def test_the_service_finds_the_launch_a_late_distribution_recalls(app) -> None:
    """Through the alert service: OKX's FLR distribution notice (December 2022) recalls the
    snapshot of December 12, 2020; the event of the snapshot's notice, past the candidate
    query's windows, is looked up by that day and joined; SGB's notice recalling the same day
    (another token) is not."""

    async def told(item_id: str) -> Alert:
        row = new(item_id)
        feed = await Feed.get_or_none(name="pages") or await Feed.create(
            kind=FeedKind.RSS, name="pages", url="https://pages.example/rss"
        )
        published = datetime.fromisoformat(row["date"]).replace(tzinfo=UTC, hour=12)
        app.events.clock = lambda: published
        item = await Item.create(
            feed=feed,
            guid=item_id,
            url=f"https://news.example/{item_id}",
            title=row["title"],
            text=row.get("text") or "",
            published_at=published,
            fingerprint=item_id,
        )
        analysis = app.scoring.analyze(
            row["title"], row["text"], source_kind="rss", published=published
        )
        return await app.alerts.create_from_item(item, analysis)

    snapshot = await told("n12-00028")  # Flare Networks Spark (FLR): snapshot on December 12
    songbird = await told("n12-00047")  # SGB for XRP holders, same snapshot day (Oct 2021)
    okx = await told("n12-00055")  # OKX distributes FLR, December 30, 2022
    a, b, c = [await Alert.get(id=x.id) for x in (snapshot, songbird, okx)]
    assert a.event_id is not None and c.event_id == a.event_id
    assert b.event_id != a.event_id


def test_a_network_stage_after_a_name_is_no_part_of_it(judge) -> None:
    """final13: "filecoin mainnet launch hype" was keyed by the discovered name "filecoin
    mainnet", which met none of Filecoin's notices (f13-001, f13-040). A network's stage after
    a name (mainnet, testnet) is trimmed even to one word; other launch words still need two
    words of the name's own to be left ("book of meme")."""
    from core.events.extract import _trimmed

    assert _trimmed("filecoin mainnet") == "filecoin"
    assert _trimmed("waterfall mainnet") == "waterfall"
    assert _trimmed("book of meme") == "book of meme"
    assert _trimmed("mainnet") == "mainnet"  # nothing else to key it by
    assert judge.identity(new("n13-00006"))[0].names == {"filecoin"}


def test_an_exchanges_name_with_its_qualifier_is_no_project_key(judge) -> None:
    """final13: Huobi's "Huobi Global将于5月11日开启“ICP交易赛”活动" was keyed by "global" (the
    word after the exchange), which met no ICP item (f13-002, f13-027). The word an exchange's
    own name carries after it (`EXCHANGE_QUALIFIERS`) is no name; a headline word of last
    resort is never the holders' token of an airdrop either."""
    assert title_name("Huobi Global将于5月11日开启“ICP交易赛”活动") == "icp"
    assert title_name("Global Launches") == "global"  # no exchange before it
    assert title_name("Global Foo Launches") == "foo"  # (a common word gives way to a rarer)
    icp = judge.identity(new("n13-00024"))[0]
    assert icp.weak and icp.names == {"icp"}
    assert "global" not in judge.identity(new("n12-00031"))[0].hints  # Huobi Global's XYM
    # "Bithumb Global将对ONT持有者分发ONG的公告": ONG handed out to ONT's holders
    assert judge.identity(new("n12-00008"))[0].names == {"ong"}
    assert judge.same(new("n13-00024"), new("n13-00027"))[0]  # the Japanese ICP piece
    assert judge.same(new("n13-00024"), new("n13-00026"))[0]  # ICP debuts on Coinbase


def test_a_lower_case_headline_is_read_as_its_text_writes_it(judge) -> None:
    """final13: "polkadot token dot" (a headline made from the page's address) gave no key at
    all (f13-016, f13-033, f13-037). A headline with no capital is read as the text writes its
    words: capitalised where no sentence starts ("blockchain Polkadot"), or in capitals ("i
    DOT"); a word the text also writes in lower case is a common word ("dot")."""
    from core.events.extract import cased

    text = new("n13-00011")["text"]  # "Da oggi i DOT, i token della blockchain Polkadot ..."
    assert cased("polkadot", text) == "Polkadot" and cased("dot", text) == "DOT"
    assert cased("dot", "a dot on the map. DOT trades") == "dot"
    assert cased("launch", "Launch day is near.") == "launch"  # only where a sentence starts
    dot = judge.identity(new("n13-00011"))[0]
    assert dot.weak and dot.names == {"polkadot"}
    for a in ("n13-00010", "n13-00009", "n13-00012"):  # transfers, denomination day
        assert judge.same(new(a), new("n13-00011"))[0], a
    assert not judge.same(new("n13-00011"), new("n13-00034"))[0]  # a promotion 15 months on


def test_a_dated_future_of_a_known_token_is_that_tokens(judge) -> None:
    """final13: KEX's "About FIL6 Liquidity Futures (Filecoin 6-Month) Listing" was keyed by
    FIL6 alone and, read as a listing, had launched, so FIL's mainnet notices 74 days later
    missed it (f13-004, f13-019, f13-040). A ticker that is a known token and a number of
    months, written as a future, is that token's (and the name written with the months is
    its name); a future delivering a token in months is trading before it exists (no
    listing). A ticker that is itself a known token ("API3") or not written as a future
    ("AI3" of Autonomys) is its own."""
    from core.events.extract import underlying

    fil6 = new("n13-00008")
    assert underlying({"FIL6"}, fil6["title"]) == ({"FIL"}, {"filecoin"})
    assert underlying({"API3"}, "API3 futures") == (set(), set())
    assert underlying({"AI3"}, "Autonomys Network (AI3): Pre-Listing Trading Delivery") == (
        set(),
        set(),
    )
    assert underlying({"FIL6"}, "FIL6 is here") == (set(), set())
    ident = judge.identity(fil6)[0]
    assert ident.tickers == {"FIL", "FIL6"} and ident.names == {"filecoin"}
    assert phase_of(fil6["title"], fil6["text"]) is PhaseKind.ANNOUNCED
    for b in ("n13-00019", "n13-00018"):  # ZB's and OKX's mainnet notices
        assert judge.same(fil6, new(b))[0], b
    assert judge.same(new("n13-00006"), fil6)[0]  # "filecoin mainnet launch hype"
    # a Japanese explainer 53 days before and a Korean one 11 months after: other events
    assert not judge.same(new("n13-00005"), fil6)[0]
    assert not judge.same(fil6, new("n13-00029"))[0]


def test_an_exchange_that_will_list_an_unlaunched_token_tells_its_listing(judge) -> None:
    """final13: AscendEX's notice, headlined by its address "margin trading supporting fil3x
    deposit fil ...", "will list Filecoin (FIL) and support 3X margin trading": more than 45
    days after "filecoin mainnet launch hype" it read as an exchange's margin product, no
    launch story (f13-001). For a token not yet launched, a notice whose lead says the exchange
    will list it is its first listing; the event must still tell the launch story (a Japanese
    explainer 150 days before does not: f13-036)."""
    assert judge.same(new("n13-00006"), new("n13-00022"))[0]
    assert not judge.same(new("n13-00005"), new("n13-00022"))[0]


def test_a_film_about_crypto_and_a_reported_claim_tell_no_launch(judge) -> None:
    """Shaped on final15 (f15-011): two Quartz stories of HBO's Bitcoin documentary, keyed by
    the ticker they give HBO's owner (WBD), joined because "claims" (a documentary "claims it
    has the answer") read as a token claim. A report's verb is no claim, and a film about
    crypto is news beside any launch (`side_news`)."""
    doc = new("n15-00078")
    assert not launch_story(doc["title"]) and side_news(doc["title"])
    assert not judge.same(doc, new("n15-00079"))[0]
    # a claim of tokens is still launch talk ("... after CowSwap users claim COW airdrop")
    assert launch_story("CowSwap users claim COW airdrop") and launch_story("Claims are now open")


def test_a_public_bodys_acronym_is_no_ticker_and_general_news_founds_no_event(judge) -> None:
    """Shaped on final15 (f15-001, f15-007): three same-day reports of Australia's regulator
    taking down scam sites were keyed by "ASIC" as a ticker. An acronym the item spells out as
    a public body ("Australian Securities and Investments Commission (ASIC)") or a known
    regulator's never written as a token is no ticker; then each is known only by a headline
    word ("Australian", "Australia", "Regulator") and none writes a launch word: news, no
    launch event for another to join."""
    reports = [new(i) for i in ("n15-00053", "n15-00054", "n15-00067")]
    for report in reports:
        ident, _analysis = judge.identity(report)
        assert "ASIC" not in ident.tickers and ident.weak
    assert not judge.same(reports[0], reports[1])[0]
    assert not judge.same(reports[0], reports[2])[0]
    # a token with a regulator's acronym keeps it: Bitget lists Massa (MAS), where "The
    # Monetary Authority of Singapore (MAS)" is the regulator's
    massa, _analysis = judge.identity(new("n5-00398"))
    singapore, _analysis = judge.identity(new("n5-00150"))
    assert "MAS" in massa.tickers and "MAS" not in singapore.tickers
    assert public_body("SEC", "SEC sues Ripple") and not public_body("SEC", "Secure (SEC) lists")
    # items known by headline words that tell a launch still join ("Exchanges back 'Terra 2.0
    # revival plan' via airdrops", "Binance Staking completes ... Terra 2.0 airdrop")
    assert judge.same(real("c-1750"), real("c-1257"))[0]


def test_a_projects_own_blog_names_its_project(judge) -> None:
    """Shaped on final15 (f15-003, f15-006, f15-010): Sifchain's Medium posts of 11, 18 and 21
    January 2021 about its Rowan public sale went by "Benefits" (a headline word), "Omni-Chain
    Decentralized Exchange" and "Sifchain". A post on a project's own blog
    (medium.com/sifchain-finance) is that project's: a name of a post that writes it, a hint of
    one that does not; years later a token page is still another event (f15-002/005/012)."""
    benefits, utility, updates = (new(i) for i in ("n15-00003", "n15-00004", "n15-00005"))
    weak, _analysis = judge.identity(benefits)
    named, _analysis = judge.identity(utility)
    assert weak.weak and "sifchain finance" in weak.hints
    assert {"sifchain", "sifchain finance"} <= named.names
    assert judge.same(benefits, updates)[0]
    assert judge.same(utility, updates)[0]
    assert judge.same(benefits, utility)[0]
    assert not any(judge.same(post, new("n15-00112"))[0] for post in (benefits, utility, updates))
    assert blog_name("https://umamifinance.medium.com/x") == "umami finance"
    assert blog_name("https://medium.com/@someone/x") == blog_name("https://coinclear.io/x") == ""
    # a blog publishing many projects' news gives a post a hint only ("Lition AMA with Wolf
    # Crypto" on medium.com/wolf-crypto), and the post still joins Lition's token sale
    ama, _analysis = judge.identity(new("n14-00001"))
    assert "wolf crypto" in ama.hints and "wolf crypto" not in ama.names
    assert judge.same(new("n14-00000"), new("n14-00001"))[0]


def test_an_icos_tokens_withdrawn_and_its_supply_tell_the_launch_story(judge) -> None:
    """Shaped on final16 (f16-012, f16-018): Bankera's roadmap of the pro-rata distribution of
    its unsold ICO tokens (2018-03-09) is one launch with "Now you Can Withdraw your BNK Tokens"
    (77 days later) and with "Bankera's Total Token Supply Explained" (84 days earlier), the
    readers say; weeks apart both sides must tell the launch story, and the holders' withdrawal
    of the sold tokens and the token's supply are part of it."""
    qa, supply, roadmap, withdraw = (new(f"n16-0000{n}") for n in (0, 2, 4, 5))
    assert launch_story(withdraw["title"]) and launch_story(supply["title"])
    assert judge.same(roadmap, withdraw)[0]
    assert judge.same(supply, roadmap)[0]
    # a Q&A video six months before the withdrawal is still kept apart (f16-015, f16-017:
    # beyond the window for two items known by a headline word)
    assert not judge.same(qa, withdraw)[0] and not judge.same(qa, roadmap)[0]
    # a withdrawal of funds is no token's story
    assert not launch_story("Withdraw your funds before the exchange closes")


def test_a_product_launched_in_a_lead_tells_no_token_launch(judge) -> None:
    """Shaped on final16 (f16-007): "Kinza Finance: Liquid Restaking Hub" (2024-05-29), an
    overview of the protocol whose lead says it "has launched its own point system", joined
    Kinza's airdrop points system seven months earlier (the name's long window before a
    token): the verb "launch" of a product (a points system, an app, a vault) tells no token's
    launch, so weeks apart the overview tells no launch story. The points system and the
    community programme a week later (f16-011) are still one launch."""
    points, legends, hub = (new(f"n16-000{n}") for n in (46, 47, 53))
    assert not launch_story(hub["title"], hub["text"])
    assert not judge.same(points, hub)[0]
    assert judge.same(points, legends)[0]
    # the token's own launch in a lead still tells it
    assert launch_story("Kinza Finance", "Kinza has launched its governance token KZA today.")
    assert launch_story("An update", "The protocol launched its token airdrop.")
    assert launch_story("An update", "It launches the platform's native token.")


def test_headline_verbs_short_names_and_a_named_ticker_key_a_project(judge) -> None:
    """Shaped on final17 (f17-034, f17-089, f17-164): "Announcing Fuzuki Inu - The Shiba
    Kanji: Pre-Sale!" was known by "announcing" (the verb's other forms are headline words now,
    as "announces" was); "Arc Network" and "Arc" are one name (a short name and itself with a
    word every project adds); "$QSK token economy of Quicksilver project", whose text writes
    "the Quicksilver token, QCK", names the event's project in its headline and writes its
    ticker, whatever ticker it gives itself."""
    announcing, success = new("c-7196"), new("c-7221")
    assert "fuzuki" in judge.identity(announcing)[0].names
    assert judge.same(announcing, success)[0]
    assert judge.same(new("c-8028"), new("c-8055"))[0]  # Circle's Arc Network token, Arc sale
    assert names_agree("arc network", "arc") and names_agree("arc", "arc labs")
    assert not names_agree("ai", "ai network") and not names_agree("arc", "arch network")
    assert judge.same(new("c-20002"), new("c-20001"))[0]  # QCK tokenomics, "$QSK" economy


def test_pre_launch_futures_are_pre_market_and_a_launch_platform_tells_a_launch(judge) -> None:
    """Shaped on final17 (f17-107): "Storm Trade launches Pre-launch futures trading on
    Notcoin" is pre-market trading (no launch of the token), so 84 days later OKX Jumpstart's
    NOT mining ("Представляємо NOT (Notcoin) на OKX Jumpstart") is still within the window of
    a token not yet launched; an exchange's launch platform by its name (Jumpstart,
    Kickstarter, Primelist) tells a launch, as PoolX and Megadrop did."""
    futures, jumpstart = new("c-7103"), new("c-14081")
    assert phase_of(futures["title"], futures["text"]) == PhaseKind.ANNOUNCED
    assert launch_story(jumpstart["title"])
    assert judge.same(futures, jumpstart)[0]


def test_a_product_partnership_or_programme_beside_a_launch_is_side_news(judge) -> None:
    """Shaped on final17 (f17-005, f17-016, f17-033, f17-043, f17-047, f17-076, f17-087): a
    project's product, partnership or incentive programme is not its token's launch, the
    readers say, even within weeks of it. A product launched in a headline ("MetaCene launches
    industry's 1st ServerFi-inspired product CARRY"), the bare verb "launch" in a partnership's
    headline ("MetaCene and Mantle Unite: MetaCene's Gold Rush Launches on Mantle"), a suite or
    products rolled out after the launch ("Acala Hints Core Products Rollout Following Official
    Launch on Polkadot") are side news; so is an item whose headline says nothing of a launch
    and whose lead's first sentence tells of an integration (MetaMask's Apple Pay); an
    incentive programme is a campaign; and an item known by headline words alone that says
    nothing of a launch joins no event whose headlines say nothing of one (KOLZ)."""
    mak = new("c-7498")
    assert not judge.same(new("c-7451"), mak)[0] and not judge.same(new("c-7469"), mak)[0]
    assert not judge.same(new("c-7804"), new("c-7304"))[0]  # Galaxis's token launch, AI suite
    assert not judge.same(new("c-15124"), new("c-5399"))[0]  # Acala's crowdloan, products
    assert not judge.same(new("c-5283"), new("c-1599"))[0]  # MetaMask token, Apple Pay
    assert not judge.same(new("c-17119"), new("c-17121"))[0]  # Dexalot, incentive programme
    assert not judge.same(new("c-7561"), new("c-7625"))[0]  # KOLZ's release, users' story
    for headline in (
        new("c-7451")["title"],
        new("c-7469")["title"],
        new("c-7304")["title"],
        new("c-5399")["title"],
    ):
        assert side_news(headline), headline
    assert not launch_story("The Dexalot Incentive Program")
    # a partnership that launches a token, and a price move after a launch, stay the story
    assert not side_news("Acme partners with Binance to launch its token ACME")
    assert not side_news("Acme and Binance Unite: ACME Token Airdrop Goes Live")
    assert not market_news("ApeCoin Soars After Launch, BAYC NFT Prices Pumps and Dumps")
    assert not side_news("Galaxis Gears up for Token Launch: Announces Grants & Bybit IDO")
    # the MetaCene token launch itself still joins MetaCene's later token news
    assert launch_story(mak["title"], mak["text"])


# The pairs the joiner decides against the readers, by split, as of the fixes after final17
# (`tge-monitor eval --events --split ...` lists them; final16 was measured once with
# f16-007 f16-012 f16-015 f16-017 f16-018 wrong; final17: as measured once by the joiner
# frozen at main 9bac892; final18: as measured once by the joiner frozen at 0abbc42, no fix
# after it; final19: as measured once by the joiner frozen at f7bcd6c; final20: as measured
# once by the joiner frozen at 017ec15; final21: as measured once by the joiner frozen at
# 5c44b1f; final22: as measured once by the joiner frozen at 05abd21; final23: as measured once
# by J1, names23's joiner frozen at 2a60593; final24: as measured once by J1 (main 376936e) and
# J2 (names24 frozen at ae22c1c), alike on every pair; final25: as measured once by J3 (names25
# frozen at 1884d7f, main's since) beside J2 (22f1977); final26: as measured once by J3;
# final30: as measured once by J3 (563dd6e) and J5 (names30 frozen at f92420c, main's since),
# alike on every pair; final31: as measured once by J6 (names31 frozen at 2a9059a, landed by
# RULE_final31) beside J5; final32: as measured once by J6 (main's, a0da838) beside J7 (names32
# frozen at 6a2120d, not landed by RULE_final32); final33: as measured once by J6 (main's,
# 49623ce) and J8 (names33 frozen at 15e7fa8, landed by RULE_final33's shaped check), alike on
# every pair). A change that moves a verdict on any split changes this table, and its commit
# says which and why.
WRONG_PAIRS = {
    "dev": "p-030 p-048",
    "test": "p-004 p-025 p-046 p-072",
    "final2": "f2-095 f2-101 f2-112 f2-120",
    # final3: f3-085 joins after final22 (shaped): both sides write "Marine Moguls" (`rare_shared`)
    # final3: f3-087 (Axie's revamp, 11 days on) no longer joins after final23 (shaped): market
    # news joins within a week (`MARKET_WINDOW`)
    # final3, final4: after names30 (J5, shaped) f3-126 127 and f4-012 033 042 join (LUNA and
    # Terra, by a public coin list's name for the ticker)
    "final3": "f3-054 f3-086 f3-111",
    "final4": "f4-112",
    "final5": "f5-047 f5-048 f5-060",
    # final6: f6-059 (a presale story as "Solana Surges", 13 days on) is missed after final23
    # (shaped): market news joins within a week
    "final6": "f6-008 f6-015 f6-030 f6-059 f6-070 f6-088 f6-097 f6-101 f6-141 f6-158 f6-176",
    "final7": "f7-008 f7-052 f7-081 f7-088 f7-093 f7-098 f7-136 f7-174",
    "final8": "f8-004 f8-015 f8-019",
    "final9": "f9-028",
    # final10: f10-012 (WLFI's 31 % fall, 10 days on) no longer joins after final23 (shaped)
    "final10": "f10-030 f10-031",
    "final11": "f11-001 f11-006 f11-011 f11-018",
    "final12": "f12-005 f12-009 f12-010 f12-017 f12-023 f12-024 f12-036 f12-047 f12-054",
    # final13: after names30 (J5) f13-011 joins (FIL and Filecoin, by the coin list)
    "final13": "f13-025",
    "final14": "f14-010",
    "final15": "",
    # final16: f16-012 and f16-018 now join (the holders' withdrawal of tokens and a token's
    # supply tell the launch story); f16-007 no longer does (a points system launched in a
    # lead tells no token launch)
    "final16": "f16-015 f16-017",
    # final17: measured once with fp f17-004 005 016 022 033 043 047 059 076 087 101 169 and
    # fn 009 012 020 028 034 077 083 085 088 089 107 142 143 146 155 163 164; after the fixes
    # after final17 (shaped) 034 089 107 164 join and 005 016 033 043 047 076 087 do not; after
    # final22 (shaped: rare names, common words) 012 163 join and 067 wrongly joins (Kava's and
    # Cosmos' StakeDrops, a headline-word item that shares "StakeDrop" and "Cosmos")
    "final17": (
        "f17-004 f17-009 f17-020 f17-022 f17-028 f17-059 f17-067 f17-077 f17-083 f17-085 "
        "f17-088 f17-101 f17-142 f17-143 f17-146 f17-155 f17-169"
    ),
    # final18: measured once by the joiner frozen at 0abbc42 (fp f18-001 010 013 019, fn 004
    # 011 012); no fix was made after it
    "final18": "f18-001 f18-004 f18-010 f18-011 f18-012 f18-013 f18-019",
    # final19: measured once by the joiner frozen at f7bcd6c (fp f19-004 017, fn none); after
    # it (shaped) 017 is coverage, a government's action on the project (`authority_action`),
    # and 004 too, a token's supply milestone (`supply_milestone`)
    "final19": "",
    # final20: measured once by the joiner frozen at 017ec15 (fp none; fn 001 006 007 010 011
    # 012 013 014 017 019 020 021 030 033 034: tp 1, fn 15, tn 24); after it (shaped) 017, 019
    # and 030 join, their headlines naming the ICO (`later_news` stops at a sale word); after
    # final22 (shaped) 001 010 013 033 034 join: no common word keys them ("Platforms",
    # "Alert"), they share a rare name ("Lampix") or a plural ("Lightstream", "Lightstreams")
    "final20": "f20-006 f20-007 f20-011 f20-012 f20-014 f20-020 f20-021",
    # final21: measured once by the joiner frozen at 5c44b1f (5 pairs, all different: tn 5,
    # nothing wrong; no same pair, so no recall); no fix after it
    "final21": "",
    # final22: measured once by the joiner frozen at 05abd21, whose core/events is 5c44b1f's
    # (fp 011 015, fn 003 019 024 025 029 031: tp 3, fp 2, fn 6, tn 20); after it (shaped) 024
    # joins: "Introducing r/CryptoCurrency Moons" is keyed "moons", Reddit's MOONS
    "final22": "f22-003 f22-011 f22-015 f22-019 f22-025 f22-029 f22-031",
    # final23: measured once by J1 (names23 frozen at 2a60593; core/events and common-words.txt
    # unchanged on main since) beside J0 (a52e40d); J1's verdicts are main's: fp 002 039 041 049
    # 057 077 082 084 085 097, fn 014 021 035 037 044 050 058 072 074 081 092 096 (tp 31, fp 10,
    # fn 12, tn 44); after it (shaped) 014 021 037 058 072 074 (Civil's sale) and 050 (Floki)
    # join, and 002 039 041 049 077 082 084 do not (market talk a week on, analyses)
    "final23": "f23-035 f23-044 f23-057 f23-081 f23-085 f23-092 f23-096 f23-097",
    # final24: measured once by J1 (main 376936e, core/events as at 2a60593) and J2 (names24
    # frozen at ae22c1c, main's since), the same verdict on every pair: fp 006 025 (Valour's
    # FLOKI ETP, the same news event, no launch), fn 008 012 (Fight.ID's FIGHT keyed 'fight id',
    # 'fight' vs 'ufc licensed'), 011 (BOME vs 'Book of Meme' keyed BODEN, TREMP), 018
    # ('solana' vs a SOL supply post keyed 'binance'), 022 (Korean 카이아, no key, vs KAIA) (tp
    # 1, fp 2, fn 5, tn 19); after it (names25, shaped) 011 joins (BOME spelt by "Book of
    # Meme", `spells`), 022 (카이아 romanised meets KAIA, `script_agrees`) and 012 (FIGHT's
    # refund "following a 122x oversubscription" tells the sale; "UFC-Licensed" is no name)
    "final24": "f24-006 f24-008 f24-018 f24-025",
    # final25: measured once by J3 (names25 frozen at 1884d7f, main's since) beside J2 (main
    # 22f1977), J3's verdicts: fp 013 016 (JTO's price days after its debut, settled different by
    # C), 049 121 (BONK's liquidity yields vs its launch), 096 (Midnight's airdrop vs its
    # testnet), 122 (Plasm's lockdrop keyed MetaMask); fn 007 123 080 (Nillion vs NIL), 012 047
    # 086 130 (Animecoin vs Azuki, ANIME), 025 071 (Trump's Maldives tokenization keyed 'saudi' vs
    # 'maldives'), 034 078 116 (Peanut vs PNUT), 104 (Moo Deng keyed 'moo' vs MOODENG), 108
    # (Plasm's lockdrop keyed MetaMask vs 'plasm') (tp 70, fp 6, fn 14, tn 40); J2 also missed
    # 008 033 039 088 124; after names30 (J5, shaped): 012 047 086 join ("Collaborative Anime"
    # is no partnership), 034 078 116 join (PNUT shortens "Peanut"), 130 joins ("airdrops ANIME"
    # and "Animecoin"); after names31 (J6): 104 joins (MOODENG read beside Chinese "MOODENG飆漲")
    "final25": (
        "f25-007 f25-013 f25-016 f25-025 f25-049 f25-071"
        " f25-080 f25-096 f25-108 f25-121 f25-122 f25-123"
    ),
    # final26: measured once by J3 (names25 1884d7f, main's joiner; J4 did not exist): fp 016
    # (AIXBT's explainer vs a later Bybit listing, borderline); fn 006 007 018 030 (Binance's
    # 2017 ICO retold by the 2023 Forbes report), 012 017 (Doodles' tease vs its reveal two months
    # on), 002 (B3 keyed by the chain's name vs B3), 011 (FDUSD, no key on one side), 023 (Fuel
    # vs a Chinese LaunchX notice keyed 'launchx') (tp 16, fp 1, fn 9, tn 4); after names30
    # (J5, shaped): 017 joins (a token "revealed" tells its launch), 002 joins (B3 leads "B3
    # Ethereum Gaming Chain")
    "final26": "f26-006 f26-007 f26-011 f26-012 f26-016 f26-018 f26-023 f26-030",
    # final30: measured once by J3 (main 563dd6e) and J5 (names30 frozen at f92420c, main's
    # since), the same verdict on every pair: fp 027 082 112 (Pharos' mainnet on OKX Wallet vs
    # its Binance Alpha listing, its tokenomics and a PROS listing, borderline); fn 010 021 036
    # 060 (PHAROS vs its token PROS), 024 034 042 061 (Based's TGE in a "24H" digest keyed
    # 'sharplink'), 092 100 (Paradex's report keyed by Hyperliquid vs DIME), 052 (AIGENSYN vs
    # "$AI" keyed 'gensyn'): agreement NONE; 022 030 044 047 057 079 099 130 (a launch notice's
    # unlock word, 解锁 or "Unlock", read as later news or coverage: Backpack, AEON, BTR,
    # Gensyn); 053 119 131 (Billions on Coinbase's roadmap 50-52 days before, untold over weeks)
    # (tp 70, fp 3, fn 22, tn 36); after names31 (J6, shaped on final30): 022 030 047 057 079
    # 099 130 join (launch talk in Chinese beside an unlock, "上线 ... 解锁", is the launch, not
    # later news), 053 119 131 join (上币, a coin's listing in Chinese, tells the launch story);
    # 044 stays missed (the English "to Unlock 100,000 BTR" of a CreatorPad task) (tp 80, fp 3,
    # fn 12, tn 36); after names33 (J8, shaped: a ticker that is a name behind a prefix of one
    # or two letters is that name) 052 joins (tp 81, fn 11)
    "final30": (
        "f30-010 f30-021 f30-024 f30-027 f30-034 f30-036 f30-042 f30-044 f30-060"
        " f30-061 f30-082 f30-092 f30-100 f30-112"
    ),
    # final31: measured once by J5 (main d49eff3, core/events as at f92420c) and J6 (names31
    # frozen at 2a9059a, landed by RULE_final31), J6's verdicts: fp 022 024 027 042 (Fabric
    # Protocol's ROBO listings on HTX, Bitget and Bithumb and a first-round claim vs its
    # second-round airdrop claim), 026 (Aztec's Bybit listing vs an analysis of Aztec keyed
    # 'vitalik'), 041 101 (Coinbase's roadmap naming DIEM and OPG vs OPG's HODLer airdrop and
    # Upbit listing), 087 (Genius' airdrop claim vs Binance's GENIUS HODLer airdrop, settled
    # different by C, borderline); fn 008 047 055 059 085 (Gensyn's AIGENSYN vs OKX's $AI, keyed
    # 'newlisting' or 'gensyn'), 015 (a Binance Earn offer of GENIUS and OPG vs GENIUS's HODLer
    # airdrop), 018 (USD.AI's sale vs CHIP keyed CHI, 72 days on), 074 (DAPPOS' DOS vs a Gate
    # Launchpool notice keyed 'gusd'): agreement NONE; 049 051 054 (AEON's Bitget Launchpool)
    # and 069 (AIGENSYN's): the unlock word 解锁 read as later news or coverage (tp 75, fp 8, fn
    # 12, tn 36); J5 also missed 057 066 103 113 124 126 and did not join 041 101 (tp 69, fp 6,
    # fn 18, tn 38). names33 (J8, shaped on final31): an exchange's Launchpool beside an unlock
    # is the launch, so 049 051 054 069 join (tp 79, fn 8); and a ticker that is a name behind
    # a prefix is that name, so 047 (AIGENSYN and Gensyn) joins (tp 80, fn 7); and a later
    # round of the token's airdrop in Chinese is another launch (第二轮空投, not a programme's
    # 第N期), so 022 024 042 (Fabric's ROBO) part (fp 5, tn 39)
    "final31": (
        "f31-008 f31-015 f31-018 f31-026 f31-027 f31-041"
        " f31-055 f31-059 f31-074 f31-085 f31-087 f31-101"
    ),
    # final32: measured once by J6 (main's, a0da838) and J7 (names32 frozen at 6a2120d, not
    # landed by RULE_final32), J6's verdicts: fp 002 048 090 (Canton's CC: Robinhood's and OKX's
    # listings vs its Bitget Launchpool 56 and 70 days on, and the two listings 14 days apart),
    # 003 089 111 (MetaDAO's META on Coinbase vs Bithumb's META2, 70 to 76 days on), 104 (the
    # ASTEROID meme coin, SpaceX's mascot, vs Gate's SpaceX (SPCX) Pre-IPO sale); fn 005 072 083
    # 085 (edgeX's treasury moving USDC to market makers for its TGE: no key), 007 086 119
    # (EDGEX's listings vs coverage keyed 'arkham' or 'polymarket'), 046 (PROS on Coinbase's
    # roadmap vs Bitget's PROS listing keyed 'pharos'), 074 (2U2.ai's listings vs Bitget
    # PoolX's 2U2 keyed 'poolx'), 120 (Binance Alpha's 'R2' keyed nothing): agreement NONE; 081
    # (the same, no identity) (tp 65, fp 7, fn 11, tn 40); J7 also missed 023 096 103 (MEZO on
    # Gate Booster's CandyDrop vs its Coinbase and Bitget Launchpool notices; tp 62, fp 7, fn 14,
    # tn 40); no fix after it
    "final32": (
        "f32-002 f32-003 f32-005 f32-007 f32-046 f32-048 f32-072 f32-074 f32-081 f32-083"
        " f32-085 f32-086 f32-089 f32-090 f32-104 f32-111 f32-119 f32-120"
    ),
    # final33: measured once by J6 (main's, 49623ce) and J8 (names33 frozen at 15e7fa8, landed by
    # RULE_final33's shaped check), the same verdict on every pair: fp 001 (SuperFortune's second
    # GUA airdrop round vs a GUA security incident 93 days on), 009 036 042 058 (Pons, Robinhood
    # Chain's launch platform: its v2 vs its v2 announced, a launchpad race, its platform coin's
    # rise and CASHCAT's Robinhood listing, keyed 'uniswap' or 'robinhood'), 013 049 (Bitway's BTW
    # on Bitget PoolX and HTX vs its price rising), 047 (Sky's USDS: OKX's DAI-to-USDS conversion vs
    # Binance's USDS listing), 061 (Binance's vs OKX's USDS listings, 8 days apart), 066 076
    # (CASHCAT's weekly rise and its history vs its listings), 067 (NanoVita's NANA on BSC vs its
    # token burn and price); fn 002 021 038 053 059 073 (Polymarket's POLY trademark and team hints,
    # 77 to 165 days apart: untold over weeks), 012 016 040 046 055 070 (Bitget IPO Prime's preOPAI,
    # OpenAI's pre-IPO token: no identity, the ticker 'preOPAI' read as no key), 034 050 086 092 096
    # (Bitget IPO Prime's preOPAI and preSPAX notices keyed 'ipo': headline words, no launch words),
    # 026 028 080 (the OUSD stablecoin vs commentary on Open USD: headline words, no launch words,
    # agreement NONE on 026), 062 (Backpack's TGE day vs its BP market opening: headline words, no
    # launch words) (tp 36, fp 12, fn 21, tn 30); no fix after it
    "final33": (
        "f33-001 f33-002 f33-009 f33-012 f33-013 f33-016 f33-021 f33-026 f33-028 f33-034"
        " f33-036 f33-038 f33-040 f33-042 f33-046 f33-047 f33-049 f33-050 f33-053 f33-055"
        " f33-058 f33-059 f33-061 f33-062 f33-066 f33-067 f33-070 f33-073 f33-076 f33-080"
        " f33-086 f33-092 f33-096"
    ),
}


def test_every_split_keeps_its_verdicts(judge) -> None:
    """Every labelled pair the joiner gets wrong, split by split, is the pinned one: the fixes
    after final15 moved no verdict of dev, test or final2 to final14, those after final16 none
    of dev, test or final2 to final15, those after final17 none of dev, test or final2 to
    final16, those after final19 none but final19's own (both now right), the sale words after
    final20 none but final20's own (three misses now join); final18, final21, final22,
    final23 (J1's verdicts), final24 (J1's and J2's, alike), final25 and final26 (J3's) and
    final30 (J3's and J5's, alike), final31 and final32 (J6's) and final33 (J6's and J8's,
    alike) are pinned as measured once.
    The rare names and common words after final22 (shaped) moved final3's f3-085, final17's
    012 163 (and 067, now a false join), final20's five and final22's 024, nothing of dev,
    test, final2 or final4 to final16. The fixes after final23 (shaped) moved final23's own 14
    (`test_events_names`), final3's f3-087 and final10's 012 (now apart: market news joins
    within a week) and final6's 059 (now missed); final24 was measured after them. names25
    (shaped on final24) moved only final24's own 011 012 022; final25 and final26 were measured
    after it. names30 (J5, shaped on dev ... final26) moved final3, final4, final13, final25 and
    final26 only; final30 was measured after it. names31 (J6, shaped on final30) moved final30's
    own ten and final25's f25-104 only; final31 and final32 were measured after it. names33
    (J8, shaped on dev ... final32) moved final30's f30-052 and final31's 022 024 042 047 049
    051 054 069 only; final33 was measured after it."""
    rows = [json.loads(line) for line in PAIRS_FILE.read_text().splitlines() if line]
    wrong: dict[str, set[str]] = {split: set() for split in WRONG_PAIRS}
    for row in rows:
        if judge.same(row["a"], row["b"])[0] != row["same_event"]:
            wrong[row["split"]].add(row["pair"])
    assert wrong == {split: set(pairs.split()) for split, pairs in WRONG_PAIRS.items()}


def test_final20_figures_after_the_sale_words() -> None:
    """final20 (40 pairs, labels settled by readers A and B with C on f20-015) was scored once
    at 12:41:50 UTC against the predictions the joiner frozen at 017ec15 wrote before any label
    (sha256 9ba1b490...): tp 1, fp 0, fn 15, tn 24; precision 1.000, recall 0.062 (the README's
    figure). After the sale words stop `later_news` (shaped on final20, not a clean figure)
    `tge-monitor eval --events --split final20` printed tp 4, fn 12; after the rare names and
    common words (shaped on final20 and final22) tp 9, fn 7."""
    from core.events.evaluate import evaluate_events, format_events

    result = evaluate_events(PAIRS_FILE, COMPANIES_FILE, split="final20")
    counts = {k: result[k] for k in ("pairs", "same", "different", "tp", "fp", "fn", "tn")}
    assert counts == {
        "pairs": 40,
        "same": 16,
        "different": 24,
        "tp": 9,
        "fp": 0,
        "fn": 7,
        "tn": 24,
    }
    lines = format_events(result).splitlines()
    assert lines[1] == "precision 1.000  recall 0.562  (tp 9, fp 0, fn 7, tn 24)"


def test_final21_figures_are_the_one_measurement() -> None:
    """final21 (5 pairs, readers A and B agreeing on all 5, kappa 1.000: all different) as
    scored once at 14:49 UTC against the predictions the joiner frozen at 5c44b1f wrote before
    any label (sha256 25e31947...): 0 same, 5 different; tp 0, fp 0, fn 0, tn 5. With no
    same-event pair and no join, precision and recall are undefined (0/0): the printer shows
    0.000 for them, which is no measurement. `tge-monitor eval --events --split final21` gives
    the same counts."""
    from core.events.evaluate import evaluate_events, format_events

    result = evaluate_events(PAIRS_FILE, COMPANIES_FILE, split="final21")
    counts = {k: result[k] for k in ("pairs", "same", "different", "tp", "fp", "fn", "tn")}
    assert counts == {
        "pairs": 5,
        "same": 0,
        "different": 5,
        "tp": 0,
        "fp": 0,
        "fn": 0,
        "tn": 5,
    }
    # undefined, not zero: no predicted join (tp + fp) and no same-event pair (tp + fn)
    assert result["tp"] + result["fp"] == 0 and result["tp"] + result["fn"] == 0
    lines = format_events(result).splitlines()
    assert lines[1].endswith("(tp 0, fp 0, fn 0, tn 5)")


# Each split's one measurement (as scored once, before any later fix) and what main's joiner
# gives on it now (`tge-monitor eval --events --split`): pairs, same, different, tp, fp, fn, tn
# and the printed precision/recall line; the wrong pairs are `WRONG_PAIRS`'
ONE_MEASUREMENT = {
    # final22 (31 pairs, readers A and B agreeing on all 31, kappa 1.000: 9 same, 22 different)
    # as scored once at 15:37:19 UTC against the predictions the joiner frozen at 05abd21 wrote
    # before any label (sha256 9db5092c...): tp 3, fp 2, fn 6, tn 20; precision 0.600, recall
    # 0.333 (the README's figure). `tge-monitor eval --events --split final22` gave the same
    # counts; after the rare names and common words (shaped on final20 and final22) it gives tp
    # 4, fn 5; the wrong pairs are `WRONG_PAIRS`' final22.
    "final22": (
        (31, 9, 22, 4, 2, 5, 20),
        "precision 0.667  recall 0.444  (tp 4, fp 2, fn 5, tn 20)",
    ),
    # final23 (97 pairs, readers A and B agreeing on 93, kappa 0.917; reader C settled f23-002,
    # 040, 057 and 097, all different: 43 same, 54 different) as scored once at 16:53:03 UTC
    # against the predictions written before any label was compared: J0 (a52e40d, sha256
    # 65b54dae...) tp 29, fp 10, fn 14, tn 44; J1 (names23 frozen at 2a60593, sha256 18289949...)
    # tp 31, fp 10, fn 12, tn 44, precision 0.756, recall 0.721; RULE_final23: J1 lands. main's
    # joiner was J1 (core/events and common-words.txt as at 2a60593), so `tge-monitor eval
    # --events --split final23` gave J1's counts; after the fixes shaped on final23 (names24:
    # names written as a sale's, lead subjects, market talk a week on, analyses) it gives tp 38,
    # fp 3, fn 5, tn 51; the wrong pairs are `WRONG_PAIRS`' final23.
    "final23": (
        (97, 43, 54, 38, 3, 5, 51),
        "precision 0.927  recall 0.884  (tp 38, fp 3, fn 5, tn 51)",
    ),
    # final24 (27 pairs, readers A and B agreeing on 24, kappa 0.727; reader C settled f24-006,
    # 020 and 025, all different: 6 same, 21 different) as scored once at 17:31:14 UTC against
    # the predictions written before any label was compared: J1 (main 376936e, core/events as at
    # 2a60593, sha256 911f34f8...) and J2 (names24 frozen at ae22c1c, sha256 8b737647...) alike
    # on every pair, tp 1, fp 2, fn 5, tn 19, precision 0.333, recall 0.167; RULE_final24: a tie
    # passes, J2 lands (final24 is no evidence for or against J2's changes). main's joiner is J2
    # (core/events as at ae22c1c), so `tge-monitor eval --events --split final24` gives the one
    # measurement's counts; after names25 (shaped on final24: romanised names, tickers spelt by
    # a name's words, participles and oversubscriptions) it gives tp 4, fn 2; the wrong pairs
    # are `WRONG_PAIRS`' final24.
    "final24": (
        (27, 6, 21, 4, 2, 2, 19),
        "precision 0.667  recall 0.667  (tp 4, fp 2, fn 2, tn 19)",
    ),
    # final25 (130 pairs, readers A and B agreeing on 128, kappa 0.966; reader C settled f25-013
    # and 016, both different, borderline: 84 same, 46 different) as scored once at 18:53:23 UTC
    # against the predictions written before any label existed: J2 (main 22f1977, sha256
    # f9f80ff3...) tp 65, fp 6, fn 19, tn 40, precision 0.915, recall 0.774; J3 (names25 frozen
    # at 1884d7f, sha256 25c06ddf...) tp 70, fp 6, fn 14, tn 40, precision 0.921, recall 0.833;
    # RULE_final25: J3 lands. main's joiner is J3 (core/events as at 1884d7f), so `tge-monitor
    # eval --events --split final25` gives J3's counts; the wrong pairs are `WRONG_PAIRS`'
    # final25. After names30 (J5, shaped on final25 and final26) it reads as the wrong pairs
    # there say (J6, names31: f25-104 joins).
    "final25": (
        (130, 84, 46, 78, 6, 6, 40),
        "precision 0.929  recall 0.929  (tp 78, fp 6, fn 6, tn 40)",
    ),
    # final26 (30 pairs, readers A and B byte-identical, kappa 1.000, no dispute: 25 same, 5
    # different) as scored once at 19:02:05 UTC against J3's predictions (names25 1884d7f, main's
    # joiner, sha256 8421da40...) written before any label was compared; J4 did not exist, so by
    # RULE_final26 final26 is J3's second clean reading: tp 16, fp 1, fn 9, tn 4, precision
    # 0.941, recall 0.640; the wrong pairs are `WRONG_PAIRS`' final26.
    # After names30 (J5, shaped on final25 and final26) it reads as the wrong pairs there say.
    "final26": (
        (30, 25, 5, 18, 1, 7, 4),
        "precision 0.947  recall 0.720  (tp 18, fp 1, fn 7, tn 4)",
    ),
    # final30 (131 pairs, readers A and B agreeing on 127, kappa 0.929; reader C settled f30-010,
    # 019, 036 and 056, all same, borderline: 92 same, 39 different) as scored once at 20:50:24
    # UTC against the predictions written before any label existed: J3 (main 563dd6e, sha256
    # 0050624f...) and J5 (names30 frozen at f92420c, sha256 21fb0cde...), the same verdict on
    # every pair: tp 70, fp 3, fn 22, tn 36, precision 0.959, recall 0.761. RULE_final30: final30
    # is no evidence for or against J5, the shaped check alone decides (all pairs dev ... final26
    # 0.939 / 0.887 against 0.938 / 0.867): J5 lands. main's joiner is J5 (core/events as at
    # f92420c), so `tge-monitor eval --events --split final30` gave the one measurement's
    # counts; after names31 (J6, shaped on final30: Chinese launch talk beside an unlock, 上币 as
    # a listing, Latin tickers against CJK text) it gives tp 80, fn 12 (f30-022 030 047 053 057
    # 079 099 119 130 131 join); the wrong pairs are `WRONG_PAIRS`' final30.
    # After names33 (J8: a ticker that is a name behind a prefix) f30-052 joins too.
    "final30": (
        (131, 92, 39, 81, 3, 11, 36),
        "precision 0.964  recall 0.880  (tp 81, fp 3, fn 11, tn 36)",
    ),
    # final31 (131 pairs, readers A and B agreeing on 130, kappa 0.983; reader C settled f31-087,
    # different, borderline: 87 same, 44 different) as scored once at 21:37:46 UTC against the
    # predictions written before any label existed: J5 (main d49eff3, core/events as at f92420c,
    # sha256 88ae189c...) tp 69, fp 6, fn 18, tn 38, precision 0.920, recall 0.793; J6 (names31
    # frozen at 2a9059a, sha256 fc29ed66...) tp 75, fp 8, fn 12, tn 36, precision 0.904, recall
    # 0.862 (they differ on f31-041 057 066 101 103 113 124 126: J6 joins, 6 labelled same).
    # RULE_final31: F1 0.882 >= 0.852, precision 0.904 >= 0.920 - 0.05 and the shaped all pairs
    # dev ... final30 not below J5's: J6 lands. main's joiner is J6 (core/events as at 2a9059a,
    # rebased as a0da838), so `tge-monitor eval --events --split final31` gives J6's counts; the
    # wrong pairs are `WRONG_PAIRS`' final31. After names33 (J8, shaped on final31: a Launchpool
    # beside an unlock is the launch) it gives tp 79, fn 8; after a ticker read as a name
    # behind a prefix (f31-047) tp 80, fn 7; after a Chinese later round of the token's airdrop
    # (f31-022 024 042 part) fp 5, tn 39.
    "final31": (
        (131, 87, 44, 80, 5, 7, 39),
        "precision 0.941  recall 0.920  (tp 80, fp 5, fn 7, tn 39)",
    ),
    # final32 (123 pairs, readers A and B agreeing on 122, kappa 0.983; reader C settled f32-094,
    # same, borderline: 76 same, 47 different) as scored once at 21:52:43 UTC against the
    # predictions written before any label existed: J6 (a0da838, names31 2a9059a rebased, main's
    # joiner, sha256 a4a1171d...) tp 65, fp 7, fn 11, tn 40, precision 0.903, recall 0.855 (F1
    # 0.878); J7 (names32 frozen at 6a2120d, sha256 8b9dd3cf...) tp 62, fp 7, fn 14, tn 40,
    # precision 0.899, recall 0.816 (F1 0.855) (they differ on f32-023 096 103: J6 joins, all
    # labelled same). RULE_final32: F1(J7) 0.855 < F1(J6) 0.878: J7 does not land; main keeps
    # J6, so `tge-monitor eval --events --split final32` gives J6's counts; the wrong pairs are
    # `WRONG_PAIRS`' final32.
    "final32": (
        (123, 76, 47, 65, 7, 11, 40),
        "precision 0.903  recall 0.855  (tp 65, fp 7, fn 11, tn 40)",
    ),
    # final33 (99 pairs, readers A and B agreeing on 92, kappa 0.856; reader C settled f33-016
    # 040 046 055 same and 043 058 063 different, all borderline: 57 same, 42 different) as
    # scored once at 23:24:47 UTC against the predictions written before any label existed: J6
    # (main 49623ce, sha256 6e0ca8ec...) and J8 (names33 frozen at 15e7fa8, sha256 38453b43...),
    # the same verdict on every pair: tp 36, fp 12, fn 21, tn 30, precision 0.750, recall 0.632
    # (F1 0.686). RULE_final33: final33 is no evidence for or against J8, the shaped check alone
    # decides (all pairs dev ... final32 F1 0.912 (0.939 / 0.888) against J6's 0.908 (0.935 /
    # 0.882)): J8 lands, so `tge-monitor eval --events --split final33` gives J8's (= J6's)
    # counts; the wrong pairs are `WRONG_PAIRS`' final33.
    "final33": (
        (99, 57, 42, 36, 12, 21, 30),
        "precision 0.750  recall 0.632  (tp 36, fp 12, fn 21, tn 30)",
    ),
}


@pytest.mark.parametrize("split", sorted(ONE_MEASUREMENT))
def test_split_figures_are_the_one_measurement(split) -> None:
    """final22 to final26 and final30 to final33, each as scored once and as main's joiner reads
    it now (the notes in `ONE_MEASUREMENT` give each one's readers, predictions, score and later
    fixes)."""
    from core.events.evaluate import evaluate_events, format_events

    result = evaluate_events(PAIRS_FILE, COMPANIES_FILE, split=split)
    keys = ("pairs", "same", "different", "tp", "fp", "fn", "tn")
    counts, line = ONE_MEASUREMENT[split]
    assert {k: result[k] for k in keys} == dict(zip(keys, counts, strict=True))
    lines = format_events(result).splitlines()
    assert lines[1] == line


def test_a_collaborative_aim_is_no_partnership(judge) -> None:
    """Shaped on final25 (f25-012, 047, 086): "collaborative", an adjective, names no partner:
    "How the Azuki-Linked Animecoin Drop Aims to Fuel Collaborative Anime" tells the airdrop,
    and joins Animecoin's debut amid its airdrop; a collaboration still is side news."""
    drop = new("n25-00191")
    assert not side_news(drop["title"])
    assert judge.same(new("n25-00188"), drop)[0]
    assert judge.same(drop, new("n25-00194"))[0]  # "Azuki-Linked AnimeCoin Airdrop Goes Live"
    assert side_news("Acme and Binance Collaborate on a Staking Product")


def test_a_token_revealed_tells_its_launch(judge) -> None:
    """Shaped on final26 (f26-017): "Ethereum NFT Brand Doodles Reveals Solana Token", two
    months after "Doodles NFT collection teases potential token launch", tells the launch
    (weeks apart, both sides must); a plan or a buyback revealed does not."""
    reveal = new("n26-00059")
    assert launch_story(reveal["title"])
    assert judge.same(new("n26-00043"), reveal)[0]
    assert not launch_story("Acme Reveals Token Buyback Plan")


def test_a_ticker_shortening_a_name_agrees_with_it(judge) -> None:
    """Shaped on final25 (f25-034, 078, 116) and final26 (f26-002): "$PNUT" keeps Peanut's
    letters in order, "$B3" leads "B3 Ethereum Gaming Chain"; both join. A common word
    shortened, a short ticker inside a long word, or a named side with a token of its own
    ("Doge Jones Industrial Average (DJI)" and DOGE) is no agreement."""
    pnut = new("n25-00120")  # "Solana meme coin $PNUT soars to $1 billion market cap ..."
    for peanut in ("n25-00115", "n25-00116", "n25-00118"):
        assert judge.same(new(peanut), pnut)[0], peanut
    assert judge.same(new("n26-00054"), new("n26-00055"))[0]  # B3
    assert shortens("PNUT", "peanut") and shortens("B3", "b3 ethereum gaming chain")
    assert not shortens("B3", "b3")  # a name equal to its ticker is `ticker_names`' case
    assert not shortens("PNT", "peanut") and not shortens("PNUT", "peanutbutterjelly")
    assert not shortens("PLFM", "platforms") and not shortens("TON", "ton strategy")
    assert not judge.same(new("c-7565"), new("c-7590"))[0]  # DOGE, "Doge Jones ... (DJI)"
    assert not judge.same(real("c-0037"), real("c-3165"))[0]  # Blast's, "BLAST HOGE Token"


def test_a_word_in_capitals_whose_coin_is_the_other_sides_name_agrees(judge) -> None:
    """Shaped on final25 (f25-130): "Azuki founder airdrops ANIME for a 'billion global fans'"
    (keyed "azuki", no ticker read) and "NFT Project Azuki's Animecoin Debuts ... Amid
    Airdrop": ANIME's coin is Animecoin. The capital word alone is no name ("ANIME" is not
    "anime"), and a quote asset gives none."""
    assert judge.same(new("n25-00188"), new("n25-00192"))[0]
    assert "animecoin" in capital_coins(["Azuki founder airdrops ANIME for fans"])
    assert "anime" not in capital_coins(["Azuki founder airdrops ANIME for fans"])
    assert not capital_coins(["Trade USDT and BTC now"])


def test_a_ticker_and_the_name_a_public_coin_list_gives_it_agree(judge) -> None:
    """Shaped on final3, final4 and final13 (f3-126 127, f4-012 033 042, f13-011): one side
    writes the ticker ("LUNA 2.0 Skyrockets 40%", "Luna 2.0 Airdrop ..." keyed by the word
    "luna"; "FIL主网上线"), the other the project's name ("Terra 2.0 airdrop", "New Terra
    Blockchain Goes Live", "filecoin mainnet launch hype"); CoinGecko's list ranked by market
    cap (core/data/events/token-names.json) says LUNA is Terra's and FIL Filecoin's."""
    assert judge.same(real("c-1415"), real("c-1257"))[0]  # LUNA 2.0 / Terra 2.0 airdrop
    assert judge.same(real("c-0565"), real("c-1833"))[0]  # Terra Blockchain / Luna 2.0
    assert judge.same(real("c-1675"), real("c-0565"))[0]  # "Scam LUNA 2.0 Tokens" / Terra
    assert judge.same(new("n13-00006"), new("n13-00019"))[0]  # filecoin / FIL
    assert listed_names({"LUNA", "FIL", "APE"}) == {"terra", "filecoin", "apecoin"}
    # a ticker two well-known coins share (TON: Tokamak Network and TON in 2022), a common
    # word ("GAS", "ONE") or a quote asset gives no name
    assert not listed_names({"TON", "GAS", "ONE", "USDT", "ETH"})


def test_the_token_names_table_is_small_and_its_rules_hold() -> None:
    """The committed table is compact (the joiner reads it once) and records its source; the
    build keeps only a clearly owned, well-known ticker of a coin that is no copy, with a
    name that is no common word nor the ticker itself."""
    sys.path.insert(0, str(COMPANIES_FILE.resolve().parents[2] / "scripts"))
    import build_token_names as btn

    doc = json.loads(btn.OUT.read_text(encoding="utf-8"))
    assert btn.OUT.stat().st_size < 100_000 and len(doc["names"]) > 500
    assert doc["source"]["commit"] == btn.SOURCE["commit"] and "MIT" in doc["source"]["licence"]
    rows = [
        {"symbol": "zbx", "name": "Zorblax Quonk"},  # rank 1: kept
        {"symbol": "dup", "name": "Dup One"},  # rank 2, a rival at rank 3: ambiguous
        {"symbol": "dup", "name": "Dup Two"},
        {"symbol": "wzb", "name": "Wrapped Zorblax"},  # a copy
        {"symbol": "xyz", "name": "XYZ"},  # the name is the ticker
        {"symbol": "gas", "name": "Gas Token"},  # a common word
    ]
    assert btn.build(rows) == {"ZBX": "zorblax quonk"}


# Items of final30 (ChainCatcher, PANews flash news) as its readers saw them, until its pairs
# and labels reach pairs.jsonl
F30_ITEMS = Path(__file__).resolve().parent / "data" / "events_final30_items.json"


def f30(side: str) -> dict[str, Any]:
    """A final30 item by pair and side ("f30-030a")."""
    return json.loads(F30_ITEMS.read_text(encoding="utf-8"))[side]


def test_cjk_launch_talk_beside_an_unlock_is_the_launch_not_later_news(judge) -> None:
    """An unlock (解锁) in a Launchpool notice ("锁仓 BGB 和 AEON 解锁 116 万枚 AEON": lock BGB
    to earn AEON) or beside a token issued (发行代币) with its unlock schedule is the launch's
    story, as "listing" or "launch" beside "unlock" is in English: the Chinese launch talk
    (上线 listing, 发行代币 token issuance, 空投 airdrop, 上币) counts in `later_news` (final30)."""
    assert not later_news(f30("f30-030a")["title"])
    assert not later_news(f30("f30-022a")["title"])
    assert later_news("Arbitrum 将于明日解锁 9200 万枚 ARB")  # an unlock alone: later news
    assert judge.same(f30("f30-030a"), f30("f30-030b"))[0]  # Launchpool / Binance Alpha
    assert judge.same(f30("f30-022a"), f30("f30-022b"))[0]  # Backpack's token, its 25% TGE
    assert judge.same(f30("f30-057a"), f30("f30-057b"))[0]  # Gensyn on Alpha / Launchpool


def test_a_coin_listing_written_in_chinese_tells_the_launch_weeks_ahead(judge) -> None:
    """Coinbase's "Billions (BILL)加入上币路线图" (added to its listing roadmap; 上币, a coin's
    listing) tells the launch story as "listing roadmap" does in English, so the token's TGE
    and its listings seven weeks later join it past LAUNCH_STORY_GAP (final30)."""
    assert launch_story(f30("f30-053a")["title"])
    assert judge.same(f30("f30-053a"), f30("f30-053b"))[0]  # roadmap / Binance Alpha airdrop
    assert judge.same(f30("f30-119a"), f30("f30-119b"))[0]  # roadmap / TGE on May 4
    assert judge.same(f30("f30-131a"), f30("f30-131b"))[0]  # roadmap / Coinbase spot trading


def test_a_latin_word_touching_cjk_text_is_a_word(judge) -> None:
    """Chinese, Japanese and Korean write a Latin ticker or name against the text around it
    ("币安Alpha将于今日18:00上线AEON，持有", "MOODENG飆漲90%"), and `\\b` or `\\w` take CJK
    characters for letters of the word: the key was not seen. Where keys, tickers, names and
    phase words are read, CJK characters are a Latin word's edge (`latin_bounded`)."""
    from core.scoring.language import latin_bounded

    tge = re.compile(latin_bounded(r"\btge\b"), re.IGNORECASE)
    assert tge.search("Paradex深度研报：TGE在即") and not tge.search("ATGEX")
    aeon = re.compile(latin_bounded(r"(?<![\w$])\$?AEON(?!\w)"))
    assert aeon.search("上线AEON，持有") and aeon.search("$AEON") and not aeon.search("XAEONX")
    assert mentions(set(), {"AEON"}, f30("f30-030b")["title"])  # 上线AEON，
    assert "aeoncoin" in capital_coins([f30("f30-030b")["title"]])
    # Moo Deng's Coinbase plans and "Coinbase 擬上架河馬幣！MOODENG飆漲90%" (f25-104)
    assert judge.same(new("n25-00134"), new("n25-00138"))[0]
