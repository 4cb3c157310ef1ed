"""What a new user does next, printed once when the service starts on a fresh setup."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from core.models import Company, Feed, Role, User

log = logging.getLogger(__name__)

PASSWORD_FILE = "initial-admin-password"
GENERATED_ADMIN = "admin"


def _write_secret(path: Path, text: str) -> None:
    """Create the file readable by its owner only (mode 600), whatever the umask."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
    path.chmod(0o600)


async def generate_admin(app: Any) -> Path | None:
    """No admin yet and none configured: make 'admin' with a one-time password in a file."""
    if await User.filter(role=Role.ADMIN).exists():
        return None
    if await User.filter(username=GENERATED_ADMIN).exists():
        return None
    password = secrets.token_urlsafe(18)
    path = app.settings.data_dir / PASSWORD_FILE
    _write_secret(path, password)
    await app.accounts.create_user(GENERATED_ADMIN, password, role=Role.ADMIN)
    log.info("created admin %r; its one-time password is in %s", GENERATED_ADMIN, path)
    return path


async def first_run_guide(app: Any, *, web: bool, first: bool) -> str | None:
    """The next steps, or None when this is not a first start.

    `first`: the catalogues were loaded just now (the database's first serving start).
    """
    settings = app.settings
    had_admin = await User.filter(role=Role.ADMIN).exists()
    generated = await generate_admin(app) if web and not had_admin else None
    if generated is None and not first:
        return None
    if generated is not None:
        account = (
            f"admin account {GENERATED_ADMIN!r} created; its one-time password is in "
            f"{generated} (mode 600). Sign in, then set your own with "
            f"`tge-monitor create-admin {GENERATED_ADMIN}`."
        )
    elif had_admin:
        account = "admin account ready (ADMIN_USERNAME). Add more: `tge-monitor create-admin NAME`."
    else:
        account = "no admin yet: create one with `tge-monitor create-admin NAME`."
    host = settings.api_host if settings.api_host not in ("0.0.0.0", "::") else "127.0.0.1"
    base = f"http://{host}:{settings.api_port}"
    feeds = await Feed.filter(enabled=True).count()
    companies = await Company.all().count()
    sources = (
        f"{feeds} feed(s) polled (the default catalogue: `tge-monitor sources list`; "
        "DEFAULT_SOURCES=false turns it off)"
        if settings.default_sources
        else f"{feeds} feed(s) polled (DEFAULT_SOURCES=false: `tge-monitor sources enable all`)"
    )
    lines = [
        "",
        "TGE Monitor is up. Next steps:",
        f"  1. {account}",
        f"  2. Dashboard: {base}/   API reference: {base}/docs"
        + (
            f"   (public address: {settings.public_base_url})"
            if web and settings.public_base_url.rstrip("/") != base
            else ""
        ),
        f"  3. Watching: {sources}; {companies} known companies to /watch.",
        "  4. Chat bots: set TELEGRAM_BOT_TOKEN (from @BotFather) and/or DISCORD_BOT_TOKEN with"
        " DISCORD_APPLICATION_ID, restart, then DM the bot: /start, /watch LayerZero,"
        " /subscribe 0.6",
        "",
    ]
    return "\n".join(lines)
