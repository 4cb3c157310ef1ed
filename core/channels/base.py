"""The Channel interface (Apprise / Home Assistant style) and what a send can come to.

A channel only sends one message and says what happened; the dispatcher owns retries,
backoff, pauses and the Delivery rows. Capabilities are class attributes, not kind checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from core.alerts.render import AlertMessage, DigestMessage
    from core.models import Destination

log = logging.getLogger(__name__)


class OutcomeKind(StrEnum):
    SENT = "sent"
    REJECTED = "rejected"  # permanent for the destination: blocked, kicked, unknown chat
    FAILED = "failed"  # permanent for this message only (e.g. the platform refused the body)
    RETRY = "retry"  # temporary: network, timeout, 5xx
    RATE_LIMITED = "rate_limited"  # wait exactly retry_after on `scope`, not an attempt
    MOVED = "moved"  # the destination has a new address (Telegram group → supergroup)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one send came to. Build it with the class methods."""

    kind: OutcomeKind
    external_id: str | None = None
    reason: str = ""
    retry_after: float = 0.0
    scope: str = ""
    new_address: str | None = None

    @classmethod
    def sent(cls, external_id: str | int | None = None) -> Outcome:
        return cls(OutcomeKind.SENT, external_id=None if external_id is None else str(external_id))

    @classmethod
    def rejected(cls, reason: str) -> Outcome:
        return cls(OutcomeKind.REJECTED, reason=reason)

    @classmethod
    def failed(cls, reason: str) -> Outcome:
        return cls(OutcomeKind.FAILED, reason=reason)

    @classmethod
    def retry(cls, error: str) -> Outcome:
        return cls(OutcomeKind.RETRY, reason=error)

    @classmethod
    def rate_limited(cls, retry_after: float, scope: str, reason: str = "") -> Outcome:
        return cls(
            OutcomeKind.RATE_LIMITED,
            retry_after=max(0.0, float(retry_after)),
            scope=scope,
            reason=reason or f"rate limited for {retry_after:.3g}s",
        )

    @classmethod
    def moved(cls, new_address: str) -> Outcome:
        return cls(OutcomeKind.MOVED, new_address=new_address, reason="destination moved")


@dataclass(frozen=True, slots=True)
class Notice:
    """A short service message to a destination's owner (e.g. 'your other chat was lost')."""

    title: str
    text: str


# what a channel can be asked to send
Message = "AlertMessage | DigestMessage | Notice"


class Channel:
    """Base class: subclasses set the class attributes and implement `send`."""

    kind: ClassVar[str] = ""
    max_length: ClassVar[int] = 4096
    supports_digest: ClassVar[bool] = False
    # the channel's HTTP client calls `stamp_send` right before a request's bytes are written
    # (see SharedThrottle): its sends are recorded in the shared log as they go out
    stamps_on_write: ClassVar[bool] = False

    async def start(self) -> None:
        """Open sessions; called once by the registry before the first send."""

    async def close(self) -> None:
        """Release sessions; safe to call twice."""

    def share_limits(self, backend: Callable[[], Any]) -> bool:
        """Keep the self-throttle's buckets in a rate-limit backend (Redis: every worker).

        `backend` is called at each send, so the App's limiter backend, swapped for Redis at
        start-up and counting in-process while Redis is away, is always the one used.
        Returns False when the channel has no self-throttle.
        """
        throttle = getattr(self, "throttle", None)
        if throttle is None:
            return False
        self.throttle = SharedThrottle(
            backend, self.kind, throttle.max_wait_s, stamp_on_write=self.stamps_on_write
        )
        return True

    def self_throttle(self, enabled: bool) -> bool:
        """Switch the channel's own throttle to the platform's published limits on or off.

        Benchmarks turn it off to measure the pipeline rather than the platform's limit.
        Returns False when the channel has no self-throttle.
        """
        return False

    def scopes(self, destination: Destination) -> tuple[str, ...]:
        """Rate-limit scopes a send to `destination` counts against (checked before sending)."""
        return (self.kind, f"{self.kind}:{destination.address}")

    async def send(
        self, destination: Destination, message: AlertMessage | DigestMessage | Notice
    ) -> Outcome:
        raise NotImplementedError

    # a chat whose messages can be changed after sending (an event's first message shows
    # its timeline as phases are added): Telegram editMessageText, Discord message edit
    supports_edit: ClassVar[bool] = False

    async def edit(
        self, destination: Destination, external_id: str, message: AlertMessage
    ) -> Outcome:
        """Replace a sent message (its `external_id` from `Outcome.sent`) with `message`."""
        return Outcome.failed(f"{self.kind} messages cannot be edited")


