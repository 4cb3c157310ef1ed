"""/link (join identities across platforms) and /apikey (secrets only ever sent privately)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from core.channels.base import Notice
from core.commands.registry import (
    Button,
    CommandContext,
    Param,
    Reply,
    command,
    command_button,
)
from core.errors import InvalidInput
from core.models import Identity, User
from core.services.accounts import LinkPreview

if TYPE_CHECKING:
    from core.runtime import App


@command(
    "link",
    "Link accounts: /link gives a code, /link <code> on another platform joins them",
    Param("code", description="the code /link gave you on the other platform"),
    Param("confirm", description="'confirm' to do the merge shown", choices=("confirm",)),
    private=True,
    group="account",
    scope="write",
    example="/link 7KQ2-9XMA-C0DE (the code /link gave on the other platform)",
)
async def link(ctx: CommandContext, code: str | None = None, confirm: str | None = None) -> Reply:
    accounts = ctx.app.accounts
    if not code:
        if confirm:
            raise InvalidInput("give the code: /link <code> confirm", field="code")
        secret = await accounts.create_link_code(ctx.user)
        return Reply(
            "This is your link code (valid 15 minutes, once; tap it to copy).\n"
            f"Send /link {secret} to the bot on the other platform (or use it on the web) to "
            "join both into one account: subscriptions, watchlist and API keys are shared. "
            "Only give it to yourself: whoever redeems it joins their account into yours.",
            title="Link code",
            code=secret,
            private=True,
        )
    preview = await accounts.preview_link(ctx.user, code)
    if not confirm:
        return Reply(
            f"{preview.describe()}\nTo go ahead, send /link {code.strip()} confirm. "
            "If someone else gave you this code, do not confirm.",
            title="Confirm linking",
            private=True,
        )
    user = await link_and_tell(ctx.app, ctx.user, code, preview)
    ctx.user = user
    platforms = sorted({str(i.platform) for i in await accounts.identities(user)})
    return Reply(
        f"Linked: this is now one account ({user.username!r}) with {', '.join(platforms)}.",
        private=True,
    )


async def link_and_tell(app: App, redeemer: User, code: str, preview: LinkPreview) -> User:
    """Redeem the code, then tell the code's issuer what was joined into their account.

    The REST route and the bots both call this, so the issuer hears of every merge.
    """
    from core.alerts.dispatcher import notify_user

    redeemer_ids = frozenset(
        await Identity.filter(user_id=redeemer.id).values_list("external_id", flat=True)
    )
    user = await app.accounts.redeem_link_code(redeemer, code)
    if preview.same_account:
        return user

    what = ", ".join(preview.platforms) or "a login"
    notice = Notice(
        title="Accounts linked",
        text=(
            f"The account {preview.redeemer_username!r} ({what}) was joined into your account "
            f"{preview.target_username!r} with your link code. If that was not you, revoke "
            "the API keys you do not know and POST /auth/logout-all."
        ),
    )
    await notify_user(app, user.id, notice, skip_identities=redeemer_ids)
    return user


@command(
    "apikey",
    "API keys for the REST API: create <name>, list, revoke <prefix>",
    Param(
        "action",
        description="create, list or revoke",
        choices=("create", "list", "revoke"),
    ),
    Param("value", description="the key name (create) or prefix (revoke)"),
    private=True,
    group="account",
    help="Without arguments, shows buttons to create or list keys.",
    example="/apikey create my-script",
)
async def apikey(ctx: CommandContext, action: str | None = None, value: str | None = None) -> Reply:
    accounts = ctx.app.accounts
    if action is None:
        if value:
            raise InvalidInput("say what to do: /apikey create <name>", field="action")
        name = f"{ctx.platform}-{datetime.now(UTC):%Y-%m-%d}"
        buttons = [
            command_button(f"Create a key ({name})", "apikey", "create", name),
            command_button("List my keys", "apikey", "list"),
        ]
        return Reply(
            "API keys let programs use the REST API as you. Create one (or type "
            "/apikey create <name>), or list yours to revoke one:",
            buttons=[b for b in buttons if b is not None],
            private=True,
        )
    if action == "create":
        if not value:
            raise InvalidInput("give the key a name: /apikey create <name>", field="value")
        key, raw = await accounts.create_api_key(ctx.user, value, parent=ctx.api_key)
        return Reply(
            "This is the only time the key is shown (tap it to copy). Send it as "
            "'Authorization: Bearer <key>' or 'X-API-Key: <key>' (keys start with 'tge_'). "
            f"Scopes: {', '.join(key.scopes)}. Revoke with /apikey revoke {key.prefix}.",
            title=f"API key {key.name!r} created",
            code=raw,
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
    revoke: list[Button] = []
    for key in keys:
        state = "revoked" if key.revoked_at else "active"
        count = key.usage_count
        used = "never used" if not count else f"used {count} time{'' if count == 1 else 's'}"
        lines.append(f"{key.prefix} {key.name} — {state}, {used}")
        if not key.revoked_at and len(revoke) < 10:
            button = command_button(
                f"Revoke {key.prefix}", "apikey", "revoke", key.prefix, row=len(revoke) // 5
            )
            revoke += [button] if button is not None else []
    return Reply("\n".join(lines), title="Your API keys", private=True, buttons=revoke)
