"""Alerts: list with validated filters and a cursor, one with its explanation, manual ones."""

from __future__ import annotations

from aiohttp import web

from core.errors import InvalidInput
from web.config import WebConfig
from web.keys import ALERTS_CACHE_KEY
from web.routes.common import (
    app_of,
    body,
    dumps,
    json_response,
    params,
    principal,
    service,
    to_json,
)
from web.routes.links import LINKS
from web.schema import (
    BOOLEAN,
    ID_PATH,
    Param,
    RouteSpec,
    array,
    http_url,
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
        "kind": {
            "type": "string",
            "enum": ["tge", "warning"],
            "description": "warning: a story about impersonation of a project, not a TGE",
        },
        "warning": {"type": ["string", "null"]},
        "link_headline": {
            "type": ["string", "null"],
            "description": "set when a claim alert's only links are suspicious: show it first",
        },
        "links": LINKS,
        "created_at": {"type": ["string", "null"]},
    },
    ("id", "title", "confidence"),
    extra=True,
)

TRACE = obj(
    {
        "alert_id": {"type": ["integer", "null"]},
        "title": string(),
        "url": string(),
        "steps": array(
            obj(
                {
                    "step": {
                        "type": "string",
                        "enum": ["fetched", "duplicates", "scored", "filter", "delivery"],
                    },
                    "outcome": {"type": "string", "enum": ["passed", "stopped", "waiting", "info"]},
                    "text": string(),
                    "destination_id": integer(),
                },
                ("step", "outcome", "text"),
                extra=True,
            ),
            100,
        ),
    },
    ("alert_id", "title", "url", "steps"),
)

VOTE = {
    "type": "string",
    "enum": ["up", "down", "not_tge"],
    "description": "up: useful (a TGE); down: not useful; not_tge: not a TGE",
}
_RATES = {
    "alerts": integer(0),
    "votes": integer(0),
    "wrong": integer(0),
    "not_tge": integer(0),
    "wrong_rate": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
}
_ROW = obj({"name": string(), **_RATES}, ("name", "votes", "wrong", "wrong_rate"))
FEEDBACK_STATS = obj(
    {
        "total": obj(_RATES, ("votes", "wrong", "wrong_rate")),
        "by_source": array(_ROW, 500),
        "by_company": array(_ROW, 500),
    },
    ("total", "by_source", "by_company"),
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
    data = body(request)
    if "vote" in data and "useful" in data:
        raise InvalidInput("send either vote or useful, not both", field="vote")
    vote = data["vote"] if "vote" in data else data["useful"]
    await svc.feedback(params(request)["id"], principal(request).user, vote)
    request.app[ALERTS_CACHE_KEY].clear()  # counts changed
    return web.Response(status=204)


async def trace(request: web.Request) -> web.Response:
    """The alert's path (fetch, duplicates, score) and, per destination of the caller, what
    its filter did and how delivery went: the same trace as the chat command /why."""
    from core.alerts.trace import trace_alert

    user = principal(request).user
    subscriptions = service(request, "subscriptions")
    wanted = params(request).get("destination_id")
    if wanted is not None:
        destinations = [await subscriptions.get_destination(user, wanted)]
    else:
        destinations = list(await subscriptions.list_destinations(user))
    result = await trace_alert(app_of(request), params(request)["id"], destinations)
    return json_response(result.to_json())


async def feedback_stats(request: web.Request) -> web.Response:
    svc = service(request, "alerts")
    return json_response(await svc.feedback_stats(params(request).get("limit", 50)))


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
                *page_params(config.max_page, "cursor-alert"),
            ),
            response=listing(ALERT, config.max_page),
            errors=(404, 422, 429),
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
            "GET",
            "/alerts/{id}/trace",
            trace,
            "Why an alert reached (or did not reach) your destinations: where it was fetched, "
            "its duplicates, its score and signals, each destination's filter and delivery",
            "alerts",
            limit="alerts",
            params=(
                ID_PATH,
                Param(
                    "destination_id",
                    integer(1, 2**31 - 1),
                    description="only this destination of yours (default: all of them)",
                ),
            ),
            response=TRACE,
            errors=(404, 422, 429),
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
                    "url": http_url(optional=True),
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
            "Vote on an alert: up, down or not_tge (one vote per user, a new one replaces "
            "it); a label for the next retrain that changes nothing anyone receives",
            "alerts",
            params=(ID_PATH,),
            body={
                **obj(
                    {
                        "vote": VOTE,
                        "useful": {**BOOLEAN, "description": "older form: true = up, false = down"},
                    }
                ),
                "minProperties": 1,
                "maxProperties": 1,
            },
            status=204,
            errors=(404, 422),
        ),
        RouteSpec(
            "GET",
            "/feedback/stats",
            feedback_stats,
            "How often users said alerts were wrong, per source and per company (admin)",
            "alerts",
            auth="admin",
            params=(Param("limit", integer(1, 500), description="rows per table (default 50)"),),
            response=FEEDBACK_STATS,
            errors=(403,),
        ),
    ]