class SlidingWindow:
    """At most `limit` events per `period_s` seconds (a per-key self-throttle)."""

    __slots__ = ("_events", "limit", "period_s")

    def __init__(self, limit: int, period_s: float) -> None:
        self.limit = limit
        self.period_s = period_s
        self._events: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        """Seconds until one more event is allowed (0 when allowed now)."""
        events = self._events
        while events and events[0] <= now - self.period_s:
            events.popleft()
        if len(events) < self.limit:
            return 0.0
        return events[0] + self.period_s - now

    def hit(self, now: float) -> None:
        self._events.append(now)


class Throttle:
    """Several keyed sliding windows; `acquire` waits when the wait is short, else reports it.

    Used by channels to respect a platform's published limits before it has to say 429.
    """

    def __init__(self, max_wait_s: float = 1.5) -> None:
        self.max_wait_s = max_wait_s
        self._windows: dict[str, SlidingWindow] = {}
        self._lock = asyncio.Lock()  # no await inside: only makes check+hit atomic

    async def acquire(self, rules: list[tuple[str, int, float]]) -> tuple[float, str]:
        """Take one slot in every (key, limit, period) rule.

        Returns (0, "") once taken, or (wait_s, key) without taking anything when the
        wait would exceed `max_wait_s` (the caller reports it as rate_limited).
        """
        while True:
            async with self._lock:
                now = time.monotonic()
                wait, key = 0.0, ""
                for rule_key, limit, period in rules:
                    if limit <= 0:
                        continue
                    window = self._windows.get(rule_key)
                    if window is None:
                        window = self._windows[rule_key] = SlidingWindow(limit, period)
                    w = window.wait_time(now)
                    if w > wait:
                        wait, key = w, rule_key
                if wait <= 0:
                    for rule_key, limit, _period in rules:
                        if limit > 0:
                            self._windows[rule_key].hit(now)
                    return 0.0, ""
            if wait > self.max_wait_s:
                return wait, key
            await asyncio.sleep(wait)

    async def release(self, rules: list[tuple[str, int, float]], *, sent: bool = True) -> None:
        """Nothing to do: the windows count from the take (see SharedThrottle.release)."""


@dataclass(slots=True)
class _Hold:
    """A gate this process holds for one send: its token, when a call last proved it ours
    (monotonic, taken before the call), and the task that renews it while the send lasts
    (told to stop by `done`, never cancelled in the middle of a Redis call)."""

    token: str
    sure: float
    keeper: asyncio.Task[None] | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(slots=True)
class _Stamp:
    """A send of this task as recorded in a shared log of sends: recorded as it wakes at its
    slot, and recorded again by `stamp_send` if its request is written later than STAMP_S
    after that (`done` once the write has been seen)."""

    throttle: SharedThrottle
    key: str
    limit: int
    window_s: float
    member: str = field(default_factory=lambda: uuid.uuid4().hex)
    done: bool = False
    recorded_at: float = float("-inf")  # monotonic: the record was made no earlier than this


# the records of the current task's send, slowest limit first, for `stamp_send` to check
# (copied into the HTTP client's write task with the rest of the context)
_PENDING_STAMP: contextvars.ContextVar[list[_Stamp] | None] = contextvars.ContextVar(
    "tge_pending_stamp", default=None
)


