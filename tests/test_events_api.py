"""The events calendar through its front doors: REST, the private ICS feed, chat commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar

from core.commands import CommandContext
from core.models import DestinationKind, Platform, User
from tests.test_delivery_kit import destination, subscribe
from tests.test_events import tell
from tests.web_helpers import (  # noqa: F401 (the *_fixture names are fixtures)
    Caller,
    alice_fixture,
    assert_error,
    client_fixture,
)


async def _zama(app: Any) -> int:
    """Zama's launch from three real items (announcement, listing at 13:00 UTC, campaign)."""
    app.events.clock = lambda: datetime(2026, 1, 20, 12, tzinfo=UTC)
    first = await tell(app, "c-2353")
    app.events.clock = lambda: datetime(2026, 2, 1, tzinfo=UTC)
    await tell(app, "c-3151")
    await tell(app, "c-3047")  # Fogo, another launch
    await first.refresh_from_db()
    return first.event_id


async def test_rest_lists_and_shows_events_with_filters(app, client, alice: Caller) -> None:
    zama = await _zama(app)
    resp = await client.get("/events", headers=alice.headers)
    assert resp.status == 200
    items = (await resp.json())["items"]
    assert [e["project"].lower() for e in items][:2] == ["zama", "fogo"]  # by next date
    resp = await client.get(
        "/events",
        params={"phase": "announced", "from": "2026-02-02T00:00:00Z", "to": "2026-02-03T00:00Z"},
        headers=alice.headers,
    )
    assert [e["id"] for e in (await resp.json())["items"]] == [zama]
    resp = await client.get(f"/events/{zama}", headers=alice.headers)
    body = await resp.json()
    assert body["token"] == "ZAMA" and body["status"] == "listing"
    listing = body["phases"][0]
    assert listing["kind"] == "listing" and listing["at"] == "2026-02-02T13:00:00Z"
    assert listing["sources"][0]["title"].startswith("Binance Will List Zama")
    for query, field in (
        ({"phase": "soon"}, "phase"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2026-03-01T00:00Z", "to": "2026-02-01T00:00Z"}, "from"),
        ({"limit": "0"}, "limit"),
    ):
        resp = await client.get("/events", params=query, headers=alice.headers)
        assert resp.status == 422, query
        assert_error(await resp.json(), "invalid", field)
    resp = await client.get("/events/999999", headers=alice.headers)
    assert resp.status == 404
    resp = await client.get("/events")
    assert resp.status == 401


async def test_ics_feed_parses_back_stable_uid_sequence_and_revocation(
    app, client, alice: Caller
) -> None:
    zama = await _zama(app)
    resp = await client.post("/commands/calendar", json={}, headers=alice.headers)
    url = (await resp.json())["data"]["url"]
    path = url[url.index("/calendar/") :]
    resp = await client.get(path)
    assert resp.status == 200 and resp.content_type == "text/calendar"
    raw = await resp.read()
    cal = icalendar.Calendar.from_ical(raw)
    assert not cal.errors
    events = [c for c in cal.walk("VEVENT")]
    assert events and all(not e.errors for e in events)
    zama_listing = next(e for e in events if str(e["summary"]).startswith("Zama"))
    uid = str(zama_listing["uid"])
    assert zama_listing.decoded("dtstart") == datetime(2026, 2, 2, 13, tzinfo=UTC)
    assert int(zama_listing["sequence"]) == 0
    # the listing moves a day later (a delay told by a later item): same UID, SEQUENCE 1
    from core.models import EventPhase, PhaseKind

    phase = await EventPhase.get(event_id=zama, kind=PhaseKind.LISTING)
    phase.at = phase.at + timedelta(days=1)
    phase.revision += 1
    await phase.save()
    cal = icalendar.Calendar.from_ical(await (await client.get(path)).read())
    moved = next(e for e in cal.walk("VEVENT") if str(e["uid"]) == uid)
    assert int(moved["sequence"]) == 1
    assert moved.decoded("dtstart") == datetime(2026, 2, 3, 13, tzinfo=UTC)
    # revoke: the old address is gone at once
    resp = await client.post("/commands/calendar", json={"args": "revoke"}, headers=alice.headers)
    assert resp.status == 200
    resp = await client.get(path)
    assert resp.status == 404
    assert_error(await resp.json(), "not_found")
    resp = await client.get("/calendar/short.ics")
    assert resp.status in (404, 422)


async def test_upcoming_in_chat_uses_discord_timestamps(app) -> None:
    app.events.clock = lambda: datetime(2026, 1, 20, 12, tzinfo=UTC)
    await tell(app, "c-2353")
    app.events.clock = lambda: datetime(2026, 2, 1, tzinfo=UTC)
    await tell(app, "c-3151")
    user = await User.create(username="dana")
    spec = app.commands.registry.get("upcoming")
    now = datetime(2026, 2, 1, tzinfo=UTC)
    original = app.events.list

    async def list_at(**kw: Any) -> Any:
        return await original(**kw, now=now)

    app.events.list = list_at
    discord = await spec.handler(CommandContext(app, user, Platform.DISCORD))
    telegram = await spec.handler(CommandContext(app, user, Platform.TELEGRAM))
    stamp = int(datetime(2026, 2, 2, 13, tzinfo=UTC).timestamp())
    assert f"<t:{stamp}:F>" in discord.text and "listing" in discord.text
    assert "Mon 02 Feb 2026 13:00 UTC" in telegram.text


async def test_remind_and_updates_commands_change_the_chat_subscription(app) -> None:
    owner = await User.create(username="erin")
    chat = await destination(owner, DestinationKind.TELEGRAM, "777")
    sub = await subscribe(owner, chat)
    ctx = CommandContext(app, owner, Platform.TELEGRAM, chat_id="777", is_chat_admin=True)
    run = app.commands.registry.get
    reply = await run("remind").handler(ctx, before="2d, 90m")
    assert "T-2d, T-90m" in reply.text
    await sub.refresh_from_db()
    assert sub.remind_minutes == [2880, 90]
    reply = await run("remind").handler(ctx, before="off")
    await sub.refresh_from_db()
    assert sub.remind_minutes == []
    reply = await run("updates").handler(ctx, policy="first")
    await sub.refresh_from_db()
    assert str(sub.updates) == "first"
    from core.commands import execute

    bad = await execute(app, "remind", "soonish", ctx)
    assert not bad.ok and "lead time" in bad.text


async def test_rest_shows_later_news_as_coverage_not_as_a_source(app, client, alice) -> None:
    """GET /events/{id} lists later news of the token (Lighter's buyback piece, final8) under
    `coverage`, apart from the timeline's sources, in the shape the OpenAPI document gives."""
    from tests.test_api_contract import assert_documented
    from tests.test_events import _tell_page

    launch = await _tell_page(app, "n8-00039")  # Lighter confirms the $LIT TGE and airdrop
    buyback = await _tell_page(app, "n8-00042")  # LIT Surges as ... Token Buyback Program
    await launch.refresh_from_db()
    resp = await client.get(f"/events/{launch.event_id}", headers=alice.headers)
    assert resp.status == 200
    body = await resp.json()
    assert_documented(body, "GET", "/events/{id}", 200)
    assert [c["alert_id"] for c in body["coverage"]] == [buyback.id]
    assert body["coverage"][0]["url"].startswith("https://www.ainvest.com/")
    sources = [s["alert_id"] for p in body["phases"] for s in p["sources"]]
    assert sources == [launch.id] and body["sources"] == 1
    # the calendar's list stays the events' own shape
    resp = await client.get("/events", headers=alice.headers)
    assert all("coverage" not in e for e in (await resp.json())["items"])
