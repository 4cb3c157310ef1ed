"""Typed keys for the aiohttp application and requests (never bare string keys)."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from aiohttp import web

from core.ratelimit import Decision
from core.runtime import App

if TYPE_CHECKING:
    from core.monitors.websub import WebSub
    from web.cache import TTLCache
    from web.config import WebConfig
    from web.schema import RouteSpec
    from web.security import Principal
    from web.ws import WsHub

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

APP_KEY = web.AppKey("tge_app", App)
CONFIG_KEY: web.AppKey[WebConfig] = web.AppKey("tge_web_config")
HUB_KEY: web.AppKey[WsHub] = web.AppKey("tge_ws_hub")
ALERTS_CACHE_KEY: web.AppKey[TTLCache[bytes]] = web.AppKey("tge_alerts_cache")
AUTH_CACHE_KEY: web.AppKey[TTLCache[Principal]] = web.AppKey("tge_auth_cache")
SPECS_KEY: web.AppKey[dict[Any, RouteSpec]] = web.AppKey("tge_route_specs")
ROUTES_KEY: web.AppKey[list[RouteSpec]] = web.AppKey("tge_route_table")
WEBSUB_KEY: web.AppKey[WebSub] = web.AppKey("tge_websub")
# TRUSTED_PROXIES, parsed once: peers whose X-Forwarded-For is believed
TRUSTED_PROXIES_KEY: web.AppKey[tuple[IPNetwork, ...]] = web.AppKey("tge_trusted_proxies")

REQUEST_ID: web.RequestKey[str] = web.RequestKey("tge_request_id")
SPEC: web.RequestKey[RouteSpec] = web.RequestKey("tge_spec")
PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("tge_principal")
PARAMS: web.RequestKey[dict[str, Any]] = web.RequestKey("tge_params")
BODY: web.RequestKey[Any] = web.RequestKey("tge_body")
RATE: web.RequestKey[Decision] = web.RequestKey("tge_rate_decision")
CLIENT_IP: web.RequestKey[str] = web.RequestKey("tge_client_ip")
