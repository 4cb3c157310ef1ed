"""`tge-monitor bench workers`: N worker processes share Telegram's limits through Redis.

The multi-worker deployment of the README, measured from Telegram's side: a scratch
PostgreSQL database next to DATABASE_URL (PostgreSQL only: several workers split the outbox
with row locks), a private `redis-server` on a free loopback port (the shared per-chat gates
and the global bucket; never the operator's Redis, whose budget this would spend), real
`tge-monitor worker` processes, and a stand-in Bot API in a child process that answers each
sendMessage after `delay_s` (a slow Telegram keeps sends in flight) and records when each
one arrived.

What it reports, all from the stand-in's record: messages per second (overall, and between
the 10th and 90th percentile arrival), the most messages in any one second, the shortest
time between two messages to one chat (Telegram allows about one a second), lost and
duplicated (alert, chat) pairs, and the workers' CPU seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.alerts.bench import TOKEN, _alert_of, _FakeTelegramProcess, _scratch_database

log = logging.getLogger(__name__)

# the dispatcher's line for a send a limit handed back: "delivery N: SCOPE paused Xs (REASON)"
_HANDED_BACK = re.compile(r"delivery \d+: \S+ paused [\d.]+s \((.*)\)$", re.MULTILINE)


class BenchUnavailable(RuntimeError):
    """The bench cannot run here (says why)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _private_redis(root: Path) -> tuple[str, asyncio.subprocess.Process]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise BenchUnavailable("redis-server is not on PATH (the bench runs its own)")
    port = _free_port()
    proc = await asyncio.create_subprocess_exec(
        *(binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"),
        cwd=root,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.3):
                return f"redis://127.0.0.1:{port}/0", proc
        except OSError:
            if time.monotonic() > deadline or proc.returncode is not None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                raise BenchUnavailable("the private redis-server did not start") from None
            await asyncio.sleep(0.05)


def _socket_telegram_child(ports: Any, stop: Any, delay_s: float) -> None:
    """Child process: the Bot API stand-in of this bench on plain sockets, one thread per
    connection, so that each sendMessage's arrival is the kernel's receive time of its bytes
    (SO_TIMESTAMPNS): when Telegram would count it. An event loop's own time of handling it
    is later by however long this process waited for a CPU (up to 90 ms on a loaded 2-CPU
    machine), which bunched arrivals that had come apart.

    Records (chat, alert, kernel arrival, handled) for each sendMessage; answers every method
    `delay_s` after the request came (sendMessage with a message, the rest with true).
    """
    import json
    import re
    import socket
    import struct
    import threading
    from urllib.parse import parse_qs

    stamping = getattr(socket, "SO_TIMESTAMPNS", 35)
    length_re = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
    lock = threading.Lock()
    ids = itertools.count(1)
    arrivals: list[tuple[str, int | None, float, float]] = []

    def kernel_time(ancillary: list[tuple[int, int, bytes]]) -> float:
        for level, kind, data in ancillary:
            if level == socket.SOL_SOCKET and kind == stamping and len(data) >= 16:
                seconds, nanoseconds = struct.unpack("qq", data[:16])
                return seconds + nanoseconds / 1e9
        return time.time()

    def answer(method: str, body: bytes, arrived: float) -> bytes:
        form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        result: Any = True
        if method == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        elif method == "sendMessage":
            with lock:
                arrivals.append(
                    (str(form.get("chat_id")), _alert_of(form, json), arrived, time.time())
                )
                message_id = next(ids)
            result = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": 1, "type": "private"},
                "text": "",
            }
        if delay_s and method != "getMe":
            time.sleep(max(0.0, arrived + delay_s - time.time()))
        payload = json.dumps({"ok": True, "result": result}).encode()
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        head += f"Content-Length: {len(payload)}"
        return head.encode() + b"\r\n\r\n" + payload

    def serve(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, stamping, 1)
        buffer, arrived = b"", 0.0
        with conn:
            while not stop.is_set():
                try:
                    data, ancillary, _flags, _addr = conn.recvmsg(65536, 256)
                except OSError:
                    return
                if not data:
                    return
                if not buffer:
                    arrived = kernel_time(ancillary)
                buffer += data
                while (end := buffer.find(b"\r\n\r\n")) >= 0:
                    found = length_re.search(buffer, 0, end + 2)
                    size = int(found.group(1)) if found else 0
                    if len(buffer) < end + 4 + size:
                        break
                    method = buffer[: buffer.find(b" HTTP/")].rsplit(b"/", 1)[-1].decode()
                    body, buffer = buffer[end + 4 : end + 4 + size], buffer[end + 4 + size :]
                    conn.sendall(answer(method, body, arrived))
                    arrived = time.time()  # a request sent behind another (not done by aiohttp)

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, stamping, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    listener.settimeout(0.2)
    ports.put(listener.getsockname()[1])
    while not stop.is_set():
        try:
            conn, _addr = listener.accept()
        except TimeoutError:
            continue
        conn.settimeout(None)
        threading.Thread(target=serve, args=(conn,), daemon=True).start()
    listener.close()
    with lock:
        ports.put((len(arrivals), list(arrivals)))


