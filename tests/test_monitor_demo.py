"""The offline demo and the ingest benchmark run end to end on the bundled real feeds."""

from __future__ import annotations

from pathlib import Path

from core.monitors.bench import bench_ingest
from core.monitors.demo import run_demo
from tests.conftest import make_settings


async def test_demo_replays_bundled_feeds(tmp_path: Path) -> None:
    # the demo allows private addresses for its own fetcher only
    settings = make_settings(tmp_path, FETCH_ALLOW_PRIVATE_NETWORKS="false")
    lines: list[str] = []
    alerts = await run_demo(settings, out=lines.append)
    text = "\n".join(lines)
    assert "registered 9 feeds" in text
    assert "0 feeds failed" in text
    assert f"{alerts} alert(s)" in text
    if alerts:
        assert "why:" in text


def test_bench_ingest_reports_throughput() -> None:
    result = bench_ingest(min_seconds=0.0)
    assert result["feeds"] == 9 and result["items"] >= 80
    assert {"items", "items_per_s", "feeds"} <= set(result)
