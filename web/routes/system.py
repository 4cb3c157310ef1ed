"""Health, metrics, the OpenAPI document and its docs page, the dashboard, unsubscribe."""

from __future__ import annotations

import html
import logging
from pathlib import Path

from aiohttp import web

from core.errors import ServiceError
from core.metrics import CONTENT_TYPE_LATEST, edit_backlog
from core.services.accounts import scope_allows
from web.config import WebConfig
from web.errors import ApiError
from web.keys import AUTH_CACHE_KEY, HUB_KEY, ROUTES_KEY
from web.routes.common import app_of, json_response, params, service
from web.schema import Param, RouteSpec, integer, obj, string
from web.security import request_principal

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "static"


async def _is_admin(request: web.Request) -> bool:
    """True for an admin's credentials; anything else (none, bad, a user) is the public."""
    try:
        who = await request_principal(app_of(request), request, request.app[AUTH_CACHE_KEY])
    except ServiceError:
        return False
    return who is not None and who.is_admin and scope_allows(who.scopes, "admin")


async def health(request: web.Request) -> web.Response:
    """DB, Redis, monitors, dispatcher queue depth, timeline edits waiting and overdue; 503
    when a configured one is down.

    Without admin credentials only statuses and counts: which feeds fail, their URLs and
    error text are details for admins (and even then secrets in URLs are masked).
    """
    app = app_of(request)
    report = await app.health()
    checks = report["checks"]
    feeds = getattr(app, "feeds", None)
    if feeds is not None and hasattr(feeds, "status"):
        try:
            summary = await feeds.status()
        except Exception:
            log.exception("feed status failed")
            checks["monitors"] = "down"
        else:
            if not await _is_admin(request):
                summary = {k: v for k, v in summary.items() if isinstance(v, int)}
            checks["monitors"] = summary
    try:
        from core.models import Delivery, DeliveryStatus

        checks["delivery_queue"] = await Delivery.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]
        ).count()
    except Exception:
        checks["delivery_queue"] = "unknown"
    try:
        # timeline edits waiting in the outbox, and those due for minutes and not made
        backlog = await edit_backlog()
        checks["edit_queue"] = {k: backlog[k] for k in ("waiting", "overdue", "oldest_due_s")}
    except Exception:
        checks["edit_queue"] = "unknown"
    hub = request.app.get(HUB_KEY)
    if hub is not None:
        checks["websocket_clients"] = hub.client_count
    ok = report["status"] == "ok" and checks.get("monitors") != "down"
    report["status"] = "ok" if ok else "degraded"
    return json_response(report, status=200 if ok else 503)


async def metrics(request: web.Request) -> web.Response:
    app = app_of(request)
    await app.metrics.refresh()
    hub = request.app.get(HUB_KEY)
    if hub is not None:
        app.metrics.ws_clients.set(hub.client_count)
    response = web.Response(body=app.metrics.render())
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response


async def openapi(request: web.Request) -> web.Response:
    from web.openapi import build_openapi

    return json_response(build_openapi(request.app[ROUTES_KEY]))


async def docs(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "docs.html")


# Swagger UI from the swagger-ui-bundle package, served locally (no CDN). Only the files
# docs.html loads: the vendor's own index.html has an inline script the CSP would block.
SWAGGER_ASSETS = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "application/javascript",
}


async def swagger_asset(request: web.Request) -> web.StreamResponse:
    from swagger_ui_bundle import swagger_ui_path

    name = request.match_info["name"]
    if name not in SWAGGER_ASSETS:
        raise web.HTTPNotFound()
    response = web.FileResponse(Path(str(swagger_ui_path)) / name)
    response.content_type = SWAGGER_ASSETS[name]
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


async def openapi_30(request: web.Request) -> web.Response:
    """/openapi.json rewritten as OpenAPI 3.0 for the docs page's Swagger UI 4."""
    from web.openapi import as_openapi_30, build_openapi

    return json_response(as_openapi_30(build_openapi(request.app[ROUTES_KEY])))


