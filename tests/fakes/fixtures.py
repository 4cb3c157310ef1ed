"""Fixtures shared by the delivery and bot tests, defined once.

Test modules load them with `pytest_plugins = ["tests.fakes.fixtures"]` (tests/ is not a
package; `tests.fakes` is importable from the repository root like the other helpers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from core.runtime import App, create_app
from tests.conftest import make_settings
from tests.fakes.discord import FakeDiscord
from tests.fakes.telegram import FakeTelegram
from tests.test_delivery_kit import MailSink, start_smtp


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    """A fake Telegram Bot API server on 127.0.0.1."""
    fake = FakeTelegram()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def dc() -> AsyncIterator[FakeDiscord]:
    """A fake Discord REST + gateway server on 127.0.0.1."""
    fake = FakeDiscord()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def smtp() -> AsyncIterator[tuple[MailSink, int]]:
    """A real aiosmtpd server in the loop: (sink, port)."""
    sink, server, port = await start_smtp()
    try:
        yield sink, port
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
async def mail_app(tmp_path: Path, smtp: tuple[Any, int]) -> AsyncIterator[App]:
    """A migrated App whose email channel talks to the `smtp` server."""
    settings = make_settings(
        tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp[1]), SMTP_STARTTLS="false"
    )
    app = create_app(settings)
    await app.open()
    try:
        yield app
    finally:
        await app.stop()
