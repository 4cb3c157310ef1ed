"""How late our alerts are: publication → delivery percentiles from what the database kept.

Every item keeps `published_at` (the source's word), `fetched_at` and `scored_at`; every
alert its `created_at`; every delivery its `sent_at`. Over a window (24 h by default) of sent
instant deliveries this gives publication→delivery p50/p95/p99 overall, per channel and per
feed kind, and the median of each stage, so an operator sees where the time goes. An item
whose source gave no publication time counts from its fetch (`from_fetch` says how many).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections

MAX_ROWS = 50_000


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of an ascending list; None for no values."""
    if not sorted_values:
        return None
    rank = max(0, min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1))
    return round(sorted_values[rank], 3)


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _stats(values: list[float]) -> dict[str, Any]:
    values.sort()
    return {
        "count": len(values),
        "p50_s": percentile(values, 0.50),
        "p95_s": percentile(values, 0.95),
        "p99_s": percentile(values, 0.99),
    }


async def latency_summary(hours: int = 24, now: datetime | None = None) -> dict[str, Any]:
    """Publication→delivery percentiles of the sends in the last `hours`."""
    now = now or datetime.now(UTC)
    since = now - timedelta(hours=hours)
    conn = connections.get("default")
    mark = "$1" if conn.capabilities.dialect == "postgres" else "?"
    rows = await conn.execute_query_dict(
        "SELECT d.sent_at AS sent_at, t.kind AS channel, a.created_at AS alerted_at, "
        "i.published_at AS published_at, i.fetched_at AS fetched_at, f.kind AS feed_kind "
        "FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
        "JOIN destinations t ON t.id = d.destination_id "
        "LEFT JOIN items i ON i.id = a.item_id LEFT JOIN feeds f ON f.id = i.feed_id "
        f"WHERE d.status = 'sent' AND d.mode = 'instant' AND d.sent_at >= {mark} "
        f"ORDER BY d.sent_at DESC LIMIT {MAX_ROWS}",
        [since],
    )
    total: list[float] = []
    by_channel: dict[str, list[float]] = defaultdict(list)
    by_kind: dict[str, list[float]] = defaultdict(list)
    stages: dict[str, list[float]] = defaultdict(list)
    from_fetch = 0
    for row in rows:
        sent = _aware(row["sent_at"])
        published = _aware(row["published_at"])
        fetched = _aware(row["fetched_at"])
        alerted = _aware(row["alerted_at"])
        start = published
        if start is None or (fetched is not None and start > fetched):
            start, from_fetch = fetched or alerted, from_fetch + 1
        if sent is None or start is None:
            continue
        lag = max(0.0, (sent - start).total_seconds())
        total.append(lag)
        by_channel[str(row["channel"])].append(lag)
        by_kind[str(row["feed_kind"] or "manual")].append(lag)
        if published is not None and fetched is not None and published <= fetched:
            stages["source_to_fetch"].append((fetched - published).total_seconds())
        if fetched is not None and alerted is not None:
            stages["fetch_to_alert"].append(max(0.0, (alerted - fetched).total_seconds()))
        if alerted is not None:
            stages["alert_to_sent"].append(max(0.0, (sent - alerted).total_seconds()))
    return {
        "window_hours": hours,
        **_stats(total),
        "from_fetch": from_fetch,
        "by_channel": {k: _stats(v) for k, v in sorted(by_channel.items())},
        "by_kind": {k: _stats(v) for k, v in sorted(by_kind.items())},
        "stages_p50_s": {k: percentile(sorted(v), 0.5) for k, v in sorted(stages.items())},
    }
