"""The OpenAPI 3.1 document, generated from the same route table that validates requests."""

from __future__ import annotations

import re
from typing import Any

from web.schema import RouteSpec

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
        }
    },
}
DESCRIPTIONS = {
    400: "Malformed request (e.g. body is not JSON)",
    401: "Missing, invalid, expired or ambiguous credentials (see the security schemes)",
    403: "Authenticated but not allowed (admin only, or API key scope)",
    404: "Not found (including other users' objects)",
    409: "Conflicts with an existing object",
    422: "Validation failed; details.field names the input",
    429: "Rate limited; see Retry-After and X-RateLimit-* headers",
    503: "A dependency or service is unavailable",
}
WS_NOTE = (
    'WebSocket at `/ws`: send `{"type":"auth","data":{"token":...}}` (or '
    "`api_key`), or authenticate with the request headers; then `subscribe` with "
    '`{"confidence_threshold": 0.7, "companies": ["Foo"]}`, `unsubscribe`, `ping`, '
    "`status`. The server sends `alert`, `heartbeat`, `status`, `pong` and `error`."
)


NO_NUL = "^[^\\u0000]*$"
AUTH_NOTE = (
    "Send one credential: a JWT or an API key as `Authorization: Bearer`, or an API key as "
    "`X-API-Key`. Ambiguous "
    "credentials are refused: a request that carries both `Authorization` and `X-API-Key` "
    "gets 401 when either is invalid or they name different users (or different keys); "
    "when both are valid for the same user the API key's scopes apply."
)


def request_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A request schema as documented: strings without a pattern say they refuse NUL.

    The server refuses NUL in any input (PostgreSQL text cannot hold it); the route table
    leaves that to the parser, the document states it.
    """
    out = dict(schema)
    kinds = out.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "string" in kinds and "pattern" not in out and "enum" not in out:
        out["pattern"] = NO_NUL
    if isinstance(out.get("items"), dict):
        out["items"] = request_schema(out["items"])
    if isinstance(out.get("properties"), dict):
        out["properties"] = {k: request_schema(v) for k, v in out["properties"].items()}
    return out


def _operation_id(spec: RouteSpec) -> str:
    words = re.sub(r"[{}]", "", spec.path).strip("/").replace("-", "_").replace("/", "_")
    return f"{spec.method.lower()}_{words or 'root'}".replace(".", "_")


def _operation(spec: RouteSpec) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": _operation_id(spec),
        "summary": spec.summary,
        "tags": [spec.tag],
    }
    if spec.params:
        op["parameters"] = [
            {
                "name": p.name,
                "in": p.where,
                "required": p.required or p.where == "path",
                "schema": request_schema(p.schema),
                **({"description": p.description} if p.description else {}),
            }
            for p in spec.params
        ]
    if spec.body is not None:
        op["requestBody"] = {
            "required": spec.body_required,
            "content": {"application/json": {"schema": request_schema(spec.body)}},
        }
    ok: dict[str, Any] = {"description": "Success"}
    if spec.status != 204:
        media: dict[str, Any] = {}
        if spec.response is not None:
            media["schema"] = spec.response
        ok["content"] = {spec.content_type: media}
    responses: dict[str, Any] = {str(spec.status): ok}
    codes = set(spec.errors)
    if spec.auth != "public":
        codes |= {401, 403}
        op["security"] = [{"bearerAuth": []}, {"apiKeyAuth": []}]
    else:
        op["security"] = []
    if spec.params or spec.body is not None:
        codes.add(422)
    if spec.body is not None:
        codes.add(400)
    if spec.limit:
        codes.add(429)
    for code in sorted(codes):
        responses[str(code)] = {
            "description": DESCRIPTIONS.get(code, "Error"),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    op["responses"] = responses
    return op


def build_openapi(routes: list[RouteSpec]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for spec in routes:
        if spec.documented:
            paths.setdefault(spec.path, {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "TGE Monitor API",
            "version": "0.1.0",
            "description": "Token Generation Event alerts over REST and WebSocket.\n\n"
            + AUTH_NOTE
            + "\n\n"
            + WS_NOTE,
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT, or an API key (tge_...)",
                    "description": AUTH_NOTE,
                },
                "apiKeyAuth": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-API-Key",
                    "description": AUTH_NOTE,
                },
            },
        },
    }


def as_openapi_30(doc: Any) -> Any:
    """The same document in OpenAPI 3.0 form, for the bundled Swagger UI (4.x reads 3.0 only).

    The only 3.1 construct the generator emits is a type list (`["string", "null"]`): it
    becomes `type` + `nullable`, or `anyOf` when several real types remain.
    """
    if isinstance(doc, list):
        return [as_openapi_30(v) for v in doc]
    if not isinstance(doc, dict):
        return doc
    out = {k: as_openapi_30(v) for k, v in doc.items()}
    if doc.get("openapi", "").startswith("3.1"):
        out["openapi"] = "3.0.3"
    kinds = doc.get("type")
    if isinstance(kinds, list):
        real = [k for k in kinds if k != "null"]
        del out["type"]
        if len(real) == 1:
            out["type"] = real[0]
        elif real:
            out["anyOf"] = [{"type": k} for k in real]
        if "null" in kinds:
            out["nullable"] = True
    return out
