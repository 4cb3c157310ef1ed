"""Telegram handlers bound from the core registry: one CommandHandler per command.

Nothing here is per command: a command declared in `core/commands/` appears in
`setMyCommands` and gets its handler automatically.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    Chat,
    ChatMemberRestricted,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.telegram.render import keyboard, render_html
from core.commands import Audience, CommandContext, Registry, Reply, execute
from core.commands.alerts import press_feedback
from core.commands.general import group_welcome
from core.commands.registry import APOLOGY, parse_command_button
from core.errors import ServiceError
from core.models import Identity, Platform, Role, User

if TYPE_CHECKING:
    from core.runtime import App

log = logging.getLogger(__name__)

ADMIN_STATUSES = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
PRESENT_STATUSES = ADMIN_STATUSES | {ChatMemberStatus.MEMBER, ChatMemberStatus.RESTRICTED}
DM_HINT = (
    "I answer commands, not messages. Try /subscribe for alerts here, /alerts for the "
    "latest ones, or /help for everything."
)


def bot_commands(
    registry: Registry, audience: Audience = Audience.SERVICE_ADMINS
) -> list[BotCommand]:
    """One `setMyCommands` list: the commands this audience may run, with their summaries."""
    return [BotCommand(spec.name, spec.summary) for spec in registry.menu(audience)]


def menus(registry: Registry) -> list[tuple[BotCommandScope, list[BotCommand]]]:
    """Telegram's command menus per scope: members see what they may run (the default,
    which covers group chats), a DM and a group's admins add the chat-admin commands.
    Service admins get every command in their own DM (`admin_menu`)."""
    return [
        (BotCommandScopeDefault(), bot_commands(registry, Audience.MEMBERS)),
        (BotCommandScopeAllPrivateChats(), bot_commands(registry, Audience.CHAT_ADMINS)),
        (BotCommandScopeAllChatAdministrators(), bot_commands(registry, Audience.CHAT_ADMINS)),
    ]


def admin_menu(registry: Registry, chat_id: int) -> tuple[BotCommandScope, list[BotCommand]]:
    """A service admin's DM lists the admin commands too (Telegram scope by chat)."""
    return BotCommandScopeChat(chat_id), bot_commands(registry, Audience.SERVICE_ADMINS)


def with_votes(
    markup: InlineKeyboardMarkup | None, votes: list[tuple[str, str]]
) -> InlineKeyboardMarkup:
    """The message's keyboard with its vote row replaced (the link and other rows kept)."""
    rows: list[list[InlineKeyboardButton]] = []
    placed = False
    for row in markup.inline_keyboard if markup is not None else ():
        if any(str(b.callback_data or "").startswith("fb:") for b in row):
            if not placed:
                rows.append([InlineKeyboardButton(t, callback_data=d) for t, d in votes])
                placed = True
            continue
        rows.append(list(row))
    if not placed:
        rows.append([InlineKeyboardButton(t, callback_data=d) for t, d in votes])
    return InlineKeyboardMarkup(rows)


def _args_text(text: str) -> str:
    """Everything after the `/command[@bot]` word, with quotes kept for the parser."""
    parts = text.split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""


