"""Login, the caller's account, API keys and account linking."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.models import APIKey, User
from web.config import WebConfig
from web.keys import AUTH_CACHE_KEY
from web.routes.common import app_of, body, json_response, params, principal
from web.schema import ID_PATH, RouteSpec, array, integer, obj, string

DATETIME = {"type": ["string", "null"], "format": "date-time"}


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "role": str(user.role),
        "timezone": user.timezone,
        "created_at": user.created_at.isoformat() if user.created_at else None,
    }


def key_json(key: APIKey) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": list(key.scopes or []),
        "expires_at": iso(key.expires_at),
        "last_used_at": iso(key.last_used_at),
        "usage_count": key.usage_count,
        "revoked": key.revoked_at is not None,
        "created_at": iso(key.created_at),
    }


async def login(request: web.Request) -> web.Response:
    data = body(request)
    accounts = app_of(request).accounts
    user = await accounts.authenticate(data["username"], data["password"])
    return json_response(accounts.issue_token(user))


async def me(request: web.Request) -> web.Response:
    who = principal(request)
    identities = await app_of(request).accounts.identities(who.user)
    data = user_json(who.user)
    data["identities"] = [
        {"platform": str(i.platform), "external_id": i.external_id, "display_name": i.display_name}
        for i in identities
    ]
    data["auth"] = "api_key" if who.api_key else "token"
    return json_response(data)


async def create_key(request: web.Request) -> web.Response:
    data = body(request)
    key, secret = await app_of(request).accounts.create_api_key(
        principal(request).user,
        data["name"],
        scopes=data.get("scopes"),
        expires_in_days=data.get("expires_in_days"),
    )
    out = key_json(key)
    out["key"] = secret
    return json_response(out, status=201)


async def list_keys(request: web.Request) -> web.Response:
    keys = await app_of(request).accounts.list_api_keys(principal(request).user)
    return json_response({"items": [key_json(k) for k in keys]})


async def revoke_key(request: web.Request) -> web.Response:
    await app_of(request).accounts.revoke_api_key(principal(request).user, params(request)["id"])
    return web.Response(status=204)


async def link(request: web.Request) -> web.Response:
    user = await app_of(request).accounts.redeem_link_code(
        principal(request).user, body(request)["code"]
    )
    request.app[AUTH_CACHE_KEY].clear()  # the redeeming account may have been merged away
    return json_response(user_json(user))


async def link_code(request: web.Request) -> web.Response:
    code = await app_of(request).accounts.create_link_code(principal(request).user)
    return json_response({"code": code, "expires_in": 900}, status=201)


USER = obj(
    {
        "id": integer(),
        "username": string(),
        "email": {"type": ["string", "null"]},
        "role": {"type": "string", "enum": ["admin", "user"]},
        "timezone": string(),
        "created_at": DATETIME,
    },
    ("id", "username", "role"),
    extra=True,
)
KEY = obj(
    {
        "id": integer(),
        "name": string(),
        "prefix": string(),
        "scopes": array(string()),
        "expires_at": DATETIME,
        "last_used_at": DATETIME,
        "usage_count": integer(),
        "revoked": {"type": "boolean"},
        "created_at": DATETIME,
        "key": {"type": "string", "description": "the secret; shown once"},
    },
    ("id", "name", "prefix", "scopes"),
    extra=True,
)


def routes(config: WebConfig) -> list[RouteSpec]:
    return [
        RouteSpec(
            "POST",
            "/auth/login",
            login,
            "Exchange a username and password for a JWT",
            "auth",
            auth="public",
            limit="login",
            body=obj(
                {"username": string(1, 64), "password": string(1, 128)},
                ("username", "password"),
            ),
            response=obj(
                {
                    "access_token": string(),
                    "token_type": {"type": "string", "enum": ["bearer"]},
                    "expires_in": integer(),
                },
                ("access_token", "token_type", "expires_in"),
            ),
            errors=(401, 422, 429),
        ),
        RouteSpec("GET", "/me", me, "The caller's account", "auth", response=USER),
        RouteSpec(
            "POST",
            "/auth/api-keys",
            create_key,
            "Create an API key (the secret is returned once)",
            "auth",
            body=obj(
                {
                    "name": string(1, 64),
                    "scopes": array(
                        {"type": "string", "enum": ["read", "write", "admin"]}, max_items=3
                    ),
                    "expires_in_days": integer(1, 3650),
                },
                ("name",),
            ),
            response=KEY,
            status=201,
            errors=(403, 422),
        ),
        RouteSpec(
            "GET",
            "/auth/api-keys",
            list_keys,
            "The caller's API keys (never their secrets)",
            "auth",
            response=obj({"items": array(KEY, 1000)}, ("items",)),
        ),
        RouteSpec(
            "DELETE",
            "/auth/api-keys/{id}",
            revoke_key,
            "Revoke one of the caller's API keys",
            "auth",
            params=(ID_PATH,),
            status=204,
            errors=(404,),
        ),
        RouteSpec(
            "POST",
            "/auth/link",
            link,
            "Join this account with the account that issued a link code (from a bot)",
            "auth",
            body=obj({"code": string(1, 64)}, ("code",)),
            response=USER,
            errors=(422,),
        ),
        RouteSpec(
            "POST",
            "/auth/link-code",
            link_code,
            "Issue a link code to redeem from a bot (/link CODE)",
            "auth",
            body=obj({}),
            body_required=False,
            response=obj({"code": string(), "expires_in": integer()}, ("code",)),
            status=201,
        ),
    ]
