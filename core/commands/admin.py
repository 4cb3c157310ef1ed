"""Service-admin commands: companies and feeds."""

from __future__ import annotations

from core.commands.alerts import _service
from core.commands.registry import (
    CommandContext,
    Param,
    ParamType,
    Permission,
    Reply,
    command,
)
from core.errors import InvalidInput
from core.models import Feed
from core.monitors.twitter import looks_like_x
from core.redact import mask_secrets

ADMIN = Permission.SERVICE_ADMIN


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


@command(
    "company_add",
    "Admin: add a company to watch for",
    Param("name", description="company name (quote it if it has spaces)", required=True),
    Param("tokens", description="token symbols, comma separated, e.g. MON"),
    Param("aliases", description="other names, comma separated"),
    Param("priority", description="HIGH, MEDIUM or LOW", choices=("high", "medium", "low")),
    permission=ADMIN,
    group="admin",
    example='/company_add "Monad Labs" MON',
)
async def company_add(
    ctx: CommandContext,
    name: str,
    tokens: str | None = None,
    aliases: str | None = None,
    priority: str | None = None,
) -> Reply:
    company = await ctx.app.companies.create(
        name,
        tokens=_csv(tokens),
        aliases=_csv(aliases),
        priority=(priority or "medium").upper(),
    )
    return Reply(f"Added {company.name} (id {company.id}).")


@command(
    "company_remove",
    "Admin: remove a company",
    Param("company", ParamType.COMPANY, "company name", required=True),
    permission=ADMIN,
    group="admin",
    example="/company_remove Monad",
)
async def company_remove(ctx: CommandContext, company: str) -> Reply:
    removed = await ctx.app.companies.delete(company)
    return Reply(f"Removed {removed.name}.")


@command(
    "company_alias",
    "Admin: add another name for a company",
    Param("company", description="company name (quote it if it has spaces)", required=True),
    Param("alias", ParamType.TEXT, "the other name", required=True),
    permission=ADMIN,
    group="admin",
    example="/company_alias Monad Monad Labs",
)
async def company_alias(ctx: CommandContext, company: str, alias: str) -> Reply:
    updated = await ctx.app.companies.add_alias(company, alias)
    return Reply(f"{updated.name} is also known as: {', '.join(updated.aliases or [])}.")


@command(
    "project_add",
    "Admin: add the new project an alert discovered to the companies",
    Param("alert_id", ParamType.INTEGER, "the alert's number", required=True, min_value=1),
    Param("name", ParamType.TEXT, "the project's name, if the alert has only its ticker"),
    permission=ADMIN,
    group="admin",
    help="Alerts about projects in no companies table say 'new project: X ($ABC)'. This adds "
    "X with its ticker, so later items about it match it like any company.",
    example="/project_add 42",
)
async def project_add(ctx: CommandContext, alert_id: int, name: str | None = None) -> Reply:
    alert = await _service(ctx, "alerts").get(alert_id)
    found = (alert.analysis or {}).get("discovered") or {}
    if not found and not name:
        raise InvalidInput(f"alert {alert.id} names no new project", field="alert_id")
    ticker = found.get("ticker")
    name = name or found.get("name")
    if not name:
        raise InvalidInput(
            f"alert {alert.id} names only ${ticker}; give the project's name: "
            f"/project_add {alert.id} <name>",
            field="name",
        )
    company = await ctx.app.companies.create(name, tokens=[ticker] if ticker else [])
    tokens = f" (${', $'.join(company.tokens)})" if company.tokens else ""
    return Reply(
        f"Added {company.name}{tokens} to the companies (id {company.id}); "
        "items about it now match it like any company.",
        data={"company_id": company.id, "name": company.name, "tokens": list(company.tokens)},
    )


