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
