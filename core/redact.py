"""Masking secrets that ride inside URLs and error text (API keys in feed query strings,
passwords in userinfo, tokens in paths) before they reach a log line, an API response
or the public health page. One helper, used everywhere such text leaves the service.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
# a query or fragment parameter whose name says it may be a secret: api_key, token, sig...
_SECRET_PARAM = re.compile(
    r"(?i)([?&;#](?:[\w.\-\[\]]*?)"
    r"(?:key|token|secret|passw(?:or)?d|pwd|sig|signature|auth|session|credential|hash|code)"
    r"(?:[\w.\-\[\]]*?)=)([^&#\s'\"<>]+)"
)
# user:password@ in a URL
_USERINFO = re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://[^/\s:@]+:)([^@\s/]+)(@)")
# the Telegram bot token in an API path: /bot123456:ABC.../
_BOT_TOKEN = re.compile(r"(/bot)(\d+:[A-Za-z0-9_\-]+)")
# one-click unsubscribe links: whoever has the token can unsubscribe
_UNSUBSCRIBE = re.compile(r"(/unsubscribe/)([^/\s?#'\"<>]+)")


def mask_secrets(text: str | None) -> str | None:
    """`text` with secret-looking URL parts replaced by ***; other text unchanged."""
    if not text:
        return text
    out = _SECRET_PARAM.sub(lambda m: m.group(1) + MASK, text)
    out = _USERINFO.sub(lambda m: m.group(1) + MASK + m.group(3), out)
    out = _UNSUBSCRIBE.sub(lambda m: m.group(1) + MASK, out)
    return _BOT_TOKEN.sub(lambda m: m.group(1) + MASK, out)


class RedactingFilter(logging.Filter):
    """A handler filter that masks secrets in each formatted log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
