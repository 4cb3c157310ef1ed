"""The Telegram bot as an App component: python-telegram-bot embedded in our event loop.

`async with`-style start (initialize, setMyCommands, start, long polling) rather than
`run_polling()`, which would own the loop. The token is part of every request URL, so the
HTTP client loggers are kept quiet by the CLI and nothing here logs a URL.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.telegram.handlers import TelegramHandlers
from core.commands import Registry

if TYPE_CHECKING:
    from core.runtime import App

log = logging.getLogger(__name__)


class TelegramBot:
    """Receives commands by long polling and answers them through the core registry."""

    name = "telegram"

    def __init__(
        self,
        app: App,
        *,
        token: str | None = None,
        api_base: str | None = None,
        registry: Registry | None = None,
        poll_timeout: int = 10,
        poll_interval: float = 0.0,
    ) -> None:
        self.app = app
        self._token = token or app.settings.telegram_bot_token
        if not self._token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        self.api_base = (api_base or app.settings.telegram_api_base).rstrip("/")
        self.registry = registry or app.commands.registry
        self.poll_timeout = poll_timeout
        self.poll_interval = poll_interval
        self.handlers = TelegramHandlers(app, self.registry)
        self.application: Application[Any, Any, Any, Any, Any, Any] | None = None

    def __repr__(self) -> str:
        return f"<TelegramBot api={self.api_base!r} token='***'>"

    def build(self) -> Application[Any, Any, Any, Any, Any, Any]:
        application = (
            ApplicationBuilder()
            .token(self._token)
            .base_url(f"{self.api_base}/bot")
            .base_file_url(f"{self.api_base}/file/bot")
            .concurrent_updates(True)
            .build()
        )
        for handler in self.handlers.handlers():
            application.add_handler(handler)
        application.add_error_handler(self._on_error)
        return application

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        chat = (
            update.effective_chat.id
            if isinstance(update, Update) and update.effective_chat
            else None
        )
        # the message only: a traceback's locals or URLs could carry the token
        log.error("telegram update failed (chat %s): %s: %s", chat, type(error).__name__, error)

    async def start(self) -> None:
        application = self.build()
        await application.initialize()  # getMe
        try:
            await self.handlers.publish_menus(application.bot)
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(
                poll_interval=self.poll_interval,
                timeout=self.poll_timeout,
                allowed_updates=["message", "callback_query", "my_chat_member"],
            )
        except Exception:
            await application.shutdown()
            raise
        self.application = application
        log.info("telegram bot @%s polling", application.bot.username)

    async def stop(self) -> None:
        application, self.application = self.application, None
        if application is None:
            return
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
