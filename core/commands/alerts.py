"""Reading: recent alerts (with why), companies and feeds; alert feedback buttons."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from core.alerts.feedback import TOAST, VOTE_WORDS, Vote
from core.commands.registry import (
    CommandContext,
    Param,
    ParamType,
    Reply,
    command,
)
from core.errors import InvalidInput, ServiceError
from core.redact import mask_secrets

if TYPE_CHECKING:
    from core.models import User
    from core.runtime import App

VOTES = tuple(v for v in VOTE_WORDS if v != "no")
FEEDBACK_RE = re.compile(r"^fb:(\d{1,12}):(up|down|no)$")


def _service(ctx: CommandContext, name: str) -> Any:
    service = getattr(ctx.app, name, None)
    if service is None:
        raise ServiceError(f"{name} are not available on this server yet")
    return service


@command(
    "alerts",
    "Recent alerts, with why each one scored",
    Param("company", ParamType.STRING, "only this company"),
    Param("min_confidence", ParamType.CONFIDENCE, "minimum confidence 0-1"),
    Param("n", ParamType.INTEGER, "how many (1-20)", min_value=1, max_value=20),
    group="alerts",
    scope="read",
)
async def alerts(
    ctx: CommandContext,
    company: str | None = None,
    min_confidence: float | None = None,
    n: int | None = None,
) -> Reply:
    service = _service(ctx, "alerts")
    rows, _ = await service.list(company=company, min_confidence=min_confidence, limit=n or 5)
    if not rows:
        return Reply("No alerts match yet.")
    blocks = []
    for alert in rows:
        data = service.to_json(alert)
        head = f"[{data['confidence']:.2f} {data['band']}] {data['title']}"
        lines = [head]
        if data.get("why"):
            lines.append(f"why: {data['why']}")
        if data.get("url"):
            lines.append(data["url"])
        blocks.append("\n".join(lines))
    return Reply("\n\n".join(blocks), title=f"Latest {len(rows)} alert(s)")


@command(
    "companies",
    "List watched-for companies, optionally matching a search",
    Param("search", ParamType.TEXT, "part of a name, alias or token"),
    group="companies",
    scope="read",
)
async def companies(ctx: CommandContext, search: str | None = None) -> Reply:
    found = await ctx.app.companies.list(search=search, limit=50)
    if not found:
        return Reply(f"No company matches {search!r}." if search else "No companies yet.")
    lines = []
    for company in found:
        extra = ", ".join(company.tokens or [])
        lines.append(
            f"• {company.name}" + (f" ({extra})" if extra else "") + f" — {company.priority}"
        )
    title = f"{len(found)} compan{'y' if len(found) == 1 else 'ies'}"
    return Reply("\n".join(lines), title=title)


@command("feeds", "List the news sources being watched", group="feeds", scope="read")
async def feeds(ctx: CommandContext) -> Reply:
    rows = await _service(ctx, "feeds").list()
    if not rows:
        return Reply("No feeds yet.")
    lines = []
    for feed in rows:
        state = "on" if feed.enabled else f"off ({feed.disabled_reason or 'disabled'})"
        target = mask_secrets(feed.url) or feed.query or ""
        origin = " [default catalogue]" if (feed.state or {}).get("catalogue") else ""
        lines.append(f"#{feed.id} {feed.kind} {feed.name or target}{origin} — {state}")
    return Reply("\n".join(lines), title=f"{len(rows)} feed(s)")


@command(
    "feedback",
    "Vote on an alert: up (useful), down (not useful) or not_tge",
    Param("alert_id", ParamType.INTEGER, "the alert's number", required=True, min_value=1),
    Param("vote", description="up, down or not_tge", required=True, choices=VOTES),
    group="alerts",
    help="Your vote is a label for the next retrain; it changes nothing anyone receives now. "
    "Voting again replaces your vote.",
)
async def feedback(ctx: CommandContext, alert_id: int, vote: str) -> Reply:
    service = _service(ctx, "alerts")
    result = await service.feedback(alert_id, ctx.user, vote)
    return Reply(
        f"{TOAST[Vote(result['vote'])]} (alert {result['alert_id']}: "
        f"{result['up']} 👍, {result['down']} 👎, {result['not_tge']} not a TGE)",
        data=result,
    )


async def record_feedback(app: App, user: User, data: str) -> str:
    """Handle a `fb:<alert_id>:up|down|no` button press (Telegram, Discord); returns the toast."""
    match = FEEDBACK_RE.match(data or "")
    if match is None:
        raise InvalidInput("unknown button", field="data")
    service = getattr(app, "alerts", None)
    if service is None:
        raise ServiceError("feedback is not available on this server yet")
    result = await service.feedback(int(match.group(1)), user, match.group(2))
    return TOAST[Vote(result["vote"])]
