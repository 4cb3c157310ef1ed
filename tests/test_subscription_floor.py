"""A subscription without a minimum of its own follows the scorer: each alert is judged at
the threshold its item was judged at (`Alert.threshold`: the CJK model's for zh/ja/ko items,
the service's for others), so every alert the scorer makes arrives. A chosen minimum is kept
exactly. On SQLite and PostgreSQL, through the service, the command layer, REST and /why."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from core.alerts.trace import trace_alert
from core.commands import execute
from core.commands.registry import COMMAND_LIMIT
from core.confidence import SCORER_FLOOR_TEXT
from core.models import Alert, Delivery, Destination, DestinationKind, Feed, FeedKind, Item
from core.ratelimit import Limit
from core.runtime import App
from core.scoring import Analysis, band_for
from tests.conftest import make_settings, opened_app
from tests.test_commands import ctx_for
from tests.test_delivery_kit import destination, user
from tests.web_helpers import alice_fixture, assert_error, client_fixture  # noqa: F401

SERVICE = 0.43  # the encoder stage's card threshold, the service's for non-CJK items
# a CJK-model threshold below the service's (MZ's card; MZ3 ships at 0.24): the router reads
# the threshold the analysis carries, whatever the model
MZ = 0.28


@asynccontextmanager
async def threshold_app(tmp_path: Path, **overrides: str) -> AsyncIterator[App]:
    """An opened App whose service threshold is 0.43 (commands unthrottled for the test)."""
    settings = make_settings(tmp_path, ALERT_THRESHOLD=str(SERVICE), **overrides)
    async with opened_app(settings) as application:
        application.limiter.set_limit(COMMAND_LIMIT, Limit(10_000, 60))
        yield application


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[App]:
    async with threshold_app(tmp_path) as application:
        yield application


@pytest.fixture
async def postgres_store(tmp_path: Path, pg_url: str) -> AsyncIterator[App]:
    async with threshold_app(tmp_path, DATABASE_URL=pg_url) as application:
        yield application


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest) -> App:
    """The App on SQLite, or on a fresh PostgreSQL database."""
    return request.getfixturevalue(f"{request.param}_store")


def scored(confidence: float, language: str = "en", judged_at: float | None = None) -> Analysis:
    """An analysis as the scorer leaves it: a zh/ja/ko item carries its model's threshold."""
    return Analysis(
        confidence=confidence,
        band=band_for(confidence),
        language=language,
        judged_at=judged_at,
    )


async def alert_for(app: App, n: int, analysis: Analysis) -> Alert:
    feed = await Feed.get_or_none(name="Wire") or await Feed.create(
        kind=FeedKind.RSS, name="Wire", url="https://wire.example/rss"
    )
    item = await Item.create(
        feed=feed,
        guid=f"g{n}",
        url=f"https://wire.example/{n}",
        title=f"Item {n}",
        fingerprint=f"fp{n}",
    )
    return await app.alerts.create_from_item(item, analysis)


async def reached(alert: Alert) -> set[int]:
    return set(await Delivery.filter(alert_id=alert.id).values_list("destination_id", flat=True))


async def test_alerts_reach_floorless_subscriptions_at_their_items_threshold(store: App) -> None:
    app = store
    owner = await user("owner")
    hooks = [
        await destination(owner, DestinationKind.WEBHOOK, f"https://h{i}.example/hook")
        for i in range(3)
    ]
    default, picky, low = hooks
    sub = await app.subscriptions.subscribe(owner, default)
    assert sub.min_confidence is None  # a new subscription chose no minimum
    await app.subscriptions.subscribe(owner, picky, min_confidence=0.5)
    await app.subscriptions.subscribe(owner, low, min_confidence=0.3)

    # a Chinese item at 0.30, judged at the CJK model's 0.28: the scorer made an alert, and
    # a subscriber who chose nothing gets it; one who chose 50% does not
    zh = await alert_for(app, 1, scored(0.30, "zh", judged_at=MZ))
    assert (await Alert.get(id=zh.id)).threshold == MZ
    assert await reached(zh) == {default.id, low.id}

    # an English item at 0.40 is below the service's 0.43: no default subscriber gets it
    # (only the one whose own minimum is 30%)
    en = await alert_for(app, 2, scored(0.40))
    assert (await Alert.get(id=en.id)).threshold == SERVICE
    assert await reached(en) == {low.id}
    en_high = await alert_for(app, 3, scored(0.45))
    assert await reached(en_high) == {default.id, low.id}

    # the floor set and cleared again through the service: exactly what was chosen
    sub = await app.subscriptions.update(owner, sub.id, min_confidence=0.29)
    assert sub.min_confidence == 0.29
    assert await reached(await alert_for(app, 4, scored(0.285, "ja", judged_at=MZ))) == set()
    sub = await app.subscriptions.update(owner, sub.id, min_confidence=None)
    assert sub.min_confidence is None
    assert await reached(await alert_for(app, 5, scored(0.285, "ja", judged_at=MZ))) == {default.id}

    # /why names the threshold used: the scorer's per item, or the chat's own
    trace = (await trace_alert(app, zh.id, [default, picky])).to_json()
    [passed, stopped] = [s for s in trace["steps"] if s["step"] == "filter"]
    assert passed["outcome"] == "passed"
    assert passed["threshold"] == MZ and passed["threshold_from"] == "scorer"
    assert (
        "28%, the scorer's threshold for this item (the CJK model's, for Chinese items)"
        in (passed["text"])
    )
    assert stopped["outcome"] == "stopped"
    assert stopped["threshold"] == 0.5 and stopped["threshold_from"] == "subscription"
    assert "30% is below the minimum of 50% this chat set" in stopped["text"]
    assert "/filter default" in stopped["text"]
    trace = (await trace_alert(app, en.id, [default])).to_json()
    [step] = [s for s in trace["steps"] if s["step"] == "filter"]
    assert step["outcome"] == "stopped" and step["threshold"] == SERVICE
    assert (
        "40% is below 43%, the scorer's threshold for this item (the service's)" in (step["text"])
    )


