"""Every error as one JSON shape: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from core.errors import ServiceError

STATUS_BY_CODE: dict[str, int] = {
    "invalid": 422,
    "not_found": 404,
    "conflict": 409,
    "unauthorized": 401,
    "forbidden": 403,
    "rate_limited": 429,
    "bad_request": 400,
    "invalid_json": 400,
    "payload_too_large": 413,
    "request_timeout": 408,
    "method_not_allowed": 405,
    "unavailable": 503,
    "internal": 500,
}

CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "payload_too_large",
    422: "invalid",
    429: "rate_limited",
    503: "unavailable",
}


class ApiError(ServiceError):
    """A web-level refusal with an explicit code (bad JSON, service not deployed)."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message, **details)
        self.code = code


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(
    code: str, message: str, details: dict[str, Any] | None = None, *, status: int | None = None
) -> web.Response:
    status = status or STATUS_BY_CODE.get(code, 400)
    return web.json_response(error_body(code, message, details), status=status)


def service_error_response(exc: ServiceError) -> web.Response:
    body = exc.to_dict()
    response = error_response(body["code"], body["message"], body["details"])
    if exc.code == "unauthorized":
        response.headers["WWW-Authenticate"] = 'Bearer realm="tge-monitor"'
    return response
