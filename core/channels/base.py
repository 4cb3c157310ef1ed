"""The Channel interface (Apprise / Home Assistant style) and what a send can come to.

A channel only sends one message and says what happened; the dispatcher owns retries,
backoff, pauses and the Delivery rows. Capabilities are class attributes, not kind checks.
"""

from __future__ import annotations

import asyncio
import contextlib
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
        self.throttle = SharedThrottle(backend, self.kind, throttle.max_wait_s)
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
    # A limit over one second or less is paced at its rate over `period` + JITTER_S: the
    # sends' own path to the platform (the HTTP client, a busy event loop) varies by a few
    # milliseconds, and a send that took longer than the one `limit` slots later would put
    # `limit` + 1 in one window at the platform.
    JITTER_S = 0.01
    # how often a gate held by a send in flight is renewed
    RENEW_S = 1.0
    # how often a send waiting for a busy gate looks again
    POLL_S = 0.05
    # the longest a send's gate is renewed (a request times out well before)
    MAX_SEND_S = 60.0

    def __init__(self, backend: Callable[[], Any], prefix: str, max_wait_s: float = 1.5) -> None:
        self._backend = backend
        self.prefix = prefix
        self.max_wait_s = max_wait_s
        # (rule key, task) -> the hold of that task's send, between acquire and release
        self._held: dict[tuple[str, int], _Hold] = {}

    def fresh(self) -> SharedThrottle:
        return SharedThrottle(self._backend, self.prefix, self.max_wait_s)

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
        """Reserve the rule's next send slot, wait for it, and check that no more than `limit`
        sends went out in the last `period` (+ JITTER_S); 0 when we may send, else the wait
        (more than max_wait_s) that the caller reports.

        Slots are reserved up to max_wait_s ahead, one `interval` apart, so while sends wait
        for the limit every slot is used (a bucket of one token lost the refills that came
        while every taker slept: 28.0 of 30 a second with four workers). A sender that wakes
        late would put its send nearer the one `limit` slots later than `period`: the log of
        sends, checked as we wake, holds it back so that no window ever has `limit` + 1."""
        from core.ratelimit.base import Limit

        window = period * self.LONG_PAD if period > 1.0 else period + self.JITTER_S
        interval = window / limit
        key = self._key(rule_key)
        waited = 0.0
        while True:
            reserved, wait = await self._backend().reserve(key, interval, self.max_wait_s)
            if reserved:
                break
            # the next max_wait_s of slots are all reserved (or the rule's own interval is
            # longer): wait until one is in reach, unless that alone is too long
            if waited + wait > self.max_wait_s:
                return wait + self.max_wait_s
            await asyncio.sleep(max(wait, 0.001))
            waited += wait
        if wait > 0:
            await asyncio.sleep(wait)
        sends = Limit(limit, period + self.JITTER_S, "sliding")
        late = 0.0
        while True:
            decision = await self._backend().hit(f"{key}:sent", sends)
            if decision.allowed:
                return 0.0
            if late + decision.retry_after_s > self.max_wait_s:
                return decision.retry_after_s
            await asyncio.sleep(decision.retry_after_s)
            late += decision.retry_after_s

    async def release(self, rules: list[tuple[str, int, float]], *, sent: bool = True) -> None:
        """The send is over: each gate we hold opens `period` from now (at once if nothing
        was sent)."""
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
