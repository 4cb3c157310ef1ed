"""Login, the caller's account, API keys and account linking."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.commands.accounts import link_and_tell
from core.errors import RateLimited
from core.models import APIKey, User
from core.ratelimit.base import LOGIN_ACCOUNT_LIMIT
from web.config import WebConfig
from web.keys import AUTH_CACHE_KEY, HUB_KEY, RATE
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
    """Per IP (the route's limit) and per account name: a spray over many addresses is
    slowed too. The account limit counts names that do not exist alike, and every failure
    is the same 401, so neither reveals who has an account."""
    data = body(request)
    app = app_of(request)
    username = data["username"]
    decision = await app.limiter.hit(LOGIN_ACCOUNT_LIMIT, username.strip().lower())
    if decision is not None and not decision.allowed:
        request[RATE] = decision  # its Retry-After goes on the 429
        app.metrics.rate_limited.labels(LOGIN_ACCOUNT_LIMIT).inc()
        raise RateLimited(
            "too many login attempts for this account; try again later",
            retry_after=decision.retry_after_s,
            limit=LOGIN_ACCOUNT_LIMIT,
        )
    user = await app.accounts.authenticate(username, data["password"])
    return json_response(app.accounts.issue_token(user))


async def logout_all(request: web.Request) -> web.Response:
    """End every session of the caller: all JWTs so far stop working, WebSockets close."""
    await app_of(request).accounts.logout_all(principal(request).user)
    _sessions_changed(request)
    return web.Response(status=204)


def _sessions_changed(request: web.Request) -> None:
    """Credentials changed: forget cached ones, re-check this process's sockets now."""
    request.app[AUTH_CACHE_KEY].clear()
    request.app[HUB_KEY].recheck_soon()


async def change_password(request: web.Request) -> web.Response:
    """A new password ends every other session; the reply carries a fresh token."""
    data = body(request)
    accounts = app_of(request).accounts
    user = principal(request).user
    await accounts.change_password(user, data["current_password"], data["new_password"])
    _sessions_changed(request)
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
    who = principal(request)
    key, secret = await app_of(request).accounts.create_api_key(
        who.user,
        data["name"],
        scopes=data.get("scopes"),
        expires_in_days=data.get("expires_in_days"),
        parent=who.api_key,  # a key never mints a wider or longer-lived key
    )
    out = key_json(key)
    out["key"] = secret
    return json_response(out, status=201)


async def list_keys(request: web.Request) -> web.Response:
    keys = await app_of(request).accounts.list_api_keys(principal(request).user)
    return json_response({"items": [key_json(k) for k in keys]})


async def revoke_key(request: web.Request) -> web.Response:
    await app_of(request).accounts.revoke_api_key(principal(request).user, params(request)["id"])
    _sessions_changed(request)
    return web.Response(status=204)


async def link(request: web.Request) -> web.Response:
    """Without `confirm: true` only says what would be merged; with it, merges and tells
    the code's issuer."""
    data = body(request)
    app = app_of(request)
    redeemer = principal(request).user
    preview = await app.accounts.preview_link(redeemer, data["code"])
    if data.get("confirm") is not True:
        return json_response(
            {"confirmed": False, "preview": preview.describe(), "drops_admin": preview.drops_admin}
        )
    user = await link_and_tell(app, redeemer, data["code"], preview)
    request.app[AUTH_CACHE_KEY].clear()  # the redeeming account may have been merged away
    out = user_json(user)
    out.update(confirmed=True, preview=preview.describe())
    return json_response(out)


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
            "Join this account into the account that issued a link code (from a bot); "
            "without confirm=true only shows what would be merged",
            "auth",
            body=obj({"code": string(1, 64), "confirm": {"type": "boolean"}}, ("code",)),
            response=obj(
                {"confirmed": {"type": "boolean"}, "preview": string()},
                ("confirmed", "preview"),
                extra=True,
            ),
            errors=(422,),
        ),
        RouteSpec(
            "POST",
            "/auth/logout-all",
            logout_all,
            "End every session of the caller (JWTs and their WebSockets)",
            "auth",
            body=obj({}),
            body_required=False,
            status=204,
        ),
        RouteSpec(
            "POST",
            "/auth/password",
            change_password,
            "Change the caller's password; every other session ends",
            "auth",
            body=obj(
                {"current_password": string(1, 128), "new_password": string(1, 128)},
                ("current_password", "new_password"),
            ),
            response=obj(
                {"access_token": string(), "token_type": string(), "expires_in": integer()},
                ("access_token",),
            ),
            errors=(401, 422),
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
