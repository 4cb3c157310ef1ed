"""TGE events in chat: what is coming (/upcoming), one event's timeline (/event), how this
chat hears about events (/updates) and when it is reminded (/remind), the private calendar."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from core.commands.registry import (
    CommandContext,
    Param,
    ParamType,
    Permission,
    Reply,
    command,
)
from core.errors import InvalidInput
from core.events import calendar
from core.events.service import MAX_REMINDERS, PHASE_LABELS, remind_minutes_of
from core.models import Event, EventPhase, PhaseKind, Platform
from core.services.subscriptions import remind_setting

UPCOMING = 10
_DURATION = re.compile(r"^(\d{1,5})\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)$")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 1440}
POLICY_TEXT = {
    "every": "every alert about an event arrives here",
    "phases": "the first alert of an event arrives here, then one short update per new phase "
    "(the first message is edited to show the timeline)",
    "first": "only the first alert of each event arrives here",
}


def when_text(at: datetime | None, all_day: bool, platform: Platform) -> str:
    """A phase's date for a chat: Discord shows <t:…> in each reader's own time zone."""
    if at is None:
        return "date not yet known"
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    if platform == Platform.DISCORD:
        stamp = int(at.timestamp())
        return f"<t:{stamp}:D>" if all_day else f"<t:{stamp}:F> (<t:{stamp}:R>)"
    return f"{at:%a %d %b %Y}" if all_day else f"{at:%a %d %b %Y %H:%M} UTC"


def parse_leads(raw: str) -> list[int]:
    """'24h, 1h' / '90m' / '2d' → minutes; 'off' → []; 'default' → T-24 h and T-1 h."""
    text = raw.strip().lower()
    if text in ("off", "none", "no"):
        return []
    if text in ("default", "on"):
        return list(remind_minutes_of(None))
    parts = [p for p in re.split(r"[,\s]+", text) if p]
    if not parts or len(parts) > MAX_REMINDERS:
        raise InvalidInput(
            f"give 1-{MAX_REMINDERS} lead times like 24h, 1h, 30m or 2d (or off / default)",
            field="before",
        )
    minutes = []
    for part in parts:
        m = _DURATION.match(part)
        if m is None:
            raise InvalidInput(
                f"{part!r} is not a lead time: write it like 24h, 90m or 2d", field="before"
            )
        minutes.append(int(m.group(1)) * _UNIT_MINUTES[m.group(2)[0]])
    return remind_setting(minutes)


def lead_text(minutes: int) -> str:
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


@command(
    "upcoming",
    "The next 10 TGE events with their dates",
    Param("company", ParamType.COMPANY, "only this company"),
    group="events",
    scope="read",
)
async def upcoming(ctx: CommandContext, company: str | None = None) -> Reply:
    events = await ctx.app.events.list(company=company, upcoming=True, limit=UPCOMING)
    if not events:
        return Reply("No dated TGE events ahead yet." + (f" (for {company})" if company else ""))
    lines = []
    data = []
    for event in events:
        phase = await _next_phase(event)
        label = PHASE_LABELS.get(PhaseKind(phase.kind), str(phase.kind)) if phase else ""
        token = f" (${event.token})" if event.token else ""
        when = when_text(event.next_at, bool(phase and phase.all_day), ctx.platform)
        flag = " — delayed" if event.status == PhaseKind.DELAYED else ""
        lines.append(f"#{event.id} {event.project}{token}: {label} {when}{flag}")
        data.append(await ctx.app.events.to_json(event))
    return Reply("\n".join(lines), title="Upcoming TGE events", data={"events": data})


async def _next_phase(event: Event) -> EventPhase | None:
    if event.next_at is None:
        return None
    return await EventPhase.filter(event_id=event.id, at=event.next_at).order_by("id").first()


@command(
    "event",
    "One TGE event's timeline and sources",
    Param("event_id", ParamType.INTEGER, "the event's number", required=True, min_value=1),
    group="events",
    scope="read",
)
async def event(ctx: CommandContext, event_id: int) -> Reply:
    svc = ctx.app.events
    found = await svc.get(event_id)
    body = await svc.to_json(found, full=True)
    lines = []
    for phase in await svc.timeline(found):
        label = PHASE_LABELS.get(PhaseKind(phase.kind), str(phase.kind))
        when = when_text(phase.at, phase.all_day, ctx.platform) if phase.at else ""
        if phase.kind == PhaseKind.DELAYED and phase.previous_at is not None:
            when = f"from {when_text(phase.previous_at, phase.all_day, ctx.platform)} to {when}"
        seen = f" ({phase.corroboration} sources)" if phase.corroboration > 1 else ""
        lines.append(f"• {label}{' ' + when if when else ''}{seen}")
    token = f" (${found.token})" if found.token else ""
    fields = [
        ("Status", str(found.status)),
        ("Sources", str(found.source_count)),
        ("Confidence", f"{round(found.confidence * 100)}%"),
    ]
    return Reply("\n".join(lines), title=f"{found.project}{token}", fields=fields, data=body)


@command(
    "updates",
    "How this chat hears about an event: every alert, new phases only, or first only",
    Param(
        "policy",
        description="every, phases (default) or first",
        required=True,
        choices=("every", "phases", "first"),
    ),
    permission=Permission.CHAT_ADMIN,
    group="events",
)
async def updates(ctx: CommandContext, policy: str) -> Reply:
    dest = await ctx.destination()
    await _require_subscription(ctx, dest)
    await ctx.app.subscriptions.subscribe(ctx.user, dest, updates=policy)
    return Reply(f"From now on {POLICY_TEXT[policy]}.")


@command(
    "remind",
    "Reminders before an event's dates, e.g. /remind 24h,1h (or off, default)",
    Param("before", ParamType.TEXT, "lead times like 24h, 1h, 30m or 2d; off; default"),
    permission=Permission.CHAT_ADMIN,
    group="events",
    help="Reminders come before each dated phase (claim, listing, snapshot, TGE date) of the "
    "events this chat was told about. A delay moves them; a cancellation removes them.",
)
async def remind(ctx: CommandContext, before: str | None = None) -> Reply:
    dest = await ctx.destination()
    sub = await _require_subscription(ctx, dest)
    if before is None:
        leads = remind_minutes_of(sub.remind_minutes)
        now = ", ".join(f"T-{lead_text(m)}" for m in leads) or "off"
        return Reply(f"Reminders here: {now}. Change with /remind 24h,1h (or off, default).")
    leads = parse_leads(before)
    await ctx.app.subscriptions.subscribe(ctx.user, dest, remind_minutes=leads)
    await ctx.app.events.reschedule_destination(dest.id)
    if not leads:
        return Reply("No reminders will come here (pending ones are cancelled).")
    return Reply("Reminders here: " + ", ".join(f"T-{lead_text(m)}" for m in leads) + ".")


async def _require_subscription(ctx: CommandContext, dest: Any) -> Any:
    sub = await ctx.app.subscriptions.get_for_destination(dest)
    if sub is None or not sub.active:
        raise InvalidInput("this chat is not subscribed yet; use /subscribe first", field="chat")
    return sub


@command(
    "calendar",
    "Your private calendar link (ICS) of TGE dates; /calendar revoke turns it off",
    Param("action", description="new (default) or revoke", choices=("new", "revoke")),
    private=True,
    group="events",
)
async def calendar_link(ctx: CommandContext, action: str | None = None) -> Reply:
    if action == "revoke":
        count = await calendar.revoke(ctx.user)
        text = "Your calendar link is turned off." if count else "You had no calendar link."
        return Reply(text, private=True)
    token = await calendar.new_token(ctx.user)
    base = ctx.app.settings.public_base_url.rstrip("/")
    url = f"{base}/calendar/{token}.ics"
    return Reply(
        f"Subscribe to this address in your calendar app (it is private: anyone with it sees "
        f"your events). Any older link stopped working.\n{url}",
        private=True,
        data={"url": url},
    )
