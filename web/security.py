"""Who is calling: a Bearer JWT or an X-API-Key, resolved through core accounts."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from core.errors import Forbidden, Unauthorized
from core.models import APIKey, Role, User
from core.runtime import App
from web.cache import TTLCache


@dataclass(frozen=True)
class Principal:
    """The authenticated caller; `api_key` is set when the call used one."""

    user: User
    api_key: APIKey | None = None

    @property
    def is_admin(self) -> bool:
        return self.user.role == Role.ADMIN

    @property
    def rate_key(self) -> str:
        """Limits are per API key when one is used, else per user."""
        return f"k{self.api_key.id}" if self.api_key else f"u{self.user.id}"

    def require_scope(self, scope: str) -> None:
        if self.api_key is None:
            return
        scopes = set(self.api_key.scopes or ())
        if scope not in scopes and "admin" not in scopes:
            raise Forbidden(f"this API key lacks the {scope!r} scope", scope=scope)


async def credentials_principal(app: App, *, token: Any = None, api_key: Any = None) -> Principal:
    """A principal from a raw token or key (REST headers and the WebSocket auth message)."""
    if token is not None:
        return Principal(await app.accounts.user_from_token(token))
    if api_key is not None:
        user, key = await app.accounts.verify_api_key(api_key)
        return Principal(user, key)
    raise Unauthorized("authentication required: send a Bearer token or X-API-Key")


async def request_principal(
    app: App, request: web.Request, cache: TTLCache[Principal] | None = None
) -> Principal | None:
    """The caller of an HTTP request, None when it carries no credentials at all."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Authorization header must be 'Bearer <token>'")
        if cache is None:
            return await credentials_principal(app, token=token)
        cached = cache.get(token)
        if cached is not None:
            return cached
        # a bad token fails here, before the cache; a good one is never cached past its expiry
        left = app.accounts.verify_token(token).expires_at.timestamp() - time.time()
        return await cache.get_or_load(
            token, lambda: credentials_principal(app, token=token), min(cache.ttl_s, left)
        )
    key = request.headers.get("X-API-Key")
    if key is not None:
        return await credentials_principal(app, api_key=key)
    return None


def client_ip(request: web.Request, trust_forwarded: bool) -> str:
    if trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "")
        first = forwarded.split(",", 1)[0].strip()
        if first:
            return first[:64]
    return request.remote or "unknown"