async def test_the_minimum_set_and_cleared_through_the_command_layer(store: App) -> None:
    app = store
    ctx = await ctx_for(app, 7)

    async def floor() -> Any:
        dest = await Destination.get(kind="telegram", address="7")
        return (await app.subscriptions.get_for_destination(dest)).min_confidence

    def shown(reply: Any) -> str:
        return dict(reply.fields)["Minimum confidence"]

    reply = await execute(app, "subscribe", "", ctx)
    assert reply.ok, reply.text
    assert await floor() is None and shown(reply) == SCORER_FLOOR_TEXT
    menu = await execute(app, "filter", "", ctx)
    assert "every alert the scorer makes arrives here" in menu.text
    assert menu.buttons[0].label == "✓ Scorer's threshold (default)"

    reply = await execute(app, "filter", "50%", ctx)
    assert reply.ok and "50% or more" in reply.text
    assert await floor() == 0.5
    assert shown(await execute(app, "settings", "", ctx)) == "50%"
    reply = await execute(app, "filter", "default", ctx)
    assert reply.ok and SCORER_FLOOR_TEXT in reply.text
    assert await floor() is None
    assert shown(await execute(app, "settings", "", ctx)) == SCORER_FLOOR_TEXT

    assert (await execute(app, "subscribe", "0.6", ctx)).ok and await floor() == 0.6
    assert (await execute(app, "subscribe", "default", ctx)).ok and await floor() is None
    assert (await execute(app, "filter", "min_confidence=70", ctx)).ok and await floor() == 0.7
    assert (await execute(app, "filter", "min_confidence=DEFAULT", ctx)).ok
    assert await floor() is None

    # a minimum with companies after it, and a subscription keeping its minimum when only
    # the companies change
    await app.companies.create("Acme")
    assert (await execute(app, "filter", "0.8 Acme", ctx)).ok and await floor() == 0.8
    assert (await execute(app, "filter", "companies all", ctx)).ok and await floor() == 0.8

    for bad in ("abc", "150%"):
        reply = await execute(app, "filter", f"min_confidence={bad}", ctx)
        assert not reply.ok
        assert reply.error and reply.error["details"]["field"] == "min_confidence"
        assert "or default for the scorer's threshold (per item)" in reply.text
    assert await floor() == 0.8  # a refused answer changes nothing


async def test_rest_field_null_follows_the_scorer(client, alice) -> None:
    resp = await client.post(
        "/destinations",
        json={"kind": "webhook", "address": "https://hooks.example.com/f"},
        headers=alice.headers,
    )
    dest = await resp.json()
    resp = await client.post(
        "/subscriptions", json={"destination_id": dest["id"]}, headers=alice.headers
    )
    assert resp.status == 201, await resp.text()
    sub = await resp.json()
    assert sub["min_confidence"] is None and sub["min_confidence_text"] == SCORER_FLOOR_TEXT
    url = f"/subscriptions/{sub['id']}"
    resp = await client.patch(url, json={"min_confidence": 0.7}, headers=alice.headers)
    body = await resp.json()
    assert resp.status == 200 and body["min_confidence"] == 0.7
    assert body["min_confidence_text"] == "70%"
    for bad in ("default", "abc", 1.5, True):
        resp = await client.patch(url, json={"min_confidence": bad}, headers=alice.headers)
        assert resp.status == 422, bad
        assert_error(await resp.json(), "invalid", "min_confidence")
    listed = await (await client.get("/subscriptions", headers=alice.headers)).json()
    assert listed["items"][0]["min_confidence"] == 0.7  # refused: unchanged
    resp = await client.patch(url, json={"min_confidence": None}, headers=alice.headers)
    body = await resp.json()
    assert resp.status == 200 and body["min_confidence"] is None
    assert body["min_confidence_text"] == SCORER_FLOOR_TEXT
    # posting again with an explicit null resets too; leaving the field out keeps it
    await client.patch(url, json={"min_confidence": 0.6}, headers=alice.headers)
    resp = await client.post(
        "/subscriptions", json={"destination_id": dest["id"]}, headers=alice.headers
    )
    assert (await resp.json())["min_confidence"] == 0.6
    resp = await client.post(
        "/subscriptions",
        json={"destination_id": dest["id"], "min_confidence": None},
        headers=alice.headers,
    )
    assert (await resp.json())["min_confidence"] is None
