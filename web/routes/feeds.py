"""Feeds: everyone sees them and their health; admins add, remove, disable and enable."""

from __future__ import annotations

from aiohttp import web

from web.config import WebConfig
from web.routes.common import body, json_response, page, params, principal, service, to_json
from web.schema import (
    BOOLEAN,
    ID_PATH,
    RouteSpec,
    http_url,
    integer,
    listing,
    obj,
    page_params,
    string,
)

KIND = {"type": "string", "enum": ["rss", "twitter", "page", "exchange"]}
FEED = obj(
    {
        "id": integer(),
        "kind": KIND,
        "name": string(),
        "url": {"type": ["string", "null"]},
        "enabled": BOOLEAN,
        "consecutive_failures": integer(),
        "last_error": {"type": ["string", "null"]},
    },
    ("id", "kind"),
    extra=True,
)


async def list_feeds(request: web.Request) -> web.Response:
    svc = service(request, "feeds")
    feeds = sorted(await svc.list(), key=lambda f: f.id)
    chunk, cursor = page(request, feeds, key=lambda f: f.id)
    return json_response({"items": [to_json(svc, f) for f in chunk], "next_cursor": cursor})


async def create_feed(request: web.Request) -> web.Response:
    svc = service(request, "feeds")
    data = dict(body(request))
    feed = await svc.add(
        data.pop("url", None),
        data.pop("kind", "rss"),
        created_by=principal(request).user,
        **data,
    )
    return json_response(to_json(svc, feed), status=201)


async def get_feed(request: web.Request) -> web.Response:
    svc = service(request, "feeds")
    return json_response(to_json(svc, await svc.get(params(request)["id"])))


async def update_feed(request: web.Request) -> web.Response:
    svc = service(request, "feeds")
    feed = await svc.set_enabled(params(request)["id"], body(request)["enabled"])
    if feed is None:
        feed = await svc.get(params(request)["id"])
    return json_response(to_json(svc, feed))


async def delete_feed(request: web.Request) -> web.Response:
    await service(request, "feeds").remove(params(request)["id"])
    return web.Response(status=204)


async def import_opml(request: web.Request) -> web.Response:
    from core.services.opml import import_opml as import_document

    data = body(request)
    result = await import_document(
        service(request, "feeds"),
        data["opml"],
        created_by=principal(request).user,
        interval_s=data.get("interval_s", 300),
    )
    return json_response(result)


async def export_opml(request: web.Request) -> web.Response:
    from core.services.opml import export_opml as export_document

    return web.Response(
        text=await export_document(),
        content_type="text/x-opml",
        headers={"Content-Disposition": 'attachment; filename="tge-monitor-feeds.opml"'},
    )


OPML_IMPORTED = obj(
    {
        "total": integer(0),
        "added": {
            "type": "array",
            "items": obj({"id": integer(), "url": string(), "name": string()}, ("id",), extra=True),
        },
        "skipped": {
            "type": "array",
            "items": obj({"url": string(), "reason": string()}, ("url", "reason")),
        },
    },
    ("total", "added", "skipped"),
)


def routes(config: WebConfig) -> list[RouteSpec]:
    return [
        RouteSpec(
            "GET",
            "/feeds",
            list_feeds,
            "Feeds with their health",
            "feeds",
            params=page_params(config.max_page),
            response=listing(FEED, config.max_page),
        ),
        RouteSpec(
            "POST",
            "/feeds",
            create_feed,
            "Add a feed; its URL must pass the safe-fetch checks (admin). An exchange feed "
            "names its source in `query` (okx, bybit, kucoin, bitget, binance, optionally "
            "`:category`) and may poll as often as the exchange's documented rate limit allows",
            "feeds",
            auth="admin",
            body=obj(
                {
                    "url": http_url(),
                    "kind": KIND,
                    "query": string(1, 512),
                    "selector": string(1, 256),
                    "retweets": {"type": "string", "enum": ["skip", "attribute"]},
                    "interval_s": integer(1, 86400),
                    "name": string(0, 128),
                },
            ),
            response=FEED,
            status=201,
            errors=(403, 409, 422),
        ),
        RouteSpec(
            "POST",
            "/feeds/opml",
            import_opml,
            "Import a feed reader's OPML subscriptions as RSS feeds; each address passes the "
            "safe-fetch checks, entries that do not are listed under `skipped` with the reason "
            "(admin)",
            "feeds",
            auth="admin",
            body=obj(
                {
                    "opml": {
                        **string(1, 2 * 1024 * 1024),
                        "description": "the OPML 2.0 document, as text",
                    },
                    "interval_s": integer(30, 86400),
                },
                ("opml",),
            ),
            response=OPML_IMPORTED,
            errors=(403, 413, 422),
            max_body=3 * 1024 * 1024,
        ),
        RouteSpec(
            "GET",
            "/feeds/opml",
            export_opml,
            "Every RSS/page feed as an OPML 2.0 document, for a feed reader",
            "feeds",
            content_type="text/x-opml",
        ),
        RouteSpec(
            "GET",
            "/feeds/{id}",
            get_feed,
            "One feed with its health",
            "feeds",
            params=(ID_PATH,),
            response=FEED,
            errors=(404,),
        ),
        RouteSpec(
            "PATCH",
            "/feeds/{id}",
            update_feed,
            "Disable or enable a feed (admin)",
            "feeds",
            auth="admin",
            params=(ID_PATH,),
            body=obj({"enabled": BOOLEAN}, ("enabled",)),
            response=FEED,
            errors=(403, 404, 422),
        ),
        RouteSpec(
            "DELETE",
            "/feeds/{id}",
            delete_feed,
            "Remove a feed (admin)",
            "feeds",
            auth="admin",
            params=(ID_PATH,),
            status=204,
            errors=(403, 404),
        ),
    ]
