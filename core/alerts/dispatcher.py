"""The outbox dispatcher: claims due Delivery rows, sends each through its channel, records.

Claiming: on PostgreSQL one statement `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
RETURNING id` inside a transaction, so several workers split the rows and never take the same
one; on SQLite (one worker by design) the same single `UPDATE … RETURNING` without the lock.
Sends are recorded in batches (`SentMarks`: one UPDATE per batch, not a transaction per row).
Claims carry the worker's id; every `lease_s / 3` a live worker's heartbeat renews its lease
row (`leases`, "dispatch-worker:<id>", valid `lease_s`, DISPATCH_LEASE_S). Rows are taken
over only from a worker known to be dead: its lease expired (or it never had one) and the
claim is older than `lease_s` (at-least-once). A worker whose heartbeat has not got through
for half a lease fences itself: it neither sends nor claims until one does, so a worker that
is slow rather than dead never sends a row somebody else took over. Every status write except
"sent" is fenced on `claimed_by`; a sent mark is the truth and only needs the row to be
still active.
Sent rows are never claimed again.

Faults of our own dependencies are not send attempts: a database or Redis error while
preparing or recording a send leaves the row as it was and the loop waits (with backoff) for
the dependency. Sent marks that cannot be written stay in memory and in a small journal in
DATA_DIR, and are written before this worker claims anything again (and, after a crash, by
the next worker to start). `stop()` drains: no new claims, in-flight sends finish within
`shutdown_grace_s`, are recorded, and unsent claims are released at once.

Outcomes (see core.channels.base.Outcome): sent → status sent + external id; rate_limited →
the scope (chat, route, whole platform) is paused exactly `retry_after` and the row waits,
not counted as an attempt; retry → exponential backoff with jitter, `dead` after
`max_attempts`; failed → dead now; rejected → the destination is marked rejected, its other
rows are dropped and its owner is told through another destination; moved → new address,
resend at once.

Edits (an event's first message in a chat showing the timeline, `EventMessage.edit_*`) are
outbox rows too: asked for by `_write_sent` in the transaction recording the send, one
waiting per message (coalesced), claimed one per chat for chats with nothing else due
(alerts first), with the same leases, pauses and channel limits as sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import random
import socket
import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise import connections
from tortoise.exceptions import IntegrityError

from core.alerts.render import AlertMessage, message_from_alert
from core.channels.base import Channel, Notice, Outcome, OutcomeKind
from core.db import transaction
from core.faults import DATABASE, REDIS, Dependencies, dependency_of
from core.models import (
    EDIT_GONE,
    EDIT_PENDING,
    Alert,
    Delivery,
    DeliveryStatus,
    Destination,
    DestinationKind,
    EventMessage,
    Identity,
    Lease,
    Platform,
    Role,
    Subscription,
    User,
)
from core.services.destination_state import resume_fix
from core.workers import file_safe, new_worker_id, owner_alive

log = logging.getLogger(__name__)

ACTIVE = (DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value)
# A live dispatcher's lease row (`leases` table): "<this><worker id>", renewed by its heartbeat.
WORKER_LEASE = "dispatch-worker:"


@dataclass(frozen=True)
class DispatchConfig:
    """Knobs; tests use small numbers."""

    batch_size: int = 200
    concurrency: int = 16
    poll_interval_s: float = 1.0
    lease_s: float = 30.0  # DISPATCH_LEASE_S: a silent worker's rows are taken over after this
    max_attempts: int = 8
    backoff_base_s: float = 5.0
    backoff_cap_s: float = 3600.0
    max_moves: int = 2
    shutdown_grace_s: float = 10.0  # SHUTDOWN_GRACE_S: in-flight sends may finish this long
    outage_backoff_cap_s: float = 5.0  # longest wait between tries while a dependency is away
    per_destination: int = 2  # rows of one destination per pass (0: no cap)

    @property
    def heartbeat_s(self) -> float:
        """How often a worker refreshes its claims: three beats fit in one lease."""
        return max(0.05, self.lease_s / 3)


def config_from_settings(settings: Any) -> DispatchConfig:
    """DISPATCH_LEASE_S and SHUTDOWN_GRACE_S from the settings, defaults otherwise."""
    if settings is None:
        return DispatchConfig()
    return DispatchConfig(
        lease_s=float(getattr(settings, "dispatch_lease_s", DispatchConfig.lease_s)),
        shutdown_grace_s=float(
            getattr(settings, "shutdown_grace_s", DispatchConfig.shutdown_grace_s)
        ),
    )


def backoff_delay(attempts: int, config: DispatchConfig, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: base·2^(n-1), capped, then scaled by 0.5-1.0."""
    raw = min(config.backoff_cap_s, config.backoff_base_s * (2 ** max(0, attempts - 1)))
    return raw * (0.5 + 0.5 * (rng or random).random())


def now_utc() -> datetime:
    return datetime.now(UTC)


def _short(text: str, n: int = 1000) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


class Pauses:
    """Rate-limit pauses per scope: in memory, mirrored to app.kv so other workers see them."""

    def __init__(self, app: Any = None) -> None:
        self._until: dict[str, float] = {}
        self._app = app  # read app.kv / app.redis at use time: open() swaps them

    def _redis_failed(self, exc: Exception) -> None:
        """Redis away: pauses work from this process's memory until it is back."""
        if dependency_of(exc) != REDIS:
            raise exc
        deps = getattr(self._app, "dependencies", None)
        if deps is not None:
            deps.down(REDIS, exc)
            deps.fallback("delivery pauses", "in-process")

    def _redis_ok(self) -> None:
        deps = getattr(self._app, "dependencies", None)
        if deps is not None and deps.is_down(REDIS):
            deps.up(REDIS)
            deps.fallback("delivery pauses", None)

    @property
    def _kv(self) -> Any:
        return getattr(self._app, "kv", None)

    @property
    def _shared(self) -> bool:
        return getattr(self._app, "redis", None) is not None

    async def pause(self, scope: str, seconds: float) -> datetime:
        """Pause `scope` for `seconds`; returns when it opens again. The row that met the
        limit is due again at that very instant, so a row another worker gives back during
        the pause (due when `remaining` says, a little later) is never due before it: a
        chat's messages keep their order across a 429."""
        until = time.time() + seconds
        if until > self._until.get(scope, 0.0):
            self._until[scope] = until
        if self._shared and self._kv is not None and seconds > 0:
            try:
                await self._kv.set(f"pause:{scope}", repr(until), ttl_s=seconds)
            except Exception as exc:
                self._redis_failed(exc)
            else:
                self._redis_ok()
        return datetime.fromtimestamp(until, UTC)

    async def remaining(self, scopes: tuple[str, ...]) -> float:
        """Seconds until every scope is open again (0 when none is paused)."""
        now = time.time()
        wait = 0.0
        for scope in scopes:
            until = self._until.get(scope, 0.0)
            if self._shared and self._kv is not None:
                try:
                    raw = await self._kv.get(f"pause:{scope}")
                except Exception as exc:
                    self._redis_failed(exc)
                    raw = None
                else:
                    self._redis_ok()
                if raw:
                    with contextlib.suppress(ValueError):
                        until = max(until, float(raw))
            wait = max(wait, until - now)
        return max(0.0, wait)


