"""The provisioned Grafana dashboard, checked as data: it is found by the provisioning file
compose mounts, covers what operators watch, and every metric it queries is one the
service really exports (a renamed metric would leave a silently empty panel)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client.parser import text_string_to_metric_families

from core.runtime import App
from tests.test_delivery_kit import destination, subscribe, user

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "deploy/grafana/dashboards/tge-monitor.json"
PROVIDER = ROOT / "deploy/grafana/provisioning/dashboards/tge-monitor.yml"
PROMQL_WORDS = {
    "sum", "by", "rate", "delta", "min", "max", "histogram_quantile", "le", "status",
    "channel", "outcome", "health", "dependency", "part",
}  # fmt: skip


def _metric_names(expr: str) -> set[str]:
    without_labels = re.sub(r"\{[^}]*\}", "", expr)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_labels)
    words = set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", without_ranges))
    return {w for w in words if w not in PROMQL_WORDS}


def test_dashboard_is_provisioned_from_the_mounted_folder() -> None:
    provider = yaml.safe_load(PROVIDER.read_text())
    path = provider["providers"][0]["options"]["path"]
    compose = (ROOT / "docker-compose.yml").read_text()
    assert f"./deploy/grafana/dashboards:{path}:ro" in compose
    dash = json.loads(DASHBOARD.read_text())
    assert dash["uid"] == "tge-monitor" and dash["panels"]
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))


async def test_every_panel_queries_an_exported_metric(app: App) -> None:
    owner = await user("ops")
    await subscribe(owner, await destination(owner, "webhook", "https://hook.example/x"))
    await app.alerts.create_manual("Acme TGE", "", "")
    app.dependencies.down("redis", "test")
    app.dependencies.fallback("rate limiting", "in-process")
    app.metrics.sends.labels("telegram", "sent").inc()
    await app.metrics.refresh()
    exported: set[str] = set()
    for family in text_string_to_metric_families(app.metrics.render().decode()):
        exported |= {family.name} | {sample.name for sample in family.samples}
        suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}
        exported |= {family.name + s for s in suffixes.get(family.type, ())}
    dash = json.loads(DASHBOARD.read_text())
    titles = " | ".join(p["title"].lower() for p in dash["panels"])
    for topic in ("alerts per minute", "channel and status", "queue", "429", "feed health",
                  "scored", "latency", "memory", "edits waiting and overdue",
                  "oldest due timeline edit", "edit outcomes"):  # fmt: skip
        assert topic in titles, topic
    queried: set[str] = set()
    for panel in dash["panels"]:
        for target in panel["targets"]:
            for name in _metric_names(target["expr"]):
                assert name in exported, f"{panel['title']}: {name} is not exported"
                queried.add(name)
    # the edit outbox is on the dashboard: waiting, overdue, the oldest due, the outcomes
    assert {
        "tge_message_edits_waiting",
        "tge_message_edits_overdue",
        "tge_message_edit_oldest_due_seconds",
        "tge_message_edits_total",
    } <= queried
