"""The offline demo and the ingest benchmark run end to end on the bundled real feeds."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from core.bundled import FEEDS_DIR
from core.errors import InvalidInput
from core.monitors.bench import bench_ingest
from core.monitors.demo import run_demo
from tests.conftest import make_settings

BUNDLED_FEEDS = sorted(FEEDS_DIR.glob("*.xml"))


async def test_demo_replays_bundled_feeds(tmp_path: Path) -> None:
    # the demo allows private addresses for its own fetcher only
    settings = make_settings(tmp_path, FETCH_ALLOW_PRIVATE_NETWORKS="false")
    lines: list[str] = []
    alerts = await run_demo(settings, out=lines.append)
    text = "\n".join(lines)
    assert f"registered {len(BUNDLED_FEEDS)} feeds" in text
    assert "0 feeds failed" in text
    # a first-time user sees the service work: the bundled real feeds carry real launch news
    # (Doodles' DOOD, OpenSea's SEA airdrop), and the demo shows them with their reasons
    assert alerts >= 1
    assert f"{alerts} alert(s)" in text
    assert "why:" in text


def test_bench_ingest_reports_throughput() -> None:
    result = bench_ingest(min_seconds=0.0)
    assert result["feeds"] == len(BUNDLED_FEEDS) and result["items"] >= 80
    assert {"items", "items_per_s", "feeds"} <= set(result)
    # every bundled real feed is one the fast path reads exactly as feedparser does
    assert result["feeds_by_parser"] == {"fast": len(BUNDLED_FEEDS)}


async def test_demo_refuses_missing_inputs(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with pytest.raises(InvalidInput, match=r"no \*\.xml feeds"):
        await run_demo(settings, feeds_dir=tmp_path, out=lambda _line: None)
    with pytest.raises(InvalidInput, match="companies file not found"):
        await run_demo(settings, companies=tmp_path / "none.json", out=lambda _line: None)


def test_demo_command_exits_non_zero_on_missing_feeds(tmp_path: Path, capsys) -> None:
    from tge_monitor.cli import main

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        assert main(["demo", "--feeds", str(tmp_path)]) != 0
    finally:  # main() configures process-wide logging; later tests expect pytest's
        root.handlers[:], root.level = handlers, level
    assert "no *.xml feeds found" in capsys.readouterr().err


def test_no_tracked_file_reads_the_shared_folder() -> None:
    """A user's clone has no shared folder beside it: what the project reads is inside it."""
    root = Path(__file__).resolve().parents[1]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=root, capture_output=True, text=True, check=False
    ).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    needle = "../" + "shared"
    offenders = [
        name
        for name in tracked
        if (root / name).is_file() and needle in (root / name).read_text(errors="replace")
    ]
    assert offenders == []
