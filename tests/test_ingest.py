"""Dedup across sources and the hand-off to scoring and alerts."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

import pytest

from core.models import Alert, Item, ItemSource
from core.monitors.base import RawItem
from core.monitors.dedup import canonical_url, title_fingerprint
from core.monitors.ingest import Ingestor
from core.monitors.scheduler import Poller
from core.runtime import App
from tests.fakes.feeds import FeedServer


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://News.Example.com/a/?utm_source=x&utm_medium=rss", "https://news.example.com/a"),
        ("http://www.example.com/a#comments", "https://example.com/a/"),
        ("https://example.com/a?b=2&a=1&fbclid=zz", "https://example.com/a?a=1&b=2"),
        ("https://example.com:443/a", "https://example.com/a"),
    ],
)
def test_canonical_url_equal(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


def test_canonical_url_distinct() -> None:
    assert canonical_url("https://example.com/a?id=1") != canonical_url(
        "https://example.com/a?id=2"
    )
    assert canonical_url("https://example.com/a") != canonical_url("https://example.org/a")
    assert canonical_url("") == ""


def test_title_fingerprint() -> None:
    a = title_fingerprint("Lighter Launches LIT Token: Airdrop Claims Open Today!")
    b = title_fingerprint("lighter launches the LIT token — airdrop claims open today")
    assert a and a == b
    assert title_fingerprint("Breaking news") == ""  # too short to identify a story
    assert a != title_fingerprint("Lighter launches LIT token airdrop claims open tomorrow")


def rss(items: list[tuple[str, str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{g}</guid></item>"
        for g, link, t in items
    )
    return f"<rss version='2.0'><channel><title>x</title>{body}</channel></rss>"


async def test_same_story_from_two_feeds_is_one_item(app: App, server: FeedServer) -> None:
    await _two_feeds_one_story(app, server)


async def test_same_story_from_two_feeds_on_postgres(pg_app: App, server: FeedServer) -> None:
    await _two_feeds_one_story(pg_app, server)


async def _two_feeds_one_story(app: App, server: FeedServer) -> None:
    await app.companies.create("Lighter", tokens=["LIT"])
    title = "Lighter announces LIT token generation event and airdrop claim on March 3"
    server.set(
        "/a",
        rss(
            [
                ("a-1", "https://news.example.com/lit-tge?utm_source=rss", title),
                ("a-2", "https://news.example.com/other", "Markets drift lower on a quiet day"),
            ]
        ),
    )
    server.set(
        "/b",
        rss(
            [
                # same URL once canonicalised, different guid
                ("b-9", "https://NEWS.example.com/lit-tge/#top", "Lighter's TGE is coming"),
                # a near-identical title at another URL
                ("b-10", "https://mirror.example.org/x", title.upper() + "!"),
            ]
        ),
    )
    poller = Poller(app)
    feed_a = await app.feeds.add(server.url("/a"))
    feed_b = await app.feeds.add(server.url("/b"))
    out_a = await poller.poll_feed(feed_a.id)
    out_b = await poller.poll_feed(feed_b.id)
    assert out_a.stats and (out_a.stats.new, len(out_a.stats.alerts)) == (2, 1)
    assert out_b.stats and (out_b.stats.new, out_b.stats.corroborated) == (0, 2)

    items = await Item.all().order_by("id")
    assert len(items) == 2
    story = items[0]
    assert story.source_count == 3
    sources = await ItemSource.filter(item=story).order_by("id").values_list("feed_id", "guid")
    assert sources == [(feed_a.id, "a-1"), (feed_b.id, "b-9"), (feed_b.id, "b-10")]
    # one alert for the story, not one per source
    assert await Alert.all().count() == 1
    alert = await Alert.first()
    assert alert.item_id == story.id and alert.confidence >= app.settings.alert_threshold
    assert alert.analysis["companies"][0]["name"] == "Lighter"

    # polling both again changes nothing
    server.set("/a", rss([("a-1", "https://news.example.com/lit-tge", title)]))
    for feed in (feed_a, feed_b):
        out = await poller.poll_feed(feed.id)
        assert out.stats and out.stats.new + out.stats.corroborated == 0
    await story.refresh_from_db()
    assert story.source_count == 3


async def test_below_threshold_is_stored_not_alerted(app: App) -> None:
    ingestor = Ingestor(app)
    stats = await ingestor.ingest(
        None, [RawItem(guid="g1", title="Bitcoin price drifts lower in quiet trade", url="")]
    )
    assert (stats.new, len(stats.alerts)) == (1, 0)
    assert await Item.all().count() == 1 and await Alert.all().count() == 0
    again = await ingestor.ingest(None, [RawItem(guid="g1", title="changed title")])
    assert (again.new, again.duplicates) == (0, 1)


async def test_batch_duplicates_and_hostile_sizes(app: App) -> None:
    big = "x" * 100_000
    stats = await Ingestor(app).ingest(
        None,
        [
            RawItem(guid="same", title="First headline of the batch"),
            RawItem(guid="same", title="First headline of the batch"),
            RawItem(guid="g" * 2000, title=big, text=big * 5, url="https://e.com/" + big),
        ],
    )
    assert (stats.new, stats.duplicates) == (2, 1)
    long_one = await Item.filter(guid__startswith="ggg").first()
    assert len(long_one.guid) == 512 and len(long_one.title) == 1000
    assert len(long_one.text) == 20_000


async def test_fallback_alert_store_without_alert_service(app: App) -> None:
    await app.companies.create("Lighter", tokens=["LIT"])
    app.alerts = None  # type: ignore[assignment]  # the pre-pipeline fallback path
    stats = await Ingestor(app).ingest(
        None,
        [
            RawItem(
                guid="t1",
                title="Lighter token generation event: LIT airdrop claim opens March 3",
                url="https://news.example.com/lit",
            )
        ],
    )
    assert len(stats.alerts) == 1
    alert = await Alert.first().prefetch_related("companies")
    assert alert.source == "news.example.com"
    assert [c.name for c in alert.companies] == ["Lighter"]


REFUSE_ALERTS = {
    "sqlite": [
        "CREATE TRIGGER refuse_alerts BEFORE INSERT ON alerts "
        "BEGIN SELECT RAISE(ABORT, 'alerts refused'); END"
    ],
    "postgres": [
        "CREATE FUNCTION refuse_alerts() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'alerts refused'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse_alerts BEFORE INSERT ON alerts "
        "FOR EACH ROW EXECUTE FUNCTION refuse_alerts()",
    ],
}


async def test_an_alert_the_database_refuses_keeps_nothing_of_its_item(
    app: App, caplog: pytest.LogCaptureFixture
) -> None:
    await _alert_refused(app, caplog)


async def test_an_alert_the_database_refuses_keeps_nothing_of_its_item_on_postgres(
    pg_app: App, caplog: pytest.LogCaptureFixture
) -> None:
    await _alert_refused(pg_app, caplog)


async def _alert_refused(app: App, caplog: pytest.LogCaptureFixture) -> None:
    """The real database refuses the alert row (a trigger): the item is not kept as seen
    without it, as it was (stored, then skipped as known by every later try: never alerted).
    Nothing of it is committed or announced, the rest of the batch is stored, and once the
    database takes alerts again the item is alerted exactly once."""
    from tortoise import connections

    from core.models import Delivery, Feed
    from tests.test_delivery_kit import destination, subscribe, user

    await app.companies.create("Lighter", tokens=["LIT"])
    owner = await user("chat")
    await subscribe(owner, await destination(owner, "telegram", "100001"))
    announced: list[int] = []
    app.alerts.on_created(lambda alert: announced.append(alert.id))
    feed = await Feed.create(kind="rss", url="https://news.example.com/feed", name="news")
    title = "Lighter announces LIT token generation event and airdrop claim on March 3"
    batch = [
        RawItem(guid="lit", title=title, url="https://news.example.com/lit-tge"),
        RawItem(guid="quiet", title="Markets drift lower on a quiet day", url=""),
    ]
    client = connections.get("default")
    dialect = client.capabilities.dialect
    for statement in REFUSE_ALERTS[dialect]:
        await client.execute_script(statement)
    ingestor = Ingestor(app)

    refused = await ingestor.ingest(feed, batch)
    assert (refused.new, refused.failed, len(refused.alerts)) == (1, 1, 0)
    assert await Item.all().values_list("guid", flat=True) == ["quiet"]
    assert await ItemSource.all().values_list("guid", flat=True) == ["quiet"]
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        f"feed {feed.id}: entry 'lit' could not be stored and alerted"
    ]

    await client.execute_script(
        "DROP TRIGGER refuse_alerts" + (" ON alerts" * (dialect == "postgres"))
    )
    again = await ingestor.ingest(feed, batch)
    assert (again.new, again.duplicates, len(again.alerts)) == (1, 1, 1)
    third = await ingestor.ingest(feed, batch)
    assert (third.new, third.duplicates, len(third.alerts)) == (0, 2, 0)
    alert = await Alert.get(item__guid="lit")
    assert await Delivery.filter(alert_id=alert.id).count() == 1
    assert await Alert.all().count() == 1
    assert announced == [alert.id]


async def test_after_commit_waits_for_the_outermost_commit(app: App) -> None:
    """What `after_commit` is given runs once the outermost transaction commits: at once
    outside one, never when the transaction (or the savepoint that asked) rolls back."""
    from core.db import after_commit, transaction

    ran: list[str] = []

    def note(what: str) -> Callable[[], Awaitable[None]]:
        async def action() -> None:
            ran.append(what)

        return action

    await after_commit(note("outside"))
    assert ran == ["outside"]
    async with transaction():
        await after_commit(note("outer"))
        async with transaction():
            await after_commit(note("inner"))
        with contextlib.suppress(ValueError):
            async with transaction():
                await after_commit(note("rolled-back savepoint"))
                raise ValueError
        assert ran == ["outside"]
    assert ran == ["outside", "outer", "inner"]
    with contextlib.suppress(ValueError):
        async with transaction():
            await after_commit(note("rolled back"))
            raise ValueError
    assert ran == ["outside", "outer", "inner"]