async def reject_destination(app: Any, destination: Destination, reason: str) -> None:
    """Mark a destination permanently failed, drop its queued rows, tell the owner elsewhere."""
    reason = _short(reason, 500)
    updated = await Destination.filter(id=destination.id, rejected_reason=None).update(
        rejected_reason=reason, rejected_at=now_utc()
    )
    await Delivery.filter(destination_id=destination.id, status__in=ACTIVE).update(
        status=DeliveryStatus.REJECTED, last_error=reason, claimed_at=None, claimed_by=None
    )
    await EventMessage.filter(destination_id=destination.id, edit_status=EDIT_PENDING).update(
        edit_status=None, edit_error=reason[:512], edit_claimed_at=None, edit_claimed_by=None
    )
    destination.rejected_reason = reason
    alerts = getattr(app, "alerts", None)
    if alerts is not None:
        alerts.router.invalidate()
    if not updated:
        return
    log.warning("destination %s (%s) rejected: %s", destination.id, destination.kind, reason)
    await notify_owner(app, destination, reason)


async def notify_owner(app: Any, lost: Destination, reason: str) -> bool:
    """Tell the chat's admins that alerts to `lost` stopped, why, and what fixes it.

    The admins we know are the destination's owner and whoever subscribed it. Each hears it
    privately where possible: a DM on the chat's own platform first (a Discord channel's
    admin in a Discord DM, a Telegram group's in a Telegram DM), then their other platform,
    then another working destination of theirs.
    """
    registry = getattr(app, "channels", None)
    if registry is None:
        return False
    label = lost.name or f"#{lost.id}"
    notice = Notice(
        title=f"Alerts to {label} are stopped",
        text=(
            f"Alerts to your {lost.kind} destination {label} could not be delivered and are "
            f"stopped: {reason}.\nFix: {resume_fix(lost)}"
        ),
    )
    subscribers = await Subscription.filter(destination_id=lost.id).values_list(
        "user_id", flat=True
    )
    told = False
    for user_id in dict.fromkeys([lost.owner_id, *subscribers]):
        for target in await _private_targets(user_id, lost):
            if await _send_notice(registry, target, notice, f"notice about destination {lost.id}"):
                log.info("admin %s of destination %s told by %s", user_id, lost.id, target.kind)
                told = True
                break
    return told


async def _send_notice(registry: Any, target: Destination, notice: Notice, what: str) -> bool:
    """One private notice through its channel; True when it went out. A channel that is not
    ready or fails is logged and skipped, so the caller can try the user's next chat."""
    channel = await registry.ready(target.kind)
    if channel is None:
        return False
    try:
        outcome = await channel.send(target, notice)
    except Exception:
        log.exception("%s by %s failed", what, target.kind)
        return False
    return outcome.kind == OutcomeKind.SENT


def _direct_message(ident: Identity) -> Destination | None:
    """The private chat with a bot user: their Telegram id, or a Discord DM (`user:<id>`)."""
    if ident.platform == Platform.TELEGRAM:
        return Destination(
            kind=DestinationKind.TELEGRAM, address=ident.external_id, owner_id=ident.user_id
        )
    if ident.platform == Platform.DISCORD:
        return Destination(
            kind=DestinationKind.DISCORD,
            address=f"user:{ident.external_id}",
            owner_id=ident.user_id,
        )
    return None


async def _private_targets(user_id: int, lost: Destination) -> list[Destination]:
    """Where a user hears about `lost`: DMs (its platform first), then their other working
    destinations. Never `lost` itself, never an unproven chat or address."""
    dms = [
        dm
        for ident in await Identity.filter(user_id=user_id).order_by("id")
        if (dm := _direct_message(ident)) is not None and dm.address != lost.address
    ]
    dms.sort(key=lambda d: d.kind != lost.kind)
    others = [
        other
        for other in await Destination.filter(owner_id=user_id, rejected_reason=None)
        .exclude(id=lost.id)
        .exclude(kind=DestinationKind.WEBSOCKET)
        .order_by("id")
        if (other.verified or other.kind == DestinationKind.WEBHOOK)
        and other.address not in {d.address for d in dms}
    ]
    return dms + others


async def notify_user(
    app: Any, user_id: int, notice: Notice, *, skip_identities: frozenset[str] = frozenset()
) -> int:
    """Tell a user something privately: a Telegram or Discord DM, and their verified email
    addresses.

    Group chats they own are never used: these notices are about their account.
    Returns how many messages went out.
    """
    registry = getattr(app, "channels", None)
    if registry is None:
        return 0
    targets: list[Destination] = [
        dm
        for ident in await Identity.filter(user_id=user_id).order_by("id")
        if ident.external_id not in skip_identities and (dm := _direct_message(ident)) is not None
    ]
    targets += await Destination.filter(
        owner_id=user_id, kind=DestinationKind.EMAIL, verified=True, rejected_reason=None
    )
    what = f"account notice to user {user_id}"
    return sum([await _send_notice(registry, target, notice, what) for target in targets])


