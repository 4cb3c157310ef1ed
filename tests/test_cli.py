"""The `tge-monitor` command, run as a user would: migrate, create-admin, run + /health."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import needs_postgres


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update({"DATA_DIR": str(tmp_path / "data"), "LOG_LEVEL": "INFO", **extra})
    return env


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tge_monitor", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_run_with_no_settings_serves_health_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tge_monitor", "run"],
        env=_env(tmp_path, API_PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.2)
        assert body is not None, "no /health answer"
        assert json.loads(body)["checks"]["database"] == "ok"
        # the process answers for itself: heartbeat file + its own /health
        health = _cli("health", "run", env=_env(tmp_path, API_PORT=str(port)))
        assert health.returncode == 0 and "run: ok" in health.stdout, health
        assert _cli("health", "worker", env=_env(tmp_path)).returncode == 1  # none running
        time.sleep(2.5)  # a few poller ticks: apscheduler must not log them
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    assert "Traceback" not in out
    assert (tmp_path / "data" / "tge.db").is_file()
    # first start: the next steps once, with a one-time admin password file
    assert out.count("Next steps:") == 1 and "initial-admin-password" in out
    assert (tmp_path / "data" / "initial-admin-password").stat().st_mode & 0o077 == 0
    # quiet logs: no third-party INFO lines (apscheduler logged two a second)
    assert "apscheduler" not in out and "Running job" not in out, out
    after = _cli("health", "run", env=_env(tmp_path, API_PORT=str(port)))
    assert after.returncode == 1 and "no heartbeat" in after.stdout


def test_migrate_and_create_admin_on_sqlite(tmp_path: Path) -> None:
    env = _env(tmp_path)
    first = _cli("migrate", env=env)
    assert first.returncode == 0, first.stderr
    history = len(list((Path(__file__).parents[1] / "migrations/sqlite/models").glob("[0-9]*.py")))
    assert f"applied {history} migration(s) on sqlite" in first.stdout
    again = _cli("migrate", env=env)
    assert "applied 0 migration(s)" in again.stdout
    made = _cli("create-admin", "root", "--password", "password123", env=env)
    assert made.returncode == 0 and "created admin 'root'" in made.stdout
    reset = _cli("create-admin", "root", "--password", "password456", env=env)
    assert "reset admin 'root'" in reset.stdout
    bad = _cli("create-admin", "root", "--password", "short", env=env)
    assert bad.returncode == 1 and "at least 8" in bad.stderr and "Traceback" not in bad.stderr


@needs_postgres
def test_migrate_on_postgres(tmp_path: Path, pg_url: str) -> None:
    out = _cli("migrate", env=_env(tmp_path, DATABASE_URL=pg_url))
    assert out.returncode == 0, out.stderr
    assert "on postgres" in out.stdout
