"""The Discord bot as an App component: a discord.py Client with a registry-built tree.

discord.py reads its REST base and gateway from class attributes (`Route.BASE`,
`DiscordWebSocket.DEFAULT_GATEWAY`); DISCORD_API_BASE / DISCORD_GATEWAY_URL set them while the
bot runs (self-hosted proxies, tests) and `stop()` puts the previous values back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands

from bot.discord.commands import DiscordCommands
from bot.discord.render import render
from core.commands import Registry
from core.commands.general import group_welcome

if TYPE_CHECKING:
    from core.runtime import App

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://discord.com"


class _Client(discord.Client):
    def __init__(self, bot: DiscordBot, application_id: int | None) -> None:
        # guilds only: GUILD_CREATE tells us the bot was added to a server (the welcome)
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            intents=intents,
            application_id=application_id,
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=bot.guild_ready_timeout_s,
        )
        self.bot = bot
        self.tree = app_commands.CommandTree(self)
        bot.commands.build(self.tree)
        self.synced = asyncio.Event()

    async def setup_hook(self) -> None:
        if self.application_id is None:
            info = await self.application_info()
            self._connection.application_id = info.id
        synced = await self.tree.sync()
        log.info("discord: synced %d application commands", len(synced))
        self.synced.set()

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.bot.welcome(guild)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type == discord.InteractionType.component:
            await self.bot.commands.on_component(interaction)


class DiscordBot:
    """Runs the gateway connection; slash commands are answered through the core registry."""

    name = "discord"

    def __init__(
        self,
        app: App,
        *,
        token: str | None = None,
        application_id: str | int | None = None,
        api_base: str | None = None,
        gateway_url: str | None = None,
        registry: Registry | None = None,
        ready_timeout_s: float = 30.0,
        guild_ready_timeout_s: float = 2.0,
    ) -> None:
        self.app = app
        settings = app.settings
        self._token = token or settings.discord_bot_token
        if not self._token:
            raise ValueError("DISCORD_BOT_TOKEN is not set")
        raw_id = application_id or settings.discord_application_id
        try:
            self.application_id = int(raw_id) if raw_id else None
        except ValueError:
            raise ValueError("DISCORD_APPLICATION_ID must be numeric") from None
        self.api_base = (api_base or settings.discord_api_base).rstrip("/")
        self.gateway_url = gateway_url or settings.discord_gateway_url
        self.registry = registry or app.commands.registry
        self.commands = DiscordCommands(app, self.registry)
        self.ready_timeout_s = ready_timeout_s
        self.guild_ready_timeout_s = guild_ready_timeout_s
        self.client: _Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._saved: tuple[str, yarl.URL] | None = None

    def __repr__(self) -> str:
        return f"<DiscordBot api={self.api_base!r} token='***'>"

    def _point_library(self) -> None:
        self._saved = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
        if self.api_base != DEFAULT_API_BASE:
            discord.http.Route.BASE = f"{self.api_base}/api/v10"
        if self.gateway_url:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

    def _restore_library(self) -> None:
        if self._saved is not None:
            discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = self._saved
            self._saved = None

    async def welcome(self, guild: discord.Guild) -> None:
        """Added to a server: say hello with the three commands that matter, in its system
        channel (else its first text channel); a server that lets the bot post nowhere
        hears nothing, which is logged."""
        channels = sorted(guild.text_channels, key=lambda c: c.position)
        channel = guild.system_channel or (channels[0] if channels else None)
        if channel is None:
            log.info("discord: added to server %s, which has no text channel", guild.id)
            return
        try:
            await channel.send(**render(group_welcome()))
        except discord.HTTPException as exc:
            log.warning("discord: welcome in server %s failed: %s", guild.id, exc.status)

    async def start(self) -> None:
        self._point_library()
        client = _Client(self, self.application_id)
        try:
            await client.login(self._token)  # GET /users/@me, then setup_hook syncs the tree
            self._task = asyncio.create_task(client.connect(reconnect=True), name="discord")
            await asyncio.wait_for(client.wait_until_ready(), self.ready_timeout_s)
        except BaseException:
            await client.close()
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(BaseException):
                    await self._task
                self._task = None
            self._restore_library()
            raise
        self.client = client
        log.info("discord bot %s connected", client.user)

    async def stop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            await client.close()
        task, self._task = self._task, None
        if task is not None:
            try:
                await asyncio.wait_for(task, 5)
            except (TimeoutError, asyncio.CancelledError):
                pass
            except Exception:
                log.exception("discord connection ended with an error")
        self._restore_library()
