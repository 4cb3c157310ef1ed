"""The alert message every channel renders, plus the email (text + HTML) renderings.

Everything in a message comes from feeds and is untrusted: each renderer escapes for its own
markup (Telegram HTML and Discord embeds in their channels, email here).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.alerts.wording import event_phrase, event_time, reason, source_name
from core.confidence import in_words
from core.linkguard import SUSPICIOUS, LinkReview, LinkVerdict, defang
from core.scoring import Analysis
from core.scoring.discovery import label as discovery_label


@dataclass(frozen=True, slots=True)
class AlertMessage:
    """The channel-neutral content of one alert."""

    alert_id: int
    title: str
    url: str
    source: str
    companies: tuple[str, ...]
    tokens: tuple[str, ...]
    confidence: float
    band: str
    urgency_date: str | None
    urgency_text: str | None
    why: str
    created_at: datetime | None = None
    unsubscribe_url: str | None = None  # set by the dispatcher for email destinations
    new_project: str = ""  # "X ($ABC)": a project in no companies table (discovery)
    can_add_project: bool = False  # set by the dispatcher for an admin's destinations
    links: tuple[LinkVerdict, ...] = ()  # the phishing guard's verdict on every link
    kind: str = "tge"  # "warning": a story about impersonation, not a TGE
    warning: str | None = None
    link_headline: str | None = None  # a claim alert whose only link is suspicious
    event_id: int | None = None  # the TGE event this alert tells (core.events)
    event_line: str = ""  # "Update: Zama — new phase: listing, 2026-02-02 13:00 UTC"
    event: str = ""  # what happened in plain words: "Official TGE date announced"
    event_joiner: str = "for"  # the word before its date ("for", or "" for "opens June 20")
    when_label: str | None = None  # "June 20, 12:00 UTC" (the time when the title gives one)
    event_at: datetime | None = None  # that moment, when a time is known (Discord <t:…>)

    @property
    def new_project_name(self) -> str:
        return self.new_project.split(" ($", 1)[0] if self.new_project else ""

    def verdict_for(self, url: str) -> LinkVerdict | None:
        return next((v for v in self.links if v.url == url), None)

    def url_is_safe(self) -> bool:
        """The source link may be a button/hyperlink: http(s) and not suspicious."""
        if not self.url.startswith(("http://", "https://")):
            return False
        verdict = self.verdict_for(self.url)
        return verdict is None or verdict.verdict != SUSPICIOUS

    def first_lines(self) -> list[str]:
        """What must be read before anything else: an impersonation or a bad claim link."""
        out = []
        if self.link_headline:
            out.append(self.link_headline)
        if self.warning:
            out.append(f"⚠️ {self.warning}")
        if self.event_line:
            out.append(f"📅 {self.event_line}")
        return out

    def link_lines(self) -> list[str]:
        """Plain text, one per link: badge, the link (defanged when suspicious), why."""
        return [link_line(v, self.companies) for v in self.links]

    @property
    def confidence_pct(self) -> str:
        return f"{round(self.confidence * 100)}%"

    def summary_line(self) -> str:
        """'Companies · $TOK · 87% high' (or 'new project: X ($ABC) · 87% high'): the
        one-line header every channel shows."""
        parts: list[str] = []
        if self.new_project:
            parts.append(f"new project: {self.new_project}")
        if self.companies:
            parts.append(", ".join(self.companies))
        if self.tokens and not self.new_project:
            parts.append(" ".join(f"${t}" for t in self.tokens))
        parts.append(f"{self.confidence_pct} {self.band}")
        return " · ".join(parts)

    def when(self) -> str | None:
        return self.when_label or self.urgency_date or self.urgency_text

    @property
    def source_label(self) -> str:
        """The publication ('The Block'), never 'manual'; '' when nothing names it."""
        return source_name(self.source, self.url)

    @property
    def read_label(self) -> str:
        """The link button: 'Read on The Block' (not 'Open source', which reads as code)."""
        return f"Read on {self.source_label}" if self.source_label else "Read the story"

    @property
    def chance(self) -> str:
        """The calibrated chance in words with its number: 'likely (74%)'. Shown at most
        99%: a score is never a certainty."""
        shown = round(min(self.confidence, 0.99) * 100)
        return f"{in_words(self.confidence)} ({shown}%)"

    def project_line(self) -> str:
        """'Monad · $MON' (or 'New project: Linea · $LINEA')."""
        parts: list[str] = []
        if self.new_project:
            name = self.new_project_name or self.new_project
            parts.append(f"New project: {name}")
            ticker = self.new_project[len(name) :].strip(" ()")
            if ticker:
                parts.append(ticker)
        if self.companies:
            parts.append(", ".join(self.companies))
        if self.tokens and not self.new_project:
            parts.append(" ".join(f"${t}" for t in self.tokens))
        return " · ".join(parts)

    def reason_line(self, when: str | None = None) -> str:
        """'Official TGE date announced for June 20, 12:00 UTC'; `when` replaces the date
        text (Discord passes its <t:…> timestamp)."""
        if not self.event:
            return ""
        return reason(self.event, self.event_joiner, when or self.when_label)

    def plain_text(self, limit: int = 4000) -> str:
        """Plain text (emails, notices, logs); trimmed to `limit` characters."""
        lines = [*self.first_lines(), self.title or "(untitled)"]
        if self.project_line():
            lines.append(self.project_line())
        if self.reason_line():
            lines.append(self.reason_line())
        elif self.when():
            lines.append(f"When: {self.when()}")
        lines.append(f"Confidence: {self.chance}")
        if self.source_label:
            lines.append(f"Source: {self.source_label}")
        if self.links:
            lines.append("Links:")
            lines.extend(self.link_lines())
        elif self.url:
            lines.append(self.url)
        return truncate("\n".join(lines), limit)


def not_their_site(verdict: LinkVerdict, companies: tuple[str, ...] = ()) -> str:
    """'this is not LayerZero's site' — the project it imitates, else the alert's."""
    project = verdict.company or (companies[0] if companies else "the project")
    return f"this is not {project}'s site"


def link_line(verdict: LinkVerdict, companies: tuple[str, ...] = ()) -> str:
    if verdict.verdict == SUSPICIOUS:
        return (
            f"{verdict.badge} {defang(verdict.url)} — {not_their_site(verdict, companies)} "
            f"({verdict.reason})"
        )
    return f"{verdict.badge} {verdict.url} — {verdict.reason}"


@dataclass(frozen=True, slots=True)
class DigestMessage:
    """Several alerts for one destination and window, grouped by company."""

    window_key: str
    window_label: str
    groups: tuple[tuple[str, tuple[AlertMessage, ...]], ...]
    unsubscribe_url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def alert_count(self) -> int:
        return len({a.alert_id for _, alerts in self.groups for a in alerts})


def truncate(text: str, limit: int) -> str:
    """Cut to `limit` characters with an ellipsis (never in the middle of an escape: cut first)."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def message_from_alert(alert: Any) -> AlertMessage:
    """Build the neutral message from an Alert row (no extra queries: uses its analysis)."""
    analysis = Analysis.from_dict(alert.analysis or {"confidence": alert.confidence})
    links = LinkReview.from_analysis(alert.analysis)
    urgency = analysis.urgency or {}
    event, joiner = event_phrase(analysis.keywords, analysis.negatives)
    when_label, event_at = event_time(alert.title or "", analysis.urgency)
    return AlertMessage(
        alert_id=alert.id,
        title=alert.title or "",
        url=alert.url or "",
        source=alert.source or "",
        companies=tuple(str(c.get("name", "")) for c in analysis.companies if c.get("name")),
        tokens=tuple(str(t) for t in analysis.tokens),
        confidence=float(alert.confidence),
        band=alert.band or analysis.band,
        urgency_date=str(urgency["date"]) if urgency.get("date") else None,
        urgency_text=str(urgency["text"]) if urgency.get("text") else None,
        why=analysis.why(),
        created_at=alert.created_at,
        new_project=discovery_label(analysis.discovered) if analysis.new_project else "",
        links=tuple(links.links),
        kind=links.kind,
        warning=links.warning,
        link_headline=links.headline,
        event_id=getattr(alert, "event_id", None),
        event_line=str((alert.analysis or {}).get("event", {}).get("line") or ""),
        event=event,
        event_joiner=joiner,
        when_label=when_label,
        event_at=event_at,
    )


