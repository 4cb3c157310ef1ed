"""Who is calling: a Bearer JWT, or an API key (as Bearer or X-API-Key), through core accounts."""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from core.errors import Unauthorized
from core.models import APIKey, Role, User
from core.runtime import App
from core.services.accounts import API_KEY_PREFIX, require_scope
from web.cache import TTLCache
from web.keys import CLIENT_IP, TRUSTED_PROXIES_KEY, IPNetwork


@dataclass(frozen=True)
class Principal:
    """The authenticated caller; `api_key` is set when the call used one."""

    user: User
    api_key: APIKey | None = None
    token_expires_at: datetime | None = None
    token_version: int = 0  # the JWT's version, kept apart from the (shared) User object

    @property
    def is_admin(self) -> bool:
        return self.user.role == Role.ADMIN

    @property
    def rate_key(self) -> str:
        """Limits are per API key when one is used, else per user."""
        return f"k{self.api_key.id}" if self.api_key else f"u{self.user.id}"

    @property
    def scopes(self) -> list[str] | None:
        """The key's scopes; None for a full session (JWT)."""
        return None if self.api_key is None else list(self.api_key.scopes or [])

    def require_scope(self, scope: str) -> None:
        require_scope(self.scopes, scope)  # the same check the commands and the bots use


def is_api_key(credential: str) -> bool:
    """API keys carry a recognisable prefix (`tge_`); JWTs start with `eyJ`."""
    return credential.startswith(f"{API_KEY_PREFIX}_")


async def credentials_principal(app: App, *, token: Any = None, api_key: Any = None) -> Principal:
    """A principal from a raw token or key (REST headers and the WebSocket auth message)."""
    if isinstance(token, str) and is_api_key(token.strip()):
        token, api_key = None, token  # an API key sent where a token goes
    if token is not None:
        claims = app.accounts.verify_token(token)
        return Principal(
            await app.accounts.user_from_token(token),
            token_expires_at=claims.expires_at,
            token_version=claims.token_version,
        )
    if api_key is not None:
        user, key = await app.accounts.verify_api_key(api_key)
        return Principal(user, key)
    raise Unauthorized("authentication required: send a Bearer token or X-API-Key")


async def request_principal(
    app: App, request: web.Request, cache: TTLCache[Principal] | None = None
) -> Principal | None:
    """The caller of an HTTP request, None when it carries no credentials at all.

    One rule for two credentials: with both `Authorization` and `X-API-Key`, either being
    invalid is a 401, and so is the pair naming different users (or different keys); a
    JWT and a key of the same user act with the key's (narrower) scopes.
    """
    header = request.headers.get("Authorization")
    key = request.headers.get("X-API-Key")
    if header is None:
        return None if key is None else await credentials_principal(app, api_key=key)
    bearer = await _bearer_principal(app, header, cache)
    if key is None:
        return bearer
    keyed = await credentials_principal(app, api_key=key)
    if keyed.user.id != bearer.user.id or (
        bearer.api_key is not None and bearer.api_key.id != keyed.api_key.id  # type: ignore[union-attr]
    ):
        raise Unauthorized(
            "ambiguous credentials: Authorization and X-API-Key disagree; send only one"
        )
    return keyed


async def _bearer_principal(app: App, header: str, cache: TTLCache[Principal] | None) -> Principal:
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Authorization header must be 'Bearer <token or API key>'")
    if is_api_key(token):
        return await credentials_principal(app, api_key=token)
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


def _trusted(address: str, networks: tuple[IPNetwork, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: web.Request) -> str:
    """The caller's address: the peer, or, when the peer is a trusted proxy (TRUSTED_PROXIES),
    the nearest X-Forwarded-For hop that is not itself a trusted proxy.

    Hops are read right to left: everything left of the first untrusted hop was written by
    the client and may be forged, so it never counts.
    """
    cached = request.get(CLIENT_IP)
    if cached is not None:
        return cached
    peer = request.remote or "unknown"
    networks = request.app[TRUSTED_PROXIES_KEY]
    address = peer
    if networks and _trusted(peer, networks):
        hops = ",".join(request.headers.getall("X-Forwarded-For", [])).split(",")
        for hop in reversed([h.strip() for h in hops if h.strip()]):
            try:
                address = str(ipaddress.ip_address(hop))
            except ValueError:
                break  # garbage: keep the last good hop
            if not _trusted(address, networks):
                break
    request[CLIENT_IP] = address
    return address
