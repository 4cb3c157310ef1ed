"""Row 6: unauthenticated /health gives statuses and counts only; secrets in feed URLs
are masked wherever a URL leaves the service."""

from __future__ import annotations

import logging

import pytest

from core.models import Feed, FeedKind
from core.redact import RedactingFilter, mask_secrets
from core.runtime import App
from tests.web_helpers import (  # noqa: F401 (fixtures)
    Caller,
    admin_fixture,
    alice_fixture,
    client_fixture,
)

SECRET = "sk_live_0123456789abcdef"


async def _failing_feed() -> Feed:
    return await Feed.create(
        kind=FeedKind.RSS,
        url=f"https://feeds.example/rss?api_key={SECRET}&lang=en",
        consecutive_failures=5,
        last_error=f"500 from https://feeds.example/rss?api_key={SECRET}: internal db error",
    )


async def test_public_health_has_counts_only(client, app: App, alice: Caller) -> None:
    await _failing_feed()
    for headers in ({}, alice.headers, {"Authorization": "Bearer junk"}):
        resp = await client.get("/health", headers=headers)
        text = await resp.text()
        assert SECRET not in text and "feeds.example" not in text and "db error" not in text
        monitors = (await resp.json())["checks"]["monitors"]
        assert monitors["total"] == 1 and all(isinstance(v, int) for v in monitors.values())


async def test_admin_health_has_details_with_secrets_masked(
    client, app: App, admin: Caller
) -> None:
    await _failing_feed()
    resp = await client.get("/health", headers=admin.headers)
    text = await resp.text()
    assert "feeds.example" in text and SECRET not in text
    resp = await client.get("/feeds", headers=admin.headers)
    assert SECRET not in await resp.text()


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("https://a.example/rss?api_key=abc&x=1", "https://a.example/rss?api_key=***&x=1"),
        ("https://a.example/?token=t#f", "https://a.example/?token=***#f"),
        ("https://u:hunter2@a.example/", "https://u:***@a.example/"),
        ("GET /unsubscribe/AbCdEf123 200", "GET /unsubscribe/*** 200"),
        ("https://a.example/?page=2", "https://a.example/?page=2"),
    ],
)
def test_mask_secrets(raw: str, masked: str) -> None:
    assert mask_secrets(raw) == masked


def test_log_lines_are_masked() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "poll %s", (f"?key={SECRET}",), None)
    RedactingFilter().filter(record)
    assert SECRET not in record.getMessage()
