"""Discord app commands built from the core registry: one `app_commands.Command` per spec.

The callback's signature is generated from the spec's typed parameters, so discord.py sends
Discord the right option types, limits, choices and descriptions; company parameters get
autocomplete from `app.companies.suggest`. Nothing here is per command.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.discord.render import NO_MENTIONS, render
from core.commands import Audience, CommandContext, CommandSpec, ParamType, Registry, Reply, execute
from core.commands.alerts import press_feedback
from core.commands.registry import APOLOGY, Param, Permission, parse_command_button
from core.errors import ServiceError
from core.models import Platform, Role
from core.services.destination_state import DISCORD_POST_PERMISSIONS

if TYPE_CHECKING:
    from core.runtime import App

log = logging.getLogger(__name__)

# answer within Discord's 3 s; past this, defer and follow up
# what an alert needs in a channel: (discord.Permissions flag, the name Discord shows)
POST_PERMISSIONS = tuple(
    zip(("view_channel", "send_messages", "embed_links"), DISCORD_POST_PERMISSIONS, strict=True)
)
DEFER_AFTER_S = 2.0


def _annotation(param: Param) -> Any:
    if param.type == ParamType.INTEGER:
        lo = int(param.min_value) if param.min_value is not None else None
        hi = int(param.max_value) if param.max_value is not None else None
        return app_commands.Range[int, lo, hi] if lo is not None or hi is not None else int
    if param.type == ParamType.CONFIDENCE:
        return app_commands.Range[float, 0.0, 100.0]
    if param.type == ParamType.NUMBER:
        if param.min_value is not None or param.max_value is not None:
            return app_commands.Range[float, param.min_value, param.max_value]
        return float
    return app_commands.Range[str, 1, min(param.max_length, 6000)]


# Discord's `default_member_permissions` per registry permission: chat-admin commands need
# Manage Channels (what lets someone change a channel), service-admin ones Administrator
MENU_PERMISSIONS = {
    Permission.CHAT_ADMIN: discord.Permissions(manage_channels=True),
    Permission.SERVICE_ADMIN: discord.Permissions(administrator=True),
}


def _only_caller(reply: Reply) -> bool:
    """Errors and private details are ephemeral: the channel never sees someone's mistake."""
    return reply.private or not reply.ok


