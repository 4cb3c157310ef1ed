"""Middlewares, outermost first: request id + access log + metrics, errors, dispatch.

`dispatch` reads the matched route's spec: authenticates (401/403), applies the route's
rate limit (429 with headers), and validates path/query parameters and the JSON body (422
naming the field), so handlers only see checked input.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from random import getrandbits

from aiohttp import web
from aiohttp.typedefs import Handler

from core.errors import Forbidden, RateLimited, ServiceError, Unauthorized
from web.errors import CODE_BY_STATUS, ApiError, error_response, service_error_response
from web.keys import (
    APP_KEY,
    AUTH_CACHE_KEY,
    BODY,
    CONFIG_KEY,
    PARAMS,
    PRINCIPAL,
    RATE,
    REQUEST_ID,
    ROUTES_KEY,
    SPEC,
    SPECS_KEY,
)
from web.schema import RouteSpec, coerce, parse_json, validate
from web.security import client_ip, request_principal

log = logging.getLogger(__name__)
access_log = logging.getLogger("web.access")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    ),
}


def _new_request_id() -> str:
    # 32 hex digits like uuid4().hex, several times cheaper: an id to find a request in
    # the logs is not a secret, so it needs no call into the OS's CSPRNG per request
    return f"{getrandbits(128):032x}"


@web.middleware
async def access_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Request id (echoed), security headers, latency histogram and one access-log line."""
    incoming = request.headers.get("X-Request-ID")
    if incoming is not None and _REQUEST_ID_RE.match(incoming):
        request_id = incoming
    else:
        request_id = _new_request_id()
    request[REQUEST_ID] = request_id
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        if not response.prepared:
            headers = response.headers
            headers["X-Request-ID"] = request_id
            for name, value in SECURITY_HEADERS.items():
                if name not in headers:
                    headers[name] = value
        return response
    except web.HTTPException as exc:  # redirects and the like pass through the error layer
        status = exc.status
        raise
    finally:
        elapsed = time.perf_counter() - started
        spec = request.get(SPEC)
        webapp = request.app
        webapp[APP_KEY].metrics.observe_request(
            request.method, spec.path if spec is not None else "unmatched", status, elapsed
        )
        if webapp[CONFIG_KEY].access_log and access_log.isEnabledFor(logging.INFO):
            access_log.info(
                "%s %s %s %.1fms ip=%s rid=%s",
                request.method,
                _loggable_path(request, spec),
                status,
                elapsed * 1000,
                client_ip(request),
                request_id,
            )


def _loggable_path(request: web.Request, spec: RouteSpec | None) -> str:
    """The path for the access log: secret path parameters (unsubscribe tokens) masked."""
    if spec is None or not any(p.secret and p.where == "path" for p in spec.params):
        return request.path
    path = spec.path
    for param in spec.params:
        if param.where == "path":
            value = "***" if param.secret else request.match_info.get(param.name, "")
            path = path.replace(f"{{{param.name}}}", value)
    return path


def _allow(request: web.Request, allow: str) -> str:
    """The methods of the one declared route with this exact path (POST /companies/import),
    not aiohttp's union with a parameterised neighbour (/companies/{ref})."""
    exact = sorted({s.method for s in request.app[ROUTES_KEY] if s.path == request.path})
    return ",".join(exact) if exact else allow


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure becomes the JSON error shape; never a stack trace in a response."""
    try:
        return await handler(request)
    except ServiceError as exc:
        response = service_error_response(exc)
        if exc.code == "request_timeout":
            response.force_close()  # the rest of a trickled body is not waited for
        decision = request.get(RATE)
        if decision is not None:
            response.headers.update(decision.headers())
        elif isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(max(1, int(exc.retry_after + 0.999)))
        return response
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = CODE_BY_STATUS.get(exc.status, "bad_request" if exc.status < 500 else "internal")
        response = error_response(code, exc.reason or code, status=exc.status)
        if exc.status == 405 and "Allow" in exc.headers:
            response.headers["Allow"] = _allow(request, exc.headers["Allow"])
        return response
    except Exception:
        log.exception(
            "unhandled error on %s %s rid=%s", request.method, request.path, request.get(REQUEST_ID)
        )
        return error_response(
            "internal",
            "internal error; quote the request id when reporting it",
            {"request_id": request.get(REQUEST_ID)},
            status=500,
        )


async def _rate(request: web.Request, name: str, key: str) -> None:
    decision = await request.app[APP_KEY].limiter.hit(name, key)
    if decision is None:
        return
    request[RATE] = decision
    if not decision.allowed:
        request.app[APP_KEY].metrics.rate_limited.labels(name).inc()
        raise RateLimited("rate limit exceeded", retry_after=decision.retry_after_s, limit=name)


async def _body(request: web.Request, spec: RouteSpec) -> None:
    too_large = ApiError(
        "payload_too_large", f"request body is larger than {spec.max_body} bytes", field="body"
    )
    if request.content_length is not None and request.content_length > spec.max_body:
        raise too_large
    limit = request.app[CONFIG_KEY].body_timeout_s
    try:
        async with asyncio.timeout(limit):  # a client trickling its body is cut off
            raw = await request.read()
    except TimeoutError:
        raise ApiError(
            "request_timeout", f"the request body did not arrive within {limit:g}s"
        ) from None
    if len(raw) > spec.max_body:
        raise too_large
    if not raw.strip():
        if spec.body_required:
            raise ApiError("invalid", "a JSON body is required", field="body")
        request[BODY] = {}
        return
    try:
        body = parse_json(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError("invalid_json", f"request body is not valid JSON: {exc}") from None
    assert spec.body is not None
    request[BODY] = validate(body, spec.body)


@web.middleware
async def dispatch_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Auth, rate limit and validation for routes in the table; others pass through."""
    spec = request.app[SPECS_KEY].get(request.match_info.route)
    if spec is None:
        return await handler(request)
    request[SPEC] = spec
    webapp = request.app
    app = webapp[APP_KEY]
    if spec.auth != "public":
        try:
            principal = await request_principal(app, request, webapp[AUTH_CACHE_KEY])
        except Unauthorized:
            # failed credentials spend the IP's budget
            await _rate(request, "ip", client_ip(request))
            raise
        if principal is None:
            await _rate(request, "ip", client_ip(request))
            raise Unauthorized("authentication required: send a Bearer token or X-API-Key")
        if spec.auth == "admin" and not principal.is_admin:
            raise Forbidden("admin only")
        if spec.scope:  # empty: the handler checks the scope itself (POST /commands/*)
            principal.require_scope(spec.scope)
        request[PRINCIPAL] = principal
        if spec.limit:
            await _rate(request, spec.limit, principal.rate_key)
    elif spec.limit:
        await _rate(request, spec.limit, client_ip(request))
    params = {}
    for param in spec.params:
        source = request.match_info if param.where == "path" else request.query
        raw = source.get(param.name)
        if raw is None:
            if param.required:
                raise ApiError("invalid", f"{param.name} is required", field=param.name)
            continue
        params[param.name] = coerce(raw, param)
    request[PARAMS] = params
    if spec.body is not None:
        await _body(request, spec)
    response = await handler(request)
    decision = request.get(RATE)
    if decision is not None and not response.prepared:
        response.headers.update(decision.headers())
    return response
