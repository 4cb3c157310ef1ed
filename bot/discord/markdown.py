"""The one escaping helper for Discord Markdown: every untrusted string that goes into a
Discord message (alert embeds, digests, command replies) passes through here.

discord.py's `escape_markdown` leaves `[`, `]`, `(` and `)` alone, so a feed title
`Claim here](https://evil.example) and` closed our link and opened the attacker's. Here
those are escaped too, mentions are broken with a zero-width space (on top of
`allowed_mentions: none`, so `@everyone` does not even look like a ping), and a link's
URL is percent-encoded so nothing in it can end the link early.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# Markdown syntax anywhere in a line; each is shown literally after a backslash
_SPECIAL = re.compile(r"([\\`*_~|\[\]()])")
# syntax only at the start of a line: headings, quotes, lists, subtext
_LINE_START = re.compile(r"^(\s*)([#>+\-])", re.MULTILINE)
_MENTION = re.compile(r"@(?=\S)")
ZERO_WIDTH_SPACE = "\u200b"
# what may stay unencoded inside (...) of a Markdown link: no brackets, parens, spaces
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


def escape(text: str | None) -> str:
    """`text` shown exactly as written: no formatting, no links, no mentions."""
    if not text:
        return ""
    escaped = _SPECIAL.sub(r"\\\1", text)
    escaped = _LINE_START.sub(r"\1\\\2", escaped)
    return _MENTION.sub("@" + ZERO_WIDTH_SPACE, escaped)


def safe_url(url: str | None) -> str | None:
    """An http(s) URL that cannot break out of a Markdown link, or None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return quote(url.strip(), safe=_URL_SAFE)


def link(label: str, url: str | None) -> str:
    """`[label](url)` with both parts made safe; just the escaped label without a good URL."""
    target = safe_url(url)
    text = escape(label)
    return f"[{text}]({target})" if target else text
