"""The fault matrix's deployment: real `tge-monitor` processes on a private PostgreSQL
cluster and a private Redis, sending to a local (slow) Telegram that records every message
(or, for the edits' cases, to channels of a local Discord as slow, which records the same).

What the tests read is the local Telegram's record: which (alert, chat) pairs arrived, how
many times and when. Lost = expected pairs that never arrived; duplicates = extra copies.
Timeline edits (an event's first message in a chat edited as the event is told again) are
read the same way: what each first message shows at the end, and edits that changed nothing
("message is not modified": an edit made twice).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import db
from core.config import Settings
from core.models import EDIT_PENDING, Delivery, EventMessage, Feed, UpdatePolicy
from core.runtime import App, create_app
from tests.fakes.discord import FakeDiscord
from tests.fakes.telegram import FakeTelegram
from tests.faults.servers import PrivatePostgres, PrivateRedis
from tests.test_delivery_kit import destination, subscribe, user

Told = tuple[str, int, int, int]  # a real corpus item and the day it was told (test_edit_outbox)

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:fault-matrix"
DISCORD_TOKEN = "fault-matrix-discord-bot-token"
DISCORD_CHANNEL0 = 700_000_000_000_000_000  # the chats' channel ids on the local Discord
LEASE_S = 5.0  # DISPATCH_LEASE_S in these tests (default 30), so kill -9 resumes quickly
POLL_S = 1.0  # the dispatcher's poll interval (DispatchConfig.poll_interval_s)
# How long a killed worker's rows and edits may take to be taken over: its lease runs out,
# a poll, then the chat's own queue (alerts first, about a request a second) — 3-10 s on an
# idle machine. The factor is for several suites sharing two cores: these cases assert that
# the takeover happens (a broken one never does), not how fast; speed is a benchmark's.
TAKEOVER_WITHIN_S = 10 * (LEASE_S + POLL_S)


def alert_of(params: dict[str, Any]) -> int | None:
    """The alert id a sent message carries (its 👍 button's callback data)."""
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data") or ""
            if data.startswith("fb:"):
                return int(data.split(":")[1])
    return None


@dataclass
class Tally:
    expected: set[tuple[int, str]]
    copies: Counter[tuple[int, str]]

    @property
    def lost(self) -> int:
        return len(self.expected - set(self.copies))

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.copies.values() if n > 1)

    def line(self) -> str:
        return (
            f"expected={len(self.expected)} delivered={len(set(self.copies))} "
            f"lost={self.lost} duplicates={self.duplicates}"
        )


@dataclass
class EditTally:
    """Timeline edits at the end of a case. Lost: a first message that does not show its
    event's newest timeline (or whose edit still waits); twice: an edit Telegram answered
    "message is not modified" (it showed that already: the same edit made again)."""

    asked: int  # edits asked for (coalesced: one waiting per message)
    made: int  # editMessageText requests that changed a message
    repeated: int  # editMessageText answered "not modified": made twice
    refused: int  # other refusals (not found, ...): the edit ended
    messages: int  # first messages with an edit asked
    stale: int  # of those, not showing the newest timeline at the end
    waiting: int  # of those, an edit still pending
    ended: int  # of those, ended with an error recorded

    @property
    def lost(self) -> int:
        return self.stale + self.waiting

    def line(self) -> str:
        return (
            f"edits asked={self.asked} made={self.made} messages={self.messages} "
            f"lost={self.lost} twice={self.repeated} refused={self.refused} ended={self.ended}"
        )


