"""`/why`: one item's path through the service, told for one chat.

Fetched (which source, when) → duplicates (which other sources told the same story) →
scored (the confidence and the signals behind it) → this chat's filter (threshold, companies,
watchlist, mode, digest window) → delivery (attempts and their outcome). Each step is a
sentence a user can read and a JSON object the web can show; the chat command (`/why`) and
`GET /alerts/{id}/trace` both call `trace_alert`, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from core.alerts.router import (
    LIVE_ONLY_KINDS,
    PROVEN_KINDS,
    confidence_floor,
    digest_window,
    wants_new_projects,
)
from core.confidence import in_words, percent
from core.errors import InvalidInput, NotFound
from core.models import (
    Alert,
    Company,
    Delivery,
    Destination,
    Digest,
    Item,
    ItemSource,
    Subscription,
    SubscriptionMode,
    User,
    in_id_range,
)
from core.monitors.dedup import canonical_url
from core.scoring import Analysis
from core.scoring.language import CJK_LANGUAGES, LANGUAGE_NAMES

if TYPE_CHECKING:
    from core.runtime import App

PASSED, STOPPED, WAITING, INFO = "passed", "stopped", "waiting", "info"


@dataclass
class Step:
    """One stage of the trace: its name, how it went, and a sentence that says so."""

    step: str
    outcome: str
    text: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"step": self.step, "outcome": self.outcome, "text": self.text, **self.details}


@dataclass
class Trace:
    """The whole path of one item (an alert, or an item that never became one)."""

    title: str
    url: str
    alert_id: int | None
    steps: list[Step] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "title": self.title,
            "url": self.url,
            "steps": [s.to_json() for s in self.steps],
        }


def at(when: datetime | None) -> str:
    """'Dec 5, 12:00 UTC' — the date and the time, always with the zone."""
    if when is None:
        return "an unknown time"
    when = when.astimezone(UTC)
    return f"{when:%b} {when.day}, {when:%H:%M} UTC"


async def find(app: App, ref: str) -> tuple[Alert | None, Item | None]:
    """An alert by its number or link, else the stored item with that link."""
    text = str(ref or "").strip().strip("<>")
    if not text:
        raise InvalidInput("give an alert number or a link, e.g. /why 42", field="ref")
    if text.lstrip("#").isdecimal():
        number = int(text.lstrip("#"))
        alert = await Alert.get_or_none(id=number) if in_id_range(number) else None
        if alert is None:
            raise NotFound(f"there is no alert {number}; /alerts lists the latest", field="ref")
        item = await Item.get_or_none(id=alert.item_id) if alert.item_id else None
        return alert, item
    if not text.startswith(("http://", "https://")):
        raise InvalidInput(f"{text[:60]!r} is neither an alert number nor a link", field="ref")
    alert = await Alert.filter(url=text).order_by("-id").first()
    if alert is not None:
        return alert, await Item.get_or_none(id=alert.item_id) if alert.item_id else None
    canonical = canonical_url(text)
    item = await Item.filter(canonical_url=canonical).order_by("-id").first() if canonical else None
    if item is None:
        source = await ItemSource.filter(url=text).order_by("-id").first()
        item = await Item.get_or_none(id=source.item_id) if source is not None else None
    if item is None:
        raise NotFound(
            "I have not seen that link in any feed I watch, so nothing could be sent. "
            "/feeds lists the sources",
            field="ref",
        )
    return await Alert.filter(item_id=item.id).first(), item


async def _fetched(alert: Alert | None, item: Item | None) -> list[Step]:
    if item is None:
        who = "an admin" if alert is not None and alert.created_by_id else "the service"
        when = at(alert.created_at) if alert is not None else "an unknown time"
        return [Step("fetched", INFO, f"Typed in by {who} as a manual alert on {when}.")]
    sources = await ItemSource.filter(item_id=item.id).select_related("feed").order_by("id")
    first = sources[0] if sources else None
    feed = first.feed if first is not None else None
    name = (feed.name if feed is not None else "") or "a source"
    kind = f" ({feed.kind} feed #{feed.id})" if feed is not None else ""
    text = f"Fetched from {name}{kind} on {at(item.created_at)}"
    if item.published_at is not None:
        text += f"; published {at(item.published_at)}"
    steps = [
        Step(
            "fetched",
            INFO,
            text + ".",
            {"feed_id": feed.id if feed else None, "fetched_at": _iso(item.created_at)},
        )
    ]
    others = sources[1:]
    if others:
        names = []
        for other in others:
            label = (other.feed.name if other.feed is not None else "") or "another source"
            names.append(f"{label} ({at(other.seen_at)})")
        steps.append(
            Step(
                "duplicates",
                INFO,
                f"The same story from {len(others)} more source"
                f"{'' if len(others) == 1 else 's'}: {', '.join(names)}; merged into this "
                "one, so it is sent once.",
                {"duplicates": [o.feed_id for o in others]},
            )
        )
    else:
        steps.append(Step("duplicates", INFO, "No other source told this story (no duplicate)."))
    return steps


def _signals(analysis: Analysis) -> list[str]:
    parts = sorted(
        (e for e in analysis.explanation if e.get("delta")),
        key=lambda e: -abs(float(e.get("delta") or 0)),
    )
    return [
        f"{e.get('detail') or e.get('signal')} ({float(e['delta']):+.2f})"
        for e in parts[:6]
        if e.get("signal") != "clamp"
    ]


def _judge(analysis: Analysis) -> tuple[str, str]:
    """Who set the threshold an item was judged at: ("service" | "cjk" | "linear", language
    name); one reading for the long and the short wording below."""
    if analysis.judged_at is None:
        return "service", ""
    if analysis.language in CJK_LANGUAGES:
        return "cjk", LANGUAGE_NAMES.get(analysis.language, analysis.language)
    return "linear", ""


def whose_threshold(analysis: Analysis) -> str:
    """Which threshold the scorer judged an item at, in words."""
    who, name = _judge(analysis)
    return {
        "service": "the service's alert threshold",
        "cjk": f"the threshold of the CJK model that scored it ({name})",
        "linear": "the threshold of the linear model that scored it (the text model did not)",
    }[who]


async def _scored(app: App, alert: Alert | None, item: Item | None) -> tuple[Step, Analysis]:
    threshold = float(app.settings.alert_threshold)
    if alert is not None:
        analysis = Analysis.from_dict(alert.analysis or {"confidence": alert.confidence})
        confidence = float(alert.confidence)
    else:
        engine = getattr(app, "scoring", None)
        assert item is not None
        if engine is None:
            analysis = Analysis(confidence=0.0, band="low")
        else:
            analysis = engine.analyze(
                item.title or "", item.text or "", published=item.published_at
            )
            encoder = getattr(app, "encoder", None)
            if encoder is not None:  # scored as ingest scored it (core.monitors.ingest)
                analysis = await encoder.rescore_async(analysis, item.title or "", item.text or "")
        confidence = float(analysis.confidence)
    signals = _signals(analysis)
    text = f"Scored {percent(confidence)} ({in_words(confidence)})"
    text += f": {'; '.join(signals)}." if signals else "."
    details = {"confidence": round(confidence, 4), "signals": signals}
    if alert is None:
        threshold = analysis.threshold(threshold)  # its own threshold (ingest's rule)
        whose = whose_threshold(analysis)
        text += (
            f" That is below {whose} of {percent(threshold)}, so it did "
            "not become an alert and went to no chat."
        )
        return Step("scored", STOPPED, text, details), analysis
    return Step("scored", PASSED, text + f" Alert #{alert.id} was made.", details), analysis


async def _filter(
    alert: Alert, analysis: Analysis, dest: Destination | None, service: float
) -> tuple[Step, Subscription | None]:
    """This destination's subscription, judged the way the router judges (core.alerts.router)."""
    if dest is None:
        return Step("filter", STOPPED, "This chat is not subscribed: /subscribe first."), None
    sub = await Subscription.filter(destination_id=dest.id).order_by("-active", "id").first()
    if sub is None:
        return Step("filter", STOPPED, "This chat is not subscribed: /subscribe first."), None
    if not sub.active:
        return Step("filter", STOPPED, "This chat's subscription is paused (/subscribe)."), sub
    kind = str(dest.kind)
    if kind in LIVE_ONLY_KINDS:
        return Step("filter", INFO, "A live connection: it gets alerts while connected."), sub
    if dest.rejected_reason:
        return (
            Step(
                "filter",
                STOPPED,
                f"Delivery here is stopped: {dest.rejected_reason}. Fix it, then /subscribe.",
            ),
            sub,
        )
    if not dest.verified and kind in PROVEN_KINDS:
        return Step("filter", STOPPED, "This destination is not verified yet."), sub
    if alert.created_at and sub.created_at and sub.created_at > alert.created_at:
        return (
            Step(
                "filter",
                STOPPED,
                f"This chat subscribed on {at(sub.created_at)}, after the alert was made "
                f"({at(alert.created_at)}); only newer alerts arrive.",
            ),
            sub,
        )
    confidence = float(alert.confidence)
    # the threshold the item was judged at (an alert made before it was recorded: as now)
    judged = alert.threshold if alert.threshold is not None else analysis.threshold(service)
    minimum = confidence_floor(sub.min_confidence, judged)
    if sub.min_confidence is None:
        used = f"{percent(minimum)}, the scorer's threshold for this item ({_judged_by(analysis)})"
        change = "/filter 70% sets a minimum of this chat's own"
    else:
        used = f"the minimum of {percent(minimum)} this chat set"
        change = "/filter changes it; /filter default follows the scorer's threshold per item"
    floor = {"threshold": round(minimum, 4), "threshold_from": _floor_source(sub)}
    if confidence + 1e-9 < minimum:
        return (
            Step(
                "filter",
                STOPPED,
                f"Stopped by this chat's threshold: {percent(confidence)} is below {used}. "
                f"{change}.",
                floor,
            ),
            sub,
        )
    why = [f"{percent(confidence)} ≥ {used}"]
    alert_ids = {int(c["id"]) for c in analysis.companies if c.get("id") is not None}
    alert_names = [str(c.get("name")) for c in analysis.companies if c.get("name")]
    use_watchlist = bool(sub.use_watchlist) and not dest.is_group
    ids = {int(i) for i in sub.company_ids or []}
    new_project = analysis.new_project and not alert_ids
    if new_project:
        if not wants_new_projects(sub.new_projects, ids, use_watchlist):
            return (
                Step(
                    "filter",
                    STOPPED,
                    "Stopped: it is about a new project (in no companies table) and this chat "
                    "gets only the companies it follows (/new_projects on changes that).",
                ),
                sub,
            )
        why.append("new projects are on")
    elif ids:
        names = sorted(await Company.filter(id__in=list(ids)).values_list("name", flat=True))
        if not ids & alert_ids:
            about = ", ".join(alert_names) or "no company"
            return (
                Step(
                    "filter",
                    STOPPED,
                    f"Stopped by this chat's companies: it is about {about}, and this chat "
                    f"follows only {', '.join(names)}.",
                ),
                sub,
            )
        why.append(f"about {', '.join(alert_names)}, one of this chat's companies")
    elif use_watchlist:
        owner = await User.get(id=sub.user_id)
        watched = set(await owner.watchlist.all().values_list("id", flat=True))
        if not watched & alert_ids:
            return (
                Step(
                    "filter",
                    STOPPED,
                    "Stopped by the watchlist: this chat follows its owner's /watchlist, which "
                    f"does not include {', '.join(alert_names) or 'this project'}.",
                ),
                sub,
            )
        why.append("on the owner's watchlist")
    else:
        why.append("all companies")
    if sub.mode == SubscriptionMode.DIGEST:
        owner = await User.get(id=sub.user_id)
        _, due = digest_window(
            str(sub.digest_interval),
            int(sub.digest_hour),
            owner.timezone or "UTC",
            alert.created_at or datetime.now(UTC),
        )
        why.append(f"{sub.digest_interval} digest, window closing {at(due)}")
    else:
        why.append("instant")
    return (
        Step("filter", PASSED, f"This chat's filter let it through: {'; '.join(why)}.", floor),
        sub,
    )


