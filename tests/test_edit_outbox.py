"""Edits through the outbox: an event's first message in a chat is edited to show the timeline
as a claimed row like a send (kept across outages and restarts), under the same shared
per-chat / per-group / overall limits, coalesced (one waiting edit per message, showing the
newest timeline), after the chat's new alerts, and ended cleanly when Telegram or Discord say
there is nothing to edit. Through the real clients against the local stand-ins."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bot.discord.channel import DiscordChannel
from bot.telegram.channel import TelegramChannel, render_alert
from core.alerts.dispatcher import Dispatcher
from core.bus import RedisKeyValue
from core.channels.registry import ChannelRegistry
from core.faults import Dependencies
from core.models import (
    EDIT_GONE,
    EDIT_PENDING,
    Alert,
    Delivery,
    Destination,
    DestinationKind,
    Event,
    EventMessage,
    UpdatePolicy,
)
from core.ratelimit import MemoryBackend
from core.ratelimit.redis import RedisBackend
from core.runtime import create_app
from tests.conftest import make_settings, wait_for
from tests.test_delivery_kit import FAST, destination, drain, subscribe, user
from tests.test_events import tell

pytest_plugins = ["tests.fakes.fixtures"]

TOKEN = "123456:TEST-edits"
# Real items: Zama's launch told four times (pre-market, auction, listing, vouchers) and
# Holoworld's told four times, each told on its own date
ZAMA = [("c-2309", 2026, 1, 9), ("c-2353", 2026, 1, 20), ("c-3151", 2026, 2, 2)]
ZAMA_LATER = ("c-2140", 2026, 2, 3)
HOLO = [("c-2403", 2025, 9, 1), ("c-3187", 2025, 9, 10), ("c-2919", 2025, 9, 11)]
HOLO_LATER = ("c-3100", 2025, 9, 11)


async def told(app: Any, *items: tuple[str, int, int, int]) -> list[Alert]:
    out = []
    for corpus_id, year, month, day in items:
        app.events.clock = lambda y=year, m=month, d=day: datetime(y, m, d, 12, tzinfo=UTC)
        out.append(await tell(app, corpus_id))
    return out


async def chat_every(name: str, address: str, kind: str = DestinationKind.TELEGRAM) -> Any:
    """A chat subscribed to every item of an event (each sent message asks for an edit)."""
    owner = await user(name)
    chat = await destination(owner, kind, address)
    await subscribe(owner, chat, updates=UpdatePolicy.EVERY)
    return chat


async def newest_timeline(app: Any, message: EventMessage) -> str:
    shown = await app.events.timeline_message(message)
    assert shown is not None
    return render_alert(shown[0])[0]


async def test_edits_are_coalesced_and_come_after_the_chats_new_alerts(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    chat = await chat_every("pat", "4242")
    dispatcher = Dispatcher(app, FAST)
    await told(app, ZAMA[0])
    await drain(dispatcher)
    assert tg.edited == []  # a first message: nothing to edit
    await told(app, *ZAMA[1:], ZAMA_LATER)  # three more retellings, queued together
    await drain(dispatcher)
    methods = [m for c, m, _t in tg.chat_requests if c == "4242"]
    # the three new alerts first, then one edit showing the whole timeline (three asked)
    assert methods == ["sendMessage"] * 4 + ["editMessageText"]
    [message] = await EventMessage.filter(destination_id=chat.id)
    assert message.edit_seq == 3 and message.edit_status is None
    [edit] = tg.edited
    assert int(edit["message_id"]) == int(message.external_id) == tg.sent("4242")[0]["message_id"]
    assert edit["text"] == await newest_timeline(app, message)
    assert "listing — 2026-02-02 13:00 UTC" in edit["text"]
    event = await Event.get(id=message.event_id)
    assert message.edited_revision == event.revision


async def test_an_edit_takes_the_chats_slot_like_a_send(app, tg) -> None:
    """Telegram's published limits (about one request a second per chat): an edit waits for
    the chat like a send does, and a new alert waits no longer than that."""
    channel = TelegramChannel(TOKEN, tg.base_url)
    shared = MemoryBackend()  # the limits as every worker shares them (Redis in production)
    assert channel.share_limits(lambda: shared)
    app.channels.register(channel)
    await chat_every("pat", "4242")
    dispatcher = Dispatcher(app, FAST)
    await told(app, ZAMA[0])
    await drain(dispatcher)
    await told(app, ZAMA[1])
    await drain(dispatcher)  # the update, then its edit
    await told(app, ZAMA[2])  # a new phase: the timeline changes again
    await drain(dispatcher)
    requests = [(m, t) for c, m, t in tg.chat_requests if c == "4242"]
    assert [m for m, _t in requests] == ["sendMessage"] * 2 + ["editMessageText"] + [
        "sendMessage",
        "editMessageText",
    ]
    gaps = [b - a for (_m, a), (_n, b) in itertools.pairwise(requests)]
    assert min(gaps) >= 1.0


async def test_429_on_an_edit_pauses_the_chat_and_is_not_an_attempt(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    chat = await chat_every("pat", "4242")
    dispatcher = Dispatcher(app, FAST)
    await told(app, *ZAMA[:2])
    tg.fail_next("editMessageText", 429, "Too Many Requests: retry after 2", retry_after=2)
    assert await dispatcher.run_once() == 3  # two alerts, then the edit: refused
    [message] = await EventMessage.filter(destination_id=chat.id)
    assert (message.edit_status, message.edit_attempts) == (EDIT_PENDING, 0)
    assert message.edit_claimed_by is None and message.edit_next_at is not None
    assert await dispatcher.pauses.remaining(("telegram:chat:4242",)) > 1.0
    assert await dispatcher.run_once() == 0  # not due during the pause
    await drain(dispatcher)
    assert len(tg.calls_of("editMessageText")) == 2 and len(tg.edited) == 1
    [message] = await EventMessage.filter(destination_id=chat.id)
    assert message.edit_status is None and message.edit_attempts == 0


async def test_not_modified_and_not_found_end_the_edit_without_retrying(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    chat = await chat_every("pat", "4242")
    dispatcher = Dispatcher(app, FAST)
    await told(app, *ZAMA[:2])
    await drain(dispatcher)
    assert len(tg.edited) == 1
    [message] = await EventMessage.filter(destination_id=chat.id)
    # asked again with nothing new to show: done without a request (no slot spent)
    assert await app.events.message_sent(message.event_id, chat.id, "another-message")
    await drain(dispatcher)
    assert len(tg.calls_of("editMessageText")) == 1
    # ... and when we do not know what it shows (the last edit went out, then the worker
    # died before recording it), Telegram's "not modified" ends it: no retry
    await EventMessage.filter(id=message.id).update(edit_shown=None)
    assert await app.events.message_sent(message.event_id, chat.id, "another-message")
    await drain(dispatcher)
    [(_params, refusal)] = tg.edit_refusals
    assert "message is not modified" in refusal
    [message] = await EventMessage.filter(destination_id=chat.id)
    assert message.edit_status is None and message.edit_attempts == 0
    await dispatcher.run_once()
    assert len(tg.calls_of("editMessageText")) == 2  # no retry
    # the user deleted the first message: the next edit is "not found", and no edit of it
    # is tried again, whatever comes later
    tg.delete_message("4242", int(message.external_id))
    await told(app, ZAMA[2])
    await drain(dispatcher)
    assert "message to edit not found" in tg.edit_refusals[-1][1]
    [message] = await EventMessage.filter(destination_id=chat.id)
    assert message.edit_status == EDIT_GONE and "not found" in (message.edit_error or "")
    await told(app, ZAMA_LATER)
    await drain(dispatcher)
    assert len(tg.calls_of("editMessageText")) == 3 and len(tg.sent("4242")) == 4


async def test_an_edit_asked_while_the_database_is_away_is_kept(app, tg) -> None:
    """The edit is asked for in the transaction that records the send: a sent mark kept
    (and journaled) through a database outage asks for it when it is written."""
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    chat = await chat_every("pat", "4242")
    worker = Dispatcher(app, replace(FAST, lease_s=0.3), worker_id="w1")
    await told(app, ZAMA[0])
    await drain(worker)
    await told(app, ZAMA[1])
    real_write = worker._write_sent
    outage = {"on": True}

    async def flaky(items: list[tuple[int, str | None]]) -> int:
        if outage["on"]:
            raise ConnectionRefusedError(111, "Connect call failed")
        return await real_write(items)

    worker.marks._write = flaky
    await worker.run_once()
    assert len(tg.sent("4242")) == 2 and len(worker.marks.pending) == 1
    [message] = await EventMessage.filter(destination_id=chat.id)
    assert message.edit_status is None  # not asked yet: the send is not recorded
    outage["on"] = False
    await worker.marks.flush_pending()
    [message] = await EventMessage.filter(destination_id=chat.id)
    assert (message.edit_status, message.edit_seq) == (EDIT_PENDING, 1)
    await worker.marks.flush_pending()  # written once: asked once
    await drain(worker)
    assert len(tg.edited) == 1 and len(tg.sent("4242")) == 2


async def test_an_edit_made_as_the_database_went_away_is_recorded_not_made_again(app, tg) -> None:
    """The edit went out, then recording it failed (the database away): the worker keeps
    what it made the message show, and doing the edit again once the database is back
    records it without a second request (it was made again: "not modified", a chat slot
    spent; the fault matrix's PostgreSQL outage showed it)."""
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    chat = await chat_every("pat", "4242")
    worker = Dispatcher(app, FAST, worker_id="w1")
    await told(app, *ZAMA[:2])
    real_outcome = worker._edit_outcome
    outage = {"on": True}

    async def flaky(*args: Any) -> None:
        if outage["on"]:
            raise ConnectionRefusedError(111, "Connect call failed")
        await real_outcome(*args)

    worker._edit_outcome = flaky  # type: ignore[method-assign]
    assert await worker.run_once() == 3  # two alerts, then the edit: made, not recorded
    assert len(tg.edited) == 1
    [message] = await EventMessage.filter(destination_id=chat.id)
    assert (message.edit_status, message.edit_claimed_by) == (EDIT_PENDING, "w1")
    outage["on"] = False
    await drain(worker)
    assert len(tg.calls_of("editMessageText")) == 1 and tg.edit_refusals == []
    [message] = await EventMessage.filter(destination_id=chat.id)
    assert message.edit_status is None and message.edit_shown is not None
    assert worker._edits_made == {}


async def test_a_chat_that_threw_the_bot_out_ends_its_waiting_edits(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    chat = await chat_every("pat", "4242")
    dispatcher = Dispatcher(app, FAST)
    await told(app, ZAMA[0], HOLO[0])
    await drain(dispatcher)
    await told(app, ZAMA[1], HOLO[1])  # an edit of each event's first message waits
    tg.fail_next("editMessageText", 403, "Forbidden: bot was kicked from the group chat")
    await drain(dispatcher)  # the first edit finds the bot thrown out: both end
    assert len(tg.calls_of("editMessageText")) == 1
    messages = await EventMessage.filter(destination_id=chat.id)
    assert len(messages) == 2
    for message in messages:
        assert message.edit_status is None and "kicked" in (message.edit_error or "")
    await chat.refresh_from_db()
    assert chat.rejected_reason and "kicked" in chat.rejected_reason


async def test_a_dead_workers_edit_is_taken_over_and_stop_releases_edits(app, tg) -> None:
    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    await chat_every("pat", "4242")
    await chat_every("quinn", "4343")
    config = replace(FAST, lease_s=0.3)
    [alert] = await told(app, ZAMA[0])
    event_id = (await Alert.get(id=alert.id)).event_id
    await Delivery.all().delete()  # the alert itself is not this test's: only edits wait
    for chat in await Destination.all():  # a first message in each chat, then a later one
        assert not await app.events.message_sent(event_id, chat.id, "1")
        assert await app.events.message_sent(event_id, chat.id, "2")
    alive = Dispatcher(app, config, worker_id="alive")
    other = Dispatcher(app, config, worker_id="other")
    await alive.refresh_claims()
    [mine] = await alive.claim_edits(destinations=1)
    [theirs] = await other.claim_edits(destinations=5)  # the other chat only
    assert theirs.destination_id != mine.destination_id
    assert await other.claim_edits(destinations=5) == [theirs]  # its own again, no more
    await asyncio.sleep(0.35)  # alive fell silent: its edit is taken over
    taken = await other.claim_edits(destinations=5, skip_destinations=[theirs.destination_id])
    assert [e.id for e in taken] == [mine.id]
    assert await other.release_all() == 2
    assert not await EventMessage.filter(edit_claimed_by__not_isnull=True).exists()
    await drain(other)
    assert len(tg.edited) == 2


async def test_discord_edit_429_pauses_the_route_and_unknown_message_ends_it(app, dc) -> None:
    app.channels.register(DiscordChannel("D", dc.base_url))
    chan = await chat_every("quinn", "900100200300400500", DestinationKind.DISCORD)
    dispatcher = Dispatcher(app, FAST)
    await told(app, *ZAMA[:2])
    dc.fail_next("/messages/", 429, retry_after=1.5)  # a PATCH of a message only
    assert await dispatcher.run_once() == 3  # two alerts, then the edit: refused
    scope = "discord:channels/900100200300400500"
    assert await dispatcher.pauses.remaining((scope,)) > 1.0
    [message] = await EventMessage.filter(destination_id=chan.id)
    assert (message.edit_status, message.edit_attempts) == (EDIT_PENDING, 0)
    await drain(dispatcher)
    assert len(dc.channel_edits) == 1
    dc.fail_next("/messages/", 404, {"message": "Unknown Message", "code": 10008})
    await told(app, ZAMA[2])
    await drain(dispatcher)
    [message] = await EventMessage.filter(destination_id=chan.id)
    assert message.edit_status == EDIT_GONE
    assert (await Delivery.filter(destination_id=chan.id).count()) == 3  # chat not rejected
    await told(app, ZAMA_LATER)
    await drain(dispatcher)
    patches = [c for c in dc.calls if c[0] == "PATCH"]
    assert len(patches) == 3 and len(dc.channel_messages) == 4


async def test_waiting_and_overdue_edits_show_in_health_and_metrics(app, tg) -> None:
    """Operators see the edit outbox: /health says how many edits wait and how many are
    overdue (due for more than five minutes), the metrics say the same by channel."""
    from prometheus_client.parser import text_string_to_metric_families

    from core.metrics import edit_backlog
    from tests.web_helpers import serve

    app.channels.register(TelegramChannel(TOKEN, tg.base_url, per_chat=(100, 1.0)))
    chats = [await chat_every("pat", "4242"), await chat_every("quinn", "4343")]
    [alert] = await told(app, ZAMA[0])
    event_id = (await Alert.get(id=alert.id)).event_id
    await Delivery.all().delete()  # only edits wait here
    for chat in chats:  # a first message in each chat, then a later one asks for an edit
        assert not await app.events.message_sent(event_id, chat.id, "1")
        assert await app.events.message_sent(event_id, chat.id, "2")
        assert await app.events.message_sent(event_id, chat.id, "3")  # coalesced: one edit
    backlog = await edit_backlog()
    assert (backlog["waiting"], backlog["overdue"]) == (2, 0)
    assert backlog["channels"] == {"telegram": {"waiting": 2, "overdue": 0}}
    [first, _second] = await EventMessage.filter(edit_status=EDIT_PENDING).order_by("id")
    # one has been due for ten minutes (its chat paused, its worker stuck...): overdue
    ten_minutes_ago = datetime.now(UTC) - timedelta(minutes=10)
    await EventMessage.filter(id=first.id).update(edit_next_at=ten_minutes_ago)
    client = await serve(app)
    try:
        health = await (await client.get("/health")).json()
    finally:
        await client.close()
    queue = health["checks"]["edit_queue"]
    assert (queue["waiting"], queue["overdue"]) == (2, 1)
    assert 590 <= queue["oldest_due_s"] <= 700
    await app.metrics.refresh()
    samples = {
        (s.name, s.labels.get("channel")): s.value
        for family in text_string_to_metric_families(app.metrics.render().decode())
        for s in family.samples
    }
    assert samples["tge_message_edits_waiting", "telegram"] == 2
    assert samples["tge_message_edits_overdue", "telegram"] == 1
    assert samples["tge_message_edit_oldest_due_seconds", None] >= 590
    await drain(Dispatcher(app, FAST))  # both made: nothing waits, nothing overdue
    assert len(tg.edited) == 2
    assert (await edit_backlog())["waiting"] == 0
    await app.metrics.refresh()
    assert "tge_message_edits_waiting{" not in app.metrics.render().decode()


# --- four workers sharing the limits through Redis --------------------------------------


def _alert_of(params: dict[str, Any]) -> int | None:
    """The alert a sent message carries (its 👍 button's callback data)."""
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data") or ""
            if data.startswith("fb:"):
                return int(data.split(":")[1])
    return None


async def _workers(app: Any, tg: Any, n: int) -> list[tuple[Dispatcher, Any]]:
    """`n` dispatchers as separate as worker processes are: each its own Telegram client,
    Redis connection, shared-limit backend and in-memory pauses; only Redis and the database
    are shared."""
    import redis.asyncio as aioredis

    out = []
    for i in range(n):
        client = aioredis.from_url(app.settings.redis_url)
        backend = RedisBackend(client)
        channel = TelegramChannel(TOKEN, tg.base_url)  # Telegram's published limits
        assert channel.share_limits(lambda b=backend: b)
        registry = ChannelRegistry()
        registry.register(channel)
        worker_app = SimpleNamespace(
            settings=app.settings,
            channels=registry,
            events=app.events,
            alerts=app.alerts,
            bus=app.bus,
            redis=client,
            kv=RedisKeyValue(client),
            dependencies=Dependencies(),
        )
        dispatcher = Dispatcher(worker_app, replace(FAST, lease_s=10.0), worker_id=f"w{i}")
        out.append((dispatcher, client))
    return out


async def test_four_workers_share_each_chats_limit_between_sends_and_edits(
    tmp_path: Path, pg_url: str, redis_url: str, tg: Any
) -> None:
    """Four workers, six chats, two events told four times each (every item to every chat):
    no chat gets two requests (send or edit) within a second, every alert arrives once,
    and each chat's first message of each event ends showing the newest timeline."""
    app = create_app(make_settings(tmp_path, DATABASE_URL=pg_url, REDIS_URL=redis_url))
    await app.open()
    workers: list[tuple[Dispatcher, Any]] = []
    try:
        chats = [await chat_every(f"u{i}", str(5000 + i)) for i in range(6)]
        alerts = await told(app, ZAMA[0], HOLO[0], *ZAMA[1:], HOLO[1])
        workers = await _workers(app, tg, 4)
        for dispatcher, _client in workers:
            await dispatcher.start()
        # more retellings while the first ones and their edits go out
        await wait_for(lambda: len(tg.edited) >= 2, within_s=30)
        alerts += await told(app, ZAMA_LATER, HOLO[2], HOLO_LATER)

        async def settled() -> bool:
            return not (
                await Delivery.filter(status__in=("pending", "failed")).exists()
                or await EventMessage.filter(edit_status=EDIT_PENDING).exists()
            )

        await wait_for(settled, within_s=90, interval=0.2)
        await asyncio.sleep(1.0)  # a late duplicate would arrive now
        addresses = {c.address for c in chats}
        expected = {(a.id, c) for a in alerts for c in addresses}
        copies = Counter((_alert_of(p), str(p["chat_id"])) for p in tg.sent())
        assert set(copies) == expected and set(copies.values()) == {1}  # none lost, none twice
        by_chat: dict[str, list[float]] = {}
        for chat, _method, at in tg.chat_requests:
            by_chat.setdefault(chat, []).append(at)
        gaps = [b - a for ts in by_chat.values() for a, b in itertools.pairwise(ts)]
        print(f"{len(tg.chat_requests)} requests; tightest gap in one chat {min(gaps):.3f}s")
        assert min(gaps) >= 1.0
        messages = await EventMessage.all()
        assert len(messages) == 2 * len(chats)
        asked = sum(m.edit_seq for m in messages)
        print(f"{asked} edits asked, {len(tg.edited)} made")
        assert len(tg.edited) < asked  # coalesced
        for message in messages:
            edits = [
                e
                for e in tg.edited
                if int(e["message_id"]) == int(message.external_id)
                and str(e["chat_id"]) == (await message.destination).address
            ]
            assert edits and edits[-1]["text"] == await newest_timeline(app, message)
            assert message.edit_status is None
    finally:
        for dispatcher, client in workers:
            await dispatcher.stop()
            await client.aclose()
        await app.stop()
