"""Replies as Discord messages: an embed for titled/field replies, escaped text otherwise.

Every message goes out with `allowed_mentions` none, so an `@everyone` in a company name or a
headline pings nobody; markdown in user-supplied text is escaped.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord.markdown import escape
from core.commands import Reply

MAX_CONTENT = 2000
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
COLOUR_OK = 0x2ECC71
COLOUR_ERROR = 0xE74C3C

NO_MENTIONS = discord.AllowedMentions.none()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for `send_message` / `followup.send`."""
    out: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
    if reply.title or reply.fields or reply.code:
        description = escape(reply.text) if reply.text else ""
        if reply.code:  # a code block: one tap selects it whole
            block = "```\n" + reply.code.replace("`", "'") + "\n```"
            description = f"{block}\n{description}" if description else block
        embed = discord.Embed(
            title=_cut(escape(reply.title or ""), 256) or None,
            description=_cut(description, MAX_DESCRIPTION) if description else None,
            colour=COLOUR_OK if reply.ok else COLOUR_ERROR,
        )
        for name, value in reply.fields[:MAX_FIELDS]:
            embed.add_field(
                name=_cut(escape(name), 256), value=_cut(escape(value) or "-", 1024), inline=True
            )
        out["embed"] = embed
    else:
        out["content"] = _cut(escape(reply.text or "Done."), MAX_CONTENT)
    buttons = [b for b in reply.buttons if b.url or b.data]
    if buttons:
        view = discord.ui.View(timeout=None)
        for b in buttons[:25]:
            row = min(max(b.row, 0), 4)
            if b.url:
                view.add_item(discord.ui.Button(label=b.label[:80], url=b.url, row=row))
            else:
                custom_id = (b.data or "")[:100]
                view.add_item(discord.ui.Button(label=b.label[:80], custom_id=custom_id, row=row))
        out["view"] = view
    return out
