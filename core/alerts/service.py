"""AlertService (`app.alerts`): alerts and their outbox rows, listing, feedback, unsubscribe.

An alert and all of its Delivery rows are written in one transaction (the outbox; inside the
ingestor's, with the item it is for), and only after the commit is it announced on the bus
("alerts" channel) for WebSocket clients and for dispatchers to wake up. A replayed item never
makes a second alert or a second row.
"""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from core.alerts import feedback
from core.alerts.render import message_from_alert
from core.alerts.router import Router
from core.db import after_commit, transaction
from core.errors import InvalidInput, NotFound
from core.linkguard import LinkGuard, LinkReview, review
from core.models import (
    Alert,
    Company,
    Delivery,
    DeliveryStatus,
    Event,
    EventPhase,
    Item,
    Subscription,
    UpdatePolicy,
    User,
    in_id_range,
    row_by_id,
)
from core.scoring import Analysis, band_for

log = logging.getLogger(__name__)

BUS_CHANNEL = "alerts"
BANDS = ("high", "medium", "low")
MAX_LIMIT = 100
TITLE_MAX = 500
TEXT_MAX = 20_000


def _encode_cursor(alert_id: int) -> str:
    return base64.urlsafe_b64encode(f"a:{alert_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: Any) -> int:
    if not isinstance(cursor, str) or not cursor or len(cursor) > 64:
        raise InvalidInput("cursor is not valid", field="cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "a":
            raise ValueError
        ident = int(value)
        if not in_id_range(ident):
            raise ValueError
        return ident
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor is not valid", field="cursor") from None


def _parse_since(since: Any) -> datetime:
    if isinstance(since, datetime):
        return since if since.tzinfo else since.replace(tzinfo=UTC)
    if isinstance(since, str) and since.strip():
        try:
            value = datetime.fromisoformat(since.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(
                "since must be an ISO 8601 date or time, e.g. 2026-03-01T00:00:00Z", field="since"
            ) from None
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    raise InvalidInput("since must be an ISO 8601 date or time", field="since")


def _confidence(value: Any, field: str) -> float:
    if isinstance(value, bool):
        raise InvalidInput(f"{field} must be a number between 0 and 1", field=field)
    try:
        conf = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{field} must be a number between 0 and 1", field=field) from None
    if not 0.0 <= conf <= 1.0:
        raise InvalidInput(f"{field} must be between 0 and 1", field=field)
    return conf


class AlertService:
    """Everything about alerts that is not a transport; hung off the App as `app.alerts`."""

    def __init__(self, app: Any) -> None:
        self.app = app
        registry = getattr(app, "channels", None)
        self.router = Router(
            app,
            supports_digest=registry.supports_digest if registry is not None else None,
        )
        self._listeners: list[Callable[[Alert], None]] = []

    def on_created(self, listener: Callable[[Alert], None]) -> None:
        """Call `listener(alert)` after each commit (the local dispatcher wakes up on it)."""
        self._listeners.append(listener)

    # --- creating ---------------------------------------------------------------------

    def review(
        self,
        analysis: Analysis,
        *,
        title: str,
        text: str,
        url: str,
        source_url: str | None = None,
    ) -> tuple[Analysis, LinkReview]:
        """The phishing guard's look at an item's links and wording (`core.linkguard`)."""
        guard = getattr(self.app, "links", None)
        if guard is None:  # an App without a guard (a stripped-down test app): no companies
            guard = self._no_guard = getattr(self, "_no_guard", None) or LinkGuard()
        return review(guard, analysis, title=title, text=text, url=url, source_url=source_url)

    async def create_from_item(
        self, item: Item, analysis: Analysis, links: LinkReview | None = None
    ) -> Alert:
        """Store an alert for a scored item with its delivery rows; idempotent per item.

        `links`: the item's link review when the caller already ran it (the ingestor does,
        before the threshold check, since scam wording lowers the score)."""
        existing = await Alert.filter(item_id=item.id).first()
        if existing is not None:
            return existing
        source = ""
        feed = await item.feed if item.feed_id else None
        if feed is not None:
            source = feed.name or ""
        if not source:
            source = urlsplit(item.url or "").hostname or ""
        if links is None:
            analysis, links = self.review(
                analysis,
                title=item.title or "",
                text=item.text or "",
                url=item.url or "",
                source_url=feed.url if feed is not None else None,
            )
        return await self._create(
            item=item,
            title=item.title or "",
            url=item.url or "",
            source=source[:256],
            analysis=analysis,
            created_by=None,
            links=links,
        )

    async def create_manual(
        self, title: Any, text: Any = "", url: Any = "", created_by: User | None = None
    ) -> Alert:
        """An alert typed in by an admin; scored with the live engine when there is one."""
        if not isinstance(title, str) or not title.strip():
            raise InvalidInput("title is required", field="title")
        if len(title) > TITLE_MAX:
            raise InvalidInput(f"title must be at most {TITLE_MAX} characters", field="title")
        text = "" if text is None else text
        if not isinstance(text, str) or len(text) > TEXT_MAX:
            raise InvalidInput(
                f"text must be a string of at most {TEXT_MAX} characters", field="text"
            )
        url = "" if url is None else url
        if not isinstance(url, str):
            raise InvalidInput("url must be a string", field="url")
        url = url.strip()
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2048:
                raise InvalidInput("url must be an http(s) URL", field="url")
        engine = getattr(self.app, "scoring", None)
        if engine is not None:
            analysis = engine.analyze(title.strip(), text, source_kind="manual")
            encoder = getattr(self.app, "encoder", None)
            if encoder is not None:  # the encoder second stage, off the loop's thread
                analysis = await encoder.rescore_async(analysis, title.strip(), text)
        else:
            analysis = Analysis(confidence=1.0, band=band_for(1.0))
        analysis, links = self.review(analysis, title=title.strip(), text=text, url=url)
        return await self._create(
            item=None,
            title=title.strip(),
            url=url,
            source="manual",
            analysis=analysis,
            created_by=created_by,
            links=links,
        )

    async def _create(
        self,
        *,
        item: Item | None,
        title: str,
        url: str,
        source: str,
        analysis: Analysis,
        created_by: User | None,
        links: LinkReview | None = None,
    ) -> Alert:
        confidence = max(0.0, min(1.0, float(analysis.confidence)))
        # the threshold the scorer judged this item at (its own model's, else the service's):
        # the floor of every subscription that chose none (core.alerts.router)
        threshold = float(analysis.threshold(self.router.service_threshold()))
        stored = analysis.to_dict()
        if links is not None:
            stored.update(links.to_json())
        wanted = {int(c["id"]) for c in analysis.companies if c.get("id") is not None}
        async with transaction() as conn:
            companies = await Company.filter(id__in=wanted).using_db(conn) if wanted else []
            alert = await Alert.create(
                item=item,
                title=title,
                url=url[:2048],
                source=source,
                confidence=confidence,
                threshold=threshold,
                band=analysis.band or band_for(confidence),
                analysis=stored,
                created_by=created_by,
                using_db=conn,
            )
            if companies:
                await alert.companies.add(*companies, using_db=conn)
            events = getattr(self.app, "events", None)
            attachment = (
                await events.attach(alert, stored, item, conn) if events is not None else None
            )
            targets = await self.router.targets(
                confidence,
                [c.id for c in companies],
                threshold=threshold,
                new_project=analysis.new_project and not companies,
                connection=conn,
            )
            if attachment is not None and attachment.event_id is not None and item is not None:
                # an admin's manual alert is a deliberate broadcast: no update policy applies
                targets = await self._event_targets(alert, attachment, targets, conn)
            elif attachment is not None and attachment.coverage_of is not None and item:
                targets = await self._coverage_targets(attachment.coverage_of, targets, conn)
            if targets:
                await Delivery.bulk_create(
                    [
                        Delivery(
                            alert_id=alert.id,
                            destination_id=t.destination_id,
                            mode=t.mode,
                            status=DeliveryStatus.PENDING,
                            digest_key=t.digest_key,
                            next_attempt_at=t.due_at,
                        )
                        for t in targets
                    ],
                    using_db=conn,
                )

        async def committed() -> None:
            if attachment is not None and attachment.event_id is not None and events is not None:
                try:  # a reminder row lost here is remade by the next phase
                    await events.schedule(
                        attachment.event_id,
                        [t.destination_id for t in targets if not t.digest_key],
                    )
                except Exception:
                    log.exception("could not schedule reminders for event %s", attachment.event_id)
            log.info(
                "alert %s (%.2f %s) routed to %d destination(s)",
                alert.id,
                confidence,
                alert.band,
                len(targets),
            )
            await self._announce(alert)

        # now, or once the caller's transaction (the ingestor's: the item with its alert)
        # commits: nothing is announced that a rollback could take back
        await after_commit(committed)
        return alert

    async def _event_targets(
        self, alert: Alert, attachment: Any, targets: list[Any], conn: Any
    ) -> list[Any]:
        """Apply each destination's update policy to an alert that tells a known event.

        every: all of them; phases (default): the destination's first alert of the event and
        then one per new phase; first: the destination's first alert of the event only.
        Digests keep every alert: the digest is already one message for its window."""
        from core.events.service import describe_phase

        event_id = attachment.event_id
        told = await self._told_of(event_id, targets, conn, besides=alert.id)
        kept = []
        for t in targets:
            if t.digest_key:  # a digest already gathers retellings into one message
                kept.append(t)
            elif t.destination_id not in told or t.updates == UpdatePolicy.EVERY:
                kept.append(t)
            elif t.updates == UpdatePolicy.PHASES and attachment.new_phase is not None:
                kept.append(t)
        if not attachment.new_event:
            event = await Event.get(id=event_id).using_db(conn)
            line = f"Update: {event.project}"
            phase = None
            if attachment.new_phase is not None:
                phase = await EventPhase.get_or_none(
                    event_id=event_id, kind=attachment.new_phase
                ).using_db(conn)
            if phase is not None:
                line += f" — new phase: {describe_phase(phase)}"
            else:
                line += f" — {event.source_count} sources tell this launch"
            alert.analysis = {**(alert.analysis or {}), "event": {"id": event_id, "line": line}}
            await Alert.filter(id=alert.id).using_db(conn).update(analysis=alert.analysis)
        return kept

    async def _coverage_targets(self, event_id: int, targets: list[Any], conn: Any) -> list[Any]:
        """Later news of an event's token (coverage: a buyback, a crash) is no update of the
        event: a destination already told of the event gets it only when it asked for every
        alert of an event (its digest gathers it anyway); one never told gets it as the
        scorer routed it, a news alert of its own (no event line, no edit of a message)."""
        told = await self._told_of(event_id, targets, conn)
        return [
            t
            for t in targets
            if t.digest_key or t.destination_id not in told or t.updates == UpdatePolicy.EVERY
        ]

    @staticmethod
    async def _told_of(
        event_id: int, targets: list[Any], conn: Any, besides: int | None = None
    ) -> set[int]:
        """The targets' destinations that already got an alert of this event (other than
        `besides`): the update policy of a retelling and of coverage both ask it."""
        query = Delivery.filter(
            alert__event_id=event_id, destination_id__in=[t.destination_id for t in targets]
        )
        if besides is not None:
            query = query.exclude(alert_id=besides)
        return set(await query.using_db(conn).values_list("destination_id", flat=True))

    async def _announce(self, alert: Alert) -> None:
        try:
            await self.app.bus.publish(BUS_CHANNEL, {"type": "alert", "data": self.to_json(alert)})
        except Exception:
            log.exception("could not publish alert %s on the bus", alert.id)
        for listener in self._listeners:
            try:
                listener(alert)
            except Exception:
                log.exception("alert listener failed")

    # --- reading ----------------------------------------------------------------------

    def to_json(self, alert: Alert, full: bool = False) -> dict[str, Any]:
        """The public shape of an alert (REST, WebSocket, webhooks)."""
        msg = message_from_alert(alert)
        analysis = alert.analysis or {}
        out: dict[str, Any] = {
            "id": alert.id,
            "title": alert.title,
            "url": alert.url,
            "source": alert.source,
            "confidence": round(float(alert.confidence), 4),
            "band": alert.band,
            "companies": list(msg.companies),
            "tokens": list(msg.tokens),
            "why": msg.why,
            "urgency": msg.urgency_date,
            "urgency_text": msg.urgency_text,
            "new_project": (
                {k: analysis["discovered"].get(k) for k in ("name", "ticker")}
                if analysis.get("new_project") and analysis.get("discovered")
                else None
            ),
            "kind": msg.kind,
            "warning": msg.warning,
            "link_headline": msg.link_headline,
            "links": [v.to_json() for v in msg.links],
            "feedback": {
                "up": alert.feedback_up,
                "down": alert.feedback_down,
                "not_tge": alert.feedback_not_tge,
            },
            "created_at": alert.created_at.isoformat() if alert.created_at else None,
        }
        if full:
            out["explanation"] = analysis.get("explanation", [])
            out["keywords"] = analysis.get("keywords", {})
            out["negatives"] = analysis.get("negatives", [])
            out["analysis"] = analysis
        return out

    async def get(self, alert_id: Any) -> Alert:
        return await row_by_id(Alert, alert_id, "alert")

    async def list(
        self,
        *,
        company: Any = None,
        min_confidence: Any = None,
        band: Any = None,
        since: Any = None,
        limit: Any = 20,
        cursor: Any = None,
    ) -> tuple[list[Alert], str | None]:
        """Newest first; returns (alerts, next_cursor or None). Every filter is validated."""
        if isinstance(limit, bool):
            raise InvalidInput(f"limit must be 1-{MAX_LIMIT}", field="limit")
        try:
            limit = int(limit)
        except (TypeError, ValueError):
            raise InvalidInput(f"limit must be 1-{MAX_LIMIT}", field="limit") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be 1-{MAX_LIMIT}", field="limit")
        query = Alert.all()
        if company not in (None, ""):
            companies = getattr(self.app, "companies", None)
            if companies is not None:
                found = await companies.get(company)
            else:
                found = await self._company(company)
            query = query.filter(companies__id=found.id)
        if min_confidence not in (None, ""):
            query = query.filter(confidence__gte=_confidence(min_confidence, "min_confidence"))
        if band not in (None, ""):
            if not isinstance(band, str) or band.lower() not in BANDS:
                raise InvalidInput("band must be high, medium or low", field="band")
            query = query.filter(band=band.lower())
        if since not in (None, ""):
            query = query.filter(created_at__gte=_parse_since(since))
        if cursor not in (None, ""):
            query = query.filter(id__lt=_decode_cursor(cursor))
        rows = await query.order_by("-id").limit(limit + 1).distinct()
        more = len(rows) > limit
        rows = rows[:limit]
        return rows, (_encode_cursor(rows[-1].id) if more and rows else None)

    async def _company(self, ref: Any) -> Company:
        if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdecimal()):
            found = await Company.get_or_none(id=int(ref)) if in_id_range(int(ref)) else None
        else:
            found = await Company.get_or_none(name=str(ref).strip())
        if found is None:
            raise NotFound(f"company {ref!r} not found", field="company")
        return found

    # --- feedback and unsubscribe -----------------------------------------------------

    async def feedback(
        self, alert_id: Any, user: User, vote: Any, *, toggle: bool = False
    ) -> dict[str, Any]:
        """Record (or change) one user's vote: True/"up", False/"down" or "not_tge".

        A vote is a label for retraining (`core.alerts.feedback`); it changes no score and
        no routing, so one user's vote never changes what another user receives.
        """
        choice = feedback.parse_vote(vote)
        alert = await self.get(alert_id)
        return await feedback.record(alert, user, choice, toggle=toggle)

    async def feedback_stats(self, limit: int = 50) -> dict[str, Any]:
        """How often users said alerts were wrong, per source and per company (admin view)."""
        return await feedback.stats(limit)

    async def unsubscribe(self, token: Any) -> Subscription:
        """Turn off the subscription behind an email's unsubscribe link (idempotent)."""
        if not isinstance(token, str) or not 8 <= len(token) <= 64:
            raise NotFound("this unsubscribe link is not valid", field="token")
        sub = await Subscription.get_or_none(unsubscribe_token=token)
        if sub is None:
            raise NotFound("this unsubscribe link is not valid", field="token")
        if sub.active:
            sub.active = False
            await sub.save(update_fields=["active", "updated_at"])
            self.router.invalidate()
            log.info("subscription %s unsubscribed by link", sub.id)
        return sub

    async def unsubscribe_url(self, subscription: Subscription) -> str:
        """The link for a subscription's emails, creating its token on first use."""
        if not subscription.unsubscribe_token:
            token = secrets.token_urlsafe(24)
            await Subscription.filter(id=subscription.id, unsubscribe_token=None).update(
                unsubscribe_token=token
            )
            await subscription.refresh_from_db(fields=["unsubscribe_token"])
        base = self.app.settings.public_base_url.rstrip("/")
        return f"{base}/unsubscribe/{subscription.unsubscribe_token}"