class TelegramHandlers:
    """Turns updates into `execute()` calls and replies into messages."""

    def __init__(self, app: App, registry: Registry) -> None:
        self.app = app
        self.registry = registry
        self.admin_menus: set[int] = set()  # DMs already showing the service-admin menu

    async def publish_menus(self, bot: Any) -> None:
        """Every scope's command menu, and the admin menu in each service admin's DM."""
        for scope, commands in menus(self.registry):
            await bot.set_my_commands(commands, scope=scope)
        admins = await Identity.filter(
            platform=Platform.TELEGRAM, user__role=Role.ADMIN
        ).values_list("external_id", flat=True)
        for external_id in admins:
            if str(external_id).lstrip("-").isdecimal():
                await self._admin_menu(bot, int(external_id))

    async def _admin_menu(self, bot: Any, chat_id: int) -> None:
        scope, commands = admin_menu(self.registry, chat_id)
        try:
            await bot.set_my_commands(commands, scope=scope)
        except TelegramError as exc:  # e.g. the admin never opened a DM with the bot
            log.info("admin menu for chat %s not set: %s", chat_id, exc.message)
            return
        self.admin_menus.add(chat_id)

    def handlers(self) -> list[BaseHandler[Any, Any, Any]]:
        out: list[BaseHandler[Any, Any, Any]] = [
            CommandHandler(spec.name, self._command_callback(spec.name)) for spec in self.registry
        ]
        out.append(CallbackQueryHandler(self.on_feedback, pattern=r"^fb:"))
        out.append(CallbackQueryHandler(self.on_command_button, pattern=r"^cmd:"))
        out.append(CallbackQueryHandler(self.on_add_project, pattern=r"^np:\d{1,12}$"))
        out.append(MessageHandler(filters.COMMAND, self.on_unknown))
        out.append(
            MessageHandler(
                filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, self.on_plain_text
            )
        )
        out.append(ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
        return out

    def _command_callback(
        self, name: str
    ) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
        async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            await self.run(name, update, context)

        callback.__name__ = f"telegram_{name}"
        return callback

    async def _user(self, update: Update) -> User:
        tg_user = update.effective_user
        assert tg_user is not None
        return await self.app.accounts.ensure_identity(
            Platform.TELEGRAM, tg_user.id, tg_user.full_name or ""
        )

    def _context(self, update: Update, context: Any, user: User) -> CommandContext:
        chat = update.effective_chat
        tg_user = update.effective_user
        assert chat is not None and tg_user is not None
        is_group = chat.type != Chat.PRIVATE

        async def admin_check() -> bool:
            try:
                member = await context.bot.get_chat_member(chat.id, tg_user.id)
            except TelegramError as exc:
                log.warning("getChatMember failed for chat %s: %s", chat.id, exc.message)
                return False
            return member.status in ADMIN_STATUSES

        async def missing_post_permissions() -> list[str]:
            try:
                me = await context.bot.get_chat_member(chat.id, context.bot.id)
            except TelegramError as exc:
                log.warning("getChatMember(bot) failed for chat %s: %s", chat.id, exc.message)
                return []  # unknown: the send itself will tell
            if isinstance(me, ChatMemberRestricted) and not me.can_send_messages:
                return ["Send Messages"]
            return []

        return CommandContext(
            app=self.app,
            user=user,
            platform=Platform.TELEGRAM,
            chat_id=str(chat.id),
            chat_name=(chat.title or tg_user.full_name or "")[:128],
            is_group=is_group,
            admin_check=admin_check if is_group else None,
            missing_post_permissions=missing_post_permissions if is_group else None,
            display_name=tg_user.full_name or "",
        )

    async def run(self, name: str, update: Update, context: Any) -> None:
        message = update.effective_message
        if message is None or update.effective_user is None or update.effective_chat is None:
            return
        try:
            user = await self._user(update)
            chat = update.effective_chat
            if user.role == Role.ADMIN and chat.type == Chat.PRIVATE:
                if chat.id not in self.admin_menus:  # made an admin since the bot started
                    await self._admin_menu(context.bot, chat.id)
            ctx = self._context(update, context, user)
            reply = await execute(self.app, name, _args_text(message.text or ""), ctx)
        except Exception:
            log.exception(
                "telegram /%s failed before the command ran (chat %s)",
                name,
                update.effective_chat.id,
            )
            reply = Reply(APOLOGY, ok=False)
        await self.send(update, context, reply)

    async def send(self, update: Update, context: Any, reply: Reply) -> None:
        """Answer in the chat; a private reply in a group goes to the user's DM instead."""
        chat = update.effective_chat
        tg_user = update.effective_user
        assert chat is not None and tg_user is not None
        text = render_html(reply)
        markup = keyboard(reply)
        try:
            if reply.private and chat.type != Chat.PRIVATE:
                try:
                    await context.bot.send_message(
                        tg_user.id, text, parse_mode=ParseMode.HTML, reply_markup=markup
                    )
                except Forbidden:
                    notice = (
                        "I can't message you privately yet: open a chat with me, send /start, "
                        "then run the command again there."
                    )
                else:
                    notice = "I sent you the answer in a private message."
                await context.bot.send_message(chat.id, notice)
                return
            await context.bot.send_message(
                chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except TelegramError as exc:
            log.warning("telegram reply to chat %s failed: %s", chat.id, exc.message)

    async def on_unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A /command nobody declared: help (in groups only when addressed to this bot)."""
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None or not message.text:
            return
        word = message.text.split(maxsplit=1)[0][1:]
        name, _, target = word.partition("@")
        if target and target.lower() != (context.bot.username or "").lower():
            return
        if chat.type != Chat.PRIVATE and not target:
            return
        await self.run(name.lower() or "help", update, context)

    async def on_command_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A menu or page button (`cmd:<command> <args>`): run it as whoever pressed it and
        show the answer in place of the menu. Errors are a toast; a private answer pressed in
        a group goes to the presser's DM like a typed command's."""
        query = update.callback_query
        parsed = parse_command_button(query.data or "") if query is not None else None
        if query is None or parsed is None:
            return
        name, args = parsed
        try:
            user = await self._user(update)
            ctx = self._context(update, context, user)
            reply = await execute(self.app, name, args, ctx)
        except Exception:
            log.exception("telegram button %r failed", query.data)
            reply = Reply(APOLOGY, ok=False)
        message = query.message
        chat = update.effective_chat
        in_place = reply.ok and isinstance(message, Message) and chat is not None
        if in_place and reply.private and chat.type != Chat.PRIVATE:
            in_place = False
        try:
            if not reply.ok:
                await query.answer(reply.text.split("\nExample:", 1)[0][:200], show_alert=True)
                return
            await query.answer()
            if in_place:
                await query.edit_message_text(
                    render_html(reply), parse_mode=ParseMode.HTML, reply_markup=keyboard(reply)
                )
            else:
                await self.send(update, context, reply)
        except TelegramError as exc:
            log.warning("telegram button %r answer failed: %s", query.data, exc.message)

    async def on_plain_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Plain text in a DM: a short hint instead of silence."""
        chat = update.effective_chat
        if chat is None:
            return
        try:
            await context.bot.send_message(chat.id, DM_HINT)
        except TelegramError as exc:
            log.warning("telegram hint to chat %s failed: %s", chat.id, exc.message)

    async def on_my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was added to a group: say hello with the three commands that matter."""
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None or change.chat.type == Chat.PRIVATE:
            return
        was = change.old_chat_member.status
        now = change.new_chat_member.status
        if was in PRESENT_STATUSES or now not in PRESENT_STATUSES:
            return  # a promotion, a restriction, or the bot leaving: nothing to say
        reply = group_welcome()
        try:
            await context.bot.send_message(
                change.chat.id, render_html(reply), parse_mode=ParseMode.HTML
            )
        except TelegramError as exc:
            log.warning("telegram welcome to chat %s failed: %s", change.chat.id, exc.message)

    async def on_add_project(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The "Add X to companies" button on a new-project alert: `/project_add <alert_id>`
        as the person who pressed it (the command checks they are a service admin)."""
        query = update.callback_query
        if query is None:
            return
        try:
            user = await self._user(update)
            ctx = self._context(update, context, user)
            reply = await execute(self.app, "project_add", [(query.data or "")[3:]], ctx)
            toast = reply.text.split("\nExample:", 1)[0]
        except Exception:
            log.exception("telegram add-project %r failed", query.data)
            toast = "Sorry, that did not work; please try again later."
        try:
            await query.answer(toast[:200], show_alert=True)
        except TelegramError as exc:
            log.warning("answerCallbackQuery failed: %s", exc.message)

    async def on_feedback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Vote buttons on alerts (`fb:<alert_id>:up|down|no`): the press is recorded (the
        same vote again takes it back) and the message's buttons show the new tally; in a
        DM, where only the voter sees it, a ✓ marks their vote. The toast says it too."""
        query = update.callback_query
        if query is None:
            return
        press = None
        try:
            user = await self._user(update)
            press = await press_feedback(self.app, user, query.data or "")
            toast = press.toast
        except ServiceError as exc:
            toast = exc.message
        except Exception:
            log.exception("telegram feedback %r failed", query.data)
            toast = "Sorry, that did not work; please try again later."
        try:
            await query.answer(toast[:200])
        except TelegramError as exc:
            log.warning("answerCallbackQuery failed: %s", exc.message)
        message = query.message
        if press is None or not isinstance(message, Message):
            return
        private = message.chat.type == Chat.PRIVATE
        markup = with_votes(message.reply_markup, press.buttons(show_mine=private))
        try:
            await query.edit_message_reply_markup(reply_markup=markup)
        except TelegramError as exc:  # e.g. "message is not modified", or too old to edit
            log.info("vote tally not shown on message %s: %s", message.message_id, exc.message)
