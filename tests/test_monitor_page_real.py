"""Page feeds on real pages (tests/data/pages, provenance in its README): issue 16 (3) and (6)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.commands import execute
from core.models import Feed
from core.monitors.page import clean_title, empty_page_error, extract_entries
from core.monitors.scheduler import Poller
from core.runtime import App
from tests.fakes.feeds import FeedServer
from tests.test_monitor_x_real import admin_ctx

ROOT = Path(__file__).resolve().parent.parent
BINANCE = (ROOT / "tests/data/pages/binance_announcement_rare_2021.html").read_bytes()
DASHBOARD = (ROOT / "web/static/index.html").read_bytes()  # a shell that app.js fills in
PAGE = "/en/support/announcement/abccb898c2144bfda3647031b2a60bc7"
LIST = "/en/support/announcement/list/48"
HTML = {"Content-Type": "text/html; charset=utf-8"}
RELATED = [
    "Binance Adds ADX/USDT, AUCTION/USDT, CELO/BUSD, FTM/RUB, NU/AUD, NU/RUB, REEF/BIDR & "
    "REEF/TRY Trading Pairs",
    "Introducing Mines of Dalarnia (DAR) on Binance Launchpool! Farm DAR By Staking BNB and BUSD",
    "Binance Adds CHESS on Isolated Margin, Stablecoins Annual Interest Rate Starts at 6.20%!",
    "Binance Futures Will Launch USDT-Margined CTSI Perpetual Contracts with Up to 25X Leverage",
    "Binance Adds FTM/AUD, FTM/BRL & SCRT/BUSD Trading Pairs",
]


@pytest.fixture
async def site() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    server.set(PAGE, BINANCE, headers=HTML)
    server.set(LIST, DASHBOARD, headers=HTML)
    await server.start()
    yield server
    await server.stop()


# --- (6) a selector from chat, previewed before saving -------------------------------------


async def test_feed_add_with_selector_previews_the_entries_it_finds(
    app: App, site: FeedServer
) -> None:
    ctx = await admin_ctx(app)
    reply = await execute(app, "feed_add", f"{site.url(PAGE)} page selector:a.css-xblxli", ctx)
    assert reply.ok, reply.text
    assert "It lists 5 entries now" in reply.text
    for title in RELATED:
        assert f"• {title}" in reply.text
    feed = await Feed.get()
    assert (str(feed.kind), feed.selector) == ("page", "a.css-xblxli")
    out = await Poller(app).poll_feed(feed.id)
    assert out.status == "ok"
    await feed.refresh_from_db()
    assert len(feed.state["seen"]) == 5  # the baseline holds the list, not the site's menus


async def test_without_a_selector_the_menus_come_too(site: FeedServer) -> None:
    entries = extract_entries(BINANCE.decode(), site.url(PAGE))
    titles = [t for _, t in entries]
    assert all(t in titles for t in RELATED)
    assert "Exchange Blockchain and crypto asset exchange" in titles  # a menu link
    assert len(entries) > 40


async def test_a_selector_matching_nothing_is_refused_with_the_reason(
    app: App, site: FeedServer
) -> None:
    reply = await execute(
        app,
        "feed_add",
        f"{site.url(PAGE)} page selector:ul.announcement-list li",
        await admin_ctx(app),
    )
    assert not reply.ok
    assert "No links match the selector 'ul.announcement-list li'" in reply.text
    assert not await Feed.exists()


# --- (3) pages rendered by JavaScript ------------------------------------------------------


async def test_a_javascript_page_is_refused_at_feed_add(app: App, site: FeedServer) -> None:
    reply = await execute(app, "feed_add", f"{site.url(LIST)} page", await admin_ctx(app))
    assert not reply.ok and "rendered by JavaScript" in reply.text
    assert "use its RSS feed or API instead" in reply.text
    assert not await Feed.exists()


async def test_a_javascript_page_is_flagged_on_its_first_poll(app: App, site: FeedServer) -> None:
    feed = await app.feeds.add(site.url(LIST), kind="page")  # e.g. added over REST
    out = await Poller(app, disable_after=5).poll_feed(feed.id)
    assert out.status == "disabled"
    feed = await Feed.get(id=feed.id)
    assert "rendered by JavaScript" in feed.disabled_reason
    assert feed.last_success_at is None


def test_the_javascript_message_points_to_the_exchange_on_x() -> None:
    message = empty_page_error(DASHBOARD.decode(), "https://www.binance.com" + LIST)
    assert "rendered by JavaScript" in message and "/feed_add @binance" in message


# --- (6) titles are the link's own words ---------------------------------------------------


@pytest.mark.parametrize(
    ("seen", "title"),
    [
        # the title issue 16 quotes from a stored Binance list
        (
            "Binance Will Add Pump.fun (PUMP) for spot trading Published on Nov 11, 2025",
            "Binance Will Add Pump.fun (PUMP) for spot trading",
        ),
        ("Binance Will List SuperRare (RARE) 2021-10-11", "Binance Will List SuperRare (RARE)"),
        ("Launchpool: Farm DAR 2021-10-26 03:30 AM (UTC)", "Launchpool: Farm DAR"),
        ("Notice - 11 Nov 2025", "Notice"),
        # what is not a trailing date stays
        (RELATED[2], RELATED[2]),
        ("Roadmap 2025", "Roadmap 2025"),
        ("2021-10-11", "2021-10-11"),
    ],
)
def test_titles_drop_trailing_dates(seen: str, title: str) -> None:
    assert clean_title(seen) == title


def test_titles_on_the_real_page_are_untouched(site: FeedServer) -> None:
    entries = extract_entries(BINANCE.decode(), site.url(PAGE), "a.css-xblxli")
    assert [t for _, t in entries] == RELATED