class _SocketTelegram(_FakeTelegramProcess):
    """The stand-in of `_socket_telegram_child` in a child process; `arrivals` hold the
    kernel's receive times, `handled` when the stand-in got to each message."""

    def __init__(self, delay_s: float) -> None:
        super().__init__(delay_s, target=_socket_telegram_child)
        self.handled: list[tuple[str, int | None, float]] = []

    async def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(Exception):
            self.sent, records = await asyncio.to_thread(self._queue.get, True, 30)
            self.arrivals = [(chat, alert, arrived) for chat, alert, arrived, _h in records]
            self.handled = [(chat, alert, handled) for chat, alert, _a, handled in records]
        await asyncio.to_thread(self._proc.join, 10)


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def chat_numbers(arrivals: list[tuple[str, int | None, float]]) -> dict[str, Any]:
    """Rates and per-chat spacing from (chat, alert, arrival) records."""
    times = sorted(t for _chat, _alert, t in arrivals)
    by_chat: dict[str, list[float]] = {}
    for chat, _alert, t in arrivals:
        by_chat.setdefault(chat, []).append(t)
    gaps = sorted(
        b - a for ts in by_chat.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False)
    )
    most, lo = 0, 0
    for hi, t in enumerate(times):  # the most arrivals in any window of one second
        while t - times[lo] >= 1.0:
            lo += 1
        most = max(most, hi - lo + 1)
    out: dict[str, Any] = {"messages": len(times), "max_in_any_1s": most}
    if len(times) >= 2:
        out["msg_per_s"] = round((len(times) - 1) / max(times[-1] - times[0], 1e-9), 2)
    if len(times) >= 10:
        a, b = len(times) // 10, len(times) * 9 // 10
        out["steady_msg_per_s"] = round((b - a) / max(times[b] - times[a], 1e-9), 2)
    if gaps:
        out["min_chat_gap_s"] = round(gaps[0], 3)
        out["median_chat_gap_s"] = round(gaps[len(gaps) // 2], 3)
        out["chat_gaps_under_1s"] = sum(g < 1.0 for g in gaps)
    return out


async def _stop_process(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    await proc.wait()


async def bench_workers(
    *,
    workers: int = 4,
    chats: int = 60,
    alerts: int = 10,
    delay_s: float = 0.5,
    database_url: str | None = None,
    within_s: float = 180.0,
) -> dict[str, Any]:
    """Start `workers` worker processes, queue `alerts` × `chats` Telegram deliveries, and
    measure how they go out (see the module docstring)."""
    from core.config import Settings
    from core.models import Delivery, Destination, DestinationKind, Lease, Subscription, User
    from core.runtime import create_app

    base_url = database_url if database_url is not None else os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        raise BenchUnavailable(
            "needs DATABASE_URL on PostgreSQL (a scratch database is made next to it): "
            "several workers share the outbox through row locks"
        )
    quiet = [logging.getLogger(n) for n in ("core", "tortoise", "aiohttp")]
    levels = [q.level for q in quiet]
    for q in quiet:
        q.setLevel(logging.WARNING)
    fake = _SocketTelegram(delay_s)
    procs: list[asyncio.subprocess.Process] = []
    cpu: dict[int, float] = {}
    statuses: Counter[str] = Counter()
    stuck: list[dict[str, str]] = []
    leases: list[dict[str, str]] = []
    checked_at = ""
    retried: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    log_tail = ""
    handed_back: Counter[str] = Counter()
    # Each thing started is stopped by the stack, in reverse order, even when a later start
    # fails: a failed start-up leaks no Redis server, fake Telegram or scratch database.
    async with contextlib.AsyncExitStack() as started:
        for logger, level in zip(quiet, levels, strict=True):
            started.callback(logger.setLevel, level)
        tmp = started.enter_context(tempfile.TemporaryDirectory(prefix="tge-bench-workers-"))
        root = Path(tmp)
        redis_url, redis_proc = await _private_redis(root)
        started.push_async_callback(_stop_process, redis_proc)
        telegram = await fake.start()
        started.push_async_callback(fake.stop)
        try:
            url, cleanup = await _scratch_database(base_url, tmp)
        except OSError as exc:
            raise BenchUnavailable(f"cannot reach the PostgreSQL of DATABASE_URL: {exc}") from None
        started.push_async_callback(cleanup)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
            "APP_ENV": "test",
            "DATA_DIR": str(root / "data"),
            "SECRET_KEY": "bench-secret-key-bench-secret-key-0123456789",
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": telegram,
            "DEFAULT_SOURCES": "false",  # loopback only: no public feeds polled meanwhile
            "DEFAULT_COMPANIES": "false",
            "LOG_LEVEL": "INFO",  # each send handed back by a limit logs one line
        }
        app = create_app(Settings.from_env({**env, "DATA_DIR": str(root / "seed")}))
        started.push_async_callback(app.stop)
        await app.open()  # migrates once, before any worker starts
        try:
            # one Telegram user per chat, who owns it (proven) and subscribed it to all
            addresses = [str(700000 + i) for i in range(chats)]
            await User.bulk_create([User(username=f"bench-{a}") for a in addresses])
            users = await User.filter(username__startswith="bench-").order_by("username")
            await Destination.bulk_create(
                [
                    Destination(owner=u, kind=DestinationKind.TELEGRAM, address=a, verified=True)
                    for u, a in zip(users, addresses, strict=True)
                ]
            )
            dests = await Destination.filter(kind=DestinationKind.TELEGRAM).order_by("address")
            await Subscription.bulk_create(
                [
                    Subscription(user=u, destination=d, min_confidence=0.0)
                    for u, d in zip(users, dests, strict=True)
                ]
            )
            app.alerts.router.invalidate()
            log_file = (root / "workers.log").open("wb")
            for _ in range(workers):
                procs.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "tge_monitor.cli",
                        "worker",
                        env=env,
                        cwd=tmp,
                        stdout=log_file,
                        stderr=log_file,
                    )
                )
            # every worker alive (its heartbeat's lease row) before the outbox fills
            deadline = time.monotonic() + 120
            while await Lease.filter(name__startswith="dispatch-worker:").count() < workers:
                if time.monotonic() > deadline or any(p.returncode is not None for p in procs):
                    raise BenchUnavailable(
                        "the workers did not start: "
                        + (root / "workers.log").read_text(errors="replace")[-2000:]
                    )
                await asyncio.sleep(0.2)
            cpu = {p.pid: _cpu_s(p.pid) for p in procs}
            expected: set[tuple[int, str]] = set()
            started = time.time()
            for n in range(alerts):
                alert = await app.alerts.create_manual(f"Bench TGE workers {n}", "", "")
                expected |= {(alert.id, a) for a in addresses}
            deadline = time.monotonic() + within_s
            while await Delivery.filter(status="sent").count() < len(expected):
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(1.0)  # late duplicates would arrive now
            cpu = {p.pid: _cpu_s(p.pid) - cpu.get(p.pid, 0.0) for p in procs}
            checked_at = datetime.now(UTC).isoformat()
            statuses = Counter(await Delivery.all().values_list("status", flat=True))
            retried = Counter(
                await Delivery.filter(attempts__gt=1).values_list("attempts", flat=True)
            )
            errors = Counter(
                await Delivery.filter(last_error__isnull=False).values_list("last_error", flat=True)
            )
            log_text = (root / "workers.log").read_text(errors="replace")
            log_tail = log_text[-3000:]
            handed_back = Counter(_HANDED_BACK.findall(log_text))
            stuck = [
                {k: str(v) for k, v in row.items()}
                for row in await Delivery.exclude(status="sent")
                .order_by("id")
                .limit(10)
                .values(
                    "id",
                    "destination_id",
                    "status",
                    "attempts",
                    "claimed_by",
                    "claimed_at",
                    "next_attempt_at",
                    "last_error",
                )
            ]
            leases = [
                {k: str(v) for k, v in row.items()}
                for row in await Lease.all().values("name", "expires_at")
            ]
        finally:
            for p in procs:
                if p.returncode is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(p.wait(), 20)
                if p.returncode is None:
                    p.kill()
                    await p.wait()
    copies = Counter((alert, chat) for chat, alert, _t in fake.arrivals)
    delivered = set(copies) & expected
    result: dict[str, Any] = {
        "workers": workers,
        "chats": chats,
        "alerts": alerts,
        "telegram_delay_s": delay_s,
        "expected": len(expected),
        "delivered": len(delivered),
        "lost": len(expected - delivered),
        "duplicates": sum(n - 1 for n in copies.values() if n > 1),
        "rows": dict(sorted(statuses.items())),
        "rows_by_attempts_over_1": dict(sorted(retried.items())),
        # sends a limit handed back to the outbox (the row waits, its scope paused), by reason:
        # "self-throttled (all)" is a send that found no overall slot it could wait for
        "handed_back": dict(handed_back.most_common()),
        "last_errors": dict(errors.most_common(3)),
        "first_arrival_after_s": (
            round(min(t for *_x, t in fake.arrivals) - started, 2) if fake.arrivals else None
        ),
        **chat_numbers(fake.arrivals),
        # the same messages by when the stand-in's process got to each (it waits for a CPU
        # like everything else on the machine): what `max_in_any_1s` was before 2026-12-06
        "max_in_any_1s_handled": chat_numbers(fake.handled)["max_in_any_1s"],
        "worker_cpu_s": round(sum(cpu.values()), 2),
        "cpu_ms_per_message": round(sum(cpu.values()) / max(len(fake.arrivals), 1) * 1000, 2),
    }
    if result["lost"]:
        result["workers_log_tail"] = log_tail
        result["unsent_rows"] = stuck
        result["leases"] = leases
        result["checked_at"] = checked_at
    return result
