"""RSS/Atom monitoring end to end: local HTTP server → SafeFetcher → parser → poller health."""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime
from html import escape

import pytest

from core.bundled import FEEDS_DIR
from core.models import Feed, Item, ItemSource
from core.monitors.rss import parse_feed
from core.monitors.scheduler import Poller
from core.runtime import App
from tests.fakes.feeds import FeedServer, Spec


def rss(*items: tuple[str, str, str], guid: bool = True) -> str:
    """items: (id, title, description)."""
    parts = []
    for iid, title, desc in items:
        g = f"<guid>{iid}</guid>" if guid else ""
        parts.append(
            f"<item><title>{escape(title)}</title><link>https://news.example.com/{iid}</link>"
            f"{g}<description>{escape(desc)}</description>"
            "<pubDate>Mon, 02 Feb 2026 07:32:40 +0000</pubDate></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        + "".join(parts)
        + "</channel></rss>"
    )


@pytest.fixture
def poller(app: App) -> Poller:
    return Poller(app, backoff_base_s=10, disable_after=3, jitter=0, seed=1)


async def test_conditional_get_and_304(app: App, server: FeedServer, poller: Poller) -> None:
    server.set(
        "/feed",
        rss(("a", "Alpha story headline here", "x"), ("b", "Beta story headline here", "y")),
        etag='"v1"',
        last_modified="Mon, 02 Feb 2026 07:32:40 GMT",
    )
    feed = await app.feeds.add(server.url("/feed"))
    first = await poller.poll_feed(feed.id)
    assert first.status == "ok" and first.stats and first.stats.new == 2
    await feed.refresh_from_db()
    assert feed.etag == '"v1"' and feed.last_modified.startswith("Mon, 02 Feb")
    assert feed.last_success_at and feed.next_poll_at and feed.consecutive_failures == 0

    second = await poller.poll_feed(feed.id)
    assert second.status == "not_modified"
    headers = server.requests[-1][1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Mon, 02 Feb 2026 07:32:40 GMT"
    assert await Item.all().count() == 2

    # the feed changes: only the new entry is processed (guid dedup)
    server.set(
        "/feed",
        rss(("c", "Gamma story headline here", "z"), ("a", "Alpha story headline here", "x")),
        etag='"v2"',
    )
    third = await poller.poll_feed(feed.id)
    assert third.stats and (third.stats.new, third.stats.duplicates) == (1, 1)
    assert await Item.all().count() == 3
    await feed.refresh_from_db()
    assert feed.etag == '"v2"' and feed.items_seen == 3


async def test_retry_after_is_per_host(app: App, server: FeedServer, poller: Poller) -> None:
    server.set("/limited", status=429, headers={"Retry-After": "120"})
    server.set("/other", rss(("a", "Alpha story headline here", "x")))
    limited = await app.feeds.add(server.url("/limited"))
    other = await app.feeds.add(server.url("/other"))
    before = datetime.now(UTC)
    out = await poller.poll_feed(limited.id)
    assert out.status == "failed"
    await limited.refresh_from_db()
    wait = (limited.next_poll_at - before).total_seconds()
    assert 118 <= wait <= 122
    assert limited.enabled and limited.last_error == "HTTP 429"
    # same host: not contacted while the wait lasts
    out = await poller.poll_feed(other.id)
    assert out.status == "waiting"
    assert server.count("/other") == 0
    await other.refresh_from_db()
    assert (other.next_poll_at - before).total_seconds() >= 118


async def test_transient_errors_back_off_exponentially(
    app: App, server: FeedServer, poller: Poller
) -> None:
    server.set("/flaky", status=503)  # no Retry-After: a plain server error
    feed = await app.feeds.add(server.url("/flaky"), interval_s=30)
    delays = []
    for _ in range(6):
        before = datetime.now(UTC)
        out = await poller.poll_feed(feed.id)
        assert out.status == "failed"
        await feed.refresh_from_db()
        delays.append(round((feed.next_poll_at - before).total_seconds()))
    assert delays == [30, 30, 40, 80, 160, 320]
    assert feed.enabled and feed.consecutive_failures == 6  # transient: never auto-disabled
    poller.max_backoff_s = 100
    await poller.poll_feed(feed.id)
    await feed.refresh_from_db()
    assert (feed.next_poll_at - datetime.now(UTC)).total_seconds() <= 100
    # recovery resets the health
    server.set("/flaky", rss(("a", "Alpha story headline here", "x")))
    assert (await poller.poll_feed(feed.id)).status == "ok"
    await feed.refresh_from_db()
    assert feed.consecutive_failures == 0 and feed.last_error is None


@pytest.mark.parametrize("status", [404, 410, 401, 403])
async def test_permanent_errors_auto_disable_and_reenable(
    app: App, server: FeedServer, poller: Poller, status: int
) -> None:
    server.set("/gone", status=status)
    feed = await app.feeds.add(server.url("/gone"))
    outcomes = [(await poller.poll_feed(feed.id)).status for _ in range(3)]
    assert outcomes == ["failed", "failed", "disabled"]
    await feed.refresh_from_db()
    assert not feed.enabled
    assert feed.disabled_reason == f"disabled after 3 failures in a row: HTTP {status}"
    assert (await poller.poll_feed(feed.id)).status == "disabled"
    assert server.count("/gone") == 3
    assert feed.id not in [f.id for f in await poller.due_feeds()]
    health = await app.feeds.status()
    assert health["disabled"] == 1 and health["attention"][0]["disabled_reason"]

    server.set("/gone", rss(("a", "Alpha story headline here", "x")))
    feed = await app.feeds.set_enabled(feed.id, True)
    assert feed.enabled and feed.disabled_reason is None and feed.consecutive_failures == 0
    assert (await poller.poll_feed(feed.id)).status == "ok"


async def test_dns_failure_counts_toward_disable(app: App, poller: Poller) -> None:
    feed = await Feed.create(kind="rss", url="http://does-not-exist.invalid/feed")
    for _ in range(3):
        await poller.poll_feed(feed.id)
    await feed.refresh_from_db()
    assert not feed.enabled and "does not resolve" in feed.disabled_reason


async def test_a_success_breaks_the_permanent_streak(
    app: App, server: FeedServer, poller: Poller
) -> None:
    good = rss(("a", "Alpha story headline here", "x"))
    server.sequence(
        "/blip",
        [Spec(status=404), Spec(status=404), Spec(body=good.encode()), Spec(status=404)],
    )
    feed = await app.feeds.add(server.url("/blip"))
    statuses = [(await poller.poll_feed(feed.id)).status for _ in range(5)]
    assert statuses == ["failed", "failed", "ok", "failed", "failed"]
    await feed.refresh_from_db()
    assert feed.enabled


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><guid>1</guid></item></channel></rss>"""


async def test_hostile_feeds(app: App, server: FeedServer, poller: Poller) -> None:
    server.set("/laughs", BILLION_LAUGHS)
    server.set("/huge", b"<rss>" + b"A" * 3_000_000)
    server.set(
        "/bomb",
        gzip.compress(b"<rss>" + b" " * 30_000_000),
        headers={"Content-Encoding": "gzip"},
    )
    server.set("/html", "<html><body><p>Just a page, no feed here</p></body></html>")
    app.fetcher.max_bytes = 1_000_000
    expected = {
        "/laughs": "declares XML entities",
        "/huge": "byte cap",
        "/bomb": "byte cap",
        "/html": "parse error",
    }
    for path, reason in expected.items():
        feed = await app.feeds.add(server.url(path))
        started = time.monotonic()
        out = await poller.poll_feed(feed.id)
        assert time.monotonic() - started < 3, path
        assert out.status == "failed", path
        await feed.refresh_from_db()
        assert reason in feed.last_error, (path, feed.last_error)
    assert await Item.all().count() == 0


async def test_malformed_bozo_feed_still_yields_entries(
    app: App, server: FeedServer, poller: Poller
) -> None:
    broken = (
        "<rss version='2.0'><channel><title>Broken & co</title>"
        "<item><title>Lighter announces LIT token airdrop & claim</title>"
        "<link>https://news.example.com/lit</link>"
        "<description><b>bold</b> text with <script>alert(1)</script> & a bare ampersand"
        "</description></item>"
        "<item><title>Second entry without a guid</title>"
        "<link>https://news.example.com/two</link></item>"
    )  # no closing tags, bare '&': not well-formed XML
    server.set("/broken", broken)
    feed = await app.feeds.add(server.url("/broken"))
    out = await poller.poll_feed(feed.id)
    assert out.status == "ok" and out.stats and out.stats.new == 2
    items = await Item.all().order_by("id")
    assert items[0].title == "Lighter announces LIT token airdrop & claim"
    assert "<" not in items[0].text and "alert(1)" not in items[0].text
    assert "bold text with" in items[0].text
    assert items[1].guid == "https://news.example.com/two"  # guid falls back to the link


def test_parse_atom_and_rss1() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
    <entry><title type="html">Foo &lt;i&gt;launches&lt;/i&gt; token</title>
    <link rel="alternate" href="https://a.example/1"/><id>tag:a,1</id>
    <updated>2026-02-01T10:00:00Z</updated><summary>Sum</summary></entry></feed>"""
    parsed = parse_feed(atom)
    item = parsed.items[0]
    assert (item.guid, item.url, item.title, item.text) == (
        "tag:a,1",
        "https://a.example/1",
        "Foo launches token",
        "Sum",
    )
    assert item.published == datetime(2026, 2, 1, 10, tzinfo=UTC)
    rdf = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns="http://purl.org/rss/1.0/"><item rdf:about="https://b.example/2">
    <title>RDF item</title><link>https://b.example/2</link></item></rdf:RDF>"""
    assert parse_feed(rdf).items[0].guid == "https://b.example/2"


async def test_bundled_real_feeds(app: App, server: FeedServer, poller: Poller) -> None:
    paths = server.serve_dir(FEEDS_DIR)
    expected = 0
    for path in paths:
        await app.feeds.add(server.url(path), name=path)
        expected += len(parse_feed((FEEDS_DIR / path.split("/")[-1]).read_bytes()).items)
    outcomes = await poller.poll_due()
    assert {o.status for o in outcomes} == {"ok"}
    seen = sum(o.stats.seen for o in outcomes if o.stats)
    assert seen == expected >= 80
    # re-polling stores nothing new
    for feed in await Feed.all():
        feed.next_poll_at = None
        await feed.save()
    again = await poller.poll_due()
    assert sum(o.stats.new + o.stats.corroborated for o in again if o.stats) == 0
    assert await ItemSource.all().count() == await Item.all().count() + sum(
        o.stats.corroborated for o in outcomes if o.stats
    )


async def test_relative_links_resolve_against_the_feed_address(
    app: App, server: FeedServer, poller: Poller
) -> None:
    """Through the poller: a relative <link> and a permalink guid become absolute addresses."""
    server.set(
        "/blog/feed.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>Relative link story headline</title><link>../news/1</link></item>"
        "<item><title>Permalink guid story headline</title><guid>/news/2</guid></item>"
        "</channel></rss>",
    )
    feed = await app.feeds.add(server.url("/blog/feed.xml"))
    out = await poller.poll_feed(feed.id)
    assert out.status == "ok" and out.stats and out.stats.new == 2
    urls = [i.url for i in await Item.all().order_by("id")]
    assert urls == [server.url("/news/1"), server.url("/news/2")]
