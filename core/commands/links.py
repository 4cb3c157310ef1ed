"""/check <url> for anyone, /company_domain add|remove for admins: the phishing guard's doors."""

from __future__ import annotations

from core.commands.registry import (
    CommandContext,
    Param,
    ParamType,
    Permission,
    Reply,
    command,
)
from core.errors import InvalidInput
from core.linkguard import SUSPICIOUS, LinkVerdict, defang


def verdict_reply(verdict: LinkVerdict) -> Reply:
    """One link's verdict as a reply; a suspicious link is shown defanged, never as a link."""
    shown = defang(verdict.url) if verdict.verdict == SUSPICIOUS else verdict.url
    lines = [f"{verdict.badge} {verdict.verdict.upper()}: {shown}", verdict.reason]
    if verdict.verdict == SUSPICIOUS and verdict.company:
        lines.append(f"This is not {verdict.company}'s site. Do not connect a wallet or sign.")
    return Reply("\n".join(lines), title="Link check", data=verdict.to_json())


@command(
    "check",
    "Is this link a project's official site, unknown, or a lookalike?",
    Param("url", ParamType.TEXT, "the link to check", required=True, max_length=2048),
    help="Checks the link against every watched project's official domains and X handles.",
    scope="read",
    example="/check https://layerzero.network",
)
async def check(ctx: CommandContext, url: str) -> Reply:
    text = url.strip().strip("<>")
    if not text or any(ch.isspace() for ch in text):
        raise InvalidInput("give one link, without spaces", field="url")
    return verdict_reply(ctx.app.links.check(text))


@command(
    "company_domain",
    "Admin: add or remove a company's official domain or @X handle",
    Param("action", description="add or remove", required=True, choices=("add", "remove")),
    Param("company", description="company name (quote it if it has spaces)", required=True),
    Param("value", description="a domain (layerzero.network) or @handle", required=True),
    permission=Permission.SERVICE_ADMIN,
    group="admin",
    example="/company_domain add LayerZero layerzero.network",
)
async def company_domain(ctx: CommandContext, action: str, company: str, value: str) -> Reply:
    updated, kind, clean = await ctx.app.companies.edit_official(company, action, value)
    done = "added to" if action == "add" else "removed from"
    shown = f"@{clean}" if kind == "handle" else clean
    domains = ", ".join(updated.domains or []) or "none"
    handles = ", ".join(f"@{h}" for h in updated.handles or []) or "none"
    return Reply(
        f"{shown} {done} {updated.name}'s official {kind}s.",
        fields=[("Domains", domains), ("X", handles)],
    )
