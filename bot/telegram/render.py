"""Replies as Telegram HTML: every piece of text is escaped, so `<`, `>` and `&` never break."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.commands import Reply

MAX_MESSAGE = 4096


def escape(text: str) -> str:
    """Escape plain text for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def render_html(reply: Reply) -> str:
    """Title in bold, the text, then `name: value` fields; cut to Telegram's 4096 chars."""
    parts: list[str] = []
    if reply.title:
        parts.append(f"<b>{escape(reply.title)}</b>")
    if reply.code:  # tap to copy
        parts.append(f"<code>{escape(reply.code)}</code>")
    if reply.text:
        parts.append(escape(reply.text))
    parts.extend(f"<b>{escape(name)}:</b> {escape(value)}" for name, value in reply.fields)
    body = "\n".join(parts) or escape("Done.")
    if len(body) > MAX_MESSAGE:
        # cut on a line boundary so no tag or entity is split
        cut = body.rfind("\n", 0, MAX_MESSAGE - 2)
        body = body[: cut if cut > 0 else 0] + "\n…"
        if body.count("<b>") != body.count("</b>") or body.count("<code>") != body.count("</code>"):
            body = escape(reply.plain()[: MAX_MESSAGE - 2]) + "…"
    return body


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Buttons as an inline keyboard, one row per `Button.row` (URL or callback data)."""
    if not reply.buttons:
        return None
    rows: dict[int, list[InlineKeyboardButton]] = {}
    for b in reply.buttons:
        button = (
            InlineKeyboardButton(b.label, url=b.url)
            if b.url
            else InlineKeyboardButton(b.label, callback_data=(b.data or b.label)[:64])
        )
        rows.setdefault(b.row, []).append(button)
    return InlineKeyboardMarkup([rows[r] for r in sorted(rows)])
