"""`tge-monitor parse-check DIR`: our parsing compared with feedparser's over a directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.test_feed_parsing import rss


def test_parse_check_command_reports_agreement_and_differences(tmp_path: Path) -> None:
    """`tge-monitor parse-check DIR` as a user runs it: totals, paths and the differing files."""
    import shutil

    from core.bundled import FEEDS_DIR

    for path in sorted(FEEDS_DIR.glob("*.xml"))[:3]:
        shutil.copy(path, tmp_path / path.name)
    sub = tmp_path / "odd"
    sub.mkdir()
    (sub / "markup.xml").write_bytes(rss("<item><title>A <b>B</b></title><guid>g</guid></item>"))
    (sub / "charset.xml").write_bytes(
        b"<!--\nHeader: Content-Type: text/xml; charset=windows-1252\n-->\n"
        b'<rss version="2.0"><channel><item><title>Don\x92t</title><guid>g</guid></item>'
        b"</channel></rss>"
    )
    (sub / "notes.txt").write_text("not a feed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env["DATA_DIR"] = str(tmp_path / "data")
    out = subprocess.run(
        [sys.executable, "-m", "tge_monitor", "parse-check", str(tmp_path), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["files"] == 5 and result["with_entries"] == 5
    assert result["agree"] == 5 and result["agree_pct"] == 100.0
    assert result["path"] == {"fast": 3, "feedparser": 2}
    assert result["cut_titles"] == result["timezone_as_utc"] == result["silently_empty"] == 0
    text = subprocess.run(
        [sys.executable, "-m", "tge_monitor", "parse-check", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "agree on count, title, link, date: 5/5 (100.0%)" in text.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "tge_monitor", "parse-check", str(tmp_path / "nope")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert missing.returncode == 1 and "not a directory" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_parse_check_names_cut_titles_and_shifted_dates() -> None:
    """The comparison itself can fail: a cut title and a zone read as UTC are named as such."""
    from core.monitors.base import RawItem
    from core.monitors.parse_check import compare_items

    when = datetime(2026, 2, 2, 7, 32, tzinfo=UTC)
    ref = [RawItem(guid="g", title="Token XYZ TGE on Monday", url="https://a/1", published=when)]
    ours = [
        RawItem(guid="g", title="Token", url="https://a/1", published=when + timedelta(hours=8))
    ]
    core, _ = compare_items(ours, ref)
    assert any("cut title" in p for p in core) and any("timezone as UTC" in p for p in core)
    core, _ = compare_items([], ref)
    assert "silently empty" in core