class DiscordCommands:
    """Builds the command tree and runs interactions through `execute()`."""

    def __init__(self, app: App, registry: Registry) -> None:
        self.app = app
        self.registry = registry
        self.admin_commands: list[app_commands.Command[Any, Any, Any]] = []
        self.admin_guilds: set[int] = set()
        self._tasks: set[asyncio.Future[Any]] = set()

    def build(self, tree: app_commands.CommandTree[Any]) -> None:
        """Global commands: what anyone may run, chat-admin ones behind Manage Channels.
        Service-admin commands are added per server once a service admin uses the bot there
        (`_admin_guild`): Discord cannot show a command to some users only."""
        for spec in self.registry.menu(Audience.CHAT_ADMINS):
            tree.add_command(self.command(spec))
        self.admin_commands = [
            self.command(spec)
            for spec in self.registry.menu(Audience.SERVICE_ADMINS)
            if spec.permission == Permission.SERVICE_ADMIN
        ]
        self.admin_guilds: set[int] = set()

    async def _admin_guild(self, interaction: discord.Interaction) -> None:
        """A service admin is active in this server: add the admin commands there (once per
        run; Discord keeps them), still behind the Administrator permission."""
        guild_id = interaction.guild_id
        if guild_id is None or guild_id in self.admin_guilds or not self.admin_commands:
            return
        self.admin_guilds.add(guild_id)
        tree = getattr(interaction.client, "tree", None)
        if tree is None:
            return
        guild = discord.Object(id=guild_id)
        for command in self.admin_commands:
            tree.add_command(command, guild=guild, override=True)
        try:
            await tree.sync(guild=guild)
        except discord.HTTPException as exc:
            self.admin_guilds.discard(guild_id)
            log.warning("admin commands for server %s not synced: %s", guild_id, exc.status)

    def command(self, spec: CommandSpec) -> app_commands.Command[Any, Any, Any]:
        async def callback(interaction: discord.Interaction, **kwargs: Any) -> None:
            await self.run(spec, interaction, kwargs)

        params = [
            inspect.Parameter(
                "interaction",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=discord.Interaction,
            )
        ]
        for param in spec.params:
            params.append(
                inspect.Parameter(
                    param.name,
                    inspect.Parameter.KEYWORD_ONLY,
                    annotation=_annotation(param),
                    default=inspect.Parameter.empty if param.required else None,
                )
            )
        callback.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        callback.__name__ = callback.__qualname__ = f"discord_{spec.name}"
        func: Any = callback
        descriptions = {p.name: (p.description or p.type.value)[:100] for p in spec.params}
        if descriptions:
            func = app_commands.describe(**descriptions)(func)
        choices = {
            p.name: [app_commands.Choice(name=c, value=c) for c in p.choices]
            for p in spec.params
            if p.choices
        }
        if choices:
            func = app_commands.choices(**choices)(func)
        companies = {
            p.name: self.autocomplete_company for p in spec.params if p.type == ParamType.COMPANY
        }
        if companies:
            func = app_commands.autocomplete(**companies)(func)
        command = app_commands.Command(name=spec.name, description=spec.summary, callback=func)
        # who sees it in a server's menu by default (server admins can still override)
        command.default_permissions = MENU_PERMISSIONS.get(spec.permission)
        if spec.permission == Permission.SERVICE_ADMIN:
            command.guild_only = True  # not in every DM's menu: Administrator-only servers
        return command

    async def autocomplete_company(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            names = await self.app.companies.suggest(current or "", limit=25)
        except Exception:
            log.exception("company autocomplete failed")
            return []
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names]

    def _context(self, interaction: discord.Interaction, user: Any) -> CommandContext:
        in_guild = interaction.guild_id is not None
        perms = interaction.permissions
        is_admin = bool(perms.administrator or perms.manage_guild or perms.manage_channels)
        channel = interaction.channel

        async def missing_post_permissions() -> list[str]:
            # Discord sends the bot's own permissions in this channel with every interaction
            bot_perms = interaction.app_permissions
            return [name for flag, name in POST_PERMISSIONS if not getattr(bot_perms, flag)]

        return CommandContext(
            app=self.app,
            user=user,
            platform=Platform.DISCORD,
            chat_id=str(interaction.channel_id) if interaction.channel_id else None,
            chat_name=str(getattr(channel, "name", "") or interaction.user.name)[:128],
            is_group=in_guild,
            is_chat_admin=is_admin if in_guild else True,
            display_name=interaction.user.display_name,
            missing_post_permissions=missing_post_permissions if in_guild else None,
        )

    async def _execute(
        self, spec: CommandSpec, interaction: discord.Interaction, args: dict | str
    ) -> Reply:
        try:
            user = await self.app.accounts.ensure_identity(
                Platform.DISCORD, interaction.user.id, interaction.user.display_name
            )
            if user.role == Role.ADMIN and interaction.guild_id not in self.admin_guilds:
                self._background(self._admin_guild(interaction))
            ctx = self._context(interaction, user)
            return await execute(self.app, spec.name, args, ctx)
        except Exception:
            log.exception(
                "discord /%s failed before the command ran (channel %s)",
                spec.name,
                interaction.channel_id,
            )
            return Reply(APOLOGY, ok=False)

    async def run(self, spec: CommandSpec, interaction: discord.Interaction, kwargs: dict) -> None:
        args = {k: v for k, v in kwargs.items() if v is not None}
        try:
            if spec.private:
                # secrets: only ever ephemeral, decided before the answer exists
                await interaction.response.defer(ephemeral=True, thinking=True)
                reply = await self._execute(spec, interaction, args)
                await interaction.followup.send(ephemeral=True, **render(reply))
                return
            task = asyncio.ensure_future(self._execute(spec, interaction, args))
            done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER_S)
            if done:
                reply = task.result()
                await interaction.response.send_message(
                    ephemeral=_only_caller(reply), **render(reply)
                )
                return
            await interaction.response.defer(thinking=True)
            reply = await task
            if _only_caller(reply):
                # the "thinking…" message is public: remove it so the answer is not
                await interaction.delete_original_response()
            await interaction.followup.send(ephemeral=_only_caller(reply), **render(reply))
        except discord.HTTPException as exc:
            log.warning("discord reply for /%s failed: %s %s", spec.name, exc.status, exc.text)

    async def on_component(self, interaction: discord.Interaction) -> None:
        """Buttons: votes on alerts (`fb:`), "add project" (`np:`), menus and pages (`cmd:`)."""
        data = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        try:
            if custom_id.startswith("fb:"):
                await self._vote(interaction, custom_id)
            elif custom_id.startswith("np:") and custom_id[3:].isdecimal():
                await self._command_button(interaction, "project_add", custom_id[3:], edit=False)
            elif (parsed := parse_command_button(custom_id)) is not None:
                await self._command_button(interaction, *parsed, edit=True)
        except discord.HTTPException as exc:
            log.warning("discord button %r answer failed: %s", custom_id, exc.status)

    async def _vote(self, interaction: discord.Interaction, custom_id: str) -> None:
        """Record the vote (the same again takes it back), show the new tally on the alert's
        buttons (✓ on the voter's own in a DM), and tell the voter privately."""
        try:
            user = await self.app.accounts.ensure_identity(
                Platform.DISCORD, interaction.user.id, interaction.user.display_name
            )
            press = await press_feedback(self.app, user, custom_id)
        except ServiceError as exc:
            await self._tell(interaction, exc.message)
            return
        except Exception:
            log.exception("discord feedback %r failed", custom_id)
            await self._tell(interaction, "Sorry, that did not work; please try again later.")
            return
        message = interaction.message
        if message is None:
            await self._tell(interaction, press.toast)
            return
        labels = dict(
            (data, label) for label, data in press.buttons(show_mine=interaction.guild_id is None)
        )
        view = discord.ui.View.from_message(message, timeout=None)
        for item in view.children:
            if isinstance(item, discord.ui.Button) and item.custom_id in labels:
                item.label = labels[item.custom_id]
        await interaction.response.edit_message(view=view)
        await interaction.followup.send(press.toast, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def _command_button(
        self, interaction: discord.Interaction, name: str, args: str, *, edit: bool
    ) -> None:
        """Run the button's command as whoever pressed it; its answer replaces the menu
        (`edit`), or arrives privately when it is an error, private, or `edit` is off."""
        spec = self.registry.get(name)
        if spec is None:
            await self._tell(interaction, "That button is no longer available; try /help.")
            return
        reply = await self._execute(spec, interaction, args)
        if edit and reply.ok and not (reply.private and interaction.guild_id is not None):
            rendered = render(reply)
            await interaction.response.edit_message(
                content=rendered.get("content"),
                embed=rendered.get("embed"),
                view=rendered.get("view"),
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.response.send_message(ephemeral=True, **render(reply))

    def _background(self, job: Any) -> None:
        """Run `job` without delaying the answer (Discord wants one within 3 s)."""
        task = asyncio.ensure_future(job)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _tell(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
