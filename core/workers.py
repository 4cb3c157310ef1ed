"""A worker process's identity on its host, for the files it keeps in DATA_DIR.

A worker writes what the database cannot take yet (sends not recorded, pushed items not
stored) to files named after it, `<host>_<pid>_<tag>`; a worker that starts adopts the files
of workers of the same host that are no longer running.
"""

from __future__ import annotations

import os
import re
import socket
import uuid


def new_worker_id() -> str:
    """`<host>_<pid>_<tag>`: unique to this process (and this call's tag)."""
    return f"{socket.gethostname()}_{os.getpid()}_{uuid.uuid4().hex[:6]}"


def file_safe(worker_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", worker_id)


def owner_alive(stem: str, host: str | None = None) -> bool:
    """Is the worker whose (file-safe) id is `stem` still running on this host?

    Another host's, or a name we did not write: yes (not ours to judge). This process's own
    pid: no (a container restarted with the same pid is not the worker that wrote it)."""
    match = re.fullmatch(r"(.+)_(\d+)_[0-9a-f]+", stem)
    if not match or match.group(1) != file_safe(host or socket.gethostname()):
        return True
    pid = int(match.group(2))
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True
    return True
