"""aiohttp application factory and the component that serves it."""

from __future__ import annotations

import logging

from aiohttp import web

from core.runtime import App

log = logging.getLogger(__name__)

APP_KEY = web.AppKey("tge_app", App)


async def health(request: web.Request) -> web.Response:
    """Liveness and dependencies; 503 when one that is configured is down."""
    report = await request.app[APP_KEY].health()
    return web.json_response(report, status=200 if report["status"] == "ok" else 503)


def create_web_app(app: App) -> web.Application:
    """Build the aiohttp application around the core App (tests use this same factory)."""
    webapp = web.Application(client_max_size=1024 * 1024)
    webapp[APP_KEY] = app
    webapp.router.add_get("/health", health)
    return webapp


class WebServer:
    """Serves the aiohttp application on API_HOST:API_PORT as an App component."""

    name = "web"

    def __init__(self, app: App, *, host: str | None = None, port: int | None = None) -> None:
        self.app = app
        self.host = host or app.settings.api_host
        self.port = app.settings.api_port if port is None else port
        self._runner: web.AppRunner | None = None
        self.bound_port: int | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(create_web_app(self.app), access_log=log)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.bound_port = sockets[0].getsockname()[1] if sockets else self.port
        log.info("web listening on http://%s:%s", self.host, self.bound_port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
