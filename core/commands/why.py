"""/why <alert number or link>: how one item travelled, and what this chat's filter did."""

from __future__ import annotations

from core.alerts.trace import PASSED, STOPPED, WAITING, Trace, trace_alert
from core.commands.registry import CommandContext, Param, ParamType, Reply, command

MARKS = {PASSED: "✅", STOPPED: "⛔", WAITING: "⏳"}
STEP_NAMES = {
    "fetched": "Fetched",
    "duplicates": "Duplicates",
    "scored": "Scored",
    "filter": "This chat's filter",
    "delivery": "Delivery",
}


def trace_reply(trace: Trace) -> Reply:
    """The trace as numbered lines (a chat reply), with the JSON in `data` for REST."""
    lines = []
    for number, step in enumerate(trace.steps, 1):
        mark = MARKS.get(step.outcome, "•")
        lines.append(f"{number}. {mark} {STEP_NAMES.get(step.step, step.step)}: {step.text}")
    if trace.url:
        lines.append(trace.url)
    head = f"Why #{trace.alert_id}: " if trace.alert_id else "Why: "
    return Reply("\n".join(lines), title=head + trace.title[:200], data=trace.to_json())


@command(
    "why",
    "Why an alert came to this chat, or did not: every step, from fetch to delivery",
    Param(
        "ref",
        ParamType.TEXT,
        "an alert number (from /alerts) or a link",
        required=True,
        max_length=2048,
    ),
    group="alerts",
    scope="read",
    example="/why 42  or  /why https://www.theblock.co/post/…",
)
async def why(ctx: CommandContext, ref: str) -> Reply:
    destinations = None
    if ctx.destination_kind is not None and ctx.chat_id:
        destinations = [await ctx.find_destination()]
    elif ctx.user is not None:
        destinations = list(await ctx.app.subscriptions.list_destinations(ctx.user)) or None
    return trace_reply(await trace_alert(ctx.app, ref, destinations))