class SentJournal:
    """Sends not yet recorded in the database, appended to a small file in DATA_DIR.

    One file per worker (`outbox/sent-<worker>.jsonl`), written (and fsynced) only when a
    mark cannot reach the database, and removed once every line in it is recorded. A worker
    that starts adopts the files of workers on this host that are no longer running.
    """

    def __init__(self, directory: Path | None, worker_id: str) -> None:
        self.directory = directory
        self.path = directory / f"sent-{file_safe(worker_id)}.jsonl" if directory else None

    def append(self, items: list[tuple[int, str | None]]) -> None:
        if self.path is None or not items:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                for row_id, external_id in items:
                    fh.write(json.dumps([row_id, external_id]) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except OSError:
            log.exception("could not journal %d sent deliveries (kept in memory)", len(items))

    def clear(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                self.path.unlink(missing_ok=True)

    def adopt(self) -> tuple[list[tuple[int, str | None]], list[Path]]:
        """Marks left by workers of this host that are gone (crashed during an outage)."""
        if self.directory is None or not self.directory.is_dir():
            return [], []
        host = socket.gethostname()
        items: list[tuple[int, str | None]] = []
        files: list[Path] = []
        for path in sorted(self.directory.glob("sent-*.jsonl")):
            if path == self.path or _owner_alive(path.name, host):
                continue
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError:
                continue
            for line in lines:
                with contextlib.suppress(ValueError, TypeError):
                    row_id, external_id = json.loads(line)
                    items.append((int(row_id), None if external_id is None else str(external_id)))
            files.append(path)
        return items, files


def _owner_alive(filename: str, host: str) -> bool:
    """Is the worker that wrote `sent-<host>_<pid>_<tag>.jsonl` still running here?"""
    if not filename.startswith("sent-") or not filename.endswith(".jsonl"):
        return True  # a name we did not write
    return owner_alive(filename.removeprefix("sent-").removesuffix(".jsonl"), host)


class SentMarks:
    """Sends recorded in batches: one UPDATE per batch instead of one transaction per row.

    A sender does not wait for its mark: it hands the row here and sends the next one. Marks
    are written once `max_batch` have gathered or `delay_s` after the first, in one statement,
    and the dispatcher drains the rest before a pass ends. A mark that cannot be written
    (database away) is kept in `pending` and in the journal, and `flush_pending` writes it
    before the worker claims again. Only a crash before the write *and* the journal leaves a
    row to be sent again after its lease (at-least-once).
    """

    def __init__(
        self,
        write: Any,
        *,
        max_batch: int = 200,
        delay_s: float = 0.005,
        journal: SentJournal | None = None,
        on_fault: Any = None,
    ) -> None:
        self._write = write
        self.max_batch = max_batch
        self.delay_s = delay_s
        self.journal = journal or SentJournal(None, "")
        self._on_fault = on_fault
        self._items: list[tuple[int, str | None]] = []
        self.pending: dict[int, str | None] = {}  # sent, not yet recorded
        self._adopted: list[Path] = []
        self._lock = asyncio.Lock()  # one write at a time (SQLite has one connection anyway)
        self._tasks: set[asyncio.Task[None]] = set()
        self._timer: asyncio.TimerHandle | None = None

    def adopt_journals(self) -> int:
        items, files = self.journal.adopt()
        for row_id, external_id in items:
            self.pending.setdefault(row_id, external_id)
        self._adopted += files
        if items:
            log.warning("adopted %d unrecorded sends from %d journal(s)", len(items), len(files))
        return len(items)

    def add(self, row_id: int, external_id: str | None) -> None:
        self._items.append((row_id, external_id))
        if len(self._items) >= self.max_batch:
            self._spawn()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.delay_s, self._spawn)

    def _spawn(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._items:
            return
        items, self._items = self._items, []
        task = asyncio.create_task(self._flush(items))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _flush(self, items: list[tuple[int, str | None]]) -> None:
        async with self._lock:
            try:
                written = await self._write(items)
            except Exception as exc:
                self._keep(items, exc)
                return
        lost = len(items) - written
        if lost:
            log.info("%d sent deliveries were already recorded (taken over)", lost)

    def _keep(self, items: list[tuple[int, str | None]], exc: Exception) -> None:
        fresh = [(r, e) for r, e in items if r not in self.pending]
        for row_id, external_id in items:
            self.pending[row_id] = external_id
        self.journal.append(fresh)
        if self._on_fault is not None:
            self._on_fault(exc)
        if dependency_of(exc) is None:
            log.exception(
                "recording %d sent deliveries failed; kept to record later",
                len(items),
                exc_info=exc,
            )

    async def flush_pending(self) -> None:
        """Write every kept mark; raises (keeping them) while the database is away."""
        if not self.pending:
            return
        async with self._lock:
            items = list(self.pending.items())
            for i in range(0, len(items), self.max_batch):
                await self._write(items[i : i + self.max_batch])
            for row_id, _ in items:
                self.pending.pop(row_id, None)
            if not self.pending:
                self.journal.clear()
                for path in self._adopted:
                    with contextlib.suppress(OSError):
                        path.unlink(missing_ok=True)
                self._adopted.clear()
        log.warning("recorded %d sends kept while the database was away", len(items))

    async def drain(self) -> None:
        """Write everything handed in so far and wait for it (kept ones stay pending)."""
        self._spawn()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def written(self) -> None:
        """Wait for the marks handed in so far only: other senders' later marks keep the
        writes going, and one destination must not wait for all of them."""
        self._spawn()
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


@dataclass(frozen=True, slots=True)
class ClaimedEdit:
    """An edit this worker claimed: the event's first message in a chat, and how many
    edits of it had been asked for when claimed (`seq`: a later ask needs another edit)."""

    id: int
    event_id: int
    destination_id: int
    external_id: str
    seq: int
    attempts: int
    shown: str | None = None  # digest of what the message shows since its last edit


class _Binder:
    """Placeholders for one statement: `$n` on PostgreSQL, `?` (in order) on SQLite."""

    def __init__(self, postgres: bool) -> None:
        self.postgres = postgres
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.postgres else "?"

    def among(self, values: Collection[Any], pg_type: str, *, negate: bool = False) -> str:
        """`IN (…)` (or `NOT IN`) over `values` (not empty); on PostgreSQL one array
        parameter, `= ANY` / `<> ALL`, which the planner estimates from the values (an
        `IN (SELECT unnest(…))` on the kinds made it guess 4 chats a kind and look each
        chat's rows up one by one: 23 s for a claim over 20,000 queued rows)."""
        if self.postgres:
            array = f"{self(list(values))}::{pg_type}[]"
            return f"<> ALL({array})" if negate else f"= ANY({array})"
        return f"{'NOT IN' if negate else 'IN'} ({', '.join(self(v) for v in values)})"


async def _take(
    conn: Any,
    p: _Binder,
    table: str,
    alias: str,
    set_sql: str,
    ranked: str,
    due: Any,
    *,
    limit: int,
    returning: str,
) -> list[dict[str, Any]]:
    """A claim's one statement, for deliveries and edits alike: the `ranked` rows still
    `due()` when locked, at most `limit`, marked with `set_sql`. On PostgreSQL the rows are
    locked with SKIP LOCKED in a transaction, so workers split them and never take the same
    one; on SQLite (one worker by design) the statement is atomic and needs no lock.
    Placeholders are bound in the order they appear: `set_sql` and `ranked` are built
    before, `due()` and the limit here."""
    sql = f"""
        UPDATE {table} SET {set_sql}
        WHERE id IN (
            SELECT {alias}.id FROM {table} {alias}
            WHERE {alias}.id IN ({ranked}) AND {due()}
            ORDER BY {alias}.id
            LIMIT {p(limit)}
            {f"FOR UPDATE OF {alias} SKIP LOCKED" if p.postgres else ""}
        )
        RETURNING {returning}
    """
    if p.postgres:
        async with transaction() as tx:
            return list(await tx.execute_query_dict(sql, p.values))
    return list(await conn.execute_query_dict(sql, p.values))


class Dispatcher:
    """An App component: the loop that empties the outbox of instant deliveries."""

    name = "dispatcher"

    def __init__(self, app: Any, config: DispatchConfig | None = None, *, worker_id: str = ""):
        self.app = app
        self.config = config or config_from_settings(getattr(app, "settings", None))
        self.worker_id = worker_id or new_worker_id()
        self.pauses = Pauses(app)
        self._wake = asyncio.Event()
        self._slot_free = asyncio.Event()  # a destination finished sending: a slot is free
        self._sending: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._listen_task: asyncio.Task[None] | None = None
        self._beat_task: asyncio.Task[None] | None = None
        self._stopping = False
        self._takeover_after = 0.0  # monotonic: no taking over others' claims before this
        self._beat_ok = 0.0  # monotonic: when the last heartbeat that got through started
        self.stats: dict[str, int] = defaultdict(int)
        # edits this worker made whose outcome is not recorded yet: message id -> (what the
        # record said it showed when claimed, what our edit made it show)
        self._edits_made: dict[int, tuple[str | None, str]] = {}
        settings = getattr(app, "settings", None)
        journal_dir = Path(settings.data_dir) / "outbox" if settings is not None else None
        self.marks = SentMarks(
            self._write_sent,
            journal=SentJournal(journal_dir, self.worker_id),
            on_fault=lambda exc: self._fault(exc, DATABASE),
        )

    @property
    def dependencies(self) -> Dependencies:
        deps = getattr(self.app, "dependencies", None)
        if deps is None:
            deps = self.app.dependencies = Dependencies()
        return deps

    def _fault(self, exc: BaseException, default: str | None = None) -> str | None:
        """Note a dependency fault (logged once per outage); returns which one, or None."""
        which = dependency_of(exc) or default
        if which is not None and self.dependencies.down(which, exc) and which == DATABASE:
            # after our own outage, give other workers time to refresh their claims and
            # record their kept sends before we treat their rows as abandoned
            self._takeover_after = time.monotonic() + self.config.lease_s
        return which

    def _recovered(self) -> None:
        if self.dependencies.is_down(DATABASE):
            self.dependencies.up(DATABASE)
            # every worker's claims look stale after an outage longer than the lease: give
            # their owners one whole lease to beat again and record their kept sends
            self._takeover_after = max(self._takeover_after, time.monotonic() + self.config.lease_s)

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping = False
        self.marks.adopt_journals()
        alerts = getattr(self.app, "alerts", None)
        if alerts is not None:
            alerts.on_created(lambda _alert: self.poke())
        if getattr(self.app, "redis", None) is not None:
            self._listen_task = asyncio.create_task(self._listen())
        try:
            await self.refresh_claims()  # alive before the first claim
        except Exception as exc:
            self._fault(exc, DATABASE)  # fenced until the heartbeat gets through
        self._beat_task = asyncio.create_task(self._heartbeat(), name=f"heartbeat-{self.worker_id}")
        self._task = asyncio.create_task(self._run(), name=f"dispatcher-{self.worker_id}")

    async def stop(self) -> None:
        """Drain: claim nothing more, let in-flight sends finish, record them, release the rest."""
        self._stopping = True
        self._wake.set()
        if self._task is not None and not self._task.done():
            _done, pending = await asyncio.wait({self._task}, timeout=self.config.shutdown_grace_s)
            if pending:
                log.warning(
                    "in-flight sends did not finish within %.1fs; stopping them",
                    self.config.shutdown_grace_s,
                )
        for task in (self._listen_task, self._task, self._beat_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._task = self._listen_task = self._beat_task = None
        await self.marks.drain()
        try:
            await self.marks.flush_pending()
        except Exception as exc:
            self._fault(exc, DATABASE)
            log.warning(
                "%d sends could not be recorded before stopping; journaled in %s",
                len(self.marks.pending),
                self.marks.journal.path,
            )
        else:
            released = await self.release_all()
            if released:
                log.info("released %d claimed deliveries not sent before stopping", released)
        channels = getattr(self.app, "channels", None)
        if channels is not None:
            await channels.close()

    async def release_all(self) -> int:
        """Give back every row this worker holds (they are due again at once)."""
        try:
            released = await Delivery.filter(claimed_by=self.worker_id, status__in=ACTIVE).update(
                claimed_at=None, claimed_by=None
            )
            released += await EventMessage.filter(
                edit_status=EDIT_PENDING, edit_claimed_by=self.worker_id
            ).update(edit_claimed_at=None, edit_claimed_by=None)
            await Lease.filter(name=self._lease_name).delete()
            return released
        except Exception as exc:
            self._fault(exc, DATABASE)
            return 0

    def poke(self) -> None:
        """Look for work now rather than at the next poll."""
        self._wake.set()

    async def _listen(self) -> None:
        """Other processes' new alerts wake this worker (Redis pub/sub)."""
        while not self._stopping:
            try:
                async for _msg in self.app.bus.subscribe("alerts"):
                    self.poke()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._fault(exc) is None:
                    log.exception("dispatcher bus listener failed; retrying")
                await asyncio.sleep(1.0)

    async def _heartbeat(self) -> None:
        """Keep this worker's claims fresh and write kept sends as soon as the database is back."""
        while not self._stopping:
            try:
                await self.refresh_claims()  # first: our rows must not look abandoned
                await self.marks.flush_pending()
                self._recovered()
                delay = self.config.heartbeat_s
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._fault(exc, DATABASE) is None:
                    log.exception("claim heartbeat failed")
                delay = min(1.0, self.config.heartbeat_s)
            await asyncio.sleep(delay)

    async def refresh_claims(self) -> int:
        """The heartbeat: this worker's lease row says it is alive for one more lease, so
        nobody takes its rows; the claims' own time is refreshed too (workers of an older
        release judge by it alone)."""
        started = time.monotonic()
        now = now_utc()
        conn = connections.get("default")
        mark = (lambda n: f"${n}") if conn.capabilities.dialect == "postgres" else (lambda n: "?")
        await conn.execute_query(
            f"""
            INSERT INTO leases (name, token, expires_at) VALUES ({mark(1)}, {mark(2)}, {mark(3)})
            ON CONFLICT (name) DO UPDATE SET expires_at = excluded.expires_at
            """,
            [self._lease_name, "alive", now + timedelta(seconds=self.config.lease_s)],
        )
        refreshed = await Delivery.filter(claimed_by=self.worker_id, status__in=ACTIVE).update(
            claimed_at=now
        )
        refreshed += await EventMessage.filter(
            edit_status=EDIT_PENDING, edit_claimed_by=self.worker_id
        ).update(edit_claimed_at=now)
        # lease rows of workers gone for a day (a crash leaves its row behind)
        await Lease.filter(
            name__startswith=WORKER_LEASE, expires_at__lt=now - timedelta(days=1)
        ).delete()
        self._beat_ok = max(self._beat_ok, started)
        return refreshed

    @property
    def _lease_name(self) -> str:
        return f"{WORKER_LEASE}{self.worker_id}"[:255]

    def _fenced(self) -> bool:
        """No heartbeat got through for half a lease: stop sending and claiming.

        Others may take this worker's rows once its lease expires; a worker that cannot
        renew it (its database away, its event loop starved) holds back before that can
        happen, so a row is never sent by two live workers. Only while the heartbeat runs
        (start()); a dispatcher driven by hand (tests, the bench) is never fenced.
        """
        if self._beat_task is None:
            return False
        return time.monotonic() - self._beat_ok > self.config.lease_s / 2

    async def _run(self) -> None:
        """Keep up to `concurrency` destinations sending: claim more as soon as one is done.

        No pass waits for its slowest chat: a slot freed by one destination is filled at
        once, so the platform's limits rather than the batches set the pace, and rows taken
        over from a dead worker are picked up within a claim, not after a pass.
        """
        failures = 0
        busy: dict[int, list[int]] = {}
        try:
            while not self._stopping:
                # from here on, a poke or a destination finishing ends the next wait at once
                self._wake.clear()
                self._slot_free.clear()
                try:
                    await self.marks.flush_pending()  # record kept sends before claiming again
                    claimed = await self._fill(busy)
                    self._recovered()
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if self._fault(exc) is None:
                        log.exception("dispatch pass failed")
                        claimed = 0
                    else:
                        failures += 1
                        delay = min(self.config.outage_backoff_cap_s, 0.1 * 2**failures)
                        await self._sleep(delay * (0.5 + 0.5 * random.random()))
                        continue
                if claimed and len(busy) < self.config.concurrency:
                    continue  # there may be more due now
                await self._sleep(self.config.poll_interval_s, busy=bool(busy))
        finally:
            if self._sending:  # stopping: the sends in flight finish (stop() bounds the wait)
                await asyncio.gather(*list(self._sending), return_exceptions=True)
            await self.marks.drain()

    async def _sleep(self, seconds: float, *, busy: bool = False) -> None:
        """Wait for a poke, the poll interval or (`busy`) a destination to finish."""
        if self._stopping:
            return
        waits = [asyncio.ensure_future(self._wake.wait())]
        if busy:
            waits.append(asyncio.ensure_future(self._slot_free.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waits:
                waiter.cancel()

    # --- one pass ---------------------------------------------------------------------

    def _editable(self, kind: str) -> bool:
        """Can this worker's channel for `kind` edit a sent message?"""
        channels = getattr(self.app, "channels", None)
        channel = channels.get(kind) if channels is not None else None
        return bool(channel is not None and channel.supports_edit)

    def _kinds(self) -> list[str]:
        channels = getattr(self.app, "channels", None)
        return channels.kinds() if channels is not None else []

    def _stale_before(self, now: datetime) -> datetime:
        """Claims older than this may be taken over (from dead workers only); none while
        the grace after our own outage lasts (their owners need one lease to beat again)."""
        if time.monotonic() < self._takeover_after:
            return datetime(1970, 1, 1, tzinfo=UTC)  # just back from an outage: not yet
        return now - timedelta(seconds=self.config.lease_s)

    def _claimable(
        self, p: _Binder, claimed_by: str, claimed_at: str, now: datetime, stale: datetime
    ) -> str:
        """SQL: a row (a delivery or an edit) is free, ours, or held by a worker known to
        be dead: its lease row (written by its heartbeat) expired or never existed, and the
        claim is older than one lease. A live worker's rows are never taken, however old."""
        return f"""(
            {claimed_by} IS NULL OR {claimed_by} = {p(self.worker_id)}
            OR ({claimed_at} < {p(stale)} AND NOT EXISTS (
                SELECT 1 FROM leases l
                WHERE l.name = '{WORKER_LEASE}' || {claimed_by}
                AND l.expires_at >= {p(now)}
            ))
        )"""

    async def claim(
        self,
        now: datetime | None = None,
        limit: int | None = None,
        *,
        destinations: int | None = None,
        skip_rows: Collection[int] = (),
        skip_destinations: Collection[int] = (),
    ) -> list[int]:
        """Take up to `limit` due instant rows for this worker; returns their ids.

        At most `per_destination` rows of one destination, of at most `destinations`
        destinations; `skip_rows` and `skip_destinations` are this worker's own in flight.
        """
        kinds = self._kinds()
        if not kinds or self._fenced():
            return []
        now = now or now_utc()
        per_dest = self.config.per_destination or limit or self.config.batch_size
        if destinations is not None:
            limit = limit or destinations * per_dest
        limit = limit or self.config.batch_size
        stale = self._stale_before(now)
        conn = connections.get("default")
        postgres = conn.capabilities.dialect == "postgres"
        p = _Binder(postgres)

        def skipped(column: str, values: Collection[int]) -> str:
            if not values:
                return ""
            return f"AND {column} {p.among(sorted(values), 'bigint', negate=True)}"

        def due() -> str:
            # A claimed row is taken over only from a worker known to be dead: its lease row
            # (written by its heartbeat) expired or never existed, and the claim is older
            # than one lease. A live worker's rows are never taken, however old the claim.
            return f"""
                d.mode = 'instant' AND d.status IN ('pending', 'failed')
                AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= {p(now)})
                AND {self._claimable(p, "d.claimed_by", "d.claimed_at", now, stale)}
                {skipped("d.id", skip_rows)}
            """

        # Placeholders are bound in the order they appear (SQLite's are positional).
        # At most `per_destination` rows of one chat per claim: a chat's backlog does not
        # fill a batch, so abandoned rows are taken over soon. A destination whose rows a
        # live worker holds is left to it (they would only wait for each other's per-chat
        # gate); rows are locked and the due conditions re-checked where they are taken.
        set_sql = f"claimed_at = {p(now)}, claimed_by = {p(self.worker_id)}"
        candidates = f"""
            SELECT d.id, d.destination_id FROM deliveries d
            JOIN destinations t ON t.id = d.destination_id
            WHERE {due()} AND t.kind {p.among(kinds, "text")}
            {skipped("d.destination_id", skip_destinations)}
            AND d.destination_id NOT IN (
                SELECT o.destination_id FROM deliveries o
                WHERE o.status IN ('pending', 'failed') AND o.claimed_by IS NOT NULL
                AND o.claimed_by <> {p(self.worker_id)} AND o.claimed_at >= {p(stale)}
            )
            AND d.destination_id NOT IN (
                SELECT e.destination_id FROM event_messages e
                WHERE e.edit_status = 'pending' AND e.edit_claimed_by IS NOT NULL
                AND e.edit_claimed_by <> {p(self.worker_id)} AND e.edit_claimed_at >= {p(stale)}
            )
            ORDER BY d.id
            LIMIT {p(max(limit, self.config.batch_size) * 4)}
        """
        ranked = f"""
            SELECT r.id FROM (
                SELECT c.id, c.n, DENSE_RANK() OVER (ORDER BY c.first_id) AS k FROM (
                    SELECT c0.id,
                        ROW_NUMBER() OVER (PARTITION BY c0.destination_id ORDER BY c0.id) AS n,
                        MIN(c0.id) OVER (PARTITION BY c0.destination_id) AS first_id
                    FROM ({candidates}) c0
                ) c
            ) r
            WHERE r.n <= {p(per_dest)} AND r.k <= {p(destinations or limit)}
        """
        rows = await _take(
            conn, p, "deliveries", "d", set_sql, ranked, due, limit=limit, returning="id"
        )
        return sorted(int(r["id"]) for r in rows)

    async def _load(
        self, ids: list[int]
    ) -> tuple[dict[int, Destination], dict[int, AlertMessage], dict[int, list[Delivery]]]:
        """Claimed rows by destination, with their destinations and rendered messages."""
        rows = await Delivery.filter(id__in=ids, claimed_by=self.worker_id).order_by("id")
        # a batch holds few alerts and destinations: load each once (not once per row) and
        # render each alert once for all of its destinations
        dests = {d.id: d for d in await Destination.filter(id__in={r.destination_id for r in rows})}
        alerts = await Alert.filter(id__in={r.alert_id for r in rows})
        messages = {a.id: message_from_alert(a) for a in alerts}
        by_dest: dict[int, list[Delivery]] = defaultdict(list)
        for row in rows:
            by_dest[row.destination_id].append(row)
        return dests, messages, by_dest

    async def run_once(self) -> int:
        """Claim one batch and send it, then the edits due in chats with nothing else to
        send; returns how many rows and edits were handled."""
        ids = await self.claim()
        handled = 0
        if ids:
            dests, messages, by_dest = await self._load(ids)
            sem = asyncio.Semaphore(self.config.concurrency)

            async def one_destination(dest_id: int, batch: list[Delivery]) -> None:
                async with sem:
                    if not self._stopping:  # stopping: leave it claimed; stop() releases it
                        await self._send_destination(dests[dest_id], batch, messages)

            try:
                await asyncio.gather(*(one_destination(d, b) for d, b in by_dest.items()))
            finally:
                await self.marks.drain()
            handled = sum(len(b) for b in by_dest.values())
        edits = await self.claim_edits(destinations=self.config.concurrency)
        if edits:
            dests = {
                d.id: d for d in await Destination.filter(id__in={e.destination_id for e in edits})
            }
            await asyncio.gather(*(self._one_edit(dests[e.destination_id], e) for e in edits))
        return handled + len(edits)

    async def _fill(self, busy: dict[int, list[int]]) -> int:
        """Claim rows for the free slots and start sending them; returns how many rows.

        `busy` maps each destination this worker is sending to now to its claimed row ids;
        a destination leaves it once its rows are sent and their sent marks written, so
        nothing of ours that is in flight or unrecorded is claimed again. Slots left over
        go to edits of chats with nothing else due (alerts first).
        """
        free = self.config.concurrency - len(busy)
        if free <= 0:
            return 0
        ids = await self.claim(
            destinations=free,
            skip_rows=[i for row_ids in busy.values() for i in row_ids],
            skip_destinations=busy.keys(),
        )
        by_dest: dict[int, list[Delivery]] = {}
        if ids:
            dests, messages, by_dest = await self._load(ids)
            for dest_id, batch in by_dest.items():
                busy[dest_id] = [r.id for r in batch]
                self._start(dest_id, busy, self._one_destination(dests[dest_id], batch, messages))
        edits: list[ClaimedEdit] = []
        if free > len(by_dest):
            edits = await self.claim_edits(
                destinations=free - len(by_dest), skip_destinations=busy.keys()
            )
        if edits:
            dests = {
                d.id: d for d in await Destination.filter(id__in={e.destination_id for e in edits})
            }
            for edit in edits:
                busy[edit.destination_id] = []
                self._start(
                    edit.destination_id, busy, self._one_edit(dests[edit.destination_id], edit)
                )
        return sum(len(b) for b in by_dest.values()) + len(edits)

    def _start(self, dest_id: int, busy: dict[int, list[int]], work: Any) -> None:
        task = asyncio.create_task(work)
        self._sending.add(task)
        task.add_done_callback(lambda t, d=dest_id: self._done(t, d, busy))

    def _done(self, task: asyncio.Task[None], dest_id: int, busy: dict[int, list[int]]) -> None:
        self._sending.discard(task)
        busy.pop(dest_id, None)
        self._slot_free.set()

    async def _one_destination(
        self, dest: Destination, rows: list[Delivery], messages: dict[int, AlertMessage]
    ) -> None:
        try:
            if not self._stopping:  # stopping: leave it claimed; stop() releases it
                await self._send_destination(dest, rows, messages)
        except Exception:
            log.exception("delivery to destination %s failed", dest.id)
        finally:
            await self.marks.written()  # recorded (or kept) before its rows are ours to claim

    async def _send_destination(
        self, dest: Destination, rows: list[Delivery], messages: dict[int, AlertMessage]
    ) -> None:
        """Rows of one destination, in order; stops early on a pause or a rejection."""
        channels = self.app.channels
        channel = await channels.ready(dest.kind)
        for i, row in enumerate(rows):
            if self._stopping or self._fenced():
                return  # the rest stay claimed: stop() releases them, or we send them later
            try:
                if dest.rejected_reason:
                    await self._finish(row, DeliveryStatus.REJECTED, error=dest.rejected_reason)
                    continue
                if channel is None:
                    await self._release(row, now_utc())
                    continue
                wait = await self.pauses.remaining(channel.scopes(dest))
                if wait > 0:
                    until = now_utc() + timedelta(seconds=wait)
                    for later in rows[i:]:
                        await self._release(later, until)
                    return
                stop = await self._send_row(channel, dest, row, messages[row.alert_id])
                if stop:
                    for later in rows[i + 1 :]:
                        if dest.rejected_reason:
                            await self._finish(
                                later, DeliveryStatus.REJECTED, error=dest.rejected_reason
                            )
                        else:
                            await self._release(later, stop)
                    return
            except Exception as exc:
                if self._fault(exc) is not None:
                    # our database or Redis, not the message: no attempt is counted; the
                    # rows stay claimed by us and are claimed again once it is back
                    return
                log.exception("delivery %s: unexpected error", row.id)
                try:
                    await self._failed_attempt(row, "internal error (see logs)")
                except Exception as again:
                    if self._fault(again) is None:
                        raise
                    return

    async def _message(self, dest: Destination, msg: AlertMessage) -> AlertMessage:
        if msg.new_project:  # admins get the "add to companies" action with the alert
            owner = await User.get_or_none(id=dest.owner_id)
            if owner is not None and owner.role == Role.ADMIN:
                msg = replace(msg, can_add_project=True)
        if dest.kind == DestinationKind.EMAIL:
            sub = (
                await Subscription.filter(destination_id=dest.id, active=True)
                .order_by("id")
                .first()
            )
            if sub is not None and getattr(self.app, "alerts", None) is not None:
                msg = replace(msg, unsubscribe_url=await self.app.alerts.unsubscribe_url(sub))
        return msg

    async def _send_row(
        self, channel: Channel, dest: Destination, row: Delivery, message: AlertMessage
    ) -> Any:
        """Send one row and record it; returns a datetime (defer the rest), True, or None."""
        message = await self._message(dest, message)
        moves = 0
        while True:
            try:
                outcome = await channel.send(dest, message)
            except Exception as exc:
                log.exception("%s channel raised on delivery %s", channel.kind, row.id)
                outcome = Outcome.retry(f"channel error: {type(exc).__name__}")
            self.stats[str(outcome.kind)] += 1
            metrics = getattr(self.app, "metrics", None)
            if metrics is not None:
                metrics.sends.labels(channel.kind, str(outcome.kind)).inc()
            if (
                outcome.kind == OutcomeKind.MOVED
                and outcome.new_address
                and moves < self.config.max_moves
            ):
                moves += 1
                if not await self._move(dest, outcome.new_address):
                    await reject_destination(
                        self.app, dest, "destination moved to an address already in use"
                    )
                    return True
                continue
            break
        kind = outcome.kind
        if kind == OutcomeKind.SENT:
            await self._finish(row, DeliveryStatus.SENT, external_id=outcome.external_id)
            if metrics is not None and message.created_at is not None:
                created = message.created_at
                if created.tzinfo is None:
                    created = created.replace(tzinfo=UTC)
                metrics.observe_latency(
                    "alert_to_sent", (now_utc() - created).total_seconds(), channel=channel.kind
                )
            return None
        if kind == OutcomeKind.RATE_LIMITED:
            until = await self.pauses.pause(outcome.scope or channel.kind, outcome.retry_after)
            log.info(
                "delivery %s: %s paused %.3fs (%s)",
                row.id,
                outcome.scope,
                outcome.retry_after,
                outcome.reason,
            )
            await self._release(row, until, error=outcome.reason)
            return until
        if kind == OutcomeKind.REJECTED:
            await self._finish(row, DeliveryStatus.REJECTED, error=outcome.reason)
            await self.marks.drain()  # earlier sends to it stay recorded as sent
            await reject_destination(self.app, dest, outcome.reason)
            return True
        if kind == OutcomeKind.FAILED:
            await self._finish(row, DeliveryStatus.DEAD, error=outcome.reason)
            return None
        await self._failed_attempt(row, outcome.reason or "temporary failure")
        return None

    # --- edits: an event's first message in a chat shows its timeline --------------------

    async def claim_edits(
        self,
        now: datetime | None = None,
        *,
        destinations: int,
        skip_destinations: Collection[int] = (),
    ) -> list[ClaimedEdit]:
        """Take due edits, one per chat, of at most `destinations` chats.

        Alerts first: a chat with a delivery due (or one a live worker is sending) gets no
        edit now, so an edit never holds a new alert back longer than the chat's own limit
        (one request a second) does. Taken over from dead workers like deliveries.
        """
        kinds = [k for k in self._kinds() if self._editable(k)]
        if not kinds or destinations <= 0 or self._fenced():
            return []
        now = now or now_utc()
        stale = self._stale_before(now)
        conn = connections.get("default")
        postgres = conn.capabilities.dialect == "postgres"
        p = _Binder(postgres)

        def due() -> str:
            return f"""
                m.edit_status = 'pending'
                AND (m.edit_next_at IS NULL OR m.edit_next_at <= {p(now)})
                AND {self._claimable(p, "m.edit_claimed_by", "m.edit_claimed_at", now, stale)}
            """

        def skipped() -> str:
            if not skip_destinations:
                return ""
            among = p.among(sorted(skip_destinations), "bigint", negate=True)
            return f"AND m.destination_id {among}"

        # placeholders are bound in the order they appear (SQLite's are positional)
        set_sql = f"edit_claimed_at = {p(now)}, edit_claimed_by = {p(self.worker_id)}"
        candidates = f"""
            SELECT m.id, m.destination_id FROM event_messages m
            JOIN destinations t ON t.id = m.destination_id
            WHERE {due()} AND t.kind {p.among(kinds, "text")} AND t.rejected_reason IS NULL
            {skipped()}
            AND m.destination_id NOT IN (
                SELECT d.destination_id FROM deliveries d
                WHERE d.status IN ('pending', 'failed') AND d.mode = 'instant' AND (
                    d.next_attempt_at IS NULL OR d.next_attempt_at <= {p(now)}
                    OR (d.claimed_by IS NOT NULL AND d.claimed_at >= {p(stale)})
                )
            )
            AND m.destination_id NOT IN (
                SELECT o.destination_id FROM event_messages o
                WHERE o.edit_status = 'pending' AND o.edit_claimed_by IS NOT NULL
                AND o.edit_claimed_by <> {p(self.worker_id)} AND o.edit_claimed_at >= {p(stale)}
            )
            ORDER BY m.id
            LIMIT {p(destinations * 4)}
        """
        ranked = f"""
            SELECT r.id FROM (
                SELECT c.id, ROW_NUMBER() OVER (PARTITION BY c.destination_id ORDER BY c.id) AS n
                FROM ({candidates}) c
            ) r WHERE r.n = 1
        """
        returning = "id, event_id, destination_id, external_id, edit_seq, edit_attempts, edit_shown"
        rows = await _take(
            conn,
            p,
            "event_messages",
            "m",
            set_sql,
            ranked,
            due,
            limit=destinations,
            returning=returning,
        )
        return sorted(
            (
                ClaimedEdit(
                    int(r["id"]),
                    int(r["event_id"]),
                    int(r["destination_id"]),
                    str(r["external_id"]),
                    int(r["edit_seq"]),
                    int(r["edit_attempts"]),
                    r["edit_shown"],
                )
                for r in rows
            ),
            key=lambda e: e.id,
        )

    async def _one_edit(self, dest: Destination, edit: ClaimedEdit) -> None:
        try:
            if not self._stopping:  # stopping: leave it claimed; stop() releases it
                await self._send_edit(dest, edit)
        except Exception:
            log.exception("edit of message %s in destination %s failed", edit.id, dest.id)

    async def _send_edit(self, dest: Destination, edit: ClaimedEdit) -> None:
        """Edit the message to show the event's timeline as it is now; record the outcome.

        Sent again after a crash at most (the edit shows the newest timeline, so a repeat
        changes nothing: "not modified" ends it). A dependency fault leaves it claimed and
        it is done again once the dependency is back; an edit that went out but could not
        be recorded (the database away) is remembered, so doing it again records it without
        a second request."""
        if self._stopping or self._fenced():
            return
        try:
            events = getattr(self.app, "events", None)
            if dest.rejected_reason or events is None:
                await self._edit_over(edit, error=dest.rejected_reason or "no events here")
                return
            channel = await self.app.channels.ready(dest.kind)
            if channel is None or not channel.supports_edit:
                await self._edit_release(edit, now_utc())
                return
            wait = await self.pauses.remaining(channel.scopes(dest))
            if wait > 0:
                await self._edit_release(edit, now_utc() + timedelta(seconds=wait))
                return
            original = EventMessage(
                id=edit.id,
                event_id=edit.event_id,
                destination_id=edit.destination_id,
                external_id=edit.external_id,
            )
            shown = await events.timeline_message(original)
            if shown is None:
                await self._edit_over(edit, error="nothing to show")
                return
            message, revision = shown
            message = await self._message(dest, message)  # an admin keeps the add button
            digest = hashlib.sha256(repr(message).encode()).hexdigest()
            if digest == self._shown_now(edit):  # shows this already: no request, no slot
                self.stats["edit_unchanged"] += 1
                await self._edit_outcome(dest, channel, edit, Outcome.sent(), revision, digest)
                self._edits_made.pop(edit.id, None)
                return
            try:
                outcome = await channel.edit(dest, edit.external_id, message)
            except Exception as exc:
                log.exception("%s channel raised on edit of message %s", channel.kind, edit.id)
                outcome = Outcome.retry(f"channel error: {type(exc).__name__}")
            self.stats[f"edit_{outcome.kind}"] += 1
            metrics = getattr(self.app, "metrics", None)
            if metrics is not None:
                metrics.edits.labels(channel.kind, str(outcome.kind)).inc()
            if outcome.kind == OutcomeKind.SENT:  # until it is recorded (see _shown_now)
                self._edits_made[edit.id] = (edit.shown, digest)
            await self._edit_outcome(dest, channel, edit, outcome, revision, digest)
            self._edits_made.pop(edit.id, None)
        except Exception as exc:
            if self._fault(exc) is not None:
                return  # our database or Redis: stays claimed, done again once it is back
            log.exception("edit of message %s: unexpected error", edit.id)
            await self._edit_retry(edit, "internal error (see logs)")

    async def _edit_outcome(
        self,
        dest: Destination,
        channel: Channel,
        edit: ClaimedEdit,
        outcome: Outcome,
        revision: int,
        digest: str,
    ) -> None:
        kind = outcome.kind
        if kind == OutcomeKind.SENT:
            # done, unless someone asked again after we claimed it: then it waits once more
            # (due at once; the chat's limit spaces it)
            done = (
                await self._edit_mine(edit)
                .filter(edit_seq=edit.seq)
                .update(
                    edit_status=None,
                    edit_shown=digest,
                    edited_revision=revision,
                    edit_attempts=0,
                    edit_error=None,
                    edit_next_at=None,
                    edit_claimed_at=None,
                    edit_claimed_by=None,
                )
            )
            if not done:  # asked again meanwhile: due again now (and overdue from now)
                await self._edit_mine(edit).update(
                    edit_shown=digest,
                    edited_revision=revision,
                    edit_attempts=0,
                    edit_error=None,
                    edit_next_at=now_utc(),
                    edit_claimed_at=None,
                    edit_claimed_by=None,
                )
        elif kind == OutcomeKind.RATE_LIMITED:
            until = await self.pauses.pause(outcome.scope or channel.kind, outcome.retry_after)
            log.info(
                "edit of message %s: %s paused %.3fs (%s)",
                edit.id,
                outcome.scope,
                outcome.retry_after,
                outcome.reason,
            )
            await self._edit_release(edit, until, error=outcome.reason)
        elif kind == OutcomeKind.REJECTED:
            await self._edit_over(edit, error=outcome.reason)
            await reject_destination(self.app, dest, outcome.reason)
        elif kind in (OutcomeKind.FAILED, OutcomeKind.MOVED):
            # the message is gone (deleted, too old, its chat moved): edit it no more
            await self._edit_over(edit, error=outcome.reason, gone=True)
            log.info("message %s in destination %s: %s", edit.id, dest.id, outcome.reason)
        else:
            await self._edit_retry(edit, outcome.reason or "temporary failure")

    def _shown_now(self, edit: ClaimedEdit) -> str | None:
        """What the message shows: our own edit that went out and was not recorded (the
        database went away; the record says what it showed before), else the record's."""
        made = self._edits_made.get(edit.id)
        if made is not None and made[0] == edit.shown:  # nobody recorded another since
            return made[1]
        return edit.shown

    def _edit_mine(self, edit: ClaimedEdit) -> Any:
        return EventMessage.filter(
            id=edit.id, edit_claimed_by=self.worker_id, edit_status=EDIT_PENDING
        )

    async def _edit_release(
        self, edit: ClaimedEdit, until: datetime, *, error: str | None = None
    ) -> None:
        """Give the edit back (not an attempt), due again at `until`."""
        fields: dict[str, Any] = {
            "edit_next_at": until,
            "edit_claimed_at": None,
            "edit_claimed_by": None,
        }
        if error:
            fields["edit_error"] = _short(error, 500)
        await self._edit_mine(edit).update(**fields)

    async def _edit_over(self, edit: ClaimedEdit, *, error: str, gone: bool = False) -> None:
        await self._edit_mine(edit).update(
            edit_status=EDIT_GONE if gone else None,
            edit_error=_short(error, 500),
            edit_next_at=None,
            edit_claimed_at=None,
            edit_claimed_by=None,
        )

    async def _edit_retry(self, edit: ClaimedEdit, error: str) -> None:
        """A temporary failure: back off like a send; after max_attempts the edit is given up
        (the next message about the event asks again)."""
        attempts = edit.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._edit_mine(edit).update(
                edit_status=None,
                edit_attempts=0,
                edit_error=_short(error, 500),
                edit_next_at=None,
                edit_claimed_at=None,
                edit_claimed_by=None,
            )
            log.warning(
                "edit of message %s given up after %d attempts: %s", edit.id, attempts, error
            )
            return
        await self._edit_mine(edit).update(
            edit_attempts=attempts,
            edit_error=_short(error, 500),
            edit_next_at=now_utc() + timedelta(seconds=backoff_delay(attempts, self.config)),
            edit_claimed_at=None,
            edit_claimed_by=None,
        )

    async def _move(self, dest: Destination, new_address: str) -> bool:
        try:
            await Destination.filter(id=dest.id).update(address=new_address)
        except IntegrityError:
            return False
        dest.address = new_address
        log.info("destination %s moved (%s chat migrated)", dest.id, dest.kind)
        return True

    # --- bookkeeping (fenced on claimed_by) -------------------------------------------

    def _mine(self, row: Delivery) -> Any:
        return Delivery.filter(id=row.id, claimed_by=self.worker_id, status__in=ACTIVE)

    async def _finish(
        self,
        row: Delivery,
        status: DeliveryStatus,
        *,
        external_id: str | None = None,
        error: str | None = None,
    ) -> None:
        if status == DeliveryStatus.SENT:
            self.marks.add(row.id, (external_id or "")[:128] or None)
            return
        updated = await self._mine(row).update(
            status=status, claimed_at=None, claimed_by=None, last_error=_short(error or "", 1000)
        )
        if not updated:
            log.warning("delivery %s: claim lost before recording %s", row.id, status)

    async def _write_sent(self, items: list[tuple[int, str | None]]) -> int:
        """Record many sends in one UPDATE; returns how many took."""
        conn = connections.get("default")
        postgres = conn.capabilities.dialect == "postgres"
        mark = (lambda n: f"${n}") if postgres else (lambda n: "?")
        params: list[Any] = [now_utc()]
        cases = []
        for row_id, external_id in items:
            n = len(params)
            cases.append(f"WHEN {mark(n + 1)} THEN {mark(n + 2)}")
            params += [row_id, external_id]
        ids = [row_id for row_id, _ in items]
        if postgres:
            where_ids = f"id = ANY(${len(params) + 1}::bigint[])"
            params.append(ids)
        else:
            where_ids = f"id IN ({','.join('?' * len(ids))})"
            params += ids
        # a CASE keyed on the primary key: SQLite walks the IN list by index, whereas
        # UPDATE … FROM (VALUES …) made it scan the table once per batch row. Not fenced on
        # the claim: the message went out, so the row is sent whoever holds it now.
        sql = f"""
            UPDATE deliveries SET status = 'sent', sent_at = {mark(1)},
                external_id = CASE id {" ".join(cases)} END,
                attempts = attempts + 1, last_error = NULL, claimed_at = NULL, claimed_by = NULL
            WHERE {where_ids} AND status IN ('pending', 'failed')
            RETURNING id, destination_id, external_id,
                (SELECT a.event_id FROM alerts a WHERE a.id = deliveries.alert_id) AS event_id,
                (SELECT t.kind FROM destinations t WHERE t.id = deliveries.destination_id) AS kind
        """
        events = getattr(self.app, "events", None)
        if events is None:
            return len(await conn.execute_query_dict(sql, params))

        # A message about an event remembers the chat's first one or asks for that one to be
        # edited, in the transaction that records the send: a mark kept through an outage
        # asks when it is written, and a mark written twice (taken over) asks once.
        async with transaction() as tx:
            rows = await tx.execute_query_dict(sql, params)
            for row in sorted(rows, key=lambda r: int(r["id"])):
                if row["event_id"] is not None:
                    await events.message_sent(
                        int(row["event_id"]),
                        int(row["destination_id"]),
                        row["external_id"],
                        tx,
                        editable=self._editable(str(row["kind"])),
                    )
        return len(rows)

    async def _release(self, row: Delivery, until: datetime, *, error: str | None = None) -> None:
        """Give the row back untouched (not an attempt), due again at `until`."""
        fields: dict[str, Any] = {"next_attempt_at": until, "claimed_at": None, "claimed_by": None}
        if error:
            fields["last_error"] = _short(error)
        await self._mine(row).update(**fields)

    async def _failed_attempt(self, row: Delivery, error: str) -> None:
        attempts = row.attempts + 1
        if attempts >= self.config.max_attempts:
            await self._mine(row).update(
                status=DeliveryStatus.DEAD,
                attempts=attempts,
                last_error=_short(error),
                claimed_at=None,
                claimed_by=None,
            )
            log.warning("delivery %s dead after %d attempts: %s", row.id, attempts, error)
            return
        delay = backoff_delay(attempts, self.config)
        await self._mine(row).update(
            status=DeliveryStatus.FAILED,
            attempts=attempts,
            last_error=_short(error),
            next_attempt_at=now_utc() + timedelta(seconds=delay),
            claimed_at=None,
            claimed_by=None,
        )
        log.info(
            "delivery %s attempt %d failed (%s); retry in %.2fs", row.id, attempts, error, delay
        )