async def stamp_send() -> None:
    """Called by an HTTP client right before a request's bytes are written: when the current
    task's send was recorded in a shared log of sends more than STAMP_S ago (the process
    stalled between its slot and its write: up to 135 ms measured under load, while the
    log's margin is 10 ms), record it again now, so that the log says when the platform
    sees it. Nothing to do for an on-time write or a request that is not a throttled send.

    Never raises: the request is already on its way, and a record that could not be moved
    (the wait for room in the log grew too long) costs the limit one send at most."""
    for pending in _PENDING_STAMP.get() or ():
        if pending.done:
            continue
        pending.done = True
        if time.monotonic() - pending.recorded_at <= pending.throttle.STAMP_S:
            continue  # recorded moments ago: the record already says when this goes out
        try:
            wait = await pending.throttle._stamp(pending)
        except Exception:
            log.warning("could not record a %s send", pending.throttle.prefix, exc_info=True)
            continue
        if wait > 0:
            log.warning("%s send written before its log had room", pending.throttle.prefix)


class SharedThrottle:
    """`Throttle`'s interface over a rate-limit backend (Redis: shared by every worker).

    A limit of one per period ("1 message per second per chat") is a gate: one send at a
    time, and the next may start only `period` after the previous one *finished*
    (`release`). The platform records a message between our request and its answer, so
    however late a process starts its request after taking the gate, two messages to one chat
    arrive at least `period` apart (a token bucket spaced the *takes* 1.1 s apart and the
    requests arrived as close as 0.6 s under load). Larger limits (30/s overall, 20/min per
    group) hand out send slots a limit's interval apart (`_take_slot`).

    A gate taken for a send is held `period + 3 * RENEW_S` and renewed every `RENEW_S` while
    the send lasts, so a process that dies mid-send (kill -9) keeps its chat shut for seconds,
    well inside the dispatcher's lease after which its rows are taken over (a fixed 30 s hold
    kept such a chat waiting 30 s). A process whose event loop stalls so long that its gate
    may have expired before its request goes out does not send (see `acquire`).
    """

    # Buckets pace sends at the platform's rate (30/s overall: Telegram's own figure, a
    # 10% margin cost 3 messages a second). A limit over a longer window (20 a minute per
    # group) is paced 10% slower: a 429 there stops the group for up to that window.
    LONG_PAD = 1.1
    # A limit over one second or less counts its sends over `period` + JITTER_S in the log
    # of sends: the platform's clock and its own path from socket to counter differ from
    # ours by milliseconds, and a send that arrived later than the one `limit` sends after
    # it would put `limit` + 1 in one window at the platform.
    JITTER_S = 0.01
    # ... and hands out its slots over `period` + JITTER_S + PACE_S: a little slower than
    # the log lets through, so that a send recorded a little after its slot (it woke late,
    # or was recorded again as it was written) finds room in the log instead of making the
    # send `limit` slots later wait, and wake late in turn
    PACE_S = 0.01
    # the longest a record in the log of sends may take to be answered: a send goes out at
    # most this long after its record (a slower answer is recorded again)
    STAMP_S = 0.005
    # how often a gate held by a send in flight is renewed
    RENEW_S = 1.0
    # how often a send waiting for a busy gate looks again
    POLL_S = 0.05
    # the longest a send's gate is renewed (a request times out well before)
    MAX_SEND_S = 60.0
    # How far ahead a send books its slot under a limit whose slots come faster than
    # max_wait_s (30 a second overall): it waits in line instead of giving up. 10 s of slots
    # hold 300 sends, where 6 workers have 96 in flight (3.2 s of slots). Booking at most
    # max_wait_s (1.5 s) ahead handed 181 and 315 of 600 sends back in two runs of `bench
    # workers --workers 6`, each pausing the whole platform for every worker (steady 19.5
    # and 12.2 msg/s; in line: none handed back, 28.0 and 27.2 msg/s).
    QUEUE_S = 10.0

    def __init__(
        self,
        backend: Callable[[], Any],
        prefix: str,
        max_wait_s: float = 1.5,
        *,
        stamp_on_write: bool = False,
    ) -> None:
        self._backend = backend
        self.prefix = prefix
        self.max_wait_s = max_wait_s
        self.stamp_on_write = stamp_on_write
        # (rule key, task) -> the hold of that task's send, between acquire and release
        self._held: dict[tuple[str, int], _Hold] = {}

    def fresh(self) -> SharedThrottle:
        return SharedThrottle(
            self._backend, self.prefix, self.max_wait_s, stamp_on_write=self.stamp_on_write
        )

    def _key(self, rule_key: str) -> str:
        return f"throttle:{self.prefix}:{rule_key}"

    @staticmethod
    def _mine(rule_key: str) -> tuple[str, int]:
        """Holds are the calling task's: giving up a wait never releases another send's gate
        (so `release` is called by the task that called `acquire`, as a channel's send does)."""
        return rule_key, id(asyncio.current_task())

    def hold_s(self, period: float) -> float:
        """How long a taken gate stays shut without a renewal (a send in flight renews it)."""
        return period + 3 * self.RENEW_S

    async def _keep(self, rule_key: str, hold: _Hold, hold_s: float) -> None:
        """Renew our gate every RENEW_S until the send is done; note when it is lost.

        Never longer than MAX_SEND_S: a send lasts seconds (its request has timeouts), and
        a hold nobody releases must not keep a chat shut for good."""
        until = time.monotonic() + self.MAX_SEND_S
        while time.monotonic() < until:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(hold.done.wait(), self.RENEW_S)
            if hold.done.is_set():
                return
            started = time.monotonic()
            try:
                ours = await self._backend().ungate(self._key(rule_key), hold.token, hold_s)
            except Exception:
                log.warning("could not renew the %s gate %s", self.prefix, rule_key, exc_info=True)
                continue
            if not ours:
                hold.sure = float("-inf")
                return
            hold.sure = started
        log.warning(
            "%s gate %s held %.0fs; no longer renewed", self.prefix, rule_key, self.MAX_SEND_S
        )

    async def acquire(self, rules: list[tuple[str, int, float]]) -> tuple[float, str]:
        """Take every rule's gate or token (see Throttle); call `release` after the send.

        Gates first (waiting for a chat costs nothing else), then the other limits' slots,
        the platform's overall one last: a slot taken and then not used (a later limit
        refused) is lost, and the send must go out at its overall slot. Last, every gate
        must still be surely ours with `period` to spare: a request that went out later could
        arrive less than `period` before another process's, which may take the gate once it
        expires.
        """
        try:
            return await self._acquire(rules)
        except BaseException:  # cancelled while waiting: no gate may stay held and renewed
            await self.release(rules, sent=False)
            raise

    async def _acquire(self, rules: list[tuple[str, int, float]]) -> tuple[float, str]:
        _PENDING_STAMP.set([])  # this send's records, for stamp_send to check at the write
        gates = [(k, p) for k, n, p in rules if n == 1]
        # slowest first: the fastest limit's slot (the platform's whole budget) is taken
        # last, so the send goes out at that slot and not later
        buckets = sorted(((k, n, p) for k, n, p in rules if n > 1), key=lambda r: r[1] / r[2])
        waited = 0.0
        for rule_key, period in gates:
            token = uuid.uuid4().hex
            hold_s = self.hold_s(period)
            while True:
                started = time.monotonic()
                left = await self._backend().gate(self._key(rule_key), token, hold_s)
                if left <= 0:
                    hold = self._held[self._mine(rule_key)] = _Hold(token, started)
                    hold.keeper = asyncio.create_task(self._keep(rule_key, hold, hold_s))
                    break
                # more than `period` left: a send is in flight (it holds the gate for hold_s
                # and renews it until it ends), look again soon; else the gate opens in `left`
                in_flight = left > period
                step = self.POLL_S if in_flight else left
                if waited + step > self.max_wait_s:
                    await self.release(rules, sent=False)
                    return (period if in_flight else left), rule_key
                await asyncio.sleep(step)
                waited += step
        for rule_key, limit, period in buckets:
            wait = await self._take_slot(rule_key, limit, period)
            if wait > 0:
                await self.release(rules, sent=False)
                return wait, rule_key
        now = time.monotonic()
        for rule_key, period in gates:
            hold = self._held.get(self._mine(rule_key))
            # sure until hold.sure + hold_s; the request must arrive `period` before that,
            # and RENEW_S is left for the awaits between here and the request going out
            if hold is None or now - hold.sure > self.hold_s(period) - period - self.RENEW_S:
                log.info("%s gate %s not surely ours any more; not sending", self.prefix, rule_key)
                await self.release(rules, sent=False)
                return self.POLL_S, rule_key
        return 0.0, ""

    async def _take_slot(self, rule_key: str, limit: int, period: float) -> float:
        """Reserve the rule's next send slot, wait for it, and record the send in the log of
        sends (see `_stamp`; with `stamp_on_write`, again as its request is written if that
        comes late: `stamp_send`); 0 when we may send, else the wait that the caller reports.

        Slots are reserved one `interval` apart, so while sends wait for the limit every slot
        is used (a bucket of one token lost the refills that came while every taker slept:
        28.0 of 30 a second with four workers). Under a fast limit (an interval shorter than
        max_wait_s: 30 a second) a send books the next free slot up to QUEUE_S ahead and
        waits in line for it: the wait is other senders' turns, soon over. Under a slow one
        (20 a minute per group) it books at most max_wait_s ahead, and a send that cannot go
        that soon hands its row back (the caller reports the wait). A sender that wakes
        late would put its send nearer the one `limit` slots later than `period`: the log of
        sends holds it back so that no window ever has `limit` + 1 sends recorded, each record
        within STAMP_S of the send's going out when the channel has the write hook."""
        window = period * self.LONG_PAD if period > 1.0 else period + self.JITTER_S + self.PACE_S
        interval = window / limit
        key = self._key(rule_key)
        fast = interval < self.max_wait_s
        horizon = max(self.max_wait_s, self.QUEUE_S) if fast else self.max_wait_s
        waited = 0.0
        while True:
            reserved, wait = await self._backend().reserve(key, interval, horizon)
            if reserved:
                break
            # the next `horizon` of slots are all reserved (or the rule's own interval is
            # longer): wait until one is in reach, unless that alone is too long
            if waited + wait > horizon:
                return wait + horizon
            await asyncio.sleep(max(wait, 0.001))
            waited += wait
        if wait > 0:
            await asyncio.sleep(wait)
        stamp = _Stamp(self, f"{key}:sent", limit, period + self.JITTER_S)
        wait = await self._stamp(stamp, patience=horizon)
        pending = _PENDING_STAMP.get()
        if wait <= 0 and self.stamp_on_write and pending is not None:
            pending.append(stamp)  # recorded again by stamp_send if the write comes late
        return wait

    async def _stamp(self, stamp: _Stamp, patience: float | None = None) -> float:
        """Record `stamp`'s send in the log of sends once fewer than `limit` went out in the
        last window (waiting for room); 0 once recorded, else the wait when it grew past
        `patience` (default max_wait_s).

        Redis records on its own clock, and a process that stalls before it reads the answer
        sends later than its record says (answers read 0.3 s late put 36 messages in one
        second at the platform): an answer that took longer than STAMP_S is recorded again,
        until one is prompt."""
        waited = 0.0
        while True:
            asked = time.monotonic()
            wait = await self._backend().stamp(stamp.key, stamp.member, stamp.limit, stamp.window_s)
            took = time.monotonic() - asked
            if wait <= 0 and took <= self.STAMP_S:
                stamp.recorded_at = asked  # Redis recorded it no earlier than this
                return 0.0
            waited += took + wait
            if waited > (self.max_wait_s if patience is None else patience):
                return max(wait, self.POLL_S)
            if wait > 0:
                await asyncio.sleep(wait)

    async def release(self, rules: list[tuple[str, int, float]], *, sent: bool = True) -> None:
        """The send is over: each gate we hold opens `period` from now (at once if nothing
        was sent)."""
        _PENDING_STAMP.set(None)  # a later request of this task is not this send
        for rule_key, limit, period in rules:
            hold = self._held.pop(self._mine(rule_key), None) if limit == 1 else None
            if hold is None:
                continue
            hold.done.set()
            if hold.keeper is not None:
                # a renewal under way finishes first (cancelling a Redis call in the middle
                # once left a send waiting here for good), then ours is the last word
                finished, _ = await asyncio.wait({hold.keeper}, timeout=self.RENEW_S * 5)
                if not finished:
                    hold.keeper.cancel()
            try:
                await asyncio.wait_for(
                    self._backend().ungate(self._key(rule_key), hold.token, period if sent else 0),
                    self.RENEW_S * 5,
                )
            except Exception:  # the send's outcome matters more; the gate ends by hold_s
                log.warning("could not reopen the %s gate %s", self.prefix, rule_key, exc_info=True)