def group_digest(alerts: list[AlertMessage]) -> tuple[tuple[str, tuple[AlertMessage, ...]], ...]:
    """Group by first company (or 'Other'), highest confidence first, groups by their best."""
    groups: dict[str, list[AlertMessage]] = {}
    for msg in alerts:
        if msg.companies:
            key = msg.companies[0]
        else:
            key = f"New project: {msg.new_project}" if msg.new_project else "Other"
        groups.setdefault(key, []).append(msg)
    ordered = []
    for name, items in groups.items():
        items.sort(key=lambda m: (-m.confidence, m.alert_id))
        ordered.append((name, tuple(items)))
    ordered.sort(key=lambda g: (g[0] == "Other", -g[1][0].confidence, g[0].lower()))
    return tuple(ordered)


# --- email -------------------------------------------------------------------------------


def email_subject(msg: AlertMessage) -> str:
    title = " ".join((msg.title or "(untitled)").split())  # no header injection via newlines
    if msg.kind == "warning":
        return truncate(f"[Warning: impersonation, not a TGE] {title}", 200)
    tag = "[SUSPICIOUS LINK] " if msg.link_headline else ""
    return truncate(f"{tag}[TGE {msg.band} {msg.confidence_pct}] {title}", 200)


def email_alert_text(msg: AlertMessage, unsubscribe_url: str | None = None) -> str:
    text = msg.plain_text(20_000)
    if unsubscribe_url:
        text += f"\n\n--\nUnsubscribe: {unsubscribe_url}\n"
    return text


