"""aiohttp application factory and the component that serves it.

`create_web_app(app)` is the one way to build the web application (the server, the tests
and the benchmarks all use it): middlewares, the route table, the WebSocket hub, static
dashboard assets.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
from dataclasses import replace

from aiohttp import web

from core.errors import StartupError
from core.runtime import App
from web.cache import TTLCache
from web.config import WebConfig
from web.keys import (
    ALERTS_CACHE_KEY,
    APP_KEY,
    AUTH_CACHE_KEY,
    CONFIG_KEY,
    HUB_KEY,
    ROUTES_KEY,
    SPECS_KEY,
    TRUSTED_PROXIES_KEY,
)
from web.middlewares import access_middleware, dispatch_middleware, error_middleware
from web.routes import all_routes
from web.routes.system import STATIC, favicon, openapi_30, swagger_asset
from web.routes.websub import add_websub_routes
from web.ws import WsHub, hub_ctx, ws_handler

log = logging.getLogger(__name__)

__all__ = ["APP_KEY", "WebConfig", "WebServer", "create_web_app"]


def create_web_app(app: App, config: WebConfig | None = None) -> web.Application:
    """Build the aiohttp application around the core App (tests use this same factory)."""
    config = config or WebConfig()
    if config.ws_max_per_user is None:
        config = replace(config, ws_max_per_user=app.settings.ws_max_per_user)
    table = all_routes(config)
    webapp = web.Application(
        # the largest body any route accepts; each route checks its own `max_body`
        client_max_size=max(spec.max_body for spec in table),
        middlewares=[access_middleware, error_middleware, dispatch_middleware],
    )
    webapp[APP_KEY] = app
    webapp[CONFIG_KEY] = config
    webapp[TRUSTED_PROXIES_KEY] = tuple(
        ipaddress.ip_network(net) for net in getattr(app.settings, "trusted_proxies", ())
    )
    specs = {}
    for spec in table:
        specs[webapp.router.add_route(spec.method, spec.path, spec.handler)] = spec
    webapp[ROUTES_KEY] = table
    webapp[SPECS_KEY] = specs
    webapp.router.add_get("/ws", ws_handler, allow_head=False)
    webapp.router.add_static("/static", STATIC, follow_symlinks=False)
    webapp.router.add_get("/docs/openapi-3.0.json", openapi_30, allow_head=False)
    webapp.router.add_get("/docs/static/{name}", swagger_asset, allow_head=False)
    webapp.router.add_get("/favicon.ico", favicon, allow_head=False)
    add_websub_routes(webapp)  # hubs verify and push here (PUBLIC_BASE_URL/websub/<feed>)
    alerts_cache: TTLCache[bytes] = TTLCache(config.alerts_cache_s)
    webapp[ALERTS_CACHE_KEY] = alerts_cache
    webapp[AUTH_CACHE_KEY] = TTLCache(config.auth_cache_s, max_entries=10_000)
    alerts = getattr(app, "alerts", None)
    if alerts is not None and hasattr(alerts, "on_created"):
        alerts.on_created(lambda _alert: alerts_cache.clear())
    webapp[HUB_KEY] = WsHub(app, config, on_alert=alerts_cache.clear)
    webapp.cleanup_ctx.append(hub_ctx)
    return webapp


def _bind_failure(host: str, port: int, exc: OSError) -> str:
    """One line for a listen() that failed, naming the setting that chose the address."""
    where = f"{host}:{port} (API_HOST/API_PORT, or --host/--port)"
    if exc.errno == errno.EADDRINUSE:
        return f"cannot listen on {where}: the port is already in use by another process"
    if exc.errno == errno.EACCES:
        return f"cannot listen on {where}: permission denied (ports below 1024 need root)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {where}: this machine has no such address"
    reason = (exc.strerror or str(exc)).lower()
    return f"cannot listen on {where}: {reason}"


class WebServer:
    """Serves the aiohttp application on API_HOST:API_PORT as an App component."""

    name = "web"

    def __init__(
        self,
        app: App,
        *,
        host: str | None = None,
        port: int | None = None,
        config: WebConfig | None = None,
    ) -> None:
        self.app = app
        self.host = host or app.settings.api_host
        self.port = app.settings.api_port if port is None else port
        self.config = config
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None

    async def start(self) -> None:
        # our access middleware logs each request once, with its request id
        webapp = create_web_app(self.app, self.config)
        config = webapp[CONFIG_KEY]
        # aiohttp closes a connection whose request headers are not complete this long
        # after it opened (or after its last response): the header timeout for slow clients
        self._runner = web.AppRunner(
            webapp, access_log=None, keepalive_timeout=config.header_timeout_s
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            self._runner = None
            raise StartupError(_bind_failure(self.host, self.port, exc)) from exc
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.bound_port = sockets[0].getsockname()[1] if sockets else self.port
        log.info("web listening on http://%s:%s", self.host, self.bound_port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