def _judged_by(analysis: Analysis) -> str:
    """Whose threshold an item was judged at, short: 'the service's', 'the CJK model's, ...'."""
    who, name = _judge(analysis)
    return {
        "service": "the service's",
        "cjk": f"the CJK model's, for {name} items",
        "linear": "the linear model's, as the text model did not read it",
    }[who]


def _floor_source(sub: Subscription) -> str:
    """`scorer`: the subscription follows the scorer's threshold; `subscription`: its own."""
    return "scorer" if sub.min_confidence is None else "subscription"


async def _delivery(alert: Alert, dest: Destination | None) -> Step:
    if dest is None:
        return Step("delivery", INFO, "Nothing was sent here.")
    row = await Delivery.get_or_none(alert_id=alert.id, destination_id=dest.id)
    if row is None:
        return Step(
            "delivery",
            INFO,
            "No delivery to this chat was planned when the alert was made (its filter then "
            "did not let it through, or it was not subscribed yet).",
        )
    tries = f"{row.attempts} attempt{'' if row.attempts == 1 else 's'}"
    details: dict[str, Any] = {
        "status": str(row.status),
        "attempts": row.attempts,
        "last_error": row.last_error,
        "sent_at": _iso(row.sent_at),
    }
    status = str(row.status)
    if row.digest_key:
        digest = await Digest.get_or_none(destination_id=dest.id, window_key=row.digest_key)
        if digest is not None and str(digest.status) == "sent":
            return Step("delivery", PASSED, f"Sent in the digest on {at(digest.sent_at)}.", details)
        due = f" due {at(row.next_attempt_at)}" if row.next_attempt_at else ""
        return Step("delivery", WAITING, f"Waiting for this chat's digest{due}.", details)
    if status == "sent":
        return Step("delivery", PASSED, f"Sent on {at(row.sent_at)} after {tries}.", details)
    if status == "pending":
        text = f"Not sent yet ({tries} so far)"
        if row.last_error:
            text += f"; the last one failed: {row.last_error}"
        if row.next_attempt_at:
            text += f"; next try {at(row.next_attempt_at)}"
        return Step("delivery", WAITING, text + ".", details)
    return Step(
        "delivery",
        STOPPED,
        f"Not delivered ({status}, {tries}): {row.last_error or 'no reason recorded'}.",
        details,
    )


def _iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


async def trace_alert(
    app: App, ref: str | int, destinations: list[Destination | None] | None
) -> Trace:
    """The path of one alert (by number or link) or stored item.

    `destinations`: the chats to judge it for — `[this chat]` from a chat (`[None]` when the
    chat has no destination yet), a user's destinations from the web; None for no verdict.
    """
    alert, item = await find(app, str(ref))
    title = alert.title if alert is not None else (item.title if item is not None else "")
    url = alert.url if alert is not None else (item.url if item is not None else "")
    result = Trace(title or "(untitled)", url or "", alert.id if alert is not None else None)
    result.steps.extend(await _fetched(alert, item))
    scored, analysis = await _scored(app, alert, item)
    result.steps.append(scored)
    if alert is None or destinations is None:
        return result
    label = len(destinations) > 1
    for dest in destinations:
        step, _ = await _filter(alert, analysis, dest, float(app.settings.alert_threshold))
        sent = await _delivery(alert, dest)
        for one in (step, sent):
            if dest is not None:
                one.details["destination_id"] = dest.id
                if label:
                    one.text = f"{dest.kind} {dest.name or dest.address}: {one.text}"
            result.steps.append(one)
    return result
