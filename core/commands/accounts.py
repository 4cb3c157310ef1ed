"""/link (join identities across platforms) and /apikey (secrets only ever sent privately)."""

from __future__ import annotations

from core.commands.registry import (
    CommandContext,
    Param,
    Reply,
    command,
)
from core.errors import InvalidInput


@command(
    "link",
    "Link accounts: /link gives a code, /link <code> on another platform joins them",
    Param("code", description="the code /link gave you on the other platform"),
    private=True,
    group="account",
)
async def link(ctx: CommandContext, code: str | None = None) -> Reply:
    accounts = ctx.app.accounts
    if not code:
        secret = await accounts.create_link_code(ctx.user)
        return Reply(
            f"Your link code is {secret} (valid 15 minutes, once).\n"
            f"Send /link {secret} to the bot on the other platform (or use it on the web) to "
            "join both into one account: subscriptions, watchlist and API keys are shared.",
            title="Link code",
            private=True,
        )
    user = await accounts.redeem_link_code(ctx.user, code)
    ctx.user = user
    platforms = sorted({str(i.platform) for i in await accounts.identities(user)})
    return Reply(f"Linked. This account now has: {', '.join(platforms)}.", private=True)


@command(
    "apikey",
    "API keys for the REST API: create <name>, list, revoke <prefix>",
    Param(
        "action",
        description="create, list or revoke",
        required=True,
        choices=("create", "list", "revoke"),
    ),
    Param("value", description="the key name (create) or prefix (revoke)"),
    private=True,
    group="account",
)
async def apikey(ctx: CommandContext, action: str, value: str | None = None) -> Reply:
    accounts = ctx.app.accounts
    if action == "create":
        if not value:
            raise InvalidInput("give the key a name: /apikey create <name>", field="value")
        key, raw = await accounts.create_api_key(ctx.user, value)
        return Reply(
            f"{raw}\n\nThis is the only time the key is shown. Use it as "
            "'Authorization: Bearer <key>' (or X-API-Key). Revoke with /apikey revoke "
            f"{key.prefix}.",
            title=f"API key {key.name!r} created",
            private=True,
            data={"prefix": key.prefix},
        )
    if action == "revoke":
        if not value:
            raise InvalidInput("which key? /apikey revoke <prefix>", field="value")
        key = await accounts.revoke_api_key(ctx.user, value.strip())
        return Reply(f"Key {key.prefix} ({key.name}) is revoked.", private=True)
    if value:
        raise InvalidInput("/apikey list takes no value", field="value")
    keys = await accounts.list_api_keys(ctx.user)
    if not keys:
        return Reply("You have no API keys. /apikey create <name>", private=True)
    lines = []
    for key in keys:
        state = "revoked" if key.revoked_at else "active"
        used = f"used {key.usage_count}x"
        lines.append(f"{key.prefix} {key.name} — {state}, {used}")
    return Reply("\n".join(lines), title="Your API keys", private=True)
