"""Every start-up failure a user can cause is one clear line and exit code 2, no traceback.

Real conditions: an occupied port, a closed local port as the database or Redis, a role the
database refuses, a data directory that cannot be written, an empty migrations folder.
`--debug` (or LOG_LEVEL=DEBUG) shows the traceback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import needs_postgres

from core import db
from tge_monitor.cli import main


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    full.update({"DATA_DIR": str(tmp_path / "data"), "LOG_LEVEL": "INFO", **env})
    return subprocess.run(
        [sys.executable, "-m", "tge_monitor", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith(("error:", "config"))]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_port_in_use_names_the_port_and_the_setting(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_line(_run(tmp_path, "web", "--port", str(port)))
        assert f"127.0.0.1:{port}" in line and "already in use" in line and "API_PORT" in line
        debug = _run(tmp_path, "--debug", "web", "--port", str(port))
        assert debug.returncode == 2 and "Traceback" in debug.stderr


def test_database_refused_masks_the_password(tmp_path: Path) -> None:
    port = _closed_port()
    url = f"postgres://tge:s3cret-pw@127.0.0.1:{port}/tge"
    for args in (["web", "--port", "0"], ["migrate"]):
        result = _run(tmp_path, *args, DATABASE_URL=url)
        line = _one_line(result)
        assert f"127.0.0.1:{port}" in line and "connection refused" in line
        assert f"postgres://tge:***@127.0.0.1:{port}/tge" in line
        assert "s3cret-pw" not in result.stderr + result.stdout
    debug = _run(tmp_path, "migrate", DATABASE_URL=url, LOG_LEVEL="DEBUG")
    assert debug.returncode == 2 and "Traceback" in debug.stderr
    assert "s3cret-pw" not in debug.stderr + debug.stdout


@needs_postgres
def test_database_that_refuses_the_login_says_why(tmp_path: Path) -> None:
    url = "postgres://no_such_role_tge:pw-secret@127.0.0.1:5432/test"
    line = _one_line(_run(tmp_path, "migrate", DATABASE_URL=url))
    assert "127.0.0.1:5432" in line and "no_such_role_tge" in line
    assert "pw-secret" not in line


def test_redis_unreachable(tmp_path: Path) -> None:
    port = _closed_port()
    result = _run(
        tmp_path, "worker", REDIS_URL=f"redis://:redis-pw@127.0.0.1:{port}/0", API_PORT="0"
    )
    line = _one_line(result)
    assert "cannot reach Redis" in line and f"127.0.0.1:{port}" in line
    assert "redis-pw" not in result.stderr + result.stdout


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory nobody may write into (root included: the immutable attribute)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("cannot make a directory read-only for root here (chattr)")
        try:
            yield folder
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o500)
        try:
            yield folder
        finally:
            folder.chmod(0o700)


def test_data_dir_not_writable(tmp_path: Path, read_only_dir: Path) -> None:
    data = read_only_dir / "data"
    line = _one_line(_run(tmp_path, "run", "--port", "0", DATA_DIR=str(data)))
    assert str(data) in line and "not writable" in line and "DATA_DIR" in line
    # with SECRET_KEY set the key file is not needed: the database folder is the problem
    result = _run(
        tmp_path,
        "run",
        "--port",
        "0",
        DATA_DIR=str(read_only_dir),
        SECRET_KEY="k" * 40,
    )
    line = _one_line(result)
    assert str(read_only_dir) in line and "not writable" in line


def test_missing_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "migrations"
    (empty / "sqlite" / "models").mkdir(parents=True)
    monkeypatch.setattr(db, "MIGRATIONS_ROOT", empty)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no database migrations found in ") and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
