"""Helpers the route modules share: JSON responses, services, cursors, serialisation."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from aiohttp import web

from core.errors import InvalidInput
from core.runtime import App
from web.errors import ApiError
from web.keys import APP_KEY, BODY, CONFIG_KEY, PARAMS, PRINCIPAL
from web.security import Principal

T = TypeVar("T")
SECRET_FIELDS = frozenset(
    {"password_hash", "secret_hash", "secret", "verify_code_hash", "unsubscribe_token"}
)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def dumps(data: Any) -> str:
    return json.dumps(data, default=_default, separators=(",", ":"))


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=dumps)


def app_of(request: web.Request) -> App:
    return request.app[APP_KEY]


def principal(request: web.Request) -> Principal:
    return request[PRINCIPAL]


def params(request: web.Request) -> dict[str, Any]:
    return request[PARAMS]


def body(request: web.Request) -> Any:
    return request[BODY]


def service(request: web.Request, name: str) -> Any:
    """A core service by attribute name, or 503 while that part is not deployed."""
    found = getattr(request.app[APP_KEY], name, None)
    if found is None:
        raise ApiError("unavailable", f"the {name} service is not available in this build")
    return found


def model_json(obj: Any) -> dict[str, Any]:
    """A model's columns without secrets (for services that offer no to_json)."""
    out: dict[str, Any] = {}
    for name in obj._meta.db_fields:
        if name in SECRET_FIELDS:
            continue
        value = getattr(obj, name, None)
        out[name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def to_json(svc: Any, obj: Any, **kwargs: Any) -> dict[str, Any]:
    convert = getattr(svc, "to_json", None)
    if convert is not None:
        return convert(obj, **kwargs)
    return model_json(obj)


def encode_cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Any:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("cursor is not valid", field="cursor") from None


def page(
    request: web.Request, items: Sequence[T], key: Callable[[T], Any], default_limit: int = 50
) -> tuple[list[T], str | None]:
    """Keyset pagination over an ordered list: items after the cursor's key, `limit` of them."""
    p = params(request)
    limit = min(p.get("limit", default_limit), request.app[CONFIG_KEY].max_page)
    start = 0
    if "cursor" in p:
        after = decode_cursor(p["cursor"])
        try:
            start = next((i for i, item in enumerate(items) if key(item) > after), len(items))
        except TypeError:
            raise InvalidInput("cursor is not valid", field="cursor") from None
    chunk = list(items[start : start + limit])
    more = start + limit < len(items)
    return chunk, encode_cursor(key(chunk[-1])) if more and chunk else None