async def favicon(request: web.Request) -> web.StreamResponse:
    raise web.HTTPMovedPermanently("/static/favicon.svg")


async def dashboard(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


_UNSUB_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>TGE Monitor</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="notice"><h1>{title}</h1><p>{text}</p></main></body></html>"""


async def unsubscribe(request: web.Request) -> web.Response:
    """The link in email digests: one click, a small confirmation page.

    Failures are the API's JSON error shape like every other route (404 unknown link,
    422 invalid, 503 not deployed), as the OpenAPI document says.
    """
    alerts = service(request, "alerts")
    if not hasattr(alerts, "unsubscribe"):
        raise ApiError("unavailable", "unsubscribing is not available in this build")
    await alerts.unsubscribe(params(request)["token"])
    title, text = "Unsubscribed", "You will not receive these emails any more."
    page = _UNSUB_PAGE.format(title=html.escape(title), text=html.escape(text))
    return web.Response(text=page, content_type="text/html")


async def latency(request: web.Request) -> web.Response:
    from core.services.latency import latency_summary

    return json_response(await latency_summary(int(params(request).get("hours") or 24)))


_STATS = obj(
    {
        "count": integer(0),
        "p50_s": {"type": ["number", "null"]},
        "p95_s": {"type": ["number", "null"]},
        "p99_s": {"type": ["number", "null"]},
    },
    ("count", "p50_s", "p95_s", "p99_s"),
)
LATENCY = obj(
    {
        "window_hours": integer(1, 720),
        "count": integer(0),
        "p50_s": {"type": ["number", "null"]},
        "p95_s": {"type": ["number", "null"]},
        "p99_s": {"type": ["number", "null"]},
        "from_fetch": integer(0),
        "by_channel": {"type": "object", "additionalProperties": _STATS},
        "by_kind": {"type": "object", "additionalProperties": _STATS},
        "stages_p50_s": {"type": "object", "additionalProperties": {"type": ["number", "null"]}},
    },
    ("window_hours", "count", "p50_s", "p95_s", "p99_s", "by_channel", "by_kind"),
    extra=True,
)

HEALTH = obj(
    {"status": {"type": "string", "enum": ["ok", "degraded"]}, "checks": {"type": "object"}},
    ("status", "checks"),
    extra=True,
)


def routes(config: WebConfig) -> list[RouteSpec]:
    return [
        RouteSpec(
            "GET",
            "/health",
            health,
            "Service and dependency health: statuses and counts; feed details for admins",
            "system",
            auth="public",
            limit=None,
            response=HEALTH,
            errors=(503,),
        ),
        RouteSpec(
            "GET",
            "/stats/latency",
            latency,
            "Publication-to-delivery latency of sent alerts: p50/p95/p99 over the last "
            "`hours` (default 24), per channel and per source kind, and each stage's median",
            "system",
            params=(Param("hours", integer(1, 720), description="window, hours"),),
            response=LATENCY,
        ),
        RouteSpec(
            "GET",
            "/metrics",
            metrics,
            "Prometheus metrics",
            "system",
            auth="public",
            limit=None,
            content_type="text/plain",
        ),
        RouteSpec(
            "GET",
            "/openapi.json",
            openapi,
            "This OpenAPI 3.1 document",
            "system",
            auth="public",
            limit=None,
        ),
        RouteSpec(
            "GET",
            "/docs",
            docs,
            "API documentation page",
            "system",
            auth="public",
            limit=None,
            content_type="text/html",
        ),
        RouteSpec(
            "GET",
            "/",
            dashboard,
            "The dashboard",
            "system",
            auth="public",
            limit=None,
            content_type="text/html",
        ),
        RouteSpec(
            "GET",
            "/unsubscribe/{token}",
            unsubscribe,
            "Unsubscribe from an email digest",
            "system",
            auth="public",
            limit="ip",
            params=(Param("token", string(1, 128), "path", True, secret=True),),
            content_type="text/html",
            errors=(404, 422, 503),
        ),
    ]
