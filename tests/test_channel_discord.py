"""Discord channel (raw REST + webhooks) against the fake Discord server, via the dispatcher."""

from __future__ import annotations

import time

import pytest

from bot.discord.channel import DiscordChannel, parse_address
from core.alerts.digest import DigestWorker
from core.alerts.dispatcher import Dispatcher
from core.channels.base import Notice
from core.errors import InvalidInput
from core.models import Company, Destination, DestinationKind, Feed, FeedKind, Item
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

TOKEN = "discord-bot-token-xyz"


@pytest.fixture
def channel(app, dc) -> DiscordChannel:
    ch = DiscordChannel(TOKEN, dc.base_url)
    app.channels.register(ch)
    return ch


async def _alert(app, address: str = "555"):
    owner = await user(f"d{abs(hash(address)) % 10**8}")
    dest = await destination(owner, DestinationKind.DISCORD, address)
    await subscribe(owner, dest)
    alert = await app.alerts.create_manual("Acme TGE", "", "https://news.example/a")
    return dest, alert


async def test_exact_embed_no_mentions(app, dc, channel) -> None:
    acme = await Company.create(name="Acme_Labs")
    owner = await user("dc1")
    await subscribe(owner, await destination(owner, DestinationKind.DISCORD, "555"))
    feed = await Feed.create(kind=FeedKind.RSS, name="Wire", url="https://w.example/rss")
    item = await Item.create(
        feed=feed,
        guid="g1",
        url="https://news.example/a",
        title="@everyone Acme **TGE** <@&123> now",
        fingerprint="f1",
    )
    alert = await app.alerts.create_from_item(
        item,
        analysis(
            0.91,
            [acme],
            tokens=["ACM"],
            urgency={"text": "tomorrow", "date": "2026-03-03", "kind": "date"},
        ),
    )
    await drain(Dispatcher(app, FAST))

    [sent] = dc.channel_messages
    assert sent["channel_id"] == "555"
    assert sent["allowed_mentions"] == {"parse": []}
    assert "content" not in sent
    assert sent["embeds"] == [
        {
            # the title is escaped like everything else: no bold, no mention look-alike
            "title": "@\u200beveryone Acme \\*\\*TGE\\*\\* <@\u200b&123> now",
            "description": "**Acme\\_Labs · $ACM**\n📅 Token launch expected on March 3, 2026",
            "color": 0xE74C3C,
            "fields": [
                {"name": "Confidence", "value": "very likely (91%)", "inline": True},
                {"name": "Links", "value": "⚠️ [news.example](https://news.example/a)"},
            ],
            "url": "https://news.example/a",
            "footer": {"text": "Source: Wire"},
            "timestamp": alert.created_at.isoformat(),
        }
    ]
    assert f"Bot {TOKEN}" in dc.auth_headers
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.external_id == sent["id"]


async def test_webhook_destination_uses_configured_base(app, dc, channel) -> None:
    url = f"{dc.base_url}/api/webhooks/4242/tok-EN_1"
    _, alert = await _alert(app, url)
    await drain(Dispatcher(app, FAST))
    [hook] = dc.webhook_messages
    assert (hook["webhook_id"], hook["token"]) == ("4242", "tok-EN_1")
    assert hook["body"]["allowed_mentions"] == {"parse": []}
    assert hook["body"]["embeds"][0]["title"] == "Acme TGE"
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.external_id


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("123456789012345678", True),
        ("https://discord.com/api/webhooks/1/abc", True),
        ("https://discordapp.com/api/v10/webhooks/1/abc-_", True),
        ("https://canary.discord.com/api/webhooks/1/abc", True),
        ("http://discord.com/api/webhooks/1/abc", False),
        ("https://discord.com.evil.example/api/webhooks/1/abc", False),
        ("https://evil.example/api/webhooks/1/abc", False),
        ("https://user:pw@discord.com/api/webhooks/1/abc", False),
        ("https://discord.com/api/webhooks/x/abc", False),
        ("https://discord.com/api/webhooks/1/abc/../../x", False),
        ("general", False),
        ("", False),
    ],
)
def test_parse_address(address: str, ok: bool) -> None:
    if ok:
        assert parse_address(address, "https://discord.com")[0] in ("channel", "webhook")
    else:
        with pytest.raises(InvalidInput) as err:
            parse_address(address, "https://discord.com")
        assert err.value.field == "address"


async def test_foreign_webhook_host_rejected_without_request(app, dc, channel) -> None:
    dest, _ = await _alert(app, "https://evil.example/api/webhooks/1/abc")
    await drain(Dispatcher(app, FAST))
    assert dc.calls == []
    await dest.refresh_from_db()
    assert dest.rejected_reason and "webhook URL" in dest.rejected_reason


