"""A socket audit hook for the test session: nothing but loopback may be reached.

Imported once (as `tests.fakes.netguard`) by conftest, so the hook is installed once even
though conftest itself is imported under two names.
"""

from __future__ import annotations

import ipaddress
import sys
from typing import Any


class OutsideConnection(AssertionError):
    """A test tried to reach an address outside loopback (raised by the socket audit hook)."""


OUTSIDE_ATTEMPTS: list[str] = []


def _is_loopback(host: object) -> bool:
    if not isinstance(host, str):
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _network_guard(event: str, args: tuple[Any, ...]) -> None:
    """Refuse connect/sendto to anything but loopback, before a packet leaves the machine."""
    if event not in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        return
    address = args[1] if len(args) > 1 else None
    if not isinstance(address, tuple) or not address:  # AF_UNIX paths, socketpairs
        return
    if _is_loopback(address[0]):
        return
    attempt = f"{event} to {address[0]!r} port {address[1] if len(address) > 1 else '?'}"
    OUTSIDE_ATTEMPTS.append(attempt)
    raise OutsideConnection(f"tests may only connect to loopback: {attempt}")


sys.addaudithook(_network_guard)  # audit hooks cannot be removed: one per process
