"""Prometheus metrics owned by the App (its own CollectorRegistry, never the global one).

Request counters and latency come from the web middleware; alert, delivery and feed gauges
are read from the database when /metrics is scraped, so every process reports the truth.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST as _CONTENT_TYPE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)

from core.faults import LoopFaults

log = logging.getLogger(__name__)

CONTENT_TYPE_LATEST = _CONTENT_TYPE
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# publication → alert → send: from a push in under a second to a slow poll in minutes
PIPELINE_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)
# an edit due this long and not made is overdue (it waits behind its chat's new alerts, one
# request a second, so a busy chat's edit is rightly due for a while; five minutes is not that)
EDIT_OVERDUE_S = 300.0
# stage name → (metric name, help, label)
PIPELINE_STAGES = {
    "source_to_fetch": (
        "tge_latency_source_to_fetch_seconds",
        "Publication time the source states to our fetch of the item",
        "kind",
    ),
    "fetch_to_alert": (
        "tge_latency_fetch_to_alert_seconds",
        "Fetch of an item to its stored alert (dedup, scoring, link review)",
        "kind",
    ),
    "alert_to_sent": (
        "tge_latency_alert_to_sent_seconds",
        "Stored alert to the channel accepting the message",
        "channel",
    ),
}


class Metrics:
    """Every metric the service exports, registered on one private registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._refresh_faults = LoopFaults("database metrics refresh", log)
        counter, gauge = self._counter, self._gauge
        self.http_requests = counter(
            "tge_http_requests_total", "HTTP requests", "method", "route", "status"
        )
        self.http_latency = Histogram(
            "tge_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.rate_limited = counter(
            "tge_rate_limited_total", "Requests refused by a rate limit", "limit"
        )
        self.ws_clients = gauge("tge_ws_clients", "Connected WebSocket clients")
        self.ws_messages = counter(
            "tge_ws_messages_sent_total", "Messages queued to WebSocket clients"
        )
        self.ws_dropped = counter("tge_ws_clients_dropped_total", "Slow WebSocket clients dropped")
        self.alerts = gauge("tge_alerts", "Stored alerts")
        self.deliveries = gauge("tge_deliveries", "Delivery rows by status", "status")
        self.feeds = gauge("tge_feeds", "Feeds by health", "health")
        self.items = gauge("tge_items", "Stored items (scored stories)")
        self.deliveries_by_channel = gauge(
            "tge_deliveries_by_channel", "Delivery rows by channel and status", "channel", "status"
        )
        self.queue_oldest = gauge(
            "tge_delivery_queue_oldest_seconds", "Age of the oldest undelivered instant row"
        )
        self.delivery_latency = gauge(
            "tge_delivery_latency_seconds",
            "Publication to delivery over the last 15 minutes of sends",
            "stat",
        )
        self.rate_limited_rows = gauge(
            "tge_deliveries_waiting_rate_limit",
            "Undelivered rows last held back by a 429 or a self-throttle",
            "channel",
        )
        ProcessCollector(registry=self.registry)  # process_resident_memory_bytes and friends
        self.dependency_up = gauge(
            "tge_dependency_up", "1 when a dependency answers, 0 during an outage", "dependency"
        )
        self.dependency_outages = counter(
            "tge_dependency_outages_total", "Outages of a dependency seen", "dependency"
        )
        self.fallback_active = gauge(
            "tge_fallback_active", "1 while a part runs on its in-process stand-in", "part"
        )
        self.sends = counter(
            "tge_delivery_sends_total", "Send outcomes by channel", "channel", "outcome"
        )
        self.edits = counter(
            "tge_message_edits_total",
            "Edit outcomes (an event's first message showing its timeline) by channel",
            "channel",
            "outcome",
        )
        self.edits_waiting = gauge(
            "tge_message_edits_waiting",
            "Timeline edits waiting in the outbox (asked, not yet made or ended)",
            "channel",
        )
        self.edits_overdue = gauge(
            "tge_message_edits_overdue",
            f"Timeline edits due for more than {EDIT_OVERDUE_S:.0f}s and not made",
            "channel",
        )
        self.edit_oldest_due = gauge(
            "tge_message_edit_oldest_due_seconds",
            "How long the longest-waiting due edit has been due",
        )
        self.marks_pending = gauge(
            "tge_sent_marks_pending", "Sends not yet recorded in the database (journaled)"
        )
        self.stream_backlog = gauge(
            "tge_stream_backlog_items",
            "Pushed items a streaming feed holds because they could not be stored yet",
            "feed",
        )
        self.stream_backlog_dropped = counter(
            "tge_stream_backlog_dropped_items_total",
            "Pushed items dropped because a streaming feed's backlog was over its cap",
            "feed",
        )
        self.pipeline_latency = {
            stage: Histogram(name, text, [label], buckets=PIPELINE_BUCKETS, registry=self.registry)
            for stage, (name, text, label) in PIPELINE_STAGES.items()
        }
        # labelled children looked up once: `labels()` costs a lock and a tuple per call
        self._latency_children: dict[tuple[str, str], Any] = {}
        self._request_children: dict[tuple[str, str, int], Any] = {}

    def _counter(self, name: str, text: str, *labels: str) -> Counter:
        """A counter on this App's registry (never the process-global one)."""
        return Counter(name, text, labels, registry=self.registry)

    def _gauge(self, name: str, text: str, *labels: str) -> Gauge:
        """A gauge on this App's registry (never the process-global one)."""
        return Gauge(name, text, labels, registry=self.registry)

    def observe_request(self, method: str, route: str, status: int, elapsed_s: float) -> None:
        """One HTTP request into the latency histogram and the request counter."""
        latency = self._latency_children.get((method, route))
        if latency is None:
            latency = self._latency_children[method, route] = self.http_latency.labels(
                method, route
            )
        latency.observe(elapsed_s)
        counter = self._request_children.get((method, route, status))
        if counter is None:
            counter = self._request_children[method, route, status] = self.http_requests.labels(
                method, route, str(status)
            )
        counter.inc()

    def observe_latency(self, stage: str, seconds: float, **label: str) -> None:
        """One item's time through a pipeline stage (see PIPELINE_STAGES)."""
        (value,) = label.values()
        self.pipeline_latency[stage].labels(value or "unknown").observe(max(0.0, seconds))

    async def refresh(self) -> None:
        """Read the database-backed gauges (alerts, deliveries, feeds); errors only logged
        (a database outage once, not a traceback a scrape)."""
        await self._refresh_faults.attempt(self._read_gauges())

    async def _read_gauges(self) -> None:
        from core.models import Alert, Delivery, DeliveryStatus, Feed, Item

        self.alerts.set(await Alert.all().count())
        for status in DeliveryStatus:
            self.deliveries.labels(str(status)).set(await Delivery.filter(status=status).count())
        disabled = await Feed.filter(enabled=False).count()
        failing = await Feed.filter(enabled=True, consecutive_failures__gt=0).count()
        healthy = await Feed.filter(enabled=True, consecutive_failures=0).count()
        self.feeds.labels("disabled").set(disabled)
        self.feeds.labels("failing").set(failing)
        self.feeds.labels("healthy").set(healthy)
        self.items.set(await Item.all().count())
        await self._delivery_details()
        await self._edit_details()

    async def _delivery_details(self) -> None:
        """Per-channel counts, queue age, latency and rate-limit waits, in a few queries."""
        from tortoise import connections

        conn = connections.get("default")
        postgres = conn.capabilities.dialect == "postgres"
        rows = await conn.execute_query_dict(
            "SELECT t.kind AS channel, d.status AS status, COUNT(*) AS n FROM deliveries d "
            "JOIN destinations t ON t.id = d.destination_id GROUP BY t.kind, d.status"
        )
        self.deliveries_by_channel.clear()
        for row in rows:
            self.deliveries_by_channel.labels(row["channel"], row["status"]).set(row["n"])
        waiting = await conn.execute_query_dict(
            "SELECT t.kind AS channel, COUNT(*) AS n FROM deliveries d "
            "JOIN destinations t ON t.id = d.destination_id "
            "WHERE d.status IN ('pending', 'failed') AND (d.last_error LIKE '%429%' "
            "OR d.last_error LIKE '%rate limit%' OR d.last_error LIKE '%throttled%') "
            "GROUP BY t.kind"
        )
        self.rate_limited_rows.clear()
        for row in waiting:
            self.rate_limited_rows.labels(row["channel"]).set(row["n"])
        now = datetime.now(UTC)
        oldest = await _oldest_pending()
        self.queue_oldest.set((now - oldest).total_seconds() if oldest else 0.0)
        since = now - timedelta(minutes=15)
        mark = "$1" if postgres else "?"
        sent = await conn.execute_query_dict(
            "SELECT d.sent_at AS sent_at, COALESCE(i.published_at, a.created_at) AS published "
            "FROM deliveries d JOIN alerts a ON a.id = d.alert_id "
            "LEFT JOIN items i ON i.id = a.item_id "
            f"WHERE d.status = 'sent' AND d.sent_at >= {mark} "
            "ORDER BY d.sent_at DESC LIMIT 5000",
            [since],
        )
        lags = sorted(
            max(0.0, (_aware(r["sent_at"]) - _aware(r["published"])).total_seconds())
            for r in sent
            if r["sent_at"] and r["published"]
        )
        for stat, value in (
            ("p50", lags[len(lags) // 2] if lags else 0.0),
            ("p95", lags[int(len(lags) * 0.95)] if lags else 0.0),
            ("max", lags[-1] if lags else 0.0),
        ):
            self.delivery_latency.labels(stat).set(value)

    async def _edit_details(self) -> None:
        """The edit outbox: waiting and overdue edits by channel, the oldest's time due."""
        backlog = await edit_backlog()
        self.edits_waiting.clear()
        self.edits_overdue.clear()
        for channel, counts in backlog["channels"].items():
            self.edits_waiting.labels(channel).set(counts["waiting"])
            self.edits_overdue.labels(channel).set(counts["overdue"])
        self.edit_oldest_due.set(backlog["oldest_due_s"])

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


def _aware(value: Any) -> datetime:
    """SQLite hands back naive strings or datetimes; PostgreSQL aware datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def _oldest_pending() -> datetime | None:
    """When the oldest undelivered instant row was created."""
    from core.models import Delivery

    row = (
        await Delivery.filter(status__in=("pending", "failed"), mode="instant")
        .order_by("created_at")
        .first()
        .values_list("created_at", flat=True)
    )
    return _aware(row) if row else None


async def edit_backlog(overdue_after_s: float = EDIT_OVERDUE_S) -> dict[str, Any]:
    """Timeline edits waiting in the outbox (for /health and the metrics): how many wait and
    how many are overdue (due for more than `overdue_after_s`), by channel, and how long the
    longest-waiting due one has been due. An edit is due from when it was asked
    (`edit_next_at`), or from the end of the pause or backoff that put it off."""
    from tortoise import connections

    conn = connections.get("default")
    mark = "$1" if conn.capabilities.dialect == "postgres" else "?"
    now = datetime.now(UTC)
    rows = await conn.execute_query_dict(
        "SELECT t.kind AS channel, COUNT(*) AS waiting, "
        f"SUM(CASE WHEN m.edit_next_at < {mark} THEN 1 ELSE 0 END) AS overdue, "
        "MIN(m.edit_next_at) AS first_due "
        "FROM event_messages m JOIN destinations t ON t.id = m.destination_id "
        "WHERE m.edit_status = 'pending' GROUP BY t.kind",
        [now - timedelta(seconds=overdue_after_s)],
    )
    channels: dict[str, dict[str, int]] = {}
    oldest = 0.0
    for row in rows:
        channels[str(row["channel"])] = {
            "waiting": int(row["waiting"] or 0),
            "overdue": int(row["overdue"] or 0),
        }
        if row["first_due"]:
            oldest = max(oldest, (now - _aware(row["first_due"])).total_seconds())
    return {
        "waiting": sum(c["waiting"] for c in channels.values()),
        "overdue": sum(c["overdue"] for c in channels.values()),
        "oldest_due_s": round(oldest, 1),
        "channels": channels,
    }
