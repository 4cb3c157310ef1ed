"""Subscribing a chat, its filters, the personal watchlist and email digests."""

from __future__ import annotations

import logging

from core.alerts.router import wants_new_projects
from core.commands.paging import PAGE, page_of, pager
from core.commands.registry import (
    Button,
    CommandContext,
    Param,
    ParamType,
    Permission,
    Reply,
    command,
    command_button,
)
from core.confidence import DEFAULT_FLOOR, SCORER_FLOOR_TEXT, floor_text, percent
from core.errors import InvalidInput, NotFound
from core.models import Company, Destination, Subscription
from core.services.destination_state import resume_fix, status_line

log = logging.getLogger(__name__)


def digest_words(interval: str) -> str:
    """'an hourly digest' / 'a daily digest' (the article follows the sound)."""
    return f"{'an' if str(interval).startswith('h') else 'a'} {interval} digest"


async def _describe(ctx: CommandContext, sub: Subscription) -> list[tuple[str, str]]:
    dest = await Destination.get(id=sub.destination_id)
    mode = "instant" if str(sub.mode) != "digest" else digest_words(str(sub.digest_interval))
    if sub.company_ids:
        names = await Company.filter(id__in=list(sub.company_ids)).values_list("name", flat=True)
        companies = ", ".join(sorted(names)) or "none"
    elif sub.use_watchlist and not dest.is_group:
        companies = "your /watchlist"
    else:
        companies = "all" + (
            " (admins: /filter companies Monad, Berachain)" if dest.is_group else ""
        )
    wanted = wants_new_projects(
        sub.new_projects, sub.company_ids, sub.use_watchlist and not dest.is_group
    )
    if not sub.active:
        state = [("Status", "paused (/subscribe to resume)")]
    elif dest.rejected_reason:  # alerts are not arriving: say so, why, and what fixes it
        state = [("Status", status_line(dest)), ("Fix", resume_fix(dest))]
    else:
        state = [("Status", "active")]
    return [
        *state,
        ("Minimum confidence", floor_text(sub.min_confidence)),
        ("Companies", companies),
        (
            "New projects",
            ("on" if wanted else "off") + (" (default)" if sub.new_projects is None else ""),
        ),
        ("Mode", mode),
    ]


async def _postable_destination(ctx: CommandContext) -> Destination:
    """This chat as a destination, after checking the bot can post alerts in it: every
    command that (re)starts delivery here refuses up front instead of failing later."""
    await ctx.check_can_post()  # before the destination exists: a refusal leaves nothing behind
    return await ctx.destination()


async def _chat_subscription(ctx: CommandContext) -> tuple[Destination, Subscription]:
    dest = await _postable_destination(ctx)
    sub = await ctx.app.subscriptions.get_for_destination(dest)
    if sub is None or not sub.active:
        raise NotFound(
            "this chat is not subscribed yet; a chat admin starts with /subscribe",
            field="subscription",
        )
    return dest, sub


# a subscription's minimum as the commands take it: a confidence, or `default`
MINIMUM = "minimum confidence, e.g. 70%, or default (the scorer's threshold per item)"


def _minimum(value: float | str | None) -> dict[str, float | None]:
    """The service's keyword for a minimum typed in a command: none given leaves it, `default`
    clears it (the scorer's threshold for each item), a number sets it."""
    if value is None:
        return {}
    return {"min_confidence": None if value == DEFAULT_FLOOR else float(value)}


@command(
    "subscribe",
    "Send alerts to this chat (optionally above a confidence, for some companies)",
    Param("min_confidence", ParamType.FLOOR, MINIMUM, max_length=16),
    Param("companies", ParamType.LIST, "only these companies (comma separated)"),
    permission=Permission.CHAT_ADMIN,
    group="subscriptions",
    example="/subscribe 70% Monad, Berachain",
)
async def subscribe(
    ctx: CommandContext,
    min_confidence: float | str | None = None,
    companies: list[str] | None = None,
) -> Reply:
    await ctx.check_can_post()  # before the destination exists: a refusal leaves nothing behind
    dest = await ctx.destination(take_over=True)
    sub = await ctx.app.subscriptions.subscribe(
        ctx.user, dest, companies=companies, **_minimum(min_confidence)
    )
    text = "This chat is subscribed. Alerts created from now on arrive here."
    if dest.is_group:
        text += (
            f" {ctx.display_name or 'You'} set it up, so alerts here follow this group's own "
            "filters; any admin can change them with /filter."
        )
    return Reply(
        text,
        title="Subscribed",
        fields=await _describe(ctx, sub),
        buttons=_settings_buttons() if min_confidence is None and companies is None else [],
    )


