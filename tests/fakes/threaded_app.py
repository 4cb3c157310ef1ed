"""A migrated App on its own event-loop thread, so hypothesis can drive it synchronously.

Hypothesis's @given runs plain functions; the App (database connection, web client) lives on
a loop in a background thread and every coroutine is submitted there with `run()`.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any

from core.config import Settings
from core.runtime import App, create_app


class ThreadedApp:
    """Subclasses add their set-up in `setup()` and their clean-up in `teardown()`."""

    def __init__(self, settings: Settings) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.app: App = create_app(settings)
        self.app.accounts._rounds = 4
        self.context: contextvars.Context | None = None

    def start(self) -> None:
        self.run(self._start())

    async def _start(self) -> None:
        await self.app.open()
        self.app.limiter.enabled = False
        await self.setup()
        # the database connection lives in a context variable set by `open()`
        self.context = contextvars.copy_context()

    async def setup(self) -> None:
        """Seed data, start clients: runs on the loop after the App is open."""

    async def teardown(self) -> None:
        """Close what `setup` opened: runs on the loop before the App stops."""

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(self._in_context(coro), self.loop).result(60)

    async def _in_context(self, coro: Any) -> Any:
        if self.context is None:
            return await coro
        return await asyncio.get_running_loop().create_task(coro, context=self.context)

    def close(self) -> None:
        async def stop() -> None:
            await self.teardown()
            await self.app.stop()

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
