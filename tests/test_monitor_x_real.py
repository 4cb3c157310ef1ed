"""The X monitor on recorded X API bodies (tests/data/x, provenance in its README).

Each test names the defect of issue 16 it guards: (1) what a post says, (2) handles,
(4) errors in X's own words, (5) since_id from the first page.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.commands import execute
from core.models import Feed, Item, Role
from core.monitors.scheduler import Poller
from core.runtime import App
from tests.conftest import make_settings, opened_app
from tests.fakes.feeds import FeedServer, x_body
from tests.test_commands import ctx_for

SEARCH = "/2/tweets/search/recent"
BINANCE_ID = "877807935493033984"
JSON = {"Content-Type": "application/json; charset=utf-8"}


@pytest.fixture
async def api() -> AsyncIterator[FeedServer]:
    """A local X API answering with recorded bodies."""
    server = FeedServer()
    server.set(
        "/2/users/by/username/binance",
        x_body("assembled_users_by_username_binance.json"),
        headers=JSON,
    )
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def xapp(tmp_path: Path, api: FeedServer) -> AsyncIterator[App]:
    settings = make_settings(
        tmp_path, TWITTER_API_BASE=api.url("").rstrip("/"), TWITTER_BEARER_TOKEN="test-bearer"
    )
    async with opened_app(settings) as application:
        yield application


async def poll(app: App, feed: Feed, **kw: int) -> object:
    poller = Poller(app, **kw)
    try:
        return await poller.poll_feed(feed.id)
    finally:
        await poller.twitter.close()


def queries(api: FeedServer, path: str) -> list[dict[str, str]]:
    return [q for p, q in api.queries if p == path]


# --- (1) what a post says ------------------------------------------------------------------


async def test_long_post_is_read_whole_and_the_news_fields_are_requested(
    xapp: App, api: FeedServer
) -> None:
    api.set(SEARCH, x_body("assembled_note_tweet_gurudev.json"), headers=JSON)
    feed = await xapp.feeds.add(kind="twitter", query="search:Naxalites")
    out = await poll(xapp, feed)
    assert out.status == "ok", out.error
    sent = queries(api, SEARCH)[0]
    fields = set(sent["tweet.fields"].split(","))
    assert {"note_tweet", "entities", "referenced_tweets", "attachments"} <= fields
    assert {"author_id", "referenced_tweets.id"} <= set(sent["expansions"].split(","))
    item = await Item.get(guid="x:1979249076425363763")
    assert item.text.endswith("@AmitShah for this commendable achievement.")
    assert "…" not in item.text


@pytest.mark.parametrize(
    ("body", "guid", "link", "author"),
    [
        (
            "docs_tweet.json",
            "x:1307025659294674945",
            "https://dev.to/twitterdev/understanding-the-new-tweet-payload-in-the-twitter-api-v2-1fg5",
            "@TwitterDev",
        ),
        (
            "docs_extended_tweet.json",
            "x:1296121314218897408",
            "https://devcommunity.x.com/t/hide-replies-now-available-in-the-new-twitter-api/140996",
            "@TwitterDev",
        ),
    ],
)
async def test_tco_links_become_the_address_they_stand_for(
    xapp: App, api: FeedServer, body: str, guid: str, link: str, author: str
) -> None:
    api.set(SEARCH, x_body(body), headers=JSON)
    feed = await xapp.feeds.add(kind="twitter", query="search:from:TwitterDev")
    assert (await poll(xapp, feed)).status == "ok"
    item = await Item.get(guid=guid)
    assert link in item.text and "t.co/" not in item.text
    assert item.author == author and item.url.startswith("https://x.com/TwitterDev/status/")


async def test_retweets_are_skipped_by_default(xapp: App, api: FeedServer) -> None:
    api.set(SEARCH, x_body("docs_retweet.json"), headers=JSON)
    feed = await xapp.feeds.add(kind="twitter", query="search:Alexa")
    out = await poll(xapp, feed)
    assert out.status == "ok" and out.stats and out.stats.seen == 0
    assert not await Item.exists()


@pytest.mark.parametrize(
    ("body", "original", "author"),
    [
        ("docs_retweet.json", "1229843515603144704", "suhemparack"),
        ("docs_retweeted_quote.json", "1224709550214873090", "AureliaSpecker"),
    ],
)
async def test_retweets_can_be_credited_to_the_original_author(
    xapp: App, api: FeedServer, body: str, original: str, author: str
) -> None:
    api.set(SEARCH, x_body(body), headers=JSON)
    feed = await xapp.feeds.add(kind="twitter", query="search:tutorial", retweets="attribute")
    assert (await poll(xapp, feed)).status == "ok"
    item = await Item.get()
    assert item.guid == f"x:{original}" and item.author == f"@{author}"
    assert item.url == f"https://x.com/{author}/status/{original}"
    assert not item.text.startswith("RT @")
    recorded = json.loads(x_body(body))["includes"]["tweets"][0]["text"]
    assert item.text.startswith(" ".join(recorded.split())[:40])


async def test_a_quote_carries_the_quoted_post(xapp: App, api: FeedServer) -> None:
    api.set(SEARCH, x_body("docs_quote.json"), headers=JSON)
    feed = await xapp.feeds.add(kind="twitter", query="search:Labs")
    assert (await poll(xapp, feed)).status == "ok"
    item = await Item.get(guid="x:1328399838128467969")
    assert "https://x.com/TwitterDev/status/1327011423252144128" in item.text
    assert "Quoting @TwitterDev: 👋 Friendly reminder" in item.text


async def test_html_entities_are_unescaped(xapp: App, api: FeedServer) -> None:
    api.set(SEARCH, x_body("tweepy_home_timeline.json"), headers=JSON)
    feed = await xapp.feeds.add(kind="twitter", query="search:trivia")
    out = await poll(xapp, feed, backoff_base_s=1)
    assert out.status == "ok" and out.stats and out.stats.new >= 90
    item = await Item.get(guid="x:1578095129495482369")
    assert "So @alanbenlee @snowman & I are testing" in item.text
    assert not await Item.filter(text__contains="&amp;").exists()


# --- (2) handles ---------------------------------------------------------------------------


async def admin_ctx(app: App):  # type: ignore[no-untyped-def]
    ctx = await ctx_for(app, 77)
    ctx.user.role = Role.ADMIN
    await ctx.user.save()
    return ctx


async def test_feed_add_at_binance_creates_its_timeline_feed(xapp: App, api: FeedServer) -> None:
    api.set(
        f"/2/users/{BINANCE_ID}/tweets", x_body("tweepy_users_783214_tweets.json"), headers=JSON
    )
    reply = await execute(xapp, "feed_add", "@binance", await admin_ctx(xapp))
    assert reply.ok, reply.text
    assert f"posts by @binance (id {BINANCE_ID}) on X" in reply.text
    feed = await Feed.get()
    assert (str(feed.kind), feed.query) == ("twitter", "user:binance")
    assert feed.state["user_id"] == BINANCE_ID
    for _ in range(2):
        assert (await poll(xapp, feed)).status == "ok"
        await feed.refresh_from_db()
    # resolved once, at /feed_add; every poll reads the timeline by id
    assert len(queries(api, "/2/users/by/username/binance")) == 1
    firsts = [
        q for q in queries(api, f"/2/users/{BINANCE_ID}/tweets") if "pagination_token" not in q
    ]
    assert len(firsts) == 2 and firsts[1]["since_id"] == "1577730467436138524"
    assert await Item.filter(guid="x:1577730467436138524").exists()


@pytest.mark.parametrize(
    "typed",
    [
        "@binance",
        "user:binance",
        "user:@binance",
        "x.com/binance",
        "https://twitter.com/binance",
        "https://x.com/Binance/status/1577730467436138524",
        "binance twitter",
        "@BINANCE twitter",
    ],
)
async def test_every_accepted_form_means_the_timeline(
    xapp: App, api: FeedServer, typed: str
) -> None:
    reply = await execute(xapp, "feed_add", typed, await admin_ctx(xapp))
    assert reply.ok, reply.text
    feed = await Feed.get()
    assert feed.query == "user:binance" and feed.state["user_id"] == BINANCE_ID


async def test_a_search_is_only_search_and_says_so(xapp: App, api: FeedServer) -> None:
    ctx = await admin_ctx(xapp)
    reply = await execute(xapp, "feed_add", '"search:token generation event"', ctx)
    assert reply.ok and "X search for 'token generation event'" in reply.text
    assert "a search because it starts with search:" in reply.text
    assert (await Feed.get()).query == "search:token generation event"
    reply = await execute(xapp, "feed_add", '"token generation event" twitter', ctx)
    assert not reply.ok and "search:<query>" in reply.text
    assert await Feed.all().count() == 1


async def test_unknown_handle_is_refused_with_xs_answer(xapp: App, api: FeedServer) -> None:
    # X's documented answer for a missing account: a 200 whose body is only `errors`
    api.set("/2/users/by/username/nobody_here", x_body("error_200_user_not_found.json"))
    reply = await execute(xapp, "feed_add", "@nobody_here", await admin_ctx(xapp))
    assert not reply.ok and "the account @nobody_here" in reply.text
    assert "Could not find user with username" in reply.text
    assert not await Feed.exists()


async def test_handle_stored_before_resolution_resolves_on_first_poll(
    xapp: App, api: FeedServer
) -> None:
    # a feed saved by the old code (`user:<handle>` failed forever with HTTP 400)
    feed = await Feed.create(kind="twitter", query="user:binance", name="old")
    api.set(
        f"/2/users/{BINANCE_ID}/tweets", x_body("tweepy_users_783214_tweets.json"), headers=JSON
    )
    assert (await poll(xapp, feed)).status == "ok"
    await feed.refresh_from_db()
    assert feed.state["user_id"] == BINANCE_ID and feed.state["username"] == "binance"


# --- (4) errors in X's own words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "words"),
    [
        (403, "error_403_client_not_enrolled.json", "attached to a Project"),
        (402, "error_402_credits_depleted.json", "does not have any credits"),
        (429, "error_429_usage_capped.json", "Usage cap exceeded: Monthly product cap"),
        (400, "error_400_invalid_query.json", "Ambiguous use of and as a keyword"),
    ],
)
async def test_plan_auth_and_query_errors_disable_at_once_with_xs_explanation(
    xapp: App, api: FeedServer, status: int, body: str, words: str
) -> None:
    api.set(SEARCH, x_body(body), status=status, headers=JSON)
    feed = await xapp.feeds.add(kind="twitter", query="search:and or and")
    out = await poll(xapp, feed, disable_after=5)
    assert out.status == "disabled"
    feed = await Feed.get(id=feed.id)
    assert words in feed.disabled_reason and "until an admin acts" in feed.disabled_reason
    if status == 400:
        assert "the search query 'and or and'" in feed.disabled_reason
    if status == 429:  # a cap is not a rate limit: nobody waits for a reset that won't help
        assert "rate limit" not in feed.disabled_reason
        assert await xapp.kv.get("host-wait:127.0.0.1") is None


async def test_a_200_with_only_errors_is_a_failure(xapp: App, api: FeedServer) -> None:
    api.set("/2/users/42/tweets", x_body("error_200_user_not_found.json"), headers=JSON)
    feed = await xapp.feeds.add(kind="twitter", query="user:42")
    out = await poll(xapp, feed)
    assert out.status == "failed"
    feed = await Feed.get(id=feed.id)
    assert feed.consecutive_failures == 1 and feed.last_success_at is None
    assert "Could not find user with username" in feed.last_error


# --- (5) since_id from the first page ------------------------------------------------------


async def test_since_id_advances_even_when_paging_stops_at_the_cap(
    xapp: App, api: FeedServer
) -> None:
    # every page says there is more (next_token): a busy search
    page = x_body("tweepy_search_recent_Tweepy.json")
    api.set(SEARCH, page, headers=JSON)
    feed = await xapp.feeds.add(kind="twitter", query="search:Tweepy")
    poller = Poller(xapp)
    poller.twitter.max_pages = 3
    try:
        assert (await poller.poll_feed(feed.id)).status == "ok"
        await feed.refresh_from_db()
        assert len(queries(api, SEARCH)) == 3
        assert feed.state["since_id"] == json.loads(page)["meta"]["newest_id"]
        await xapp.kv.delete("host-wait:127.0.0.1")
        feed.next_poll_at = None
        await feed.save()
        await poller.poll_feed(feed.id)
    finally:
        await poller.twitter.close()
    assert queries(api, SEARCH)[3]["since_id"] == "1578516068309794817"
