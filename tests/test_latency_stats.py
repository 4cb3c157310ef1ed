"""Publication→delivery latency from what the database keeps: the REST summary and the
pipeline histograms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from core.models import Alert, Delivery, Destination, Feed, Item, User
from core.runtime import App
from core.services.latency import percentile
from tests.web_helpers import alice_fixture, client_fixture  # noqa: F401 (fixtures)


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.5) is None
    assert percentile([3.0], 0.95) == 3.0


async def _sent(
    owner: User,
    feed: Feed | None,
    kind: str,
    published_ago: float | None,
    sent_ago: float,
    *,
    fetched_ago: float,
    alerted_ago: float,
    n: int,
) -> None:
    now = datetime.now(UTC)
    item = await Item.create(
        feed=feed,
        guid=f"g{n}",
        title=f"t{n}",
        fingerprint=f"fp{n}",
        published_at=now - timedelta(seconds=published_ago) if published_ago is not None else None,
        fetched_at=now - timedelta(seconds=fetched_ago),
    )
    alert = await Alert.create(item=item, title=item.title, confidence=0.9, band="high")
    await Alert.filter(id=alert.id).update(created_at=now - timedelta(seconds=alerted_ago))
    dest, _ = await Destination.get_or_create(kind=kind, address=f"{kind}-1", owner=owner)
    await Delivery.create(
        alert=alert, destination=dest, status="sent", sent_at=now - timedelta(seconds=sent_ago)
    )


async def test_latency_summary_over_rest(
    app: App, client: TestClient[Any, Any], alice: Any
) -> None:
    owner = await User.get(id=alice.id)
    feed = await Feed.create(kind="exchange", query="okx:all", url="https://www.okx.com/x")
    # telegram: published 10 s, 20 s, 30 s before the send; webhook: 100 s
    for n, lag in enumerate((10, 20, 30)):
        await _sent(
            owner,
            feed,
            "telegram",
            100 + lag,
            100,
            fetched_ago=100 + lag - 1,
            alerted_ago=100.5,
            n=n,
        )
    await _sent(owner, None, "webhook", 200, 100, fetched_ago=199, alerted_ago=150, n=9)
    # no publication time: counted from the fetch
    await _sent(owner, feed, "telegram", None, 100, fetched_ago=105, alerted_ago=104, n=10)
    # older than the window: not counted
    await _sent(owner, feed, "telegram", 90000, 89990, fetched_ago=89995, alerted_ago=89995, n=11)
    resp = await client.get("/stats/latency", params={"hours": "24"}, headers=alice.headers)
    assert resp.status == 200, await resp.text()
    data = await resp.json()
    assert data["window_hours"] == 24 and data["count"] == 5 and data["from_fetch"] == 1
    assert data["p50_s"] == 20.0 and data["p95_s"] == 100.0
    assert data["by_channel"]["telegram"]["count"] == 4
    assert data["by_channel"]["telegram"]["p95_s"] == 30.0
    assert data["by_kind"]["exchange"]["count"] == 4 and data["by_kind"]["manual"]["count"] == 1
    assert data["stages_p50_s"]["source_to_fetch"] == 1.0
    assert data["stages_p50_s"]["alert_to_sent"] == 0.5
    resp = await client.get("/stats/latency", params={"hours": "0"}, headers=alice.headers)
    assert resp.status == 422
    resp = await client.get("/stats/latency")
    assert resp.status == 401


def test_pipeline_histograms_are_exported() -> None:
    from core.metrics import Metrics

    metrics = Metrics()
    metrics.observe_latency("source_to_fetch", 3.0, kind="exchange")
    metrics.observe_latency("fetch_to_alert", 0.02, kind="rss")
    metrics.observe_latency("alert_to_sent", 0.4, channel="telegram")
    text = metrics.render().decode()
    assert 'tge_latency_source_to_fetch_seconds_bucket{kind="exchange",le="5.0"} 1.0' in text
    assert 'tge_latency_fetch_to_alert_seconds_count{kind="rss"} 1.0' in text
    assert 'tge_latency_alert_to_sent_seconds_bucket{channel="telegram",le="0.5"} 1.0' in text


async def test_status_command_tells_the_latency(app: App) -> None:
    from tests.test_commands import ctx_for, execute

    ctx = await ctx_for(app)
    reply = await execute(app, "status", "", ctx)
    assert dict(reply.fields)["Latency, 24 h"] == "no alerts sent in the last 24 h"
    owner = await User.get(id=ctx.user.id)
    await _sent(owner, None, "telegram", 12, 0, fetched_ago=11, alerted_ago=1, n=1)
    reply = await execute(app, "status", "", ctx)
    assert dict(reply.fields)["Latency, 24 h"] == (
        "publication to delivery p50 12.0 s, p95 12.0 s (1 sends)"
    )
