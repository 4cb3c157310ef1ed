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
from core.models import Alert, Delivery, DeliveryStatus, Feed

WELCOME = (
    "Welcome to TGE Monitor. I watch crypto news for Token Generation Events (token launches, "
    "airdrops, claims, listings), score each story and send you the likely ones.\n"
    "/subscribe sends alerts to this chat, /filter 0.7 sets how sure I must be, "
    "/watch <company> limits alerts to companies you care about, /alerts shows recent ones. "
    "/help lists every command."
)


GROUP_WELCOME = (
    "Hello! I post Token Generation Event alerts (token launches, airdrops, claims, listings) "
    "from crypto news, each with why it scored.\n"
    "/subscribe sends alerts to this group (admins; whoever subscribes owns the group's "
    "settings)\n"
    "/filter 70% or /filter companies Monad, Berachain chooses what arrives (admins)\n"
    "/why <alert number> shows why an alert came here, or why one did not\n"
    "/help lists everything."
)


def group_welcome() -> Reply:
    """What the bot says when it is added to a group: the three commands that matter."""
    return Reply(GROUP_WELCOME, title="TGE Monitor is here")


@command("start", "Start here: creates your account and explains the bot", scope="read")
async def start(ctx: CommandContext) -> Reply:
    return Reply(WELCOME, title="TGE Monitor")


@command(
    "help",
    "List commands, or explain one",
    Param("command", description="a command name, e.g. subscribe"),
    scope="read",
    example="/help subscribe",
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


@command("status", "Service health: feeds, last poll, this chat's last alert", scope="read")
async def status(ctx: CommandContext) -> Reply:
    """What a user can check for themselves; operator details only for service admins."""
    app = ctx.app
    fields: list[tuple[str, str]] = []
    health = await app.health()
    fields.append(("Service", str(health.get("status", "unknown"))))
    feeds = getattr(app, "feeds", None)
    summary: dict = {}
    if feeds is not None:
        summary = await feeds.status()
        fields.append(("Feeds", _feed_states(summary)))
        last_poll = (
            await Feed.filter(last_success_at__isnull=False).order_by("-last_success_at").first()
        )
        fields.append(
            ("Last successful poll", _ago(last_poll.last_success_at) if last_poll else "none yet")
        )
    last = await Alert.all().order_by("-created_at", "-id").first()
    fields.append(("Last alert", _ago(last.created_at) if last else "none yet"))
    fields.append(("Latency, 24 h", await _latency_line()))
    if ctx.destination_kind is not None and ctx.chat_id:
        fields.append(("This chat", await _this_chat(ctx)))
    if ctx.is_service_admin:
        checks = health.get("checks") or {}
        fields.append(
            ("Dependencies", ", ".join(f"{k} {v}" for k, v in checks.items() if isinstance(v, str)))
        )
        pending = await Delivery.filter(status=DeliveryStatus.PENDING).count()
        fields.append(("Queue", f"{pending} pending deliveries"))
        attention = summary.get("attention") or []
        if attention:
            names = [f"#{f['id']} {f.get('name') or f.get('kind')}" for f in attention[:10]]
            more = f" (+{len(attention) - 10} more: /feeds)" if len(attention) > 10 else ""
            fields.append(("Feeds needing attention", ", ".join(names) + more))
    return Reply("", title="TGE Monitor status", fields=fields)


def _feed_states(summary: dict) -> str:
    """Every feed counted once: '151: 120 ok, 2 failing, 1 disabled, 28 waiting for first
    check' (a feed never polled yet is neither ok nor failing)."""
    parts = [
        f"{summary.get(key, 0)} {label}"
        for key, label in (
            ("healthy", "ok"),
            ("failing", "failing"),
            ("disabled", "disabled"),
            ("pending", "waiting for first check"),
        )
        if summary.get(key, 0) or key == "healthy"
    ]
    return f"{summary.get('total', 0)}: " + ", ".join(parts)


async def _this_chat(ctx: CommandContext) -> str:
    """Subscribed or not, stopped or not, and when an alert last arrived here."""
    dest = await ctx.find_destination()
    sub = await ctx.app.subscriptions.get_for_destination(dest) if dest is not None else None
    if dest is None or sub is None or not sub.active:
        return "not subscribed (/subscribe)"
    if dest.rejected_reason:
        return f"stopped: {dest.rejected_reason} (/settings says how to fix it)"
    sent = (
        await Delivery.filter(destination_id=dest.id, status=DeliveryStatus.SENT)
        .order_by("-sent_at", "-id")
        .first()
    )
    if sent is None or sent.sent_at is None:
        return "subscribed; no alert delivered here yet"
    return f"subscribed; last alert delivered {_ago(sent.sent_at)}"


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
