"""Local stand-ins for the internet the monitors poll: feed/page servers, an X API v2, DNS.

All are real HTTP servers on 127.0.0.1 (aiohttp), so the real fetcher, aiohttp and feedparser
run end to end. `StaticResolver` lets a test decide what a name resolves to.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult


class StaticResolver(AbstractResolver):
    """DNS from a dict: name -> address(es); each lookup is recorded in `lookups`."""

    def __init__(self, table: dict[str, str | list[str]]) -> None:
        self.table = table
        self.lookups: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.lookups.append(host)
        addresses = self.table.get(host.rstrip(".").lower())
        if addresses is None:
            raise OSError(socket.EAI_NONAME, "Name or service not known")
        if isinstance(addresses, str):
            addresses = [addresses]
        return [
            {
                "hostname": host,
                "host": addr,
                "port": port,
                "family": socket.AF_INET6 if ":" in addr else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for addr in addresses
        ]

    async def close(self) -> None:
        return None


@dataclass
class Spec:
    """One canned response."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay_s: float = 0.0


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class FeedServer:
    """Serves canned responses per path; honours conditional GET; records every request."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.queries: list[tuple[str, dict[str, str]]] = []  # (path, query parameters)
        self._specs: dict[str, list[Spec]] = {}
        self._handlers: dict[str, Handler] = {}
        self._prefixes: dict[str, Handler] = {}
        self._runner: web.AppRunner | None = None

    # configuration
    def set(self, path: str, body: bytes | str = b"", **kw: Any) -> None:
        data = body.encode() if isinstance(body, str) else body
        self._specs[path] = [Spec(body=data, **kw)]

    def sequence(self, path: str, specs: Iterable[Spec]) -> None:
        """Successive requests get successive specs; the last one repeats."""
        self._specs[path] = list(specs)

    def handle(self, path: str, handler: Handler) -> None:
        self._handlers[path] = handler

    def handle_prefix(self, prefix: str, handler: Handler) -> None:
        """Every path under `prefix` not otherwise configured goes to `handler`."""
        self._prefixes[prefix] = handler

    def serve_dir(self, directory: Path, prefix: str = "/feeds/") -> list[str]:
        paths = []
        for file in sorted(directory.glob("*.xml")):
            path = prefix + file.name
            self.set(path, file.read_bytes(), headers={"Content-Type": "application/rss+xml"})
            paths.append(path)
        return paths

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    # server
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests.append((path, dict(request.headers)))
        self.queries.append((path, dict(request.query)))
        if path in self._handlers:
            return await self._handlers[path](request)
        specs = self._specs.get(path)
        if not specs:
            for prefix, handler in self._prefixes.items():
                if path.startswith(prefix):
                    return await handler(request)
            return web.Response(status=404, text="not found")
        spec = specs.pop(0) if len(specs) > 1 else specs[0]
        if spec.delay_s:
            import asyncio

            await asyncio.sleep(spec.delay_s)
        headers = dict(spec.headers)
        if spec.etag:
            headers["ETag"] = spec.etag
        if spec.last_modified:
            headers["Last-Modified"] = spec.last_modified
        if spec.status == 200 and (
            (spec.etag and request.headers.get("If-None-Match") == spec.etag)
            or (
                spec.last_modified
                and request.headers.get("If-Modified-Since") == spec.last_modified
            )
        ):
            return web.Response(status=304, headers=headers)
        return web.Response(status=spec.status, body=spec.body, headers=headers)

    async def start(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def tweet(tid: int, text: str, author_id: str = "1") -> dict[str, Any]:
    return {
        "id": str(tid),
        "text": text,
        "author_id": author_id,
        "created_at": "2026-02-01T10:00:00.000Z",
    }


X_DATA = Path(__file__).resolve().parent.parent / "data" / "x"
# X's own 200-with-only-errors answer for an unknown handle (tests/data/x/README.md)
NOT_FOUND = (X_DATA / "error_200_user_not_found.json").read_bytes()
UNAUTHORIZED = (X_DATA / "error_401_unauthorized.json").read_bytes()


def x_body(name: str) -> bytes:
    """A recorded X API body from tests/data/x (provenance in its README)."""
    return (X_DATA / name).read_bytes()


class XServer:
    """A small X API v2: recent search and user timelines, `since_id`, pages, 429s."""

    def __init__(self, token: str = "test-bearer", page_size: int = 2) -> None:
        self.token = token
        self.page_size = page_size
        self.tweets: list[dict[str, Any]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, str]] = []
        self.rate_limit_next = 0
        self.reset_in_s = 1
        self.remaining: int | None = None
        self.old_style_429 = False
        self.lookups: list[str] = []
        self.server = FeedServer()

    @property
    def base(self) -> str:
        return self.server.url("").rstrip("/")

    def _page(self, request: web.Request, pool: list[dict[str, Any]]) -> web.Response:
        q = request.query
        self.requests.append(dict(q))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.Response(body=UNAUTHORIZED, status=401, content_type="application/json")
        reset = str(int(time.time() + self.reset_in_s))
        if self.rate_limit_next:
            self.rate_limit_next -= 1
            body: dict[str, Any] = (
                {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}
                if self.old_style_429
                else {"title": "Too Many Requests", "status": 429, "detail": "Too Many Requests"}
            )
            return web.json_response(
                body,
                status=429,
                headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset},
            )
        since = int(q.get("since_id", "0") or 0)
        matching = sorted((t for t in pool if int(t["id"]) > since), key=lambda t: -int(t["id"]))
        start = int(q.get("pagination_token", "0") or 0)
        page = matching[start : start + self.page_size]
        meta: dict[str, Any] = {"result_count": len(page)}
        body = {"meta": meta}
        if page:
            body["data"] = page
            meta["newest_id"] = page[0]["id"]
            meta["oldest_id"] = page[-1]["id"]
            authors = {t["author_id"] for t in page}
            body["includes"] = {"users": [self.users[a] for a in authors if a in self.users]}
        if start + self.page_size < len(matching):
            meta["next_token"] = str(start + self.page_size)
        headers = {"x-rate-limit-limit": "450", "x-rate-limit-reset": reset}
        if self.remaining is not None:
            headers["x-rate-limit-remaining"] = str(self.remaining)
        return web.json_response(body, headers=headers)

    async def _search(self, request: web.Request) -> web.StreamResponse:
        query = request.query.get("query", "").lower()
        words = [w for w in query.split() if not w.startswith("-")]
        pool = [t for t in self.tweets if all(w in t["text"].lower() for w in words)]
        return self._page(request, pool)

    async def _timeline(self, request: web.Request) -> web.StreamResponse:
        uid = request.path.split("/")[3]
        return self._page(request, [t for t in self.tweets if t["author_id"] == uid])

    async def _by_username(self, request: web.Request) -> web.StreamResponse:
        name = request.path.rsplit("/", 1)[-1].lower()
        self.lookups.append(name)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.Response(body=UNAUTHORIZED, status=401, content_type="application/json")
        for user in self.users.values():
            if user["username"].lower() == name:
                return web.json_response({"data": user})
        return web.Response(body=NOT_FOUND, content_type="application/json")

    async def start(self) -> XServer:
        self.server.handle_prefix("/2/users/by/username/", self._by_username)
        self.server.handle("/2/tweets/search/recent", self._search)
        await self.server.start()
        for uid in {*self.users, *(t["author_id"] for t in self.tweets), "1", "2"}:
            self.server.handle(f"/2/users/{uid}/tweets", self._timeline)
        return self

    def add_user(self, uid: str, username: str, name: str = "") -> None:
        self.users[uid] = {"id": uid, "username": username, "name": name or username}
        self.server.handle(f"/2/users/{uid}/tweets", self._timeline)

    async def stop(self) -> None:
        await self.server.stop()
