"""AlertService and router: alert + outbox rows in one transaction, filters, listing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from core.alerts.router import digest_window
from core.errors import InvalidInput, NotFound
from core.models import (
    Alert,
    AlertFeedback,
    Company,
    Delivery,
    DestinationKind,
    DigestInterval,
    Feed,
    FeedKind,
    Item,
    Subscription,
    SubscriptionMode,
)
from tests.test_delivery_kit import analysis, destination, rows, subscribe, user


async def _item(n: int = 1) -> Item:
    feed = await Feed.get_or_none(name="CoinWire") or await Feed.create(
        kind=FeedKind.RSS, name="CoinWire", url="https://coinwire.example/rss"
    )
    return await Item.create(
        feed=feed,
        guid=f"g{n}",
        url=f"https://coinwire.example/a/{n}",
        title=f"Acme <b>TGE</b> & airdrop #{n}",
        fingerprint=f"fp{n}",
    )


async def test_alert_and_rows_routed_by_filters(app) -> None:
    acme = await Company.create(name="Acme")
    zeta = await Company.create(name="Zeta")
    alice = await user("alice")
    bob = await user("bob")
    everything = await destination(alice, DestinationKind.TELEGRAM, "100")
    acme_only = await destination(alice, DestinationKind.DISCORD, "200")
    zeta_only = await destination(bob, DestinationKind.DISCORD, "201")
    picky = await destination(bob, DestinationKind.TELEGRAM, "101")
    digest = await destination(bob, DestinationKind.EMAIL, "bob@example.com")
    unverified = await destination(bob, DestinationKind.EMAIL, "x@example.com", verified=False)
    rejected = await destination(bob, DestinationKind.TELEGRAM, "102", rejected_reason="blocked")
    live = await destination(bob, DestinationKind.WEBSOCKET, "ws:bob")
    inactive = await destination(alice, DestinationKind.TELEGRAM, "103")
    await subscribe(alice, everything)
    await subscribe(alice, acme_only, company_ids=[acme.id])
    await subscribe(bob, zeta_only, company_ids=[zeta.id])
    await subscribe(bob, picky, min_confidence=0.95)
    await subscribe(bob, digest, mode=SubscriptionMode.DIGEST, digest_interval="hourly")
    await subscribe(bob, unverified)
    await subscribe(bob, rejected)
    await subscribe(bob, live)
    await subscribe(alice, inactive, active=False)

    events = app.bus.subscribe("alerts")
    first = asyncio.ensure_future(events.__anext__())
    await asyncio.sleep(0)
    alert = await app.alerts.create_from_item(await _item(), analysis(0.9, [acme]))

    got = {r.destination_id: r for r in await rows(alert_id=alert.id)}
    assert set(got) == {everything.id, acme_only.id, digest.id}
    assert got[everything.id].mode == SubscriptionMode.INSTANT
    assert got[everything.id].status == "pending"
    assert got[digest.id].mode == SubscriptionMode.DIGEST
    assert got[digest.id].digest_key.startswith("hourly:")
    assert got[digest.id].next_attempt_at > datetime.now(UTC)
    assert [c.name for c in await alert.companies.all()] == ["Acme"]
    assert alert.source == "CoinWire"

    message = await asyncio.wait_for(first, 2)
    assert message["type"] == "alert"
    data = message["data"]
    assert data["id"] == alert.id and data["companies"] == ["Acme"]
    assert data["band"] == "high" and data["why"] and data["created_at"]
    await events.aclose()


async def test_replayed_item_makes_no_second_alert_or_row(app) -> None:
    owner = await user("carol")
    dest = await destination(owner, DestinationKind.TELEGRAM, "300")
    await subscribe(owner, dest)
    item = await _item(7)
    a1 = await app.alerts.create_from_item(item, analysis(0.8))
    a2 = await app.alerts.create_from_item(item, analysis(0.8))
    assert a1.id == a2.id
    assert await Alert.all().count() == 1
    assert await Delivery.all().count() == 1


async def test_watchlist_subscription_follows_live_watchlist(app) -> None:
    acme = await Company.create(name="Acme")
    owner = await user("dave")
    dest = await destination(owner, DestinationKind.TELEGRAM, "400")
    await subscribe(owner, dest, use_watchlist=True)
    first = await app.alerts.create_from_item(await _item(1), analysis(0.9, [acme]))
    assert await rows(alert_id=first.id) == []
    await owner.watchlist.add(acme)  # no invalidate needed: watchlists are read per alert
    second = await app.alerts.create_from_item(await _item(2), analysis(0.9, [acme]))
    assert [r.destination_id for r in await rows(alert_id=second.id)] == [dest.id]


async def test_router_invalidate_picks_up_new_subscription(app) -> None:
    owner = await user("erin")
    dest = await destination(owner, DestinationKind.TELEGRAM, "500")
    await app.alerts.create_from_item(await _item(1), analysis(0.9))
    loads = app.alerts.router.loads
    await subscribe(owner, dest)
    await app.alerts.router.invalidate()
    alert = await app.alerts.create_from_item(await _item(2), analysis(0.9))
    assert app.alerts.router.loads == loads + 1
    assert len(await rows(alert_id=alert.id)) == 1


def test_digest_windows_follow_owner_timezone() -> None:
    now = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)  # 08:30 in Berlin
    key, end = digest_window(DigestInterval.DAILY, 9, "Europe/Berlin", now)
    assert end == datetime(2026, 3, 1, 8, 0, tzinfo=UTC) and key == "daily:20260301T0800Z"
    key, end = digest_window(DigestInterval.DAILY, 8, "Europe/Berlin", now)
    assert end == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    key, end = digest_window(DigestInterval.HOURLY, 9, "Asia/Kolkata", now)  # +05:30
    assert end == datetime(2026, 3, 1, 7, 30, tzinfo=UTC) or end == datetime(
        2026, 3, 1, 8, 30, tzinfo=UTC
    )
    assert end > now
    _, end = digest_window(DigestInterval.DAILY, 9, "Not/AZone", now)
    assert end == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"title": "x" * 501}, "title"),
        ({"title": "ok", "url": "javascript:alert(1)"}, "url"),
        ({"title": "ok", "url": 5}, "url"),
        ({"title": "ok", "text": 5}, "text"),
    ],
)
async def test_create_manual_rejects_bad_input(app, kwargs, field) -> None:
    with pytest.raises(InvalidInput) as err:
        await app.alerts.create_manual(**kwargs)
    assert err.value.field == field


async def test_create_manual_scores_with_live_engine(app) -> None:
    await app.companies.create("Acme Protocol", tokens=["ACM"])
    alert = await app.alerts.create_manual(
        "Acme Protocol announces token generation event for $ACM on March 3",
        "The airdrop claim opens at TGE.",
        "https://acme.example/blog",
        None,
    )
    assert alert.confidence > 0.5
    assert [c.name for c in await alert.companies.all()] == ["Acme Protocol"]
    full = app.alerts.to_json(alert, full=True)
    assert full["explanation"] and full["companies"] == ["Acme Protocol"]


async def test_list_filters_cursor_and_validation(app) -> None:
    acme = await Company.create(name="Acme")
    made = []
    for i in range(5):
        conf = 0.55 + i * 0.1
        made.append(
            await app.alerts.create_from_item(
                await _item(i), analysis(conf, [acme] if i % 2 == 0 else [])
            )
        )
    page, cursor = await app.alerts.list(limit=2)
    assert [a.id for a in page] == [made[4].id, made[3].id] and cursor
    page2, cursor2 = await app.alerts.list(limit=2, cursor=cursor)
    assert [a.id for a in page2] == [made[2].id, made[1].id]
    page3, cursor3 = await app.alerts.list(limit=2, cursor=cursor2)
    assert [a.id for a in page3] == [made[0].id] and cursor3 is None
    by_company, _ = await app.alerts.list(company="Acme")
    assert {a.id for a in by_company} == {made[0].id, made[2].id, made[4].id}
    high, _ = await app.alerts.list(min_confidence="0.8")
    assert {a.id for a in high} == {made[3].id, made[4].id}
    banded, _ = await app.alerts.list(band="HIGH")
    assert all(a.band == "high" for a in banded)
    recent, _ = await app.alerts.list(since="2000-01-01T00:00:00Z")
    assert len(recent) == 5
    for bad, field in (
        ({"limit": 0}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"min_confidence": 2}, "min_confidence"),
        ({"min_confidence": "x"}, "min_confidence"),
        ({"band": "purple"}, "band"),
        ({"since": "yesterday-ish"}, "since"),
        ({"cursor": "!!!"}, "cursor"),
    ):
        with pytest.raises(InvalidInput) as err:
            await app.alerts.list(**bad)
        assert err.value.field == field
    with pytest.raises(NotFound):
        await app.alerts.list(company="Nope")
    with pytest.raises(NotFound):
        await app.alerts.get(99999)
    with pytest.raises(InvalidInput):
        await app.alerts.get("abc")


async def test_feedback_upserts_and_counts(app) -> None:
    alert = await app.alerts.create_manual("Acme TGE", "", "", None)
    u1, u2 = await user("fb1"), await user("fb2")
    assert (await app.alerts.feedback(alert.id, u1, True))["up"] == 1
    result = await app.alerts.feedback(alert.id, u2, False)
    assert (result["up"], result["down"]) == (1, 1)
    result = await app.alerts.feedback(alert.id, u1, False)  # changed mind: no second row
    assert (result["up"], result["down"]) == (0, 2)
    assert await AlertFeedback.all().count() == 2
    await alert.refresh_from_db()
    assert (alert.feedback_up, alert.feedback_down) == (0, 2)
    with pytest.raises(InvalidInput):
        await app.alerts.feedback(alert.id, u1, "yes")
    with pytest.raises(NotFound):
        await app.alerts.feedback(123456, u1, True)


async def test_unsubscribe_token(app) -> None:
    owner = await user("frank")
    dest = await destination(owner, DestinationKind.EMAIL, "frank@example.com")
    sub = await subscribe(owner, dest)
    url = await app.alerts.unsubscribe_url(sub)
    token = url.rsplit("/", 1)[1]
    assert url.startswith(app.settings.public_base_url + "/unsubscribe/")
    assert (await app.alerts.unsubscribe(token)).active is False
    assert (await app.alerts.unsubscribe(token)).active is False  # idempotent
    assert not (await Subscription.get(id=sub.id)).active
    alert = await app.alerts.create_manual("Acme TGE", "", "", None)
    assert await rows(alert_id=alert.id) == []
    for bad in ("", "short", None, "x" * 65, "unknown-token-123"):
        with pytest.raises(NotFound):
            await app.alerts.unsubscribe(bad)
