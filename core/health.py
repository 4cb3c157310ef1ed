"""Liveness that the process itself reports: a heartbeat file, read by `tge-monitor health`.

Compose's health checks ask each process (not PostgreSQL or Redis): the worker and the bots
serve no HTTP, so every serving process writes `DATA_DIR/health/<part>.json` every few
seconds; `health` checks its age and that the process id is alive, and for `run`/`web` also
asks GET /health.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from core.config import Settings

log = logging.getLogger(__name__)

BEAT_S = 10.0


def heartbeat_path(settings: Settings, part: str) -> Path:
    return settings.data_dir / "health" / f"{part}.json"


class Heartbeat:
    """Component: rewrites the heartbeat file every BEAT_S seconds while the app runs."""

    name = "heartbeat"

    def __init__(self, app: Any, part: str, every_s: float = BEAT_S) -> None:
        self.app = app
        self.part = part
        self.every_s = every_s
        self.path = heartbeat_path(app.settings, part)
        self._task: asyncio.Task[None] | None = None

    def beat(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"part": self.part, "pid": os.getpid(), "at": time.time()}))
        tmp.replace(self.path)

    async def start(self) -> None:
        self.beat()
        self._task = asyncio.create_task(self._loop(), name="heartbeat")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.every_s)
            try:
                self.beat()
            except OSError as exc:
                log.warning("cannot write the heartbeat %s: %s", self.path, exc)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(OSError):
            self.path.unlink()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def check_health(settings: Settings, part: str, *, max_age_s: float) -> tuple[bool, str]:
    """(healthy, one line saying why) for the `part` process using these settings."""
    path = heartbeat_path(settings, part)
    try:
        beat = json.loads(path.read_text())
    except (OSError, ValueError):
        return False, f"{part}: no heartbeat at {path} (is `tge-monitor {part}` running here?)"
    age = time.time() - float(beat.get("at", 0))
    if age > max_age_s:
        return False, f"{part}: last heartbeat {age:.0f}s ago (more than {max_age_s:.0f}s)"
    if not _pid_alive(int(beat.get("pid", 0))):
        return False, f"{part}: process {beat.get('pid')} is gone"
    if part not in ("run", "web"):
        return True, f"{part}: ok (pid {beat['pid']}, heartbeat {age:.0f}s ago)"
    import aiohttp

    host = settings.api_host if settings.api_host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    url = f"http://{host}:{settings.api_port}/health"
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session,
            session.get(url) as response,
        ):
            body = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        return False, f"{part}: {url} did not answer ({exc.__class__.__name__})"
    status = body.get("status") if isinstance(body, dict) else None
    if response.status != 200 or status != "ok":
        return False, f"{part}: {url} says {status or response.status}"
    return True, f"{part}: ok (pid {beat['pid']}, {url} ok)"
