"""`tge-monitor run` loads no library it does not use (the memory goal of `bench memory`).

Each of these is imported only where it is used: the link guard reads the Public Suffix List
without tldextract (which brings requests, urllib3 and every text codec), the ICS calendar
loads icalendar when one is served, asyncpg comes with a PostgreSQL database, redis with
REDIS_URL, aerich only to apply migrations, the chat libraries only with their tokens, and
the training, plotting and test libraries never at run time. A real `run` process (SQLite,
no Redis, no bot tokens, already migrated) starts, answers /health, and on SIGTERM lists
which of them it had loaded.
"""

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

NOT_AT_RUN_TIME = (
    "tldextract",
    "requests",
    "urllib3",
    "charset_normalizer",
    "icalendar",
    "dateutil",
    "asyncpg",
    "redis",
    "aerich",
    "numpy",
    "scipy",
    "sklearn",
    "matplotlib",
    "schemathesis",
    "hypothesis",
    "discord",
    "telegram",
    "confusable_homoglyphs",
)

# runs `tge-monitor run` in this interpreter; on exit prints which listed modules it loaded
RUN = """
import atexit, json, sys
names = json.loads(sys.argv[1])
atexit.register(lambda: print(json.dumps(sorted(n for n in names if n in sys.modules))))
from tge_monitor.cli import main
main(["run"])
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_process_loads_none_of_the_heavy_libraries_it_does_not_use(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
        "DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "API_PORT": str(port),
        "DEFAULT_SOURCES": "false",
        "TELEGRAM_BOT_TOKEN": "",
        "DISCORD_BOT_TOKEN": "",
        "LOG_LEVEL": "WARNING",
    }
    # the schema and the catalogue first (aerich is for that, not for `run`)
    subprocess.run(
        [sys.executable, "-m", "tge_monitor.cli", "migrate"], env=env, check=True, timeout=120
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, json.dumps(NOT_AT_RUN_TIME)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "tge-monitor run never answered /health"
            time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err[-2000:]
    loaded = json.loads(out.strip().splitlines()[-1])
    assert loaded == [], f"`run` imported {loaded}"
