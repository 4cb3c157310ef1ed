"""The caller's subscriptions, destinations and watchlist (others' ids are 404)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.models import Destination
from core.services.destination_state import destination_status, resume_fix
from web.config import WebConfig
from web.routes.common import body, json_response, page, params, principal, service, to_json
from web.routes.companies import COMPANY
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
    string,
)

MODE = {"type": "string", "enum": ["instant", "digest"]}
INTERVAL = {"type": "string", "enum": ["hourly", "daily"]}
DEST_KIND = {"type": "string", "enum": ["telegram", "discord", "email", "webhook", "websocket"]}
MIN_CONFIDENCE = {
    **number(0, 1),
    "type": ["number", "null"],
    "description": "the lowest confidence this subscription takes; null (the default): the "
    "scorer's threshold for each item, so every alert the scorer makes arrives (an item in "
    "Chinese, Japanese or Korean is judged at the CJK model's threshold, others at the "
    "service's)",
}
SUB_FIELDS = {
    "min_confidence": MIN_CONFIDENCE,
    "companies": array(string(1, 128), 200),
    "mode": MODE,
    "digest_interval": INTERVAL,
    "new_projects": {
        "type": ["boolean", "null"],
        "description": "alerts about projects in no companies table; null: the default "
        "(on for all companies, off for a company list or watchlist)",
    },
    "updates": {
        "type": "string",
        "enum": ["every", "phases", "first"],
        "description": "how an event told many times arrives: every alert; the first and then "
        "one short update per new phase (phases, the default); or the first only",
    },
    "remind_minutes": {
        **array(integer(1, 43200), 5),
        "uniqueItems": True,
        "description": "reminders this many minutes before each dated phase (default "
        "[1440, 60]: T-24 h and T-1 h); [] for none",
    },
}
SUBSCRIPTION = obj(
    {
        "id": integer(),
        "destination_id": integer(),
        "min_confidence": MIN_CONFIDENCE,
        "min_confidence_text": {
            **string(),
            "description": "the minimum in words: e.g. 70%, or the scorer's threshold (per item)",
        },
    },
    ("id",),
    extra=True,
)
DESTINATION = obj(
    {
        "id": integer(),
        "kind": DEST_KIND,
        "address": string(),
        "name": string(),
        "verified": BOOLEAN,
        "secret": {**string(), "description": "webhook signing secret; on create/rotate only"},
        "claim_code": {
            **string(),
            "description": "telegram/discord: a chat admin posts /claim <code> in the chat",
        },
        "claim": string(),
    },
    ("id", "kind"),
    extra=True,
)


def destination_json(dest: Destination) -> dict[str, Any]:
    return {
        "id": dest.id,
        "kind": str(dest.kind),
        "address": dest.address,
        "name": dest.name,
        "verified": dest.verified,
        "rejected_reason": dest.rejected_reason,
        # "stopped" after a refused send; `fix` says what gets it going again
        "status": destination_status(dest),
        "fix": resume_fix(dest) if dest.rejected_reason else None,
        "created_at": dest.created_at.isoformat() if dest.created_at else None,
    }


async def list_subscriptions(request: web.Request) -> web.Response:
    svc = service(request, "subscriptions")
    subs = sorted(await svc.list_for_user(principal(request).user), key=lambda s: s.id)
    chunk, cursor = page(request, subs, key=lambda s: s.id)
    return json_response({"items": [to_json(svc, s) for s in chunk], "next_cursor": cursor})


async def create_subscription(request: web.Request) -> web.Response:
    svc = service(request, "subscriptions")
    data = dict(body(request))
    user = principal(request).user
    dest = await svc.get_destination(user, data.pop("destination_id"))  # others' ids: 404
    sub = await svc.subscribe(user, dest, **data)
    return json_response(to_json(svc, sub), status=201)


async def update_subscription(request: web.Request) -> web.Response:
    svc = service(request, "subscriptions")
    sub = await svc.update(principal(request).user, params(request)["id"], **body(request))
    return json_response(to_json(svc, sub))


async def delete_subscription(request: web.Request) -> web.Response:
    await service(request, "subscriptions").delete(principal(request).user, params(request)["id"])
    return web.Response(status=204)


async def list_destinations(request: web.Request) -> web.Response:
    svc = service(request, "subscriptions")
    dests = sorted(await svc.list_destinations(principal(request).user), key=lambda d: d.id)
    chunk, cursor = page(request, dests, key=lambda d: d.id)
    return json_response({"items": [destination_json(d) for d in chunk], "next_cursor": cursor})


async def create_destination(request: web.Request) -> web.Response:
    svc = service(request, "subscriptions")
    data = body(request)
    dest = await svc.create_destination(
        principal(request).user, data["kind"], data["address"], data.get("name", "")
    )
    out = destination_json(dest)
    secret = getattr(dest, "plain_secret", None)
    if secret:
        out["secret"] = secret  # the webhook signing secret, shown on creation only
    code = getattr(dest, "claim_code", None)
    if code:
        # a chat is proven from inside it: a chat admin posts the code there
        out["claim_code"] = code
        out["claim"] = (
            f"A chat admin must post '/claim {code}' in that chat (within 24 hours) before "
            "it can receive alerts; until then it is unverified."
        )
    return json_response(out, status=201)


async def update_destination(request: web.Request) -> web.Response:
    svc = service(request, "subscriptions")
    data = body(request)
    dest = await svc.update_destination(principal(request).user, params(request)["id"], **data)
    out = destination_json(dest)
    if data.get("rotate_secret") is True:
        out["secret"] = svc.secret_of(dest)  # the new signing secret, shown this once
    return json_response(out)


async def delete_destination(request: web.Request) -> web.Response:
    svc = service(request, "subscriptions")
    await svc.delete_destination(principal(request).user, params(request)["id"])
    return web.Response(status=204)


async def watchlist(request: web.Request) -> web.Response:
    svc = service(request, "subscriptions")
    companies = service(request, "companies")
    items = await svc.watchlist(principal(request).user)
    return json_response({"items": [companies.to_json(c) for c in items]})


async def watch(request: web.Request) -> web.Response:
    await service(request, "subscriptions").watch(principal(request).user, params(request)["ref"])
    return await watchlist(request)


async def unwatch(request: web.Request) -> web.Response:
    svc = service(request, "subscriptions")
    await svc.unwatch(principal(request).user, params(request)["ref"])
    return web.Response(status=204)


REF = Param("ref", string(1, 128), "path", True, "company id, name, alias or $TOKEN")


def routes(config: WebConfig) -> list[RouteSpec]:
    return [
        RouteSpec(
            "GET",
            "/subscriptions",
            list_subscriptions,
            "The caller's subscriptions",
            "subscriptions",
            params=page_params(config.max_page),
            response=listing(SUBSCRIPTION, config.max_page),
        ),
        RouteSpec(
            "POST",
            "/subscriptions",
            create_subscription,
            "Subscribe one of the caller's destinations to alerts",
            "subscriptions",
            body=obj({"destination_id": integer(1, 2**31 - 1), **SUB_FIELDS}, ("destination_id",)),
            response=SUBSCRIPTION,
            status=201,
            errors=(404, 409, 422),
        ),
        RouteSpec(
            "PATCH",
            "/subscriptions/{id}",
            update_subscription,
            "Change a subscription's filters or mode",
            "subscriptions",
            params=(ID_PATH,),
            body={
                **obj({**SUB_FIELDS, "digest_hour": integer(0, 23), "active": {"type": "boolean"}}),
                "minProperties": 1,
            },
            response=SUBSCRIPTION,
            errors=(404, 422),
        ),
        RouteSpec(
            "DELETE",
            "/subscriptions/{id}",
            delete_subscription,
            "Delete a subscription",
            "subscriptions",
            params=(ID_PATH,),
            status=204,
            errors=(404,),
        ),
        RouteSpec(
            "GET",
            "/destinations",
            list_destinations,
            "The caller's destinations",
            "subscriptions",
            params=page_params(config.max_page),
            response=listing(DESTINATION, config.max_page),
        ),
        RouteSpec(
            "POST",
            "/destinations",
            create_destination,
            "Add a destination (email, webhook; a chat or channel is proven by a chat admin "
            "posting the returned claim code there)",
            "subscriptions",
            body=obj(
                {"kind": DEST_KIND, "address": string(1, 2048), "name": string(0, 128)},
                ("kind", "address"),
            ),
            response=DESTINATION,
            status=201,
            errors=(409, 422),
        ),
        RouteSpec(
            "PATCH",
            "/destinations/{id}",
            update_destination,
            "Rename a destination, change a webhook or email address (an email must be "
            "verified again), or rotate a webhook's signing secret (returned once)",
            "subscriptions",
            params=(ID_PATH,),
            body={
                **obj(
                    {
                        "name": string(0, 128),
                        "address": string(1, 2048),
                        "rotate_secret": BOOLEAN,
                    }
                ),
                "minProperties": 1,
            },
            response=DESTINATION,
            errors=(404, 409, 422),
        ),
        RouteSpec(
            "DELETE",
            "/destinations/{id}",
            delete_destination,
            "Delete a destination",
            "subscriptions",
            params=(ID_PATH,),
            status=204,
            errors=(404,),
        ),
        RouteSpec(
            "GET",
            "/watchlist",
            watchlist,
            "Companies the caller watches",
            "subscriptions",
            response=obj({"items": array(COMPANY, 10_000)}, ("items",)),
        ),
        RouteSpec(
            "PUT",
            "/watchlist/{ref}",
            watch,
            "Watch a company",
            "subscriptions",
            params=(REF,),
            response=obj({"items": array(COMPANY, 10_000)}, ("items",)),
            errors=(404,),
        ),
        RouteSpec(
            "DELETE",
            "/watchlist/{ref}",
            unwatch,
            "Stop watching a company",
            "subscriptions",
            params=(REF,),
            status=204,
            errors=(404,),
        ),
    ]
