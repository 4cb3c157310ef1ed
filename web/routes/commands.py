"""The chat command registry over REST: the same commands the bots run, one route.

`POST /commands/{name}` with `{"args": "..."}` (the text after the command, as typed in a
chat) or `{"args": {"param": value}}` runs the command as the caller and returns its Reply
as JSON, so REST, Telegram and Discord stay in parity by construction.
"""

from __future__ import annotations

from aiohttp import web

from core.errors import NotFound
from core.models import Platform
from web.config import WebConfig
from web.routes.common import app_of, body, json_response, params, principal
from web.schema import Param, RouteSpec, array, obj, string


async def list_commands(request: web.Request) -> web.Response:
    commands = app_of(request).commands
    items = [
        {"name": c.name, "summary": c.summary, "usage": c.usage, "group": c.group}
        for c in commands.registry
        if not c.hidden
    ]
    return json_response({"items": items})


async def run_command(request: web.Request) -> web.Response:
    from core.commands.registry import CommandContext

    commands = app_of(request).commands
    name = params(request)["name"]
    if commands.registry.get(name) is None:
        raise NotFound(f"unknown command {name!r}", field="name")
    who = principal(request)
    ctx = CommandContext(
        app=app_of(request),
        user=who.user,
        platform=Platform.WEB,
        display_name=who.user.username,
        api_key=who.api_key,  # the command's own scope is checked with the others
    )
    reply = await commands.execute(name, body(request).get("args"), ctx)
    return json_response(reply.to_json(), status=200 if reply.ok else 422)


def routes(config: WebConfig) -> list[RouteSpec]:
    return [
        RouteSpec(
            "GET",
            "/commands",
            list_commands,
            "The chat commands, also runnable over REST",
            "commands",
            response=obj({"items": array(obj({}, extra=True), 500)}, ("items",)),
        ),
        RouteSpec(
            "POST",
            "/commands/{name}",
            run_command,
            "Run a chat command as the caller; returns its reply",
            "commands",
            params=(Param("name", string(1, 32, pattern=r"^[a-z0-9_]+$"), "path", True),),
            body=obj(
                {
                    "args": {
                        "type": ["string", "object", "array", "null"],
                        "maxLength": 2000,
                        "description": "the text after the command, or named parameters",
                    }
                }
            ),
            body_required=False,
            min_scope="",  # each command checks its own scope (read, write or admin)
            response=obj({"ok": {"type": "boolean"}, "text": string()}, ("ok",), extra=True),
            errors=(404, 422),
        ),
    ]