@dataclass
class Deployment:
    """One test's database on the private cluster, its workers and the local Telegram."""

    root: Path
    pg: PrivatePostgres
    redis: PrivateRedis | None
    telegram: FakeTelegram
    database_url: str
    procs: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    # the chats are Discord channels on this local Discord instead (sends and edits)
    discord: FakeDiscord | None = None
    app: App | None = None
    expected: set[tuple[int, str]] = field(default_factory=set)

    def env(self, **extra: str) -> dict[str, str]:
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
        env = {
            **keep,
            "APP_ENV": "test",
            "DATA_DIR": str(self.root / "data"),
            "SECRET_KEY": "fault-matrix-secret-key-0123456789abcdef",
            "DATABASE_URL": self.database_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": self.telegram.base_url,
            "DISPATCH_LEASE_S": str(LEASE_S),
            "SHUTDOWN_GRACE_S": "10",
            "LOG_LEVEL": "WARNING",
            # loopback only, and no catalogue load competing for the CPU at start-up
            "DEFAULT_SOURCES": "false",
            "DEFAULT_COMPANIES": "false",
            "PYTHONPATH": str(ROOT),
        }
        if self.redis is not None:
            env["REDIS_URL"] = self.redis.url
        if self.discord is not None:
            env["DISCORD_BOT_TOKEN"] = DISCORD_TOKEN
            env["DISCORD_API_BASE"] = self.discord.base_url
        env.update(extra)
        return env

    async def start(self, name: str, part: str = "worker", **extra: str) -> None:
        log = (self.root / f"{name}.log").open("wb")
        self.procs[name] = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tge_monitor.cli",
            part,
            env=self.env(**extra),
            cwd=str(self.root),
            stdout=log,
            stderr=log,
        )

    def pid(self, name: str) -> int:
        return self.procs[name].pid

    def signal(self, name: str, sig: int) -> None:
        self.procs[name].send_signal(sig)

    async def wait_exit(self, name: str, within_s: float) -> int:
        return await asyncio.wait_for(self.procs[name].wait(), within_s)

    def log(self, name: str) -> str:
        return (self.root / f"{name}.log").read_text(errors="replace")

    async def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGKILL)
                await proc.wait()

    async def seed(self, chats: int, alerts: int) -> None:
        """`chats` Telegram users subscribed to everything, then `alerts` alerts (the outbox)."""
        assert self.app is not None
        addresses = []
        for i in range(chats):
            owner = await user(f"chat{i}")
            address = str(100000 + i)
            await subscribe(owner, await destination(owner, "telegram", address))
            addresses.append(address)
        for n in range(alerts):
            alert = await self.app.alerts.create_manual(f"Acme TGE announcement {n}", "", "")
            self.expected |= {(alert.id, a) for a in addresses}
        assert await Delivery.all().count() == len(self.expected)

    async def subscribe_chats(self, chats: int) -> None:
        """`chats` Telegram users subscribed to every item of every event (each later item
        about an event asks for the chat's first message about it to be edited)."""
        for i in range(chats):
            owner = await user(f"chat{i}")
            if self.discord is not None:
                chat = await destination(owner, "discord", str(DISCORD_CHANNEL0 + i))
            else:
                chat = await destination(owner, "telegram", str(100000 + i))
            await subscribe(owner, chat, updates=UpdatePolicy.EVERY)

    async def tell(self, *items: Told) -> None:
        """Real items told through the alert service (events joined, deliveries queued); every
        delivery they queue is expected. Their feeds are switched off: nothing to poll."""
        from tests.test_edit_outbox import told

        assert self.app is not None
        alerts = await told(self.app, *items)
        assert all(a is not None for a in alerts)
        await Feed.all().update(enabled=False)
        rows = await Delivery.filter(alert_id__in=[a.id for a in alerts]).prefetch_related(
            "destination"
        )
        self.expected |= {(r.alert_id, r.destination.address) for r in rows}

    def edits_made(self) -> int:
        if self.discord is not None:
            return len(self.discord.channel_edits)
        return len(self.telegram.edited)

    async def wait_edits(self, n: int, within_s: float) -> None:
        deadline = time.monotonic() + within_s
        while self.edits_made() < n:
            assert time.monotonic() < deadline, f"only {self.edits_made()} of {n} edits made"
            await asyncio.sleep(0.1)

    async def settle_edits(self, within_s: float) -> EditTally:
        """No edit waits any more (or time ran out); then a quiet second and the tally."""
        deadline = time.monotonic() + within_s
        while await EventMessage.filter(edit_status=EDIT_PENDING).exists():
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # a late repeat would show up here
        return await self.edit_tally()

    async def edit_tally(self) -> EditTally:
        """What every first message with an edit asked shows at the local Telegram now,
        against the event's newest timeline."""
        from bot.discord.channel import render_embed
        from bot.telegram.channel import render_alert

        assert self.app is not None
        messages = await EventMessage.filter(edit_seq__gt=0).prefetch_related("destination")
        stale = 0
        for message in messages:
            shown = await self.app.events.timeline_message(message)
            assert shown is not None
            address = message.destination.address
            if self.discord is not None:  # the embeds it shows (a JSON round trip, as sent)
                newest = json.loads(json.dumps([render_embed(shown[0])]))
                now = self.discord.shown.get((address, str(message.external_id)))
            else:
                newest = render_alert(shown[0])[0]
                now = self.telegram.shown.get((address, int(message.external_id)), (None,))[0]
            if now != newest:
                stale += 1
        refusals = [why for _params, why in self.telegram.edit_refusals]
        if self.discord is not None:  # Discord makes an edit that changes nothing: counted
            refusals = ["not modified"] * len(self.discord.repeated_edits)
        return EditTally(
            asked=sum(m.edit_seq for m in messages),
            made=self.edits_made(),
            repeated=sum("not modified" in why for why in refusals),
            refused=sum("not modified" not in why for why in refusals),
            messages=len(messages),
            stale=stale,
            waiting=sum(m.edit_status == EDIT_PENDING for m in messages),
            ended=sum(m.edit_error is not None for m in messages),
        )

    def edit_arrivals(self) -> list[tuple[str, str, float]]:
        """(chat, message id, arrived) of every edit made, on the local Telegram or Discord
        (Discord's include those that changed nothing: counted in the tally as twice)."""
        if self.discord is not None:
            made = [(e["channel_id"], e["id"], e["arrived"]) for e in self.discord.channel_edits]
        else:
            made = [(e["chat_id"], e["message_id"], e["arrived"]) for e in self.telegram.edited]
        return [(str(chat), str(message), at) for chat, message, at in made]

    def repeated_edits(self) -> Counter[tuple[str, str]]:
        """Edits made twice (they changed nothing: "message is not modified" on Telegram, the
        same embeds on Discord) by (chat, message id)."""
        if self.discord is not None:
            twice = [(e["channel_id"], e["id"]) for e in self.discord.repeated_edits]
        else:
            twice = [
                (params.get("chat_id"), params.get("message_id"))
                for params, why in self.telegram.edit_refusals
                if "not modified" in why
            ]
        return Counter((str(chat), str(message)) for chat, message in twice)

    async def kill_9(self, name: str) -> tuple[float, list[int], list[int]]:
        """SIGKILL a worker and wait for it to be gone; returns when it was killed
        (time.time()) and the deliveries and edits it held when it died (what it finished
        between a look before the kill and the kill is not among them)."""
        pid = self.pid(name)
        self.signal(name, signal.SIGKILL)
        killed_at = time.time()
        assert await self.wait_exit(name, within_s=20) == -signal.SIGKILL
        return killed_at, await claimed_by_pid(pid), await edits_claimed_by_pid(pid)

    async def wait_taken_over(self, name: str, within_s: float = TAKEOVER_WITHIN_S) -> None:
        """A dead worker's claims (deliveries and edits not yet done) are taken over by the
        live ones: the dead one holds nothing more. A broken takeover fails here."""
        pid = self.pid(name)
        deadline = time.monotonic() + within_s
        while rows := await claimed_by_pid(pid) + await edits_claimed_by_pid(pid):
            assert time.monotonic() < deadline, (
                f"{len(rows)} deliveries/edits still held by the dead {name} after {within_s}s"
            )
            await asyncio.sleep(0.2)

    def tightest_request_gap(self) -> float:
        """The shortest time between two requests (sends and edits: Telegram counts both
        against a chat's limit) arriving for one chat, all workers together."""
        by_chat: dict[str, list[float]] = {}
        requests = (self.discord or self.telegram).chat_requests
        for chat, _method, at in requests:
            by_chat.setdefault(chat, []).append(at)
        gaps = [
            b - a
            for times in by_chat.values()
            for a, b in zip(sorted(times), sorted(times)[1:], strict=False)
        ]
        return min(gaps, default=float("inf"))

    def tally(self) -> Tally:
        copies: Counter[tuple[int, str]] = Counter()
        if self.discord is not None:
            for posted in self.discord.channel_messages:
                alert_id = alert_of({"reply_markup": discord_keyboard(posted)})
                if alert_id is not None:
                    copies[alert_id, str(posted["channel_id"])] += 1
            return Tally(set(self.expected), copies)
        for params in self.telegram.sent():
            alert_id = alert_of(params)
            if alert_id is not None:
                copies[alert_id, str(params.get("chat_id"))] += 1
        return Tally(set(self.expected), copies)

    def tightest_chat_gap(self) -> float:
        """The shortest time between two messages arriving in one chat (all workers together)."""
        by_chat: dict[str, list[float]] = {}
        for params, at in zip(self.telegram.sent(), self.telegram.sent_at, strict=True):
            by_chat.setdefault(str(params.get("chat_id")), []).append(at)
        gaps = [
            b - a
            for times in by_chat.values()
            for a, b in zip(sorted(times), sorted(times)[1:], strict=False)
        ]
        return min(gaps, default=float("inf"))

    def steady_rate(self) -> float:
        """Messages per second between the 10th and the 90th percentile arrival."""
        times = sorted(self.telegram.sent_at)
        if len(times) < 10:
            return 0.0
        lo, hi = len(times) // 10, len(times) * 9 // 10
        return (hi - lo) / max(times[hi] - times[lo], 1e-9)

    def delivered(self) -> int:
        return len(set(self.tally().copies) & self.expected)

    async def wait_delivered(self, n: int, within_s: float) -> float:
        """Wait until `n` distinct expected messages arrived; returns when (time.time())."""
        deadline = time.monotonic() + within_s
        while self.delivered() < n:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"only {self.delivered()} of {n} delivered in {within_s}s; "
                    f"{self.tally().line()}"
                )
            await asyncio.sleep(0.1)
        return time.time()

    async def settle(self, within_s: float) -> Tally:
        """Everything expected arrived (or time ran out); then a short quiet period."""
        try:
            await self.wait_delivered(len(self.expected), within_s)
        finally:
            await asyncio.sleep(1.0)  # late duplicates would show up here
        return self.tally()


