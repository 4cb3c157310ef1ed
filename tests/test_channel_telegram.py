"""Telegram channel through the real python-telegram-bot against the tg Bot API server."""

from __future__ import annotations

import time

import pytest

from bot.telegram.channel import TelegramChannel
from core.alerts.dispatcher import Dispatcher
from core.channels.base import Throttle
from core.models import Company, Delivery, DestinationKind, Feed, FeedKind, Item
from tests.test_delivery_kit import FAST, analysis, destination, drain, rows, subscribe, user

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
        "Acme &amp; Sons · $ACM · 91% high\n"
        "⏰ 2026-03-03\n"
        "<i>Why: Acme &amp; Sons · $ACM · tier-1 'token generation event' · "
        "date 2026-03-03</i>\n"
        "Source: &lt;Wire&gt;"
    )
    assert sent["reply_markup"] == {
        "inline_keyboard": [
            [{"text": "Open source", "url": "https://news.example/a?x=1&y=2"}],
            [
                {"text": "👍", "callback_data": f"fb:{alert.id}:up"},
                {"text": "👎", "callback_data": f"fb:{alert.id}:down"},
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
