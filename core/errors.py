"""One error type for every core service, so each door (REST, Telegram, Discord) can show it.

`code` maps to an HTTP status in web/ and to a short reply in bot/; `field` names the bad input.
"""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refused request: bad input, missing object, no permission. Never a crash."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        details = dict(self.details)
        if self.field:
            details["field"] = self.field
        return {"code": self.code, "message": self.message, "details": details}


class InvalidInput(ServiceError):
    code = "invalid"


class NotFound(ServiceError):
    code = "not_found"


class Conflict(ServiceError):
    code = "conflict"


class Unauthorized(ServiceError):
    code = "unauthorized"


class Forbidden(ServiceError):
    code = "forbidden"


class RateLimited(ServiceError):
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float, **details: Any) -> None:
        super().__init__(message, retry_after=round(retry_after, 3), **details)
        self.retry_after = retry_after


class StartupError(Exception):
    """Something the operator can fix stops start-up (port in use, database unreachable, ...).

    The command line prints `message` as one line and exits 2; `--debug` adds the traceback.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def connection_failure(exc: BaseException) -> str:
    """A short reason for a failed connection, from the error or what it wraps."""
    import socket

    seen = exc
    while seen.__cause__ is not None and type(seen).__name__ == "DBConnectionError":
        seen = seen.__cause__
    if isinstance(seen, socket.gaierror):
        return "host name not found"
    if isinstance(seen, ConnectionRefusedError):
        return "connection refused (nothing listens there)"
    if isinstance(seen, TimeoutError):
        return "timed out"
    if isinstance(seen, OSError) and seen.strerror:
        return seen.strerror[0].lower() + seen.strerror[1:]
    text = " ".join(str(seen).split()) or type(seen).__name__
    return text[:200]