def discord_keyboard(posted: dict[str, Any]) -> dict[str, Any]:
    """A Discord message's buttons as a Telegram keyboard (their custom ids are the same
    callback data), so `alert_of` reads both."""
    rows = posted.get("components") or []
    return {
        "inline_keyboard": [
            [{"callback_data": b.get("custom_id") or ""} for b in row.get("components") or []]
            for row in rows
        ]
    }


async def make_deployment(
    root: Path,
    pg: PrivatePostgres,
    redis: PrivateRedis | None,
    name: str,
    *,
    discord: bool = False,
) -> Deployment:
    """A fresh database on the private cluster, migrated, with an App for seeding/reading;
    `discord`: the chats are channels on a local slow Discord (the local Telegram idles)."""
    import asyncpg

    admin = await asyncpg.connect(pg.url.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = pg.url.rsplit("/", 1)[0] + f"/{name}"
    telegram = FakeTelegram()
    telegram.send_delay_s = 0.5  # the slow Telegram of the issue
    await telegram.start()
    deployment = Deployment(root, pg, redis, telegram, url)
    if discord:
        deployment.discord = FakeDiscord()
        deployment.discord.send_delay_s = 0.5  # as slow as the local Telegram
        await deployment.discord.start()
    settings = Settings.from_env(
        {
            "APP_ENV": "test",
            "DATA_DIR": str(root / "seed-data"),
            "SECRET_KEY": "fault-matrix-secret-key-0123456789abcdef",
            "DATABASE_URL": url,
            # no catalogue to load, and the threshold the real items are told at elsewhere
            "DEFAULT_SOURCES": "false",
            "DEFAULT_COMPANIES": "false",
            "ALERT_THRESHOLD": "0.5",
        }
    )
    app = create_app(settings)
    await app.open()  # migrates once, before any worker starts
    deployment.app = app
    return deployment


async def close_deployment(deployment: Deployment) -> None:
    await deployment.stop_all()
    if deployment.app is not None:
        await deployment.app.stop()
    await deployment.telegram.stop()
    if deployment.discord is not None:
        await deployment.discord.stop()


async def rows_ok(within_s: float = 15.0) -> None:
    """Every row sent once by our own books: none dead, no attempt from a fault.

    A worker writes a row's ``sent`` just after the chat has the message, so on a loaded
    machine the tally can see the last message before its row says so: wait (bounded) until
    no row is pending or failed, then judge. A resend (a fault repeating an attempt) still
    shows as an attempt count above 1."""
    deadline = time.monotonic() + within_s
    while await Delivery.filter(status__in=("pending", "failed")).exists():
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.2)
    statuses = Counter(await Delivery.all().values_list("status", flat=True))
    assert set(statuses) == {"sent"}, dict(statuses)
    attempts = Counter(await Delivery.all().values_list("attempts", flat=True))
    assert set(attempts) == {1}, dict(attempts)


async def edits_claimed_by_pid(pid: int) -> list[int]:
    """Edits a worker process holds right now."""
    found = await EventMessage.filter(
        edit_claimed_by__contains=f"_{pid}_", edit_status=EDIT_PENDING
    ).values_list("id", flat=True)
    return list(found)


async def claimed_by_pid(pid: int) -> list[int]:
    """Rows a worker process holds right now (worker ids are host_pid_tag)."""
    found = await Delivery.filter(
        claimed_by__contains=f"_{pid}_", status__in=("pending", "failed")
    ).values_list("id", flat=True)
    return list(found)


__all__ = [
    "LEASE_S",
    "TAKEOVER_WITHIN_S",
    "Deployment",
    "EditTally",
    "Tally",
    "close_deployment",
    "db",
    "edits_claimed_by_pid",
    "make_deployment",
    "rows_ok",
]
