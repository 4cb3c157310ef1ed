"""The route table: each route with its parameters and body as JSON Schema.

One declaration drives three things: request validation (422 naming the field), the
OpenAPI 3.1 document, and the property-based test that throws generated input at every
route. The validator covers the JSON Schema subset the table uses.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from core.errors import InvalidInput

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Param:
    """A query or path parameter; values arrive as strings and are coerced by schema."""

    name: str
    schema: dict[str, Any]
    where: str = "query"
    required: bool = False
    description: str = ""
    secret: bool = False  # never written to the access log (e.g. an unsubscribe token)


@dataclass(frozen=True)
class RouteSpec:
    """One route: what it does, who may call it, what it accepts and returns."""

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    auth: str = "user"  # public | user | admin
    limit: str | None = "general"
    params: tuple[Param, ...] = ()
    body: dict[str, Any] | None = None
    body_required: bool = True
    response: dict[str, Any] | None = None
    status: int = 200
    content_type: str = "application/json"
    documented: bool = True
    errors: tuple[int, ...] = field(default=())
    # the scope to reach the handler when not the method's; "" when the handler checks
    # the key's scope itself (POST /commands/* runs commands of every scope)
    min_scope: str | None = None
    max_body: int = 1024 * 1024  # bytes; larger bodies get a 413

    @property
    def scope(self) -> str:
        """The API-key scope this route needs."""
        if self.auth == "admin":
            return "admin"
        if self.min_scope is not None:
            return self.min_scope
        return "read" if self.method in ("GET", "HEAD") else "write"


# --- little schema builders used by the route modules ----------------------------------


def obj(
    properties: dict[str, Any], required: tuple[str, ...] = (), *, extra: bool = False
) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if not extra:
        schema["additionalProperties"] = False
    return schema


def string(min_length: int = 0, max_length: int | None = None, **more: Any) -> dict[str, Any]:
    """A string; no maxLength unless given (responses echo what requests allowed)."""
    schema: dict[str, Any] = {"type": "string", "minLength": min_length, **more}
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


# what the server enforces on URLs it stores or fetches: http(s) with a host
HTTP_URL = r"[hH][tT][tT][pP][sS]?://[^\s/?#@:\[\]]+(:[0-9]{1,5})?([/?#]\S*)?"


def http_url(max_length: int = 2048, *, optional: bool = False) -> dict[str, Any]:
    """An http(s) URL with a host (and an optional port); `optional` allows ""."""
    pattern = f"^({HTTP_URL})?$" if optional else f"^{HTTP_URL}$"
    return string(0 if optional else 1, max_length, pattern=pattern)


def integer(minimum: int | None = None, maximum: int | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def number(minimum: float | None = None, maximum: float | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def array(items: dict[str, Any], max_items: int = 100) -> dict[str, Any]:
    return {"type": "array", "items": items, "maxItems": max_items}


def listing(item: dict[str, Any], max_page: int) -> dict[str, Any]:
    """A page of items with the cursor for the next one."""
    return obj(
        {"items": array(item, max_page), "next_cursor": {"type": ["string", "null"]}},
        ("items", "next_cursor"),
    )


BOOLEAN: dict[str, Any] = {"type": "boolean"}
ID_PATH = Param("id", integer(1, 2**31 - 1), "path", True, "numeric id")


# cursors are opaque: base64url of what the list is ordered by; only next_cursor makes one
CURSOR_FORMATS = ("cursor-id", "cursor-name", "cursor-alert")


def page_params(max_page: int = 100, cursor_format: str = "cursor-id") -> tuple[Param, ...]:
    assert cursor_format in CURSOR_FORMATS
    return (
        Param("limit", integer(1, max_page), description=f"page size (1-{max_page})"),
        Param(
            "cursor",
            string(1, 200, pattern=r"^[A-Za-z0-9_-]+$", format=cursor_format),
            description="opaque: pass back a next_cursor from this same list, unchanged",
        ),
    )


# --- validation ------------------------------------------------------------------------

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}


def _join(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    return f"{path}.{name}" if path else name


def validate(value: Any, schema: dict[str, Any], path: str = "") -> Any:
    """Check `value` against `schema`; raise InvalidInput whose field is the bad path."""
    where = path or "body"
    types = schema.get("type")
    if types is not None:
        allowed = types if isinstance(types, list) else [types]
        if not any(_TYPES[t](value) for t in allowed):
            if "integer" in allowed and isinstance(value, float) and value.is_integer():
                value = int(value)  # JSON Schema: 30.0 is an integer
            else:
                raise InvalidInput(f"{where} must be {' or '.join(allowed)}", field=where)
    if value is None:
        return value
    if "enum" in schema and value not in schema["enum"]:
        options = ", ".join(str(o) for o in schema["enum"])
        raise InvalidInput(f"{where} must be one of: {options}", field=where)
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            raise InvalidInput(
                f"{where} must be at least {schema['minLength']} characters", field=where
            )
        if len(value) > schema.get("maxLength", math.inf):
            raise InvalidInput(
                f"{where} must be at most {schema['maxLength']} characters", field=where
            )
        if "pattern" in schema and not re.search(schema["pattern"], value):
            rule = schema.get("description")
            message = f"{where} must be {rule}" if rule else f"{where} has an invalid format"
            raise InvalidInput(message, field=where)
        if schema.get("format") == "date-time":
            parse_datetime(value, where)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(f"{where} must be a finite number", field=where)
        if value < schema.get("minimum", -math.inf):
            raise InvalidInput(f"{where} must be >= {schema['minimum']}", field=where)
        if value > schema.get("maximum", math.inf):
            raise InvalidInput(f"{where} must be <= {schema['maximum']}", field=where)
    elif isinstance(value, list):
        if len(value) > schema.get("maxItems", math.inf):
            raise InvalidInput(f"{where} has more than {schema['maxItems']} items", field=where)
        if len(value) < schema.get("minItems", 0):
            raise InvalidInput(f"{where} needs at least {schema['minItems']} items", field=where)
        items = schema.get("items")
        if items:
            value = [validate(item, items, _join(path, i)) for i, item in enumerate(value)]
    elif isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                field_name = _join(path, name)
                raise InvalidInput(f"{field_name} is required", field=field_name)
        checked = {}
        for name, item in value.items():
            if name in props:
                checked[name] = validate(item, props[name], _join(path, name))
                continue
            checked[name] = item
            if schema.get("additionalProperties") is False:
                field_name = _join(path, str(name))
                raise InvalidInput(f"unknown field {field_name!r}", field=field_name)
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            raise InvalidInput(f"{where} needs at least one field", field=where)
        if len(value) > schema.get("maxProperties", math.inf):
            first = _join(path, next((n for n in props if n in value), where))
            raise InvalidInput(
                f"send at most {schema['maxProperties']} of: {', '.join(props)}", field=first
            )
        value = checked
    return value


def parse_datetime(text: str, where: str) -> datetime:
    """An ISO 8601 date-time with a timezone, converted to UTC.

    Every database sees UTC; a value whose UTC form leaves years 1-9999 (0001-01-01T00:00+01:00)
    is refused here, where SQLite would have answered and PostgreSQL's driver overflowed.
    """
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{where} must be an ISO 8601 date-time", field=where) from None
    if parsed.tzinfo is None:
        raise InvalidInput(f"{where} must include a timezone (e.g. Z)", field=where)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(
            f"{where} is out of range: in UTC it must fall within years 1-9999", field=where
        ) from None


_INT_RE = re.compile(r"^[+-]?\d{1,18}(\.0*)?$")  # 30.0 is a whole number too


def coerce(raw: str, param: Param) -> Any:
    """A query/path string to the parameter's type, then validated."""
    schema = param.schema
    kind = schema.get("type")
    if "\x00" in raw:  # PostgreSQL text cannot hold NUL: refuse it here, not with a 500 there
        raise InvalidInput(f"{param.name} must not contain NUL characters", field=param.name)
    value: Any = raw
    if kind == "integer":
        if not _INT_RE.match(raw.strip()):
            raise InvalidInput(f"{param.name} must be an integer", field=param.name)
        value = int(raw.strip().split(".", 1)[0])
    elif kind == "number":
        try:
            value = float(raw)
        except ValueError:
            raise InvalidInput(f"{param.name} must be a number", field=param.name) from None
    elif kind == "boolean":
        low = raw.strip().lower()
        if low not in ("true", "false", "1", "0"):
            raise InvalidInput(f"{param.name} must be true or false", field=param.name)
        value = low in ("true", "1")
    elif kind == "array":
        value = [part.strip() for part in raw.split(",") if part.strip()]
    return validate(value, schema, param.name)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# far below the interpreter's recursion limit, so what is accepted can be encoded back
MAX_JSON_DEPTH = 64


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _has_nul(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_json(raw: bytes | str) -> Any:
    """Strict JSON (no NaN/Infinity); ValueError on anything malformed.

    Nesting deeper than MAX_JSON_DEPTH, lone surrogates (`"\\ud800"`, which no database
    or hash can encode) and NUL (`"\\u0000"`, which PostgreSQL text cannot hold) are
    malformed too.
    """
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    try:
        value = json.loads(text, parse_constant=_reject_constant)
        if _too_deep(value):
            raise RecursionError
        if _SURROGATE_ESCAPE.search(text):
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        if "\\u0000" in text and _has_nul(value):
            raise ValueError("strings must not hold NUL (\\u0000) characters")
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_JSON_DEPTH} levels") from None
    except UnicodeEncodeError:
        raise ValueError("strings must not hold lone surrogates (\\ud800-\\udfff)") from None
    return value