def _link_html(verdict: LinkVerdict, companies: tuple[str, ...]) -> str:
    """A link row: suspicious ones as defanged text, never an <a>."""
    e = html.escape
    if verdict.verdict == SUSPICIOUS:
        return (
            f"<li>{verdict.badge} <code>{e(defang(verdict.url))}</code> — "
            f"<b>{e(not_their_site(verdict, companies))}</b> ({e(verdict.reason)})</li>"
        )
    link = f'<a href="{e(verdict.url, quote=True)}">{e(truncate(verdict.url, 120))}</a>'
    return f"<li>{verdict.badge} {link} — {e(verdict.reason)}</li>"


def _alert_html(msg: AlertMessage) -> str:
    e = html.escape
    title = e(msg.title or "(untitled)")
    if msg.url and msg.url_is_safe():
        title = f'<a href="{e(msg.url, quote=True)}">{title}</a>'
    rows = [f'<div style="color:#b00020"><b>{e(line)}</b></div>' for line in msg.first_lines()]
    rows.append(f'<h3 style="margin:0">{title}</h3>')
    if msg.project_line():
        rows.append(f"<div>{e(msg.project_line())}</div>")
    if msg.reason_line():
        rows.append(f"<div><b>{e(msg.reason_line())}</b></div>")
    elif msg.when():
        rows.append(f"<div>When: {e(msg.when() or '')}</div>")
    rows.append(f"<div>Confidence: {e(msg.chance)}</div>")
    if msg.source_label:
        rows.append(f"<div>Source: {e(msg.source_label)}</div>")
    if msg.links:
        items = "".join(_link_html(v, msg.companies) for v in msg.links)
        rows.append(f'<ul style="margin:4px 0;padding-left:18px">{items}</ul>')
    return '<div style="margin:0 0 16px 0">' + "".join(rows) + "</div>"


def _unsubscribe_html(url: str | None) -> str:
    if not url:
        return ""
    link = html.escape(url, quote=True)
    return f'<hr><p style="font-size:12px"><a href="{link}">Unsubscribe</a></p>'


def email_alert_html(msg: AlertMessage, unsubscribe_url: str | None = None) -> str:
    return f"<html><body>{_alert_html(msg)}{_unsubscribe_html(unsubscribe_url)}</body></html>"


def digest_subject(digest: DigestMessage) -> str:
    n = digest.alert_count
    return f"TGE digest: {n} alert{'s' if n != 1 else ''} ({digest.window_label})"


def digest_text(digest: DigestMessage) -> str:
    out = [digest_subject(digest), ""]
    for company, alerts in digest.groups:
        out.append(f"== {company} ==")
        for msg in alerts:
            out.extend(f"  {line}" for line in msg.first_lines())
            out.append(f"- {msg.title or '(untitled)'} ({msg.chance})")
            if msg.reason_line():
                out.append(f"  {msg.reason_line()}")
            elif msg.when():
                out.append(f"  When: {msg.when()}")
            if msg.links:
                out.extend(f"  {line}" for line in msg.link_lines())
            elif msg.url:
                out.append(f"  {msg.url}")
        out.append("")
    if digest.unsubscribe_url:
        out.append(f"--\nUnsubscribe: {digest.unsubscribe_url}")
    return "\n".join(out) + "\n"


def digest_html(digest: DigestMessage) -> str:
    e = html.escape
    parts = [f"<html><body><h2>{e(digest_subject(digest))}</h2>"]
    for company, alerts in digest.groups:
        parts.append(f"<h3>{e(company)}</h3>")
        parts.extend(_alert_html(msg) for msg in alerts)
    parts.append(_unsubscribe_html(digest.unsubscribe_url))
    parts.append("</body></html>")
    return "".join(parts)


def digest_plain(digest: DigestMessage, limit: int) -> str:
    """A compact text digest for chat channels."""
    return truncate(digest_text(digest), limit)
