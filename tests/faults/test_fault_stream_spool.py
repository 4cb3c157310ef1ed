"""A streaming feed's backlog survives a kill: real worker processes, a real outage.

A push has no replay. The batch an exchange pushed while PostgreSQL was away used to live
only in the worker's memory: kill -9 that worker before the database came back and it was
gone. Now every pushed batch is appended (and fsynced) to a spool in the worker's DATA_DIR
before it counts as kept; the next worker started on the host adopts the dead worker's
spool and stores it, in order, each item once.

Real processes (`tge-monitor worker`), the private PostgreSQL really stopped and started,
kill -9, and a local Binance announcement WebSocket (tests/fakes/exchanges.py).
"""

from __future__ import annotations

import asyncio
import json
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.models import Feed, FeedKind, Item, ItemSource
from tests.conftest import wait_for
from tests.fakes.exchanges import FakeExchanges
from tests.faults.harness import Deployment
from tests.test_monitor_exchanges import ex  # noqa: F401 (a fixture)

pytestmark = pytest.mark.timeout(240)

PUSHED = 5  # announcements pushed while the database is away


def frame(n: int) -> str:
    """A Binance announcement frame (the shape of tests/data/exchanges/binance_ws_frame.json)."""
    data = {
        "catalogId": 48,
        "catalogName": "New Cryptocurrency Listing",
        "publishDate": int(datetime.now(UTC).timestamp() * 1000) + n,
        "title": f"Binance Will List Spool Token {n} (SPL{n})",
        "body": f"Binance will list Spool Token {n} and open trading pairs.",
    }
    return json.dumps({"type": "DATA", "topic": "com_announcement_en", "data": json.dumps(data)})


def spooled(root: Path) -> int:
    """Pushed batches the workers' spools hold and have not marked done."""
    kept: set[tuple[str, int]] = set()
    for path in (root / "data" / "streams").glob("*/*.jsonl"):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            if "done" in record:
                kept.discard((path.name, record["done"]))
            else:
                kept.add((path.name, record["seq"]))
    return len(kept)


async def test_a_batch_pushed_during_an_outage_survives_kill_9_and_arrives_once_in_order(
    deployment: Deployment,
    ex: FakeExchanges,  # noqa: F811
) -> None:
    env = {
        "EXCHANGE_API_BASES": f"binance={ex.base.replace('http://', 'ws://')}/sapi/wss",
        "BINANCE_API_KEY": ex.api_key,
        "BINANCE_API_SECRET": ex.api_secret,
    }
    feed = await Feed.create(
        kind=FeedKind.EXCHANGE, query="binance:com_announcement_en", name="Binance"
    )
    await deployment.start("w1", **env)
    await wait_for(lambda: ex.ws_connects, within_s=60)
    await ex.frames.put(frame(0))

    async def stored(n: int) -> bool:
        return await Item.filter(feed_id=feed.id).count() >= n

    await wait_for(lambda: stored(1), within_s=30)
    titles = [f"Binance Will List Spool Token {n} (SPL{n})" for n in range(PUSHED + 1)]

    await asyncio.to_thread(deployment.pg.stop)
    try:
        for n in range(1, PUSHED + 1):
            await ex.frames.put(frame(n))
        await wait_for(lambda: spooled(deployment.root) == PUSHED, within_s=30)
        deployment.signal("w1", signal.SIGKILL)
        await deployment.wait_exit("w1", within_s=10)
    finally:
        await asyncio.to_thread(deployment.pg.start)

    await deployment.start("w2", **env)
    await wait_for(lambda: stored(PUSHED + 1), within_s=90)
    await wait_for(lambda: spooled(deployment.root) == 0, within_s=30)
    await asyncio.sleep(2.0)  # a second copy would show up here
    items = await Item.filter(feed_id=feed.id).order_by("id").values_list("title", flat=True)
    assert items == titles  # each once, in the order pushed
    assert await ItemSource.filter(feed_id=feed.id).count() == PUSHED + 1
    assert list((deployment.root / "data" / "streams").glob("*/*.jsonl")) == []
    assert "pushed items a stopped worker kept on disk" in deployment.log("w2")