@command(
    "feed_add",
    "Admin: watch a news source (RSS/Atom URL, web page, X account or X search)",
    Param(
        "url",
        description="feed or page URL, an X account (@binance, x.com/binance) or search:<query>",
        required=True,
        max_length=2048,
    ),
    Param("kind", description="rss, page or twitter", choices=("rss", "page", "twitter")),
    Param(
        "options",
        ParamType.TEXT,
        "page: selector:CSS (the list to read); X: retweets:skip or retweets:attribute",
        max_length=300,
    ),
    permission=ADMIN,
    group="admin",
    example="/feed_add https://www.theblock.co/rss.xml",
)
async def feed_add(
    ctx: CommandContext, url: str, kind: str | None = None, options: str | None = None
) -> Reply:
    feeds = _service(ctx, "feeds")
    opts = _feed_options(options)
    selector, retweets = opts.get("selector"), opts.get("retweets")
    if kind is None:
        kind = "twitter" if looks_like_x(url) else "page" if selector else "rss"
    if selector and kind != "page":
        raise InvalidInput("selector: applies to page feeds only", field="options")
    if retweets and kind != "twitter":
        raise InvalidInput("retweets: applies to X feeds only", field="options")
    if kind == "twitter":
        feed = await feeds.add(None, kind, query=url, retweets=retweets, created_by=ctx.user)
        return Reply(_x_feed_text(feed))
    if kind == "page":
        entries = await feeds.preview_page(url, selector)  # refuses a page with nothing to read
        feed = await feeds.add(url, kind, selector=selector, created_by=ctx.user)
        shown = "\n".join(f"• {title}" for _, title in entries[:5])
        more = f"\n… and {len(entries) - 5} more" if len(entries) > 5 else ""
        return Reply(
            f"Added feed #{feed.id} (page): {mask_secrets(feed.url)}. It lists {len(entries)} "
            f"entries now (kept as the baseline; only new ones will alert):\n{shown}{more}"
        )
    feed = await feeds.add(url, kind, created_by=ctx.user)
    return Reply(f"Added feed #{feed.id} ({feed.kind}): {mask_secrets(feed.url) or feed.query}.")


def _feed_options(text: str | None) -> dict[str, str]:
    """`selector:div.list a` and `retweets:attribute`; a selector takes the rest of the line."""
    rest = (text or "").strip()
    found: dict[str, str] = {}
    while rest:
        key, sep, value = rest.partition(":")
        key = key.strip().lower()
        if not sep or key not in ("selector", "retweets"):
            raise InvalidInput(
                f"unknown option {rest.split()[0]!r}; use selector:CSS or retweets:skip|attribute",
                field="options",
            )
        if key == "selector":
            found["selector"] = value.strip()
            break
        word, _, rest = value.strip().partition(" ")
        found["retweets"] = word.lower()
        rest = rest.strip()
    return found


def _x_feed_text(feed: Feed) -> str:
    query, state = feed.query or "", feed.state or {}
    if query.startswith("search:"):
        return (
            f"Added feed #{feed.id}: X search for {query[7:]!r} (a search because it starts "
            "with search:; for an account's posts write @name)."
        )
    who = f"@{state['username']}" if state.get("username") else query[5:]
    known = f" (id {state['user_id']})" if state.get("user_id") else ""
    retweets = "credited to their authors" if state.get("retweets") == "attribute" else "skipped"
    return f"Added feed #{feed.id}: posts by {who}{known} on X; retweets are {retweets}."


@command(
    "feed_remove",
    "Admin: stop watching a feed",
    Param("feed_id", ParamType.INTEGER, "the feed number from /feeds", required=True, min_value=1),
    permission=ADMIN,
    group="admin",
    example="/feed_remove 12",
)
async def feed_remove(ctx: CommandContext, feed_id: int) -> Reply:
    feed = await _service(ctx, "feeds").remove(feed_id)
    return Reply(f"Removed feed #{feed.id}.")


@command(
    "feed_status", "Admin: feed health (ok, failing, disabled)", permission=ADMIN, group="admin"
)
async def feed_status(ctx: CommandContext) -> Reply:
    summary = await _service(ctx, "feeds").status()
    fields = [
        (key.capitalize(), str(summary.get(key, 0)))
        for key in ("total", "healthy", "pending", "failing", "disabled")
    ]
    lines = []
    for feed in summary.get("attention", [])[:20]:
        reason = feed.get("disabled_reason") or feed.get("last_error") or ""
        lines.append(f"#{feed.get('id')} {feed.get('url') or feed.get('query')}: {reason}")
    return Reply("\n".join(lines) or "All feeds are fine.", title="Feed health", fields=fields)
