"""Web-only knobs (WebSocket queue sizes and timers); tests pass small values.

Which proxies to believe is the TRUSTED_PROXIES setting (core.config), not a knob here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebConfig:
    """Defaults suit production; tests shorten the timers and shrink the queues."""

    ws_queue_size: int = 256
    ws_auth_timeout_s: float = 10.0
    ws_heartbeat_s: float = 30.0
    ws_max_message_bytes: int = 64 * 1024
    max_page: int = 100
    access_log: bool = True
    alerts_cache_s: float = 1.0  # GET /alerts answered from memory (cleared on new alerts)
    auth_cache_s: float = 5.0  # a bearer token's user is re-read at most this often
    # how often open sockets' credentials are checked again (revoked key, logout, disabled)
    ws_recheck_s: float = 2.0
    ws_resubscribe_s: float = 1.0  # the alert bus's subscription retried after a failure
    ws_max_per_user: int | None = None  # None: the WS_MAX_PER_USER setting
    # a request's headers, and then its body, must arrive within these (slow clients)
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
