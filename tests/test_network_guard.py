"""The test session refuses every connection outside loopback (conftest's audit hook)."""

from __future__ import annotations

import socket

import pytest

from tests.fakes.netguard import OUTSIDE_ATTEMPTS, OutsideConnection


def test_an_outside_connect_is_refused_before_it_leaves() -> None:
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, so even a leak would reach nobody
    with socket.socket() as sock, pytest.raises(OutsideConnection):
        sock.connect(("192.0.2.1", 80))
    assert OUTSIDE_ATTEMPTS and "192.0.2.1" in OUTSIDE_ATTEMPTS[-1]
    OUTSIDE_ATTEMPTS.clear()  # this test wanted the attempt; do not fail it


def test_udp_to_an_outside_address_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(OutsideConnection):
            sock.sendto(b"x", ("192.0.2.1", 53))
    OUTSIDE_ATTEMPTS.clear()


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


async def test_an_outside_fetch_from_async_code_is_refused() -> None:
    """aiohttp swallows nothing here either: the client sees the guard's error."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        with pytest.raises((OutsideConnection, aiohttp.ClientError)):
            await session.get("http://192.0.2.1/", timeout=aiohttp.ClientTimeout(total=2))
    assert any("192.0.2.1" in a for a in OUTSIDE_ATTEMPTS)
    OUTSIDE_ATTEMPTS.clear()
