"""Alerts: list with validated filters and a cursor, one with its explanation, manual ones."""

from __future__ import annotations

from aiohttp import web

from web.config import WebConfig
from web.keys import ALERTS_CACHE_KEY
from web.routes.common import body, dumps, json_response, params, principal, service, to_json
from web.schema import (
    BOOLEAN,
    ID_PATH,
    Param,
    RouteSpec,
    array,
    integer,
    listing,
    number,
    obj,
    page_params,
    parse_datetime,
    string,
)

BAND = {"type": "string", "enum": ["high", "medium", "low"]}
ALERT = obj(
    {
        "id": integer(),
        "title": string(),
        "url": string(),
        "source": string(),
        "confidence": number(0, 1),
        "band": BAND,
        "companies": array(string()),
        "tokens": array(string()),
        "why": string(),
        "created_at": {"type": ["string", "null"]},
    },
    ("id", "title", "confidence"),
    extra=True,
)


async def list_alerts(request: web.Request) -> web.Response:
    cache = request.app[ALERTS_CACHE_KEY]
    key = "&".join(f"{k}={v}" for k, v in sorted(params(request).items()))
    body = cache.get(key)
    if body is None:
        # one query per key however many requests arrive while it runs (single-flight)
        body = await cache.get_or_load(key, lambda: _alerts_page(request))
    return web.Response(body=body, content_type="application/json")


async def _alerts_page(request: web.Request) -> bytes:
    svc = service(request, "alerts")
    p = dict(params(request))
    if "since" in p:
        p["since"] = parse_datetime(p["since"], "since")
    alerts, cursor = await svc.list(
        company=p.get("company"),
        min_confidence=p.get("min_confidence"),
        band=p.get("band"),
        since=p.get("since"),
        limit=p.get("limit", 20),
        cursor=p.get("cursor"),
    )
    return dumps({"items": [to_json(svc, a) for a in alerts], "next_cursor": cursor}).encode()


async def get_alert(request: web.Request) -> web.Response:
    svc = service(request, "alerts")
    alert = await svc.get(params(request)["id"])
    return json_response(to_json(svc, alert, full=True))


async def create_alert(request: web.Request) -> web.Response:
    svc = service(request, "alerts")
    data = body(request)
    alert = await svc.create_manual(
        data["title"], data.get("text", ""), data.get("url", ""), principal(request).user
    )
    return json_response(to_json(svc, alert, full=True), status=201)


async def feedback(request: web.Request) -> web.Response:
    svc = service(request, "alerts")
    await svc.feedback(params(request)["id"], principal(request).user, body(request)["useful"])
    request.app[ALERTS_CACHE_KEY].clear()  # counts changed
    return web.Response(status=204)


def routes(config: WebConfig) -> list[RouteSpec]:
    return [
        RouteSpec(
            "GET",
            "/alerts",
            list_alerts,
            "Recent alerts, newest first, with filters",
            "alerts",
            limit="alerts",
            params=(
                Param("min_confidence", number(0, 1), description="0..1"),
                Param("company", string(1, 128), description="company name, alias or $TOKEN"),
                Param("band", BAND),
                Param("since", string(1, 64, format="date-time"), description="ISO 8601"),
                *page_params(config.max_page),
            ),
            response=listing(ALERT, config.max_page),
            errors=(422, 429),
        ),
        RouteSpec(
            "GET",
            "/alerts/{id}",
            get_alert,
            "One alert with its full explanation",
            "alerts",
            limit="alerts",
            params=(ID_PATH,),
            response=ALERT,
            errors=(404, 429),
        ),
        RouteSpec(
            "POST",
            "/alerts",
            create_alert,
            "Create a manual alert; it is scored and routed like any other (admin)",
            "alerts",
            auth="admin",
            body=obj(
                {
                    "title": string(1, 500),
                    "text": string(0, 20_000),
                    "url": string(0, 2048),
                },
                ("title",),
            ),
            response=ALERT,
            status=201,
            errors=(403, 422),
        ),
        RouteSpec(
            "POST",
            "/alerts/{id}/feedback",
            feedback,
            "Mark an alert useful or not (labels for tuning)",
            "alerts",
            params=(ID_PATH,),
            body=obj({"useful": BOOLEAN}, ("useful",)),
            status=204,
            errors=(404, 422),
        ),
    ]
