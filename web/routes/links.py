"""The phishing guard over REST: a verdict for any link (`POST /links/check`)."""

from __future__ import annotations

from aiohttp import web

from core.errors import InvalidInput
from web.config import WebConfig
from web.routes.common import body, json_response, service
from web.schema import RouteSpec, array, obj, string

MAX_URLS = 50
VERDICT = {"type": "string", "enum": ["official", "unknown", "suspicious"]}
LINK = obj(
    {
        "url": string(0, 2048),
        "verdict": VERDICT,
        "reason": string(),
        "company": {
            "type": "string",
            "description": "the project the link belongs to, or the one it imitates",
        },
    },
    ("url", "verdict", "reason"),
)
LINKS = {
    **array(LINK, 20),
    "description": "the phishing guard's verdict on every link the alert carries: its "
    "source URL and each URL in its text",
}


async def check_links(request: web.Request) -> web.Response:
    guard = service(request, "links")
    data = body(request)
    if "url" in data and "urls" in data:
        raise InvalidInput("give url or urls, not both", field="urls")
    urls = [data["url"]] if "url" in data else list(data.get("urls") or [])
    if not urls:
        raise InvalidInput("give url or urls", field="url")
    if len(urls) > MAX_URLS:
        raise InvalidInput(f"at most {MAX_URLS} urls at once", field="urls")
    verdicts = [guard.check(u) for u in urls]
    out = {"links": [v.to_json() for v in verdicts]}
    if "url" in data:
        out.update(verdicts[0].to_json())
    return json_response(out)


def routes(config: WebConfig) -> list[RouteSpec]:
    url = string(1, 2048)
    return [
        RouteSpec(
            "POST",
            "/links/check",
            check_links,
            "Is a link a watched project's official site, unknown, or suspicious (with why)?",
            "links",
            body={
                **obj({"url": url, "urls": array(url, MAX_URLS)}),
                "minProperties": 1,
                "maxProperties": 1,
            },
            response=obj(
                {"links": array(LINK, MAX_URLS), **LINK["properties"]},
                ("links",),
            ),
            errors=(422,),
        ),
    ]
