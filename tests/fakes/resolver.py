"""Name resolution that never asks the machine's DNS server (tests that generate URLs)."""

from __future__ import annotations

import socket
from typing import Any

from aiohttp.abc import AbstractResolver


class StubResolver(AbstractResolver):
    """`*.invalid` does not resolve, `*.internal` is private, every other name is `default`.

    With `default` a loopback address and private networks refused, every generated URL is
    refused before anything connects; nothing leaves the machine either way.
    """

    def __init__(self, default: str = "127.0.0.1") -> None:
        self.default = default
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[dict[str, Any]]:
        self.asked.append(host)
        if host.endswith(".invalid"):
            raise OSError(socket.EAI_NONAME, "Name or service not known")
        address = "10.1.2.3" if host.endswith(".internal") else self.default
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
        ]

    async def close(self) -> None:
        return None
