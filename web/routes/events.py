"""TGE events: the calendar (list with filters), one event's timeline with its sources, and
the private per-user ICS feed."""

from __future__ import annotations

from aiohttp import web

from core.events import calendar
from web.config import WebConfig
from web.routes.common import app_of, json_response, params, service
from web.schema import (
    BOOLEAN,
    ID_PATH,
    Param,
    RouteSpec,
    array,
    integer,
    number,
    obj,
    parse_datetime,
    string,
)

PHASE_KINDS = ["announced", "date_set", "snapshot", "claim_open", "listing", "delayed", "cancelled"]
PHASE_KIND = {"type": "string", "enum": PHASE_KINDS}
NULLABLE_TIME = {"type": ["string", "null"], "description": "ISO 8601, UTC"}
SOURCE = obj(
    {
        "alert_id": integer(),
        "title": string(),
        "url": string(),
        "source": string(),
        "confidence": number(0, 1),
    },
    ("alert_id", "title"),
)
PHASE = obj(
    {
        "kind": PHASE_KIND,
        "at": {
            **NULLABLE_TIME,
            "description": "when the phase happens, UTC; a date-only phase is 00:00 UTC that day",
        },
        "all_day": {**BOOLEAN, "description": "only a date was given (no time of day)"},
        "timezone": {"type": ["string", "null"], "description": "the zone as written, e.g. UTC"},
        "date_text": {"type": ["string", "null"]},
        "previous_at": {**NULLABLE_TIME, "description": "the date a delay replaced"},
        "corroboration": {**integer(1), "description": "independent sources telling this phase"},
        "sources": array(SOURCE, 1000),
    },
    ("kind", "at", "corroboration"),
)
EVENT = obj(
    {
        "id": integer(),
        "project": string(),
        "company": {"type": ["string", "null"]},
        "token": {"type": ["string", "null"]},
        "title": string(),
        "status": PHASE_KIND,
        "confidence": number(0, 1),
        "sources": integer(0),
        "next_at": {**NULLABLE_TIME, "description": "the next dated phase still ahead"},
        "first_seen_at": NULLABLE_TIME,
        "last_seen_at": NULLABLE_TIME,
        "revision": integer(0),
        "phases": array(PHASE, 50),
        "coverage": array(
            obj({**SOURCE["properties"], "created_at": NULLABLE_TIME}, ("alert_id", "title")),
            50,
        ),
    },
    ("id", "project", "status", "phases"),
)


async def list_events(request: web.Request) -> web.Response:
    svc = service(request, "events")
    p = params(request)
    start = parse_datetime(p["from"], "from") if "from" in p else None
    end = parse_datetime(p["to"], "to") if "to" in p else None
    events = await svc.list(
        company=p.get("company"),
        phase=p.get("phase"),
        start=start,
        end=end,
        limit=p.get("limit", 50),
        upcoming=bool(p.get("upcoming", False)),
    )
    return json_response({"items": [await svc.to_json(e) for e in events]})


async def get_event(request: web.Request) -> web.Response:
    svc = service(request, "events")
    event = await svc.get(params(request)["id"])
    return json_response(await svc.to_json(event, full=True))


async def calendar_feed(request: web.Request) -> web.Response:
    """The ICS feed; the token in the path is the only credential (calendar apps send none)."""
    user = await calendar.user_for(params(request)["token"])
    app = app_of(request)
    body = await calendar.feed(user, app.settings.public_base_url, now=app.events.clock())
    return web.Response(
        body=body,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Cache-Control": "private, max-age=300"},
    )


def routes(config: WebConfig) -> list[RouteSpec]:
    return [
        RouteSpec(
            "GET",
            "/events",
            list_events,
            "TGE events by their next date (undated last), with filters",
            "events",
            params=(
                Param("company", string(1, 128), description="company name, alias or $TOKEN"),
                Param("phase", PHASE_KIND, description="only events that have this phase"),
                Param(
                    "from",
                    string(1, 64, format="date-time"),
                    description="only events with a dated phase at or after this (ISO 8601)",
                ),
                Param(
                    "to",
                    string(1, 64, format="date-time"),
                    description="only events with a dated phase at or before this (ISO 8601)",
                ),
                Param("upcoming", BOOLEAN, description="only events with a date still ahead"),
                Param("limit", integer(1, 100), description="how many (1-100, default 50)"),
            ),
            response=obj({"items": array(EVENT, 100)}, ("items",)),
            errors=(404, 422),
        ),
        RouteSpec(
            "GET",
            "/events/{id}",
            get_event,
            "One TGE event: its timeline of phases, each with the alerts that support it",
            "events",
            params=(ID_PATH,),
            response=EVENT,
            errors=(404,),
        ),
        RouteSpec(
            "GET",
            "/calendar/{token}.ics",
            calendar_feed,
            "A user's private calendar of TGE dates (RFC 5545); the link comes from /calendar",
            "events",
            auth="public",
            limit="ip",
            params=(
                Param(
                    "token",
                    string(20, 64, pattern=calendar.TOKEN_RE_PATTERN),
                    "path",
                    True,
                    secret=True,
                ),
            ),
            content_type="text/calendar",
            errors=(404, 422),
        ),
    ]
