"""Rate limiting: the three algorithms on both backends (Redis for real) answer alike."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from core.errors import InvalidInput, RateLimited
from core.ratelimit import Limit, MemoryBackend, RateLimiter, RedisBackend, parse_limit
from tests.conftest import needs_redis


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[object]:
    if request.param == "memory":
        yield MemoryBackend()
        return
    import redis.asyncio as aioredis

    url = request.getfixturevalue("redis_db_held")  # this test has the db to itself
    client = aioredis.from_url(url)
    await client.flushdb()
    try:
        yield RedisBackend(client)
    finally:
        await client.flushdb()
        await client.aclose()


@pytest.mark.parametrize("algorithm", ["fixed", "sliding", "token_bucket"])
async def test_allows_limit_then_refuses_with_retry(backend, algorithm: str) -> None:
    limit = Limit(3, 60, algorithm)
    decisions = [await backend.hit(f"k-{algorithm}", limit) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    refused = decisions[3]
    assert refused.limit == 3 and refused.remaining == 0
    assert 0 < refused.retry_after_s <= 60
    headers = refused.headers()
    assert headers["Retry-After"].isdigit() and int(headers["Retry-After"]) >= 1
    assert set(headers) >= {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"}
    # other keys are independent
    assert (await backend.hit(f"other-{algorithm}", limit)).allowed


@pytest.mark.parametrize("algorithm", ["fixed", "sliding", "token_bucket"])
async def test_window_passes_and_reset(backend, algorithm: str) -> None:
    window = 1.0 if algorithm == "fixed" else 0.3
    limit = Limit(2, window, algorithm)
    key = f"w-{algorithm}"
    first = await backend.hit(key, limit)
    if algorithm == "fixed" and first.reset_s < 0.8 * window:
        # A fixed window is aligned to the clock: start at a window's beginning, so that on a
        # loaded machine a boundary between the three hits cannot let the third one through.
        await asyncio.sleep(first.reset_s + 0.01)
        await backend.reset(key)
        first = await backend.hit(key, limit)
    assert first.allowed
    assert (await backend.hit(key, limit)).allowed
    assert not (await backend.hit(key, limit)).allowed
    await asyncio.sleep(2 * window + 0.05)
    assert (await backend.hit(key, limit)).allowed
    await backend.hit(key, limit)
    await backend.reset(key)
    assert (await backend.hit(key, limit)).allowed


async def test_token_bucket_burst_then_refill(backend) -> None:
    limit = Limit(10, 1, "token_bucket", burst=5)  # 10/s refill, 5 at once
    results = [(await backend.hit("tb", limit)).allowed for _ in range(6)]
    assert results == [True] * 5 + [False]
    await asyncio.sleep(0.25)
    assert (await backend.hit("tb", limit)).allowed


def test_memory_sliding_is_exact_with_fake_clock() -> None:
    clock = Clock()
    backend = MemoryBackend(clock)
    limit = Limit(2, 10, "sliding")

    async def go() -> list[bool]:
        out = [(await backend.hit("s", limit)).allowed]
        clock.now += 6
        out.append((await backend.hit("s", limit)).allowed)
        clock.now += 3  # 9s after the first: both still in the window
        refused = await backend.hit("s", limit)
        out.append(refused.allowed)
        assert refused.retry_after_s == pytest.approx(1.0)
        clock.now += 1.01  # the first hit left the window
        out.append((await backend.hit("s", limit)).allowed)
        return out

    assert asyncio.run(go()) == [True, True, False, True]


async def test_limiter_named_limits_and_check() -> None:
    limiter = RateLimiter(MemoryBackend())
    limiter.set_limit("login", "2/15m,fixed")
    assert (await limiter.check("login", "1.2.3.4")).remaining == 1
    await limiter.check("login", "1.2.3.4")
    with pytest.raises(RateLimited) as info:
        await limiter.check("login", "1.2.3.4")
    assert info.value.retry_after > 0 and info.value.to_dict()["code"] == "rate_limited"
    assert await limiter.hit("no-such-limit", "x") is None
    limiter.set_limit("login", limit=5)
    assert limiter.limits["login"].limit == 5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100/1h", Limit(100, 3600)),
        ("10/15m,fixed", Limit(10, 900, "fixed")),
        ("5 / 2s , token_bucket", Limit(5, 2, "token_bucket")),
        ("7/30", Limit(7, 30)),
    ],
)
def test_parse_limit(text: str, expected: Limit) -> None:
    assert parse_limit(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "0/1h", "10/1h,leaky", "10/0"])
def test_parse_limit_refuses(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_limit(text)


@needs_redis
async def test_redis_backend_is_shared_between_processes(redis_url: str) -> None:
    import redis.asyncio as aioredis

    a, b = aioredis.from_url(redis_url), aioredis.from_url(redis_url)
    try:
        one, two = RedisBackend(a), RedisBackend(b)
        limit = Limit(3, 60, "sliding")
        hits = await asyncio.gather(*(x.hit("shared", limit) for x in [one, two] * 3))
        assert sum(d.allowed for d in hits) == 3
    finally:
        await a.aclose()
        await b.aclose()


async def test_gate_is_one_holder_and_only_the_holder_moves_it(backend) -> None:
    assert await backend.gate("g", "a", 5.0) == 0.0
    left = await backend.gate("g", "b", 5.0)
    assert 4.0 < left <= 5.0  # held: the holder's time left
    assert not await backend.ungate("g", "b", 0)  # not b's gate: untouched
    assert await backend.ungate("g", "a", 0.2)  # the holder: it opens in 0.2 s
    assert 0 < await backend.gate("g", "b", 5.0) <= 0.2
    await asyncio.sleep(0.35)
    assert not await backend.ungate("g", "a", 5.0)  # expired: a renewal says it is lost
    assert await backend.gate("g", "b", 5.0) == 0.0


async def test_reserve_hands_out_slots_an_interval_apart_within_the_horizon(backend) -> None:
    """Each caller gets its own slot, the next one an interval later, however many wait;
    a slot beyond the horizon is not reserved (the answer says when one is in reach).

    Real time on both backends: every expected wait is bounded by the clock read before and
    after the call and the first call (slot k is the first call's time + k intervals), so a
    loaded machine's slow calls or late wake-ups move the bounds, not the verdict (0.03 s
    tolerances did not hold under load in CI)."""
    interval, horizon, eps = 0.5, 1.6, 0.01
    first: list[float] = []  # the clock before and after the first call: the slots' origin

    async def reserve(slot: float) -> tuple[bool, float]:
        """reserve() on key "r", its wait checked against slot `slot` (seconds after the first
        call, which the backend served somewhere between the clock's two readings of it)."""
        before = time.monotonic()
        reserved, wait = await backend.reserve("r", interval, horizon)
        after = time.monotonic()
        first.extend([] if first else [before, after])
        due = slot - (0.0 if reserved else horizon)  # refused: when the slot is in reach
        low, high = due + first[0] - after, due + first[1] - before
        assert max(low, 0.0) - eps <= wait <= high + eps, (slot, reserved, wait, low, high)
        return reserved, wait

    slots = [await reserve(k * interval) for k in range(4)]  # 0, 0.5, 1.0, 1.5 s from start
    assert [reserved for reserved, _wait in slots] == [True] * 4
    reserved, wait = await reserve(4 * interval)  # slot 2.0 s is beyond the 1.6 s horizon
    assert not reserved and 0 < wait
    assert (await backend.reserve("other", interval, horizon)) == (True, 0.0)  # independent keys
    await asyncio.sleep(wait + 0.05)
    reserved, _wait = await reserve(4 * interval)  # the slot after the last one
    assert reserved
    # every slot past, the one after the last (2.5 s) too, by a margin: 3.0 s from the first
    await asyncio.sleep(max(0.0, 6 * interval - (time.monotonic() - first[1])))
    assert (await backend.reserve("r", interval, horizon)) == (True, 0.0)  # now, not owed
    await backend.reset("r")
    assert (await backend.reserve("r", 10.0, 0.0)) == (True, 0.0)
    assert not (await backend.reserve("r", 10.0, 0.0))[0]


def test_memory_reserve_with_fake_clock() -> None:
    clock = Clock()
    backend = MemoryBackend(clock)

    async def go() -> list[tuple[bool, float]]:
        out = [await backend.reserve("r", 1 / 30, 0.1) for _ in range(5)]
        clock.now += 0.05  # a late taker loses nothing: the slots stay 1/30 s apart
        out.append(await backend.reserve("r", 1 / 30, 0.1))
        return out

    got = asyncio.run(go())
    assert [r for r, _w in got] == [True, True, True, True, False, True]
    assert [w for _r, w in got] == pytest.approx([0, 1 / 30, 2 / 30, 3 / 30, 1 / 30, 4 / 30 - 0.05])


async def test_stamp_keeps_at_most_limit_sends_in_a_window(backend) -> None:
    """The log of sends records a member while fewer than `limit` are in the window; a
    refusal says when there is room and records nothing; recording a member again moves it
    (one record per send however often it is made)."""
    assert [await backend.stamp("s", f"m{i}", 3, 0.3) for i in range(3)] == [0.0] * 3
    wait = await backend.stamp("s", "m3", 3, 0.3)
    assert 0.2 < wait <= 0.3  # when m0 leaves the window
    assert await backend.stamp("s", "m1", 3, 0.3) == 0.0  # m1 again: moved, not added
    assert await backend.stamp("other", "m0", 1, 0.3) == 0.0  # keys are independent
    await asyncio.sleep(wait + 0.01)
    assert await backend.stamp("s", "m3", 3, 0.3) == 0.0  # room again
    await backend.reset("s")
    assert [await backend.stamp("s", f"n{i}", 3, 0.3) for i in range(3)] == [0.0] * 3
    assert await backend.stamp("s", "n3", 3, 0.3) > 0
