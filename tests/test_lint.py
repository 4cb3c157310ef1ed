"""The codebase stays ruff-clean and keeps its one-way imports (core never imports bot/web)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is not installed")
@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(args: list[str]) -> None:
    out = subprocess.run(["ruff", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_core_never_imports_bot_or_web() -> None:
    pattern = re.compile(r"^\s*(from|import)\s+(bot|web|tge_monitor)(\.|\s|$)", re.M)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "core").rglob("*.py")
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_bot_and_web_do_not_import_each_other() -> None:
    for package, other in (("bot", "web"), ("web", "bot")):
        pattern = re.compile(rf"^\s*(from|import)\s+{other}(\.|\s|$)", re.M)
        offenders = [
            p.name for p in (ROOT / package).rglob("*.py") if pattern.search(p.read_text())
        ]
        assert offenders == [], package


def test_transactions_open_only_through_core_db() -> None:
    """`core.db.transaction` is the one way into a transaction: tortoise's own
    (`in_transaction`, `atomic`) can leave a transaction whose connection broke as the
    task's current one for good, which traps a long-lived loop (core/db.py says how)."""
    pattern = re.compile(r"\bin_transaction\b|tortoise\.transactions|\batomic\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("core", "web", "bot", "tge_monitor", "scripts")
        for path in (ROOT / package).rglob("*.py")
        if path != ROOT / "core" / "db.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