async def test_429_retry_after_waited_then_delivered_once(app, dc, channel) -> None:
    _, alert = await _alert(app)
    dc.fail_next(
        "/channels/555/messages", 429, {"message": "You are being rate limited."}, retry_after=1.0
    )
    started = time.monotonic()
    await drain(Dispatcher(app, FAST))
    assert time.monotonic() - started >= 0.99
    posts = [c for c in dc.calls if c[0] == "POST"]
    assert len(posts) == 2 and len(dc.channel_messages) == 1
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.attempts == 1


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (403, {"message": "Missing Access", "code": 50001}),
        (404, {"message": "Unknown Channel", "code": 10003}),
    ],
)
async def test_403_404_reject_not_retried(app, dc, channel, status, body) -> None:
    dest, alert = await _alert(app)
    dc.fail_next("/channels/555/messages", status, body)
    dispatcher = Dispatcher(app, FAST)
    await drain(dispatcher)
    await dispatcher.run_once()
    assert len([c for c in dc.calls if c[0] == "POST"]) == 1
    [row] = await rows(alert_id=alert.id)
    assert row.status == "rejected" and row.attempts == 0
    await dest.refresh_from_db()
    assert body["message"] in dest.rejected_reason


async def test_5xx_retried_then_delivered(app, dc, channel) -> None:
    _, alert = await _alert(app)
    dc.fail_next("/channels/555/messages", 503, {"message": "upstream"}, times=2)
    await drain(Dispatcher(app, FAST))
    [row] = await rows(alert_id=alert.id)
    assert row.status == "sent" and row.attempts == 3 and len(dc.channel_messages) == 1


async def test_exhausted_bucket_is_respected_before_sending(dc) -> None:
    ch = DiscordChannel(TOKEN, dc.base_url, max_wait_s=0.0)
    ch._learn("channels/9", {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "5"})
    outcome = await ch.send(Destination(kind="discord", address="9"), _notice())
    await ch.close()
    assert outcome.kind == "rate_limited" and outcome.scope == "discord:channels/9"
    assert 4 < outcome.retry_after <= 5
    assert dc.calls == []


def _notice() -> Notice:
    return Notice("t", "x")


def test_token_never_in_repr() -> None:
    assert TOKEN not in repr(DiscordChannel(TOKEN, "http://127.0.0.1:1"))


async def test_global_limit_is_shared_across_routes(dc) -> None:
    ch = DiscordChannel(TOKEN, dc.base_url, global_limit=(2, 10.0), max_wait_s=0.05)
    try:
        first = await ch.send(Destination(kind="discord", address="1"), _notice())
        second = await ch.send(Destination(kind="discord", address="2"), _notice())
        third = await ch.send(Destination(kind="discord", address="3"), _notice())
    finally:
        await ch.close()
    assert first.kind == second.kind == "sent"
    assert third.kind == "rate_limited" and third.scope == "discord"  # the whole bot waits
    assert 9.0 < third.retry_after <= 10.0
    assert [c[1] for c in dc.calls if c[0] == "POST"] == [
        "/channels/1/messages",
        "/channels/2/messages",
    ]


async def test_global_limit_short_wait_is_slept_then_sent(app, dc) -> None:
    app.channels.register(DiscordChannel(TOKEN, dc.base_url, global_limit=(2, 0.3)))
    owner = await user("dglob")
    for channel_id in ("11", "12", "13"):
        await subscribe(owner, await destination(owner, DestinationKind.DISCORD, channel_id))
    await app.alerts.create_manual("Acme TGE", "", "")
    started = time.monotonic()
    await drain(Dispatcher(app, FAST))
    assert time.monotonic() - started >= 0.29  # 3 sends, 2 per 0.3 s across routes
    assert sorted(m["channel_id"] for m in dc.channel_messages) == ["11", "12", "13"]
    assert {r.status for r in await rows()} == {"sent"}


async def test_digest_to_a_channel_groups_alerts_by_company(app, dc, channel) -> None:
    owner = await user("dcdig")
    dest = await destination(owner, DestinationKind.DISCORD, "777")
    await subscribe(owner, dest, mode="digest", digest_interval="daily", digest_hour=9)
    await digest_alerts(app)
    due = (await rows(destination_id=dest.id))[0].next_attempt_at
    assert await DigestWorker(app, FAST).run_once(now=due) == 1

    [sent] = dc.channel_messages
    assert sent["channel_id"] == "777"
    assert sent["allowed_mentions"] == {"parse": []}
    [embed] = sent["embeds"]
    assert embed["title"] == "TGE digest: 4 alerts"
    assert embed["description"].startswith("daily, until ")
    assert [f["name"] for f in embed["fields"]] == ["Acme", "Zeta <Labs>", "Other"]
    acme = embed["fields"][0]["value"].split("\n")
    assert acme == [
        "• [Acme TGE on March 3 & more](https://w.example/2) — very likely (95%)",
        "• [Acme testnet <b>points</b>](https://w.example/0) — likely (70%)",
    ]
    assert {r.status for r in await rows(destination_id=dest.id)} == {"sent"}