def _settings_buttons() -> list[Button]:
    """What people change right after subscribing, one tap away."""
    buttons = [
        command_button("Minimum confidence…", "filter"),
        command_button("Instant or digest…", "mode"),
        command_button("Unsubscribe", "unsubscribe"),
    ]
    return [b for b in buttons if b is not None]


@command(
    "unsubscribe",
    "Stop sending alerts to this chat",
    permission=Permission.CHAT_ADMIN,
    group="subscriptions",
)
async def unsubscribe(ctx: CommandContext) -> Reply:
    await ctx.app.subscriptions.unsubscribe(ctx.user, await ctx.destination())
    return Reply("This chat will get no more alerts. /subscribe to start again.")


@command(
    "claim",
    "Confirm a code from the web so alerts set up there may come to this chat",
    Param("code", description="the code the web API gave for this chat", required=True),
    permission=Permission.CHAT_ADMIN,
    group="subscriptions",
    example="/claim 3F9A1C-77B2E0",
)
async def claim(ctx: CommandContext, code: str) -> Reply:
    kind, chat_id = ctx.chat_ref()
    dest = await ctx.app.subscriptions.claim_destination(kind, chat_id, code, ctx.chat_name)
    owner = await dest.owner
    return Reply(
        f"This chat is now a destination of {owner.username}'s account: they can subscribe it "
        "from the web. Chat admins always decide: /unsubscribe stops it, /filter changes it.",
        title="Chat claimed",
    )


WATCHLIST_PAGE = 20
# the choices /filter offers without a number (percentages, as alerts show confidence)
FILTER_CHOICES = (50, 60, 70, 80, 90)
MODE_CHOICES = (
    ("Instant", ("instant",)),
    ("Hourly digest", ("digest", "hourly")),
    ("Daily digest", ("digest", "daily")),
)


def _pct(value: float) -> str:
    return f"{round(value * 100)}%"


def _company_words(companies: list[str]) -> list[str] | None:
    """`/filter companies Monad, Bera` and `/filter Monad, Bera` both name companies;
    `all` (or `none`, `clear`) lifts the list. None: no company list was given."""
    words = list(companies)
    if words:
        head, _, rest = words[0].partition(" ")
        if head.lower() in ("companies", "company"):
            words = [rest.strip(), *words[1:]] if rest.strip() else words[1:]
    if not words:
        return None
    if len(words) == 1 and words[0].lower() in ("all", "none", "clear", "any"):
        return []
    return words


@command(
    "filter",
    "Set this chat's minimum confidence and/or its companies",
    Param("min_confidence", ParamType.FLOOR, MINIMUM, max_length=16),
    Param("companies", ParamType.LIST, "only these companies (comma separated), or all"),
    permission=Permission.CHAT_ADMIN,
    group="subscriptions",
    example="/filter 70%  or  /filter default  or  /filter companies Monad, Berachain",
    help="Without arguments, shows buttons to pick a minimum. /filter default drops this "
    "chat's own minimum: every alert the scorer makes arrives, each judged at its scorer's "
    "threshold (e.g. the CJK model's for Chinese, Japanese and Korean items). In a group the "
    "companies are the group's own list, whoever watches what privately.",
)
async def filter_(
    ctx: CommandContext,
    min_confidence: float | str | None = None,
    companies: list[str] | None = None,
) -> Reply:
    dest, sub = await _chat_subscription(ctx)
    names = _company_words(companies) if companies else None
    if min_confidence is None and names is None:
        return _filter_menu(sub)
    sub = await ctx.app.subscriptions.subscribe(
        ctx.user, dest, companies=names, **_minimum(min_confidence)
    )
    said = []
    if min_confidence is not None and sub.min_confidence is None:
        said.append(SCORER_SAYS)
    elif min_confidence is not None:
        said.append(
            f"Only alerts with confidence {percent(sub.min_confidence)} or more arrive here "
            "(/filter default: every alert the scorer makes)."
        )
    if names is not None:
        fields = dict(await _describe(ctx, sub))
        said.append(
            f"Companies for this chat: {fields['Companies']}."
            if names
            else "This chat gets alerts about every company again."
        )
    return Reply(" ".join(said))


