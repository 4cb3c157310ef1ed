"""Reading: recent alerts (with why), companies and feeds; alert feedback buttons."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from core.alerts.feedback import TOAST, VOTE_WORDS, WITHDRAWN, Vote, vote_buttons
from core.alerts.service import MAX_LIMIT
from core.commands.paging import PAGE, page_of, pager
from core.commands.registry import (
    CommandContext,
    Param,
    ParamType,
    Reply,
    command,
)
from core.confidence import in_words, percent
from core.errors import InvalidInput, ServiceError
from core.redact import mask_secrets

if TYPE_CHECKING:
    from core.models import User
    from core.runtime import App

LIST_PAGE = 20  # lines per page of /companies and /feeds: well inside one message
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
    Param("min_confidence", ParamType.CONFIDENCE, "minimum confidence, e.g. 70%"),
    Param("n", ParamType.INTEGER, "how many per page (1-20)", min_value=1, max_value=20),
    PAGE,
    group="alerts",
    scope="read",
    example="/alerts Monad 70% 5",
)
async def alerts(
    ctx: CommandContext,
    company: str | None = None,
    min_confidence: float | None = None,
    n: int | None = None,
    page: int | None = None,
) -> Reply:
    service = _service(ctx, "alerts")
    size, number = n or 5, page or 1
    reach = min(MAX_LIMIT, size * number + 1)  # one more than shown says whether more exist
    rows, _ = await service.list(company=company, min_confidence=min_confidence, limit=reach)
    if not rows:
        return Reply("No alerts match yet.")
    shown = page_of(rows[: size * number], number, size)  # past the end: the last page
    more = len(rows) > size * shown.number and size * (shown.number + 1) <= MAX_LIMIT
    blocks = []
    for alert in shown.items:
        data = service.to_json(alert)
        confidence = float(data["confidence"])
        head = f"#{alert.id} {data['title']} — {percent(confidence)}, {in_words(confidence)}"
        lines = [head]
        if data.get("why"):
            lines.append(f"Why: {data['why']}")
        if data.get("url"):
            lines.append(data["url"])
        blocks.append("\n".join(lines))
    args = [f"{k}={v}" for k, v in (("company", company), ("n", n)) if v is not None]
    if min_confidence is not None:
        args.append(f"min_confidence={round(min_confidence * 100)}%")
    pages = replace(shown, pages=shown.number + (1 if more else 0))
    buttons, hint = pager("alerts", pages, *args)
    count = len(shown.items)
    if pages.pages > 1:
        title = f"Latest alerts · page {shown.number}"
    else:
        title = "The latest alert" if count == 1 else f"The latest {count} alerts"
    hint = "\n\n/why <number> traces one." + hint
    return Reply("\n\n".join(blocks) + hint, title=title, buttons=buttons)


@command(
    "companies",
    "List watched-for companies, optionally matching a search",
    PAGE,
    Param("search", ParamType.TEXT, "part of a name, alias or token"),
    group="companies",
    scope="read",
    example="/companies mon",
)
async def companies(
    ctx: CommandContext, page: int | None = None, search: str | None = None
) -> Reply:
    found = await ctx.app.companies.list(search=search, limit=1000)
    if not found:
        return Reply(f"No company matches {search!r}." if search else "No companies yet.")
    shown = page_of(found, page, LIST_PAGE)
    lines = []
    for company in shown.items:
        extra = ", ".join(company.tokens or [])
        lines.append(
            f"• {company.name}" + (f" ({extra})" if extra else "") + f" — {company.priority}"
        )
    buttons, hint = pager("companies", shown, *([search] if search else []))
    title = f"{shown.total} compan{'y' if shown.total == 1 else 'ies'}{shown.label}"
    return Reply("\n".join(lines) + hint, title=title, buttons=buttons)


@command("feeds", "List the news sources being watched", PAGE, group="feeds", scope="read")
async def feeds(ctx: CommandContext, page: int | None = None) -> Reply:
    rows = await _service(ctx, "feeds").list()
    if not rows:
        return Reply("No feeds yet.")
    shown = page_of(rows, page, LIST_PAGE)
    lines = []
    for feed in shown.items:
        state = "on" if feed.enabled else f"off ({feed.disabled_reason or 'disabled'})"
        target = mask_secrets(feed.url) or feed.query or ""
        origin = " [default catalogue]" if (feed.state or {}).get("catalogue") else ""
        lines.append(f"#{feed.id} {feed.kind} {feed.name or target}{origin} — {state}")
    buttons, hint = pager("feeds", shown)
    title = f"{shown.total} feed{'' if shown.total == 1 else 's'}{shown.label}"
    return Reply("\n".join(lines) + hint, title=title, buttons=buttons)


@command(
    "feedback",
    "Vote on an alert: up (useful), down (not useful) or not_tge",
    Param("alert_id", ParamType.INTEGER, "the alert's number", required=True, min_value=1),
    Param("vote", description="up, down or not_tge", required=True, choices=VOTES),
    group="alerts",
    help="Your vote is a label for the next retrain; it changes nothing anyone receives now. "
    "Voting again replaces your vote.",
    example="/feedback 42 up",
)
async def feedback(ctx: CommandContext, alert_id: int, vote: str) -> Reply:
    service = _service(ctx, "alerts")
    result = await service.feedback(alert_id, ctx.user, vote)
    return Reply(
        f"{TOAST[Vote(result['vote'])]} (alert {result['alert_id']}: "
        f"{result['up']} 👍, {result['down']} 👎, {result['not_tge']} not a TGE)",
        data=result,
    )


@dataclass(frozen=True)
class FeedbackPress:
    """What a vote button press did: the caller's vote now (None: taken back), the tally."""

    alert_id: int
    vote: Vote | None
    tally: dict[str, Any]

    @property
    def toast(self) -> str:
        if self.vote is None:
            return WITHDRAWN
        return f"{TOAST[self.vote]} (press it again to take it back)"

    def buttons(self, *, show_mine: bool) -> list[tuple[str, str]]:
        """The vote buttons with the new tally (and ✓ on the caller's vote if `show_mine`)."""
        return vote_buttons(self.alert_id, self.tally, self.vote if show_mine else None)


async def press_feedback(app: App, user: User, data: str) -> FeedbackPress:
    """A `fb:<alert_id>:up|down|no` button press (Telegram, Discord): the same vote again
    takes it back."""
    match = FEEDBACK_RE.match(data or "")
    if match is None:
        raise InvalidInput("unknown button", field="data")
    service = getattr(app, "alerts", None)
    if service is None:
        raise ServiceError("feedback is not available on this server yet")
    result = await service.feedback(int(match.group(1)), user, match.group(2), toggle=True)
    vote = Vote(result["vote"]) if result["vote"] else None
    return FeedbackPress(int(result["alert_id"]), vote, result)


async def record_feedback(app: App, user: User, data: str) -> str:
    """A vote button press; returns the toast."""
    return (await press_feedback(app, user, data)).toast
