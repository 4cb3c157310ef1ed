"""Telegram channel through the real python-telegram-bot against the fake Bot API server."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import timedelta
from types import SimpleNamespace

import pytest

from bot.telegram.channel import TelegramChannel
from core.alerts.digest import DigestWorker
from core.alerts.dispatcher import Dispatcher
from core.bus import RedisKeyValue
from core.channels.base import Throttle
from core.channels.registry import ChannelRegistry
from core.models import Company, Delivery, DestinationKind, Feed, FeedKind, Item
from core.runtime import App, create_app
from tests.conftest import make_settings
from tests.test_delivery_kit import (
    FAST,
    analysis,
    destination,
    digest_alerts,
    drain,
    rows,
    subscribe,
    user,
)

pytest_plugins = ["tests.fakes.fixtures"]

TOKEN = "123456:TEST-token"


@pytest.fixture
def channel(app, tg) -> TelegramChannel:
    ch = TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0), per_group=(100, 60.0))
    app.channels.register(ch)
    return ch


async def _alert(app, chat: str = "4242", title: str = "Acme TGE"):
    owner = await user(f"u{chat.strip('-')}")
    dest = await destination(owner, DestinationKind.TELEGRAM, chat)
    await subscribe(owner, dest)
    alert = await app.alerts.create_manual(title, "", "https://news.example/a?x=1&y=<2>")
    return dest, alert


async def test_exact_payload_escaped_with_buttons(app, tg, channel) -> None:
    acme = await Company.create(name="Acme & Sons")
    owner = await user("tg1")
    dest = await destination(owner, DestinationKind.TELEGRAM, "4242")
    await subscribe(owner, dest)
    item_alert = await app.alerts.create_manual("x", "", "")  # id 1, nothing routed below 0
    await Delivery.all().delete()
    feed = await Feed.create(kind=FeedKind.RSS, name="<Wire>", url="https://w.example/rss")
    item = await Item.create(
        feed=feed,
        guid="g1",
        url="https://news.example/a?x=1&y=2",
        title="Acme <script> & $ACM TGE </b>",
        fingerprint="f1",
    )
    alert = await app.alerts.create_from_item(
        item,
        analysis(
            0.91,
            [acme],
            tokens=["ACM"],
            urgency={"text": "on March 3", "date": "2026-03-03", "kind": "date"},
            keywords={"tier1": ["token generation event"], "tier2": [], "tier3": []},
        ),
    )
    assert alert.id != item_alert.id
    await drain(Dispatcher(app, FAST))

    [sent] = tg.sent(chat_id=4242)
    assert sent["parse_mode"] == "HTML"
    assert sent["text"] == (
        "<b>Acme &lt;script&gt; &amp; $ACM TGE &lt;/b&gt;</b>\n"
        "Acme &amp; Sons · $ACM\n"
        "📅 TGE date announced for March 3, 2026\n"
        "Confidence: very likely (91%)\n"
        "Source: &lt;Wire&gt;\n"
        '⚠️ <a href="https://news.example/a?x=1&amp;y=2">https://news.example/a?x=1&amp;y=2</a>'
    )
    assert sent["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Read on <Wire>", "url": "https://news.example/a?x=1&y=2"}],
            [
                {"text": "👍", "callback_data": f"fb:{alert.id}:up"},
                {"text": "👎", "callback_data": f"fb:{alert.id}:down"},
                {"text": "🚫 Not a TGE", "callback_data": f"fb:{alert.id}:no"},
            ],
        ]
    }
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.external_id == str(sent["message_id"])
    assert TOKEN in tg.tokens


async def test_429_retry_after_waited_then_delivered_once(app, tg, channel) -> None:
    _, alert = await _alert(app)
    tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    started = time.monotonic()
    await drain(Dispatcher(app, FAST))
    assert time.monotonic() - started >= 0.99
    assert len(tg.calls_of("sendMessage")) == 2
    assert len(tg.sent(chat_id=4242)) == 1
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.attempts == 1  # the 429 was not an attempt


@pytest.mark.parametrize(
    ("status", "description"),
    [
        (403, "Forbidden: bot was blocked by the user"),
        (403, "Forbidden: bot was kicked from the group chat"),
        (400, "Bad Request: chat not found"),
    ],
)
async def test_permanent_errors_reject_and_are_not_retried(
    app, tg, channel, status, description
) -> None:
    dest, alert = await _alert(app)
    tg.fail_next("sendMessage", status, description)
    dispatcher = Dispatcher(app, FAST)
    await drain(dispatcher)
    await dispatcher.run_once()
    assert len(tg.calls_of("sendMessage")) == 1
    [row] = await rows(alert_id=alert.id)
    assert row.status == "rejected" and row.attempts == 0
    await dest.refresh_from_db()
    assert dest.rejected_reason
    assert description.split(": ", 1)[1].lower() in dest.rejected_reason.lower()


async def test_5xx_retried_with_backoff_then_delivered(app, tg, channel) -> None:
    _, alert = await _alert(app)
    tg.fail_next("sendMessage", 502, "Bad Gateway", times=2)
    await drain(Dispatcher(app, FAST))
    assert len(tg.calls_of("sendMessage")) == 3 and len(tg.sent()) == 1
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.attempts == 3


async def test_bad_markup_is_dead_not_rejected(app, tg, channel) -> None:
    dest, alert = await _alert(app)
    tg.fail_next("sendMessage", 400, "Bad Request: can't parse entities")
    await drain(Dispatcher(app, FAST))
    [row] = await rows(alert_id=alert.id)
    assert row.status == "dead"
    await dest.refresh_from_db()
    assert dest.rejected_reason is None


async def test_group_migrated_to_supergroup_updates_chat_and_delivers(app, tg, channel) -> None:
    dest, alert = await _alert(app, chat="-4242")
    tg.fail_next(
        "sendMessage",
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234,
    )
    await drain(Dispatcher(app, FAST))
    assert len(tg.sent(chat_id=-1001234)) == 1
    await dest.refresh_from_db()
    assert dest.address == "-1001234"
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent"


async def test_self_throttle_per_chat(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(1, 0.3)))
    owner = await user("tgthr")
    await subscribe(owner, await destination(owner, DestinationKind.TELEGRAM, "77"))
    for i in range(3):
        await app.alerts.create_manual(f"Acme TGE {i}", "", "")
    started = time.monotonic()
    await drain(Dispatcher(app, FAST))
    assert time.monotonic() - started >= 0.59  # 3 messages, 1 per 0.3 s in one chat
    assert [p["text"].split("\n")[0] for p in tg.sent(chat_id=77)] == [
        f"<b>Acme TGE {i}</b>" for i in range(3)
    ]
    assert len(tg.calls_of("sendMessage")) == 3  # no 429 needed


async def test_throttle_reports_long_waits_instead_of_sleeping() -> None:
    throttle = Throttle(max_wait_s=0.05)
    rules = [("g", 2, 10.0)]
    assert await throttle.acquire(rules) == (0.0, "")
    assert await throttle.acquire(rules) == (0.0, "")
    wait, key = await throttle.acquire(rules)
    assert key == "g" and 9.0 < wait <= 10.0


def test_token_never_in_repr() -> None:
    assert TOKEN not in repr(TelegramChannel(TOKEN, "http://127.0.0.1:1"))


async def test_digest_to_a_chat_groups_alerts_by_company(app, tg, channel) -> None:
    owner = await user("tgdig")
    dest = await destination(owner, DestinationKind.TELEGRAM, "5151")
    await subscribe(owner, dest, mode="digest", digest_interval="hourly")
    await digest_alerts(app)
    due = (await rows(destination_id=dest.id))[0].next_attempt_at
    assert await DigestWorker(app, FAST).run_once(now=due + timedelta(seconds=1)) == 1

    [sent] = tg.sent(chat_id=5151)
    text = sent["text"]
    assert sent["parse_mode"] == "HTML"
    assert text.startswith("<b>TGE digest: 4 alerts</b> (hourly, until ")
    order = [
        text.index("<b>Acme</b>"),
        text.index("Acme TGE on March 3 &amp; more</a> — very likely (95%)"),
        text.index("Acme testnet &lt;b&gt;points&lt;/b&gt;</a> — likely (70%)"),
        text.index("<b>Zeta &lt;Labs&gt;</b>"),
        text.index("<b>Other</b>"),
    ]
    assert order == sorted(order)  # grouped by company, highest confidence first
    assert '<a href="https://w.example/1">Zeta airdrop claim opens</a>' in text
    assert {r.status for r in await rows(destination_id=dest.id)} == {"sent"}


@pytest.fixture
async def redis_app(tmp_path, redis_url) -> AsyncIterator[App]:
    app = create_app(make_settings(tmp_path, REDIS_URL=redis_url))
    await app.open()
    try:
        yield app
    finally:
        await app.stop()


async def test_429_seen_by_one_worker_pauses_the_chat_for_another(redis_app, tg) -> None:
    import redis.asyncio as aioredis

    redis_app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    # a second worker process as far as pauses go: its own Redis connection, its own channel
    # and in-memory pauses; only Redis (and the database) are shared
    client = aioredis.from_url(redis_app.settings.redis_url)
    other = SimpleNamespace(redis=client, kv=RedisKeyValue(client), channels=ChannelRegistry())
    other.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    one = Dispatcher(redis_app, FAST, worker_id="one")
    two = Dispatcher(other, FAST, worker_id="two")
    try:
        owner = await user("redis-pause")
        await subscribe(owner, await destination(owner, DestinationKind.TELEGRAM, "4242"))
        first = await redis_app.alerts.create_manual("Acme TGE 1", "", "")
        # a 3 s pause: wide enough that a loaded machine's slow steps below stay inside it
        tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
        assert await one.run_once() == 1
        paused_at = time.monotonic()
        assert len(tg.calls_of("sendMessage")) == 1

        second = await redis_app.alerts.create_manual("Acme TGE 2", "", "")
        assert await two.run_once() == 1  # claimed the new row, saw the pause, gave it back
        assert len(tg.calls_of("sendMessage")) == 1  # nothing sent into the pause
        [row] = await rows(alert_id=second.id)
        assert row.status == "pending" and row.claimed_by is None and row.attempts == 0
        assert await two.pauses.remaining(("telegram:chat:4242",)) > 0.5
        # the row that met the 429 is due when the pause ends, not a Redis round trip later,
        # so it is due before any row given back during the pause: the chat keeps its order
        [held] = await rows(alert_id=first.id)
        paused_until = float(await other.kv.get("pause:telegram:chat:4242"))
        assert abs(held.next_attempt_at.timestamp() - paused_until) < 5e-5
        assert held.next_attempt_at <= row.next_attempt_at

        await drain(two, within_s=20)  # generous: a pass can be slow on a loaded machine
        assert time.monotonic() - paused_at >= 2.95  # no send before retry_after elapsed
        assert [p["text"].split("\n")[0] for p in tg.sent(chat_id=4242)] == [
            "<b>Acme TGE 1</b>",
            "<b>Acme TGE 2</b>",
        ]
        statuses = {r.alert_id: (r.status, r.attempts) for r in await rows()}
        assert statuses == {first.id: ("sent", 1), second.id: ("sent", 1)}
    finally:
        await other.channels.close()
        await client.aclose()


async def test_shared_overall_limit_records_each_send_as_its_request_is_written(app, tg) -> None:
    """With limits shared (Redis in production), a send is recorded in the log of sends by
    the HTTP client's write hook, once per message sent."""
    from core.ratelimit import MemoryBackend

    shared = MemoryBackend()
    ch = TelegramChannel(TOKEN, tg.base_url)
    assert ch.share_limits(lambda: shared) and ch.throttle.stamp_on_write
    app.channels.register(ch)
    owner = await user("tgstamp")
    for chat in ("501", "502"):
        await subscribe(owner, await destination(owner, DestinationKind.TELEGRAM, chat))
    await app.alerts.create_manual("Acme TGE", "", "")
    await drain(Dispatcher(app, FAST))
    assert len(tg.calls_of("sendMessage")) == 2
    assert len(shared._sent["throttle:telegram:all:sent"]) == 2
