"""Exchange announcement monitors against a local stand-in serving the documented responses.

Every body is the exchange documentation's own response example (tests/data/exchanges,
PROVENANCE.md); the real fetcher, poller, ingestor and scorer run end to end.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.models import Item
from core.monitors.exchanges import EXCHANGES, parse_exchange_query
from core.monitors.scheduler import Poller
from core.monitors.stream import StreamRunner
from core.runtime import App
from tests.conftest import make_settings, opened_app, wait_for
from tests.fakes.exchanges import DATA, FakeExchanges


@pytest.fixture
async def ex() -> AsyncIterator[FakeExchanges]:
    server = FakeExchanges()
    await server.start()
    yield server
    await server.stop()


def _bases(base: str) -> str:
    """Every exchange's API root at the stand-in (Binance's is its WebSocket address)."""
    ws = base.replace("http://", "ws://")
    return ",".join(
        f"{name}={ws}/sapi/wss" if name == "binance" else f"{name}={base}" for name in EXCHANGES
    )


@pytest.fixture
async def exapp(tmp_path: Path, ex: FakeExchanges) -> AsyncIterator[App]:
    settings = make_settings(
        tmp_path,
        EXCHANGE_API_BASES=_bases(ex.base),
        BINANCE_API_KEY=ex.api_key,
        BINANCE_API_SECRET=ex.api_secret,
    )
    async with opened_app(settings) as application:
        yield application


def ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


# exchange, documented request parameters, (guid, title, url, published) of one documented entry
CASES = [
    (
        "okx",
        {"annType": "announcements-new-listings", "page": "1"},
        2,
        (
            "okx:https://www.okx.com/help/okx-to-list-virtuals-protocol-virtual-for-spot-trading",
            "OKX to list Virtuals Protocol (VIRTUAL) for spot trading",
            "https://www.okx.com/help/okx-to-list-virtuals-protocol-virtual-for-spot-trading",
            ms(1761620404821),
        ),
    ),
    (
        "bybit",
        {"locale": "en-US", "type": "new_crypto", "page": "1", "limit": "20"},
        1,
        (
            "bybit:https://announcements.bybit.com/en-US/article/new-listing-arbitrum-arb-deposit-"
            "trade-and-stake-arb-to-share-a-400-000-usdt-prize-pool--bltf662314c211a8616/",
            "New Listing: Arbitrum (ARB) — Deposit, Trade and Stake ARB to Share a 400,000 USDT "
            "Prize Pool!",
            "https://announcements.bybit.com/en-US/article/new-listing-arbitrum-arb-deposit-"
            "trade-and-stake-arb-to-share-a-400-000-usdt-prize-pool--bltf662314c211a8616/",
            ms(1679045608000),
        ),
    ),
    (
        "kucoin",
        {"annType": "new-listings", "lang": "en_US", "currentPage": "1", "pageSize": "20"},
        3,
        (
            "kucoin:128581",
            "NAYM (NAYM) Gets Listed on KuCoin! World Premiere!",
            "https://www.kucoin.com/announcement/en-naym-naym-gets-listed-on-kucoin-world-premiere"
            "?lang=en_US",
            ms(1729497729000),
        ),
    ),
    (
        "bitget",
        {"language": "en_US", "annType": "coin_listings"},
        1,
        (
            "bitget:1",
            "test0629",
            "https://www.bitget.com/zh_CN/support/articles/23685",
            ms(1688008040000),
        ),
    ),
]


@pytest.mark.parametrize(("exchange", "params", "count", "entry"), CASES)
async def test_documented_response_is_read(
    exapp: App, ex: FakeExchanges, exchange: str, params: dict, count: int, entry: tuple
) -> None:
    feed = await exapp.feeds.add(kind="exchange", query=exchange, interval_s=60)
    assert feed.query == f"{exchange}:{EXCHANGES[exchange].default_type}"
    assert feed.url == ex.base + EXCHANGES[exchange].path
    out = await Poller(exapp).poll_feed(feed.id)
    assert out.status == "ok", out.error
    assert out.stats is not None and out.stats.new == count
    assert ex.requests_for(exchange) == [params]
    guid, title, url, published = entry
    item = await Item.get(guid=guid)
    assert (item.title, item.url, item.published_at) == (title, url, published)
    assert item.author == EXCHANGES[exchange].label
    assert item.fetched_at is not None and item.scored_at is not None
    assert item.fetched_at <= item.scored_at
    await feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.last_success_at is not None
    # the same answer again: nothing new (dedup by the exchange's own id or URL)
    again = await Poller(exapp).poll_feed(feed.id)
    assert again.stats is not None and again.stats.new == 0


async def test_okx_is_asked_in_english(exapp: App, ex: FakeExchanges) -> None:
    okx = await exapp.feeds.add(kind="exchange", query="okx")
    await Poller(exapp).poll_feed(okx.id)
    _, _, headers = ex.requests[-1]
    assert headers.get("Accept-Language") == "en-US"


@pytest.mark.parametrize(
    ("exchange", "body", "words", "waits"),
    [
        ("okx", {"code": "50011", "msg": "Rate limit reached", "data": []}, "code 50011", True),
        ("okx", {"code": "51000", "msg": "Parameter annType error", "data": []}, "51000", False),
        ("bybit", {"retCode": 10001, "retMsg": "params error", "result": {}}, "10001", False),
        ("kucoin", {"code": "429000", "msg": "Too Many Requests"}, "429000", True),
        ("bitget", {"code": "40034", "msg": "param error"}, "40034", False),
        ("bybit", {"unexpected": True}, "without a retCode", False),
    ],
)
async def test_error_envelopes_fail_the_poll_saying_why(
    exapp: App, ex: FakeExchanges, exchange: str, body: dict, words: str, waits: bool
) -> None:
    feed = await exapp.feeds.add(kind="exchange", query=exchange)
    ex.queued(exchange, 200, body)
    before = datetime.now(UTC)
    out = await Poller(exapp).poll_feed(feed.id)
    assert out.status == "failed" and words in (out.error or "")
    await feed.refresh_from_db()
    assert feed.consecutive_failures == 1 and words in (feed.last_error or "")
    assert feed.enabled  # an exchange's bad day never disables the feed at once
    if waits:  # a rate-limit answer holds the whole host, as Retry-After does
        assert await exapp.kv.get("host-wait:127.0.0.1") is not None
        assert feed.next_poll_at is not None and feed.next_poll_at < before + timedelta(minutes=1)


async def test_http_429_retry_after_holds_the_host(exapp: App, ex: FakeExchanges) -> None:
    okx = await exapp.feeds.add(kind="exchange", query="okx")
    bybit = await exapp.feeds.add(kind="exchange", query="bybit")
    ex.queued("okx", 429, b"{}", **{"Retry-After": "40"})
    poller = Poller(exapp)
    before = datetime.now(UTC)
    out = await poller.poll_feed(okx.id)
    assert out.status == "failed" and "429" in (out.error or "")
    await okx.refresh_from_db()
    assert okx.next_poll_at is not None and okx.next_poll_at >= before + timedelta(seconds=39)
    # every exchange here shares the host 127.0.0.1: the wait applies to all of them
    waiting = await poller.poll_feed(bybit.id)
    assert waiting.status == "waiting"
    assert ex.requests_for("bybit") == []


async def test_not_json_is_a_failure_not_a_crash(exapp: App, ex: FakeExchanges) -> None:
    feed = await exapp.feeds.add(kind="exchange", query="bitget")
    ex.queued("bitget", 200, b"<html>maintenance</html>")
    out = await Poller(exapp).poll_feed(feed.id)
    assert out.status == "failed" and "not JSON" in (out.error or "")


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("mtgox", "unknown exchange 'mtgox'"),
        ("okx:listings", "OKX has no announcement category 'listings'"),
        ("", "unknown exchange"),
        ("bybit:new_crypto;drop", "no announcement category"),
    ],
)
async def test_bad_exchange_queries_are_refused(exapp: App, query: str, words: str) -> None:
    with pytest.raises(InvalidInput) as err:
        await exapp.feeds.add(kind="exchange", query=query)
    assert words in err.value.message and err.value.field == "query"


async def test_interval_floor_is_the_documented_rate_limit(exapp: App) -> None:
    # OKX allows 5 requests per 2 s: a 1 s feed is within it; Kucoin's 100 per 30 s is not
    feed = await exapp.feeds.add(kind="exchange", query="okx", interval_s=1)
    assert feed.interval_s == 1
    with pytest.raises(InvalidInput) as err:
        await exapp.feeds.add(kind="exchange", query="kucoin", interval_s=0)
    assert "between 1 and" in err.value.message
    with pytest.raises(InvalidInput):
        await exapp.feeds.add(kind="rss", url="http://127.0.0.1:1/feed", interval_s=5)
    assert parse_exchange_query("OKX")[1] == "announcements-new-listings"


async def test_duplicate_exchange_category_is_a_conflict(exapp: App) -> None:
    from core.errors import Conflict

    await exapp.feeds.add(kind="exchange", query="bybit:new_crypto")
    with pytest.raises(Conflict):
        await exapp.feeds.add(kind="exchange", query="bybit")


async def test_binance_stream_ingests_pushed_announcements(exapp: App, ex: FakeExchanges) -> None:
    feed = await exapp.feeds.add(kind="exchange", query="binance")
    # the poller leaves a streaming feed alone
    out = await Poller(exapp).poll_feed(feed.id)
    assert out.status == "skipped"
    runner = StreamRunner(exapp, scan_s=0.05)
    await runner.start()
    try:
        await wait_for(lambda: ex.ws_connects, within_s=5)
        query = ex.ws_connects[0]
        assert query["topic"] == "com_announcement_en" and int(query["recvWindow"]) <= 60000
        assert ex.signature_ok(query)
        await ex.frames.put((DATA / "binance_ws_frame.json").read_text())
        pushed = {
            "type": "DATA",
            "topic": "com_announcement_en",
            "data": json.dumps(
                {
                    "catalogId": 48,
                    "catalogName": "New Cryptocurrency Listing",
                    "publishDate": int(datetime.now(UTC).timestamp() * 1000),
                    "title": "Binance Will List Lido DAO (LDO)",
                    "body": "Binance will list Lido DAO (LDO) and open trading.",
                }
            ),
        }
        await ex.frames.put(json.dumps(pushed))
        await ex.frames.put(json.dumps({"type": "COMMAND", "data": "SUCCESS"}))

        async def two_items() -> bool:
            return await Item.filter(feed_id=feed.id).count() == 2

        for _ in range(200):
            if await two_items():
                break
            await asyncio.sleep(0.025)
        assert await two_items()
        doc = await Item.get(feed_id=feed.id, title="Notice of...")
        assert doc.published_at == ms(1753257631403) and doc.author == "Binance"
        assert "Delisting" in doc.text
        await feed.refresh_from_db()
        assert feed.last_success_at is not None and feed.consecutive_failures == 0
    finally:
        await runner.stop()


async def test_binance_refused_key_disables_the_feed_saying_why(
    tmp_path: Path, ex: FakeExchanges
) -> None:
    settings = make_settings(
        tmp_path,
        EXCHANGE_API_BASES=_bases(ex.base),
        BINANCE_API_KEY=ex.api_key,
        BINANCE_API_SECRET="not-the-secret",
    )
    async with opened_app(settings) as application:
        feed = await application.feeds.add(kind="exchange", query="binance")
        runner = StreamRunner(application, scan_s=0.05)
        await runner.start()
        try:
            for _ in range(200):
                await feed.refresh_from_db()
                if not feed.enabled:
                    break
                await asyncio.sleep(0.025)
            assert not feed.enabled
            assert "Binance refused the API key (HTTP 401)" in (feed.disabled_reason or "")
        finally:
            await runner.stop()


async def test_exchange_feed_over_rest(exapp: App) -> None:
    from tests.web_helpers import assert_error, make_user, serve

    admin = await make_user(exapp, "root", role="admin")
    client = await serve(exapp)
    try:
        resp = await client.post(
            "/feeds",
            json={"kind": "exchange", "query": "bybit", "interval_s": 5},
            headers=admin.headers,
        )
        assert resp.status == 201, await resp.text()
        body = await resp.json()
        assert body["kind"] == "exchange" and body["interval_s"] == 5
        assert body["name"] == "Bybit announcements (new_crypto)"
        resp = await client.post(
            "/feeds", json={"kind": "exchange", "query": "mtgox"}, headers=admin.headers
        )
        assert resp.status == 422
        assert_error(await resp.json(), "invalid", "query")
    finally:
        await client.close()
