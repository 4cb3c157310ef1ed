"""The shared per-chat gate: one send at a time per chat across processes, the next a
period after the previous one ended, and a gate whose holder died opens within seconds."""

from __future__ import annotations

import asyncio
import time

import pytest

from core.channels.base import SharedThrottle
from core.ratelimit import MemoryBackend

PERIOD = 0.3
RULES = [("all", 30, 1.0), ("chat:7", 1, PERIOD)]


def throttle(backend: MemoryBackend, renew_s: float = 0.05) -> SharedThrottle:
    """One process's throttle over a backend shared with others (Redis in production)."""
    made = SharedThrottle(lambda: backend, "telegram", max_wait_s=0.2)
    made.RENEW_S = renew_s  # hold = period + 3 renewals: 0.45 s here
    return made


async def take_within(t: SharedThrottle, seconds: float) -> float:
    """Keep asking for the gate (as the dispatcher would) until taken; returns how long."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        wait, _key = await t.acquire(RULES)
        if wait == 0:
            return time.monotonic() - started
        await asyncio.sleep(0.01)
    raise AssertionError(f"gate not taken within {seconds}s")


async def test_next_send_starts_a_period_after_the_previous_one_ended() -> None:
    shared = MemoryBackend()
    a, b = throttle(shared), throttle(shared)
    assert await a.acquire(RULES) == (0.0, "")
    wait, key = await b.acquire(RULES)
    assert key == "chat:7" and wait > 0  # a's send is in flight
    await a.release(RULES)
    waited = await take_within(b, 2.0)
    assert PERIOD - 0.02 <= waited < PERIOD + 0.2
    await b.release(RULES)


async def test_a_long_send_keeps_its_gate() -> None:
    shared = MemoryBackend()
    a, b = throttle(shared), throttle(shared)
    assert await a.acquire(RULES) == (0.0, "")
    hold_s = a.hold_s(PERIOD)
    deadline = time.monotonic() + 3 * hold_s  # a's send lasts three holds: renewed
    while time.monotonic() < deadline:
        wait, key = await b.acquire(RULES)
        assert (wait > 0, key) == (True, "chat:7")
        await asyncio.sleep(0.05)
    await a.release(RULES)
    await take_within(b, 2.0)
    await b.release(RULES)


async def test_a_dead_holders_gate_opens_within_its_hold() -> None:
    """kill -9 mid-send: nobody renews nor releases the gate; it opens after one hold,
    not after a fixed long time (the 30 s that kept a taken-over chat waiting)."""
    shared = MemoryBackend()
    dead, b = throttle(shared), throttle(shared)
    assert await dead.acquire(RULES) == (0.0, "")
    for hold in dead._held.values():  # the process is gone: its renewals stop
        assert hold.keeper is not None
        hold.keeper.cancel()
    dead._held.clear()
    waited = await take_within(b, 3.0)
    assert waited <= dead.hold_s(PERIOD) + 0.2
    await b.release(RULES)


class LosingBackend(MemoryBackend):
    """A backend on which renewals find the gate gone (our loop stalled past the hold)."""

    async def ungate(self, key: str, token: str, after_s: float) -> bool:
        await super().ungate(key, token, 0)
        return False


async def test_a_gate_lost_before_the_request_goes_out_means_no_send() -> None:
    shared = LosingBackend()
    t = throttle(shared)
    t.max_wait_s = 1.0
    # the overall bucket is empty for longer than a renewal: the keeper runs meanwhile
    rules = [("all", 2, 0.5), ("chat:7", 1, PERIOD)]
    assert await t.acquire(rules) == (0.0, "")
    await t.release(rules)
    wait, key = await t.acquire(rules)
    assert (key, wait) == ("chat:7", t.POLL_S)
    assert t._held == {}


async def test_cancelled_while_waiting_leaves_no_gate_held() -> None:
    shared = MemoryBackend()
    t, other = throttle(shared), throttle(shared)
    t.max_wait_s = 30.0
    overall = ("all", 2, 10.0)
    assert await other.acquire([overall]) == (0.0, "")  # the only token: t waits ~5 s
    task = asyncio.create_task(t.acquire([("chat:7", 1, PERIOD), overall]))
    await asyncio.sleep(0.1)
    assert [key for key, _task in t._held] == ["chat:7"]  # gate taken, waiting for the bucket
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert t._held == {}
    assert await shared.gate("throttle:telegram:chat:7", "x", 1.0) == 0.0  # open again


async def test_giving_up_a_wait_never_opens_another_sends_gate() -> None:
    """Two sends to one chat in one process: the one that gives up leaves the other's
    gate shut (holds belong to the task that took them)."""
    shared = MemoryBackend()
    t = throttle(shared)
    taken, finish = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        assert await t.acquire(RULES) == (0.0, "")
        taken.set()
        await finish.wait()
        await t.release(RULES)

    task = asyncio.create_task(holder())
    await taken.wait()
    wait, key = await t.acquire(RULES)  # waits max_wait_s, then gives up
    assert key == "chat:7" and wait > 0
    assert await shared.gate("throttle:telegram:chat:7", "other", 1.0) > PERIOD  # still in flight
    finish.set()
    await task


class SlowBackend(MemoryBackend):
    """Each renewal or reopening takes a while (a loaded Redis)."""

    async def ungate(self, key: str, token: str, after_s: float) -> bool:
        await asyncio.sleep(0.04)
        return await super().ungate(key, token, after_s)


async def test_release_waits_for_a_renewal_under_way_and_has_the_last_word() -> None:
    shared = SlowBackend()
    t = throttle(shared)
    assert await t.acquire(RULES) == (0.0, "")
    await asyncio.sleep(t.RENEW_S + 0.01)  # a renewal is in the middle of its call
    started = time.monotonic()
    await t.release(RULES)  # by the task that acquired (holds are per task)
    assert time.monotonic() - started < 0.5
    left = await shared.gate("throttle:telegram:chat:7", "other", 1.0)
    assert 0 < left <= PERIOD  # opens a period after the send, not a hold later


def most_in_any(times: list[float], window: float) -> int:
    times = sorted(times)
    most, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        most = max(most, hi - lo + 1)
    return most


async def test_many_senders_in_several_processes_share_the_overall_limit() -> None:
    """Three processes' senders, each waiting for its reserved slot, never put more than
    `limit` sends in one period."""
    shared = MemoryBackend()
    overall = [("all", 10, 0.5)]
    takes: list[float] = []

    async def sender(t: SharedThrottle) -> None:
        for _ in range(4):
            assert await t.acquire(overall) == (0.0, "")
            takes.append(time.monotonic())
            await t.release(overall)
            await asyncio.sleep(0.02)  # the send

    processes = [throttle(shared) for _ in range(3)]
    for t in processes:
        t.max_wait_s = 2.0
    await asyncio.gather(*(sender(t) for t in processes for _ in range(4)))
    assert len(takes) == 48
    assert most_in_any(takes, 0.5) <= 10


async def test_a_send_waits_in_line_for_a_fast_limits_slot_instead_of_failing() -> None:
    """More senders at once than a fast limit's slots within max_wait_s: each books the next
    free slot however far the line reaches and waits for it (none is handed back), and the
    limit holds. Under a slow limit (slots further apart than max_wait_s) a send that cannot
    go soon still reports its wait."""
    shared = MemoryBackend()
    t = throttle(shared)  # max_wait_s 0.2: 4 slots of 10 per 0.5 s
    overall = [("all", 10, 0.5)]
    takes: list[float] = []

    async def sender() -> tuple[float, str]:
        got = await t.acquire(overall)
        takes.append(time.monotonic())
        await t.release(overall)
        return got

    got = await asyncio.gather(*(sender() for _ in range(24)))  # 1.2 s of slots
    assert got == [(0.0, "")] * 24
    assert most_in_any(takes, 0.5) <= 10
    slow = [("group:-1", 2, 1.0)]  # a slot every 0.55 s
    assert await t.acquire(slow) == (0.0, "")
    wait, key = await t.acquire(slow)
    assert key == "group:-1" and wait > 0


async def test_a_late_wake_does_not_put_one_send_too_many_in_a_window() -> None:
    """Sends that went out late (their process stalled) still count: a slot that is free
    does not let a sender through while `limit` sends went out within the last period."""
    shared = MemoryBackend()
    t = throttle(shared)
    t.max_wait_s = 2.0
    overall = [("all", 5, 0.4)]
    window = 0.4 + t.JITTER_S
    for i in range(5):  # five sends that just went out, later than their slots
        assert await shared.stamp("throttle:telegram:all:sent", f"late{i}", 5, window) == 0.0
    started = time.monotonic()
    assert await t.acquire(overall) == (0.0, "")
    assert time.monotonic() - started >= window - 0.01


class SlowFirstStamp(MemoryBackend):
    """A backend whose first answer to a send's record comes late (the process stalled
    between the record and reading its answer)."""

    def __init__(self, late_s: float) -> None:
        super().__init__()
        self.late_s = late_s
        self.stamps: list[str] = []

    async def stamp(self, key: str, member: str, limit: int, window_s: float) -> float:
        wait = await super().stamp(key, member, limit, window_s)
        self.stamps.append(member)
        if len(self.stamps) == 1:
            await asyncio.sleep(self.late_s)
        return wait


async def test_a_record_answered_late_is_made_again() -> None:
    """A send whose record's answer took longer than STAMP_S is recorded again (the same
    member, moved to now), so the log says when it really went out; one record stays."""
    shared = SlowFirstStamp(late_s=0.05)
    t = throttle(shared)
    assert t.STAMP_S < 0.05
    assert await t.acquire([("all", 5, 0.4)]) == (0.0, "")
    await t.release([("all", 5, 0.4)])
    assert len(shared.stamps) == 2 and shared.stamps[0] == shared.stamps[1]
    assert list(shared._sent["throttle:telegram:all:sent"]) == [shared.stamps[0]]


async def test_a_send_written_late_is_recorded_again_as_it_is_written() -> None:
    """With stamp_on_write, acquire records the send as it wakes at its slot, and
    `stamp_send` (the HTTP client's hook, in the task that writes) records it again, the
    same member moved to now, only when the write comes more than STAMP_S after that record
    (a process stalled in between); never for a send that was not written."""
    from core.channels.base import _PENDING_STAMP, stamp_send

    shared = SlowFirstStamp(late_s=0.0)
    t = SharedThrottle(lambda: shared, "telegram", max_wait_s=0.2, stamp_on_write=True)
    # STAMP_S is 5 ms, which a loaded machine can overrun between two awaits (CI did): "at
    # once" and "late" are told apart here by 0.5 s against the 1 s stall set below, so the
    # test does not depend on the machine's speed.
    t.STAMP_S = 0.5
    rules = [("all", 5, 0.4), ("group:-1", 3, 0.3)]
    logs = ("throttle:telegram:all:sent", "throttle:telegram:group:-1:sent")
    assert await t.acquire(rules) == (0.0, "")
    assert [len(shared._sent[k]) for k in logs] == [1, 1]
    records = len(shared.stamps)

    async def write() -> None:  # aiohttp writes the body in a task of its own
        await stamp_send()
        await stamp_send()

    await asyncio.create_task(write())  # at once: the records stand
    assert len(shared.stamps) == records
    await t.release(rules)

    assert await t.acquire(rules) == (0.0, "")
    for pending in _PENDING_STAMP.get() or ():
        pending.recorded_at -= 1.0  # as if the process had stalled a second before writing
    await asyncio.create_task(write())
    assert len(shared.stamps) == records + 4  # two logs, each recorded again once
    assert shared.stamps[-1] == shared.stamps[-3]  # the same member, moved
    assert [len(shared._sent[k]) for k in logs] == [2, 2]
    await t.release(rules)
    await stamp_send()  # a later request of the same task is not a send
    assert len(shared.stamps) == records + 4

    assert await t.acquire(rules) == (0.0, "")
    await t.release(rules, sent=False)  # refused before writing
    for pending in _PENDING_STAMP.get() or ():
        pending.recorded_at -= 1.0
    await stamp_send()
    assert len(shared.stamps) == records + 6