SCORER_SAYS = (
    f"This chat follows {SCORER_FLOOR_TEXT}: every alert the scorer makes arrives, each "
    "judged at the threshold its model uses (e.g. the CJK model's for Chinese, Japanese and "
    "Korean items). /filter 70% sets a minimum of this chat's own."
)


def _filter_menu(sub: Subscription) -> Reply:
    """The minimums to pick from, the chat's own ticked: the scorer's threshold (the
    default), the presets, and a minimum of its own that is none of them."""
    current = None if sub.min_confidence is None else round(sub.min_confidence * 100)
    choices = sorted({*FILTER_CHOICES, *([] if current is None else [current])})
    # five buttons a row (Discord's limit): the scorer's first, on its own row
    buttons = [
        command_button(
            ("✓ " if current is None else "") + "Scorer's threshold (default)",
            "filter",
            DEFAULT_FLOOR,
        ),
        *(
            command_button(
                ("✓ " if current == pct else "") + f"{pct}%", "filter", f"{pct}%", row=1 + i // 5
            )
            for i, pct in enumerate(choices)
        ),
    ]
    now = (
        f"Now: every alert the scorer makes arrives here ({SCORER_FLOOR_TEXT})."
        if sub.min_confidence is None
        else f"Now: alerts with confidence {_pct(sub.min_confidence)} or more arrive here."
    )
    return Reply(
        f"{now} Pick a new minimum (or type /filter 75%, or /filter default; "
        "/filter companies Monad, Berachain sets this chat's companies):",
        buttons=[b for b in buttons if b is not None],
    )


@command(
    "mode",
    "Instant alerts, or a digest hourly/daily",
    Param("mode", description="instant or digest", choices=("instant", "digest")),
    Param("interval", description="digest interval", choices=("hourly", "daily")),
    permission=Permission.CHAT_ADMIN,
    group="subscriptions",
    help="Without arguments, shows buttons to pick one.",
    example="/mode digest hourly",
)
async def mode(ctx: CommandContext, mode: str | None = None, interval: str | None = None) -> Reply:
    if mode == "instant" and interval:
        raise InvalidInput("an interval only applies to digest mode", field="interval")
    dest, sub = await _chat_subscription(ctx)
    if mode is None:
        if interval:
            raise InvalidInput("say the mode too: /mode digest " + interval, field="mode")
        current = (
            ("instant",) if str(sub.mode) == "instant" else ("digest", str(sub.digest_interval))
        )
        buttons = [
            command_button(("✓ " if args == current else "") + label, "mode", *args)
            for label, args in MODE_CHOICES
        ]
        return Reply(
            "How should alerts arrive in this chat?", buttons=[b for b in buttons if b is not None]
        )
    interval = interval or ("daily" if mode == "digest" else None)
    await ctx.app.subscriptions.subscribe(ctx.user, dest, mode=mode, digest_interval=interval)
    text = (
        "Alerts arrive as they happen."
        if mode == "instant"
        else f"Alerts arrive as {digest_words(interval or 'daily')}."
    )
    return Reply(text)


@command(
    "new_projects",
    "Alerts about projects in no companies table: on, off or auto",
    Param(
        "setting",
        description="on, off, or auto (on for all companies, off for lists)",
        required=True,
        choices=("on", "off", "auto"),
    ),
    permission=Permission.CHAT_ADMIN,
    group="subscriptions",
    example="/new_projects on",
)
async def new_projects(ctx: CommandContext, setting: str) -> Reply:
    dest, _ = await _chat_subscription(ctx)
    sub = await ctx.app.subscriptions.subscribe(ctx.user, dest, new_projects=setting)
    wanted = wants_new_projects(
        sub.new_projects, sub.company_ids, sub.use_watchlist and not dest.is_group
    )
    text = (
        "Alerts about new projects (TGEs of projects nobody has listed yet) arrive here."
        if wanted
        else "No alerts about new projects arrive here; only the companies you follow."
    )
    return Reply(text + (" (the default for this subscription)" if setting == "auto" else ""))


@command("settings", "Show this chat's subscription", group="subscriptions", scope="read")
async def settings(ctx: CommandContext) -> Reply:
    dest = await ctx.find_destination()
    sub = await ctx.app.subscriptions.get_for_destination(dest) if dest is not None else None
    if sub is None:
        return Reply("This chat is not subscribed. /subscribe to get alerts here.")
    return Reply("", title="This chat's subscription", fields=await _describe(ctx, sub))


