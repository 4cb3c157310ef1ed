"""/start, /help and /status."""

from __future__ import annotations

from datetime import UTC, datetime

from core.commands.registry import (
    CommandContext,
    Param,
    Reply,
    command,
    help_reply,
)
from core.errors import NotFound
from core.models import Alert, Delivery, DeliveryStatus

WELCOME = (
    "Welcome to TGE Monitor. I watch crypto news for Token Generation Events (token launches, "
    "airdrops, claims, listings), score each story and send you the likely ones.\n"
    "/subscribe sends alerts to this chat, /filter 0.7 sets how sure I must be, "
    "/watch <company> limits alerts to companies you care about, /alerts shows recent ones. "
    "/help lists every command."
)


@command("start", "Start here: creates your account and explains the bot", scope="read")
async def start(ctx: CommandContext) -> Reply:
    return Reply(WELCOME, title="TGE Monitor")


@command(
    "help",
    "List commands, or explain one",
    Param("command", description="a command name, e.g. subscribe"),
    scope="read",
)
async def help_(ctx: CommandContext, command: str | None = None) -> Reply:
    registry = ctx.app.commands.registry
    if command:
        spec = registry.get(command)
        if spec is None or spec.hidden:
            raise NotFound(f"there is no /{command.lstrip('/')} command; try /help")
        fields = [(p.name, p.description or p.type.value) for p in spec.params]
        text = spec.summary + (f"\n{spec.help}" if spec.help else "")
        return Reply(text, title=spec.usage, fields=fields)
    return help_reply(registry, ctx)


def _ago(when: datetime | None) -> str:
    if when is None:
        return "never"
    seconds = int((datetime.now(UTC) - when).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{max(seconds, 0)}s ago"


@command("status", "Service health: feeds, last alert, delivery queue", scope="read")
async def status(ctx: CommandContext) -> Reply:
    app = ctx.app
    fields: list[tuple[str, str]] = []
    health = await app.health()
    fields.append(("Service", str(health.get("status", "unknown"))))
    feeds = getattr(app, "feeds", None)
    if feeds is not None:
        summary = await feeds.status()
        ok = summary.get("ok", summary.get("healthy", 0))
        failing = summary.get("failing", 0)
        disabled = summary.get("disabled", 0)
        fields.append(("Feeds", f"{ok} ok, {failing} failing, {disabled} disabled"))
    last = await Alert.all().order_by("-created_at", "-id").first()
    fields.append(("Last alert", _ago(last.created_at) if last else "none yet"))
    pending = await Delivery.filter(status=DeliveryStatus.PENDING).count()
    fields.append(("Queue", f"{pending} pending deliveries"))
    fields.append(("Latency, 24 h", await _latency_line()))
    return Reply("", title="TGE Monitor status", fields=fields)


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.1f} s" if value < 60 else f"{value / 60:.1f} min"


async def _latency_line() -> str:
    """Publication → delivery over the last day, as the dashboard shows it."""
    from core.services.latency import latency_summary

    data = await latency_summary(24)
    if not data["count"]:
        return "no alerts sent in the last 24 h"
    return (
        f"publication to delivery p50 {_seconds(data['p50_s'])}, "
        f"p95 {_seconds(data['p95_s'])} ({data['count']} sends)"
    )
