"""One reader of X (Twitter) account names, for X feeds, company handles and the link guard.

Users write an account every way X shows it: `@LayerZero_Labs`, `x.com/LayerZero_Labs`,
`https://twitter.com/LayerZero_Labs/status/1`, `mobile.x.com/...`. Reading them in one place
keeps a feed, a company's official handle and a link check agreeing on what an account is.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
# x.com paths that are pages, not accounts
NOT_ACCOUNTS = frozenset(
    "home explore search hashtag i intent share settings messages notifications login signup "
    "tos privacy compose".split()
)
X_HOSTS = ("x.com", "twitter.com")


def x_handle(text: str, *, bare_is_handle: bool = True) -> str | None:
    """The account named by `@Name`, an x.com/twitter.com link, or (if allowed) a bare `Name`.

    Case is kept (X compares handles case-insensitively; callers lower-case to compare).
    None when the text names no account, e.g. `x.com/explore` or `@no-dashes`.
    """
    raw = (text or "").strip()
    if raw.startswith("@"):
        name = raw[1:]
        return name if HANDLE.match(name) else None
    candidate = raw if "://" in raw else f"https://{raw}"
    try:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").lower()
    except ValueError:
        host = ""
    if host.removeprefix("www.").removeprefix("mobile.") in X_HOSTS:
        segments = [s for s in parts.path.split("/") if s]
        if segments and HANDLE.match(segments[0]) and segments[0].lower() not in NOT_ACCOUNTS:
            return segments[0]
        return None
    if bare_is_handle and HANDLE.match(raw):
        return raw
    return None