async def _personal_scope(ctx: CommandContext) -> str:
    """What a watchlist changes: the caller's own chats, never a group's alerts."""
    subs = [
        sub
        for sub in await ctx.app.subscriptions.list_for_user(ctx.user)
        if sub.active and not sub.destination.is_group and not sub.company_ids
    ]
    if not subs:
        return (
            "It applies to your own subscriptions (a DM with me: /subscribe there); "
            "a group's alerts follow the group's filter, set by its admins."
        )
    return (
        f"It limits your {len(subs)} personal subscription{'' if len(subs) == 1 else 's'}; "
        "a group's alerts follow the group's filter, set by its admins."
    )


@command(
    "watch",
    "Add a company to your personal watchlist (your own alerts only)",
    Param("company", ParamType.COMPANY, "company name, alias or token", required=True),
    group="watchlist",
    private=True,
    example="/watch Monad",
)
async def watch(ctx: CommandContext, company: str) -> Reply:
    found = await ctx.app.subscriptions.watch(ctx.user, company)
    count = len(await ctx.app.subscriptions.watchlist(ctx.user))
    return Reply(
        f"Watching {found.name} ({count} compan{'y' if count == 1 else 'ies'} on your "
        f"watchlist). {await _personal_scope(ctx)}",
        private=True,
    )


@command(
    "unwatch",
    "Remove a company from your watchlist",
    Param("company", ParamType.COMPANY, "company name", required=True),
    group="watchlist",
    private=True,
    example="/unwatch Monad",
)
async def unwatch(ctx: CommandContext, company: str) -> Reply:
    found = await ctx.app.subscriptions.unwatch(ctx.user, company)
    left = await ctx.app.subscriptions.watchlist(ctx.user)
    tail = "" if left else " Your watchlist is empty: your alerts are about every company."
    return Reply(f"Stopped watching {found.name}.{tail}", private=True)


@command(
    "watchlist",
    "Show the companies you watch",
    PAGE,
    group="watchlist",
    scope="read",
    private=True,
)
async def watchlist(ctx: CommandContext, page: int | None = None) -> Reply:
    companies = await ctx.app.subscriptions.watchlist(ctx.user)
    if not companies:
        return Reply(
            "You watch no companies, so your alerts are about all of them. Add one: /watch Monad",
            private=True,
        )
    shown = page_of(companies, page, WATCHLIST_PAGE)
    lines = [f"• {c.name}" + (f" ({', '.join(c.tokens)})" if c.tokens else "") for c in shown.items]
    lines += ["", await _personal_scope(ctx)]
    buttons, hint = pager("watchlist", shown)
    title = f"Your watchlist: {shown.total}{shown.label}"
    return Reply("\n".join(lines) + hint, title=title, buttons=buttons, private=True)


@command(
    "email",
    "Get alerts by email: /email <address>, then /email verify <code>",
    Param("address", description="your email address, or 'verify'", required=True),
    Param("code", description="the 6-digit code from the email"),
    private=True,
    group="subscriptions",
    example="/email me@example.com",
)
async def email(ctx: CommandContext, address: str, code: str | None = None) -> Reply:
    subs = ctx.app.subscriptions
    if address.lower() == "verify":
        if not code:
            raise InvalidInput("give the 6-digit code from the email", field="code")
        dest = await subs.verify_email(ctx.user, code)
        sub = await subs.get_for_destination(dest)
        how = (
            digest_words(str(sub.digest_interval))
            if sub is not None and sub.mode == "digest"
            else "every alert as it happens"
        )
        return Reply(f"{dest.address} is verified: you will get {how} there.", private=True)
    if code:
        raise InvalidInput("to verify, send /email verify <code>", field="code")
    channels = getattr(ctx.app, "channels", None)
    sender = channels.get("email") if channels is not None else None
    if sender is None or not getattr(sender, "configured", True) or not ctx.app.settings.smtp_host:
        return Reply("Email is not configured on this server.", ok=False)
    dest, secret = await subs.start_email_verification(ctx.user, address)
    text = (
        f"Your TGE Monitor verification code is {secret}.\n"
        "Send /email verify <code> to the bot within 30 minutes. "
        "If you did not ask for this, ignore this mail."
    )
    await sender.send_email(dest.address, "TGE Monitor verification code", text)
    log.info("sent an email verification code for destination %s", dest.id)
    return Reply(
        f"I sent a 6-digit code to {dest.address}. Send /email verify <code> here.", private=True
    )
