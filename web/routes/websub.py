"""The WebSub callback: hubs verify subscriptions (GET) and push new documents (POST).

Not in the OpenAPI document: its callers are hubs speaking the WebSub protocol, not API
clients. The work is `core.monitors.websub.WebSub`; this only adapts HTTP.
"""

from __future__ import annotations

from aiohttp import web

from core.monitors.websub import WebSub
from web.keys import APP_KEY, WEBSUB_KEY
from web.security import client_ip

MAX_PUSH_BYTES = 2 * 1024 * 1024


def _websub(request: web.Request) -> WebSub:
    return request.app[WEBSUB_KEY]


async def _over_limit(request: web.Request) -> web.Response | None:
    """Hubs share the per-IP budget of every unauthenticated caller (RATE_LIMIT_IP)."""
    app = request.app[APP_KEY]
    decision = await app.limiter.hit("ip", client_ip(request))
    if decision is None or decision.allowed:
        return None
    app.metrics.rate_limited.labels("ip").inc()
    retry = max(1, int(decision.retry_after_s or 1))
    return web.Response(status=429, text="rate limit exceeded", headers={"Retry-After": str(retry)})


def _feed_id(request: web.Request) -> int | None:
    raw = request.match_info.get("feed_id", "")
    return int(raw) if raw.isdecimal() and len(raw) <= 12 else None


async def websub_verify(request: web.Request) -> web.Response:
    if (limited := await _over_limit(request)) is not None:
        return limited
    feed_id = _feed_id(request)
    if feed_id is None:
        return web.Response(status=404, text="no such subscription")
    status, text = await _websub(request).verify(feed_id, request.query)
    return web.Response(status=status, text=text, content_type="text/plain")


async def websub_deliver(request: web.Request) -> web.Response:
    if (limited := await _over_limit(request)) is not None:
        return limited
    feed_id = _feed_id(request)
    if feed_id is None:
        return web.Response(status=404, text="no such subscription")
    if (request.content_length or 0) > MAX_PUSH_BYTES:
        return web.Response(status=413, text="pushed document too large")
    body = await request.content.read(MAX_PUSH_BYTES + 1)
    if len(body) > MAX_PUSH_BYTES:
        return web.Response(status=413, text="pushed document too large")
    status, _stats = await _websub(request).deliver(feed_id, body, request.headers)
    return web.Response(status=status)


def add_websub_routes(webapp: web.Application) -> None:
    webapp[WEBSUB_KEY] = WebSub(webapp[APP_KEY])
    webapp.router.add_get("/websub/{feed_id}", websub_verify, allow_head=False)
    webapp.router.add_post("/websub/{feed_id}", websub_deliver)
