"""EventService (`app.events`): TGE events built from alerts, their timelines and reminders.

`attach` runs inside the alert's transaction (the outbox's), so an alert, its event, the
phase it supports and the reminder rows it schedules commit together or not at all. A new
item joins an existing event by `core.events.join`; a phase it reports is added to the
timeline or, when the phase is known, corroborated; a date that contradicts the known one
moves the phase (revision + 1, the ICS SEQUENCE), adds a `delayed` phase saying from when
to when, and moves the pending reminders. An item that is later news of the event's token
(a buyback, a crash, a review: `core.events.join.relation` says COVERAGE) is only linked from
the event as related news (`Alert.coverage_of`): no phase, no corroboration, no source count,
no revision, so no update to subscribers and no edit of the first message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise import connections

from core.alerts.render import AlertMessage, message_from_alert
from core.errors import InvalidInput
from core.events.extract import (
    LAUNCH_PHASES,
    Identity,
    When,
    identity_of,
    phase_of,
    when_of,
    written_days,
)
from core.events.join import (
    COVERAGE,
    JOIN_WINDOW,
    LONG_WINDOW,
    RECALL_SLACK,
    EventKeys,
    best_match,
    later_news,
)
from core.models import (
    EDIT_PENDING,
    Alert,
    Company,
    Delivery,
    Event,
    EventMessage,
    EventPhase,
    EventSource,
    Item,
    PhaseKind,
    Reminder,
    ReminderStatus,
    Subscription,
    row_by_id,
)

log = logging.getLogger(__name__)

DEFAULT_REMIND_MINUTES = (1440, 60)  # T-24 h and T-1 h
MAX_REMINDERS = 5
MAX_REMIND_MINUTES = 60 * 24 * 30
DATE_TOLERANCE = timedelta(hours=23)  # closer than this is the same date told twice
# phases a reminder is useful for; a delay or cancellation moves or ends the others
REMINDED = frozenset(
    {PhaseKind.DATE_SET, PhaseKind.SNAPSHOT, PhaseKind.CLAIM_OPEN, PhaseKind.LISTING}
)
CANDIDATES = 2000
MAX_COVERAGE = 50  # related news listed on one event, newest first
MAX_LIMIT = 100
PHASE_LABELS = {
    PhaseKind.ANNOUNCED: "announced",
    PhaseKind.DATE_SET: "date set",
    PhaseKind.SNAPSHOT: "snapshot",
    PhaseKind.CLAIM_OPEN: "claim opens",
    PhaseKind.LISTING: "listing",
    PhaseKind.DELAYED: "delayed",
    PhaseKind.CANCELLED: "cancelled",
}


def remind_minutes_of(setting: Any) -> list[int]:
    """A subscription's reminder lead times; None means the defaults, [] means none."""
    if setting is None:
        return list(DEFAULT_REMIND_MINUTES)
    return sorted({int(m) for m in setting if isinstance(m, int) and m > 0}, reverse=True)


@dataclass(slots=True)
class Attachment:
    """What attaching one alert did to its event (the router's update policy reads it)."""

    event_id: int | None = None
    new_event: bool = False
    coverage_of: int | None = None  # later news linked to this event (no phase, no update)
    new_phase: PhaseKind | None = None
    moved_phase_ids: list[int] = field(default_factory=list)
    dated_phase_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Found:
    """The event an item joins, as loaded, and how (`core.events.join.relation`: SAME or
    COVERAGE); `join.Match` carries only the event's id."""

    event: Event
    kind: str


def _midnight(day: date) -> datetime:
    """A day's start in UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# How long a headline may be when it stands for an unnamed project's name (see `display_name`)
HEADLINE_AS_NAME = 48


def display_name(ident: Identity, title: str) -> str:
    """The project's name as users read it (alerts, reminders, the calendar): the scorer's
    name, else a name or ticker the item writes, else (an item known only by the romanised
    words of a headline in another script, "script:boina") the headline itself, shortened:
    a key is for filing, never for reading."""
    if ident.project:
        return ident.project
    if ident.names:
        return sorted(ident.names, key=len)[0].title()
    if ident.tickers:
        return sorted(ident.tickers)[0]
    head = " ".join(title.split())
    if len(head) > HEADLINE_AS_NAME:
        head = head[: HEADLINE_AS_NAME - 1].rstrip() + "…"
    return head or ident.key


def _parse_time(value: Any, name: str) -> datetime:
    if isinstance(value, datetime):
        return _utc(value)  # type: ignore[return-value]
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise InvalidInput(f"{name} must be an ISO 8601 date or time", field=name)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{name} must be an ISO 8601 date or time, e.g. 2026-03-01T00:00:00Z", field=name
        ) from None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if not 1970 <= parsed.year <= 9998:
        raise InvalidInput(f"{name} is out of range", field=name)
    return parsed.astimezone(UTC)


class EventService:
    """Events, their phases and reminders; hung off the App as `app.events`."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.clock: Any = lambda: datetime.now(UTC)  # tests set a fixed "now"

    # --- building events from alerts ------------------------------------------------

    async def attach(
        self,
        alert: Alert,
        analysis: dict[str, Any],
        item: Item | None,
        connection: Any,
        now: datetime | None = None,
    ) -> Attachment:
        """Join `alert` to its event (creating one) inside the alert's transaction."""
        title = alert.title or ""
        text = (item.text if item is not None else "") or ""
        url = (item.url if item is not None else "") or ""
        ident = identity_of(analysis, title, await self._known(analysis, connection), text, url)
        if ident.empty:
            return Attachment()
        now = now or self.clock()
        published = _utc(item.published_at if item is not None else None) or now
        if published > now + timedelta(days=1):
            published = now  # a feed's future date is no reason to start a future event
        kind = phase_of(title, text)
        when = when_of(analysis, title, text)
        if kind == PhaseKind.ANNOUNCED and when is not None:
            kind = PhaseKind.DATE_SET
        found = await self._find(ident, published, f"{title}\n{text}", connection)
        result = Attachment()
        if found is not None and found.kind == COVERAGE:
            # later news of the event's token: related news on the event, nothing else (the
            # event, its window, phases, sources and messages stay as they were)
            related = found.event.id
            await Alert.filter(id=alert.id).using_db(connection).update(coverage_of_id=related)
            alert.coverage_of_id = related  # type: ignore[attr-defined]
            result.coverage_of = related
            return result
        event = found.event if found is not None else None
        if event is None and later_news(title):
            return result  # later news of a token with no event here founds none: it stands alone
        if event is None:
            event = await Event.create(
                company_id=ident.company_id,
                project=display_name(ident, title)[:128],
                project_key=ident.key[:128],
                token=(sorted(ident.tickers)[0] if ident.tickers else "")[:16],
                keys=EventKeys.of(ident, published, title).to_json(),
                title=title[:500],
                status=kind,
                confidence=float(alert.confidence),
                source_count=1,
                first_seen_at=published,
                last_seen_at=published,
                using_db=connection,
            )
            result.new_event = True
        else:
            keys = EventKeys.from_json(event.company_id, event.keys)
            keys.absorb(ident, published, title)
            event.keys = keys.to_json()
            event.company_id = event.company_id or ident.company_id
            event.token = event.token or (sorted(ident.tickers)[0] if ident.tickers else "")
            if event.project_key.startswith("script:") and (ident.project or ident.tickers):
                # founded by a headline in another script: the first item that names the
                # project (or its token) in Latin letters gives the event its name
                event.project = display_name(ident, title)[:128]
            event.first_seen_at = min(_utc(event.first_seen_at), published)  # type: ignore[type-var]
            event.last_seen_at = max(_utc(event.last_seen_at), published)  # type: ignore[type-var]
        result.event_id = event.id
        await self._phase(event, alert, kind, when, result, connection, now)
        await Alert.filter(id=alert.id).using_db(connection).update(event_id=event.id)
        alert.event_id = event.id  # type: ignore[attr-defined]
        await self._refresh(
            event,
            alert,
            connection,
            now,
            bump=bool(
                result.new_event
                or result.new_phase
                or result.moved_phase_ids
                or result.dated_phase_ids
            ),
        )
        return result

    async def _known(
        self, analysis: dict[str, Any], connection: Any
    ) -> dict[int, tuple[list[str], list[str]]]:
        """The matched companies' aliases and token tickers from the companies table."""
        ids = [int(c["id"]) for c in analysis.get("companies") or [] if c.get("id") is not None]
        if not ids:
            return {}
        rows = (
            await Company.filter(id__in=ids)
            .using_db(connection)
            .values_list("id", "aliases", "tokens")
        )
        return {int(i): (list(a or []), list(t or [])) for i, a, t in rows}

    async def _find(
        self, ident: Identity, published: datetime, text: str, connection: Any
    ) -> Found | None:
        """The event the item matches and how (`core.events.join.relation`), or None."""
        rows = (
            await Event.filter(
                last_seen_at__gte=published - LONG_WINDOW - JOIN_WINDOW,
                first_seen_at__lte=published + LONG_WINDOW,
            )
            .using_db(connection)
            .order_by("-last_seen_at")
            .limit(CANDIDATES)
        )
        # a later step recalling the day of a launch older than the windows (a distribution
        # two years after its snapshot: `core.events.join.recalls`) looks at events of that day
        oldest = published - LONG_WINDOW - JOIN_WINDOW
        for day in sorted(d for d in written_days(text) if _midnight(d) < oldest)[:3]:
            at = _midnight(day)
            rows += (
                await Event.filter(
                    first_seen_at__lte=at + RECALL_SLACK, last_seen_at__gte=at - RECALL_SLACK
                )
                .using_db(connection)
                .order_by("-last_seen_at")
                .limit(CANDIDATES)
            )
        by_id = {e.id: e for e in rows}
        rows = list(by_id.values())
        candidates = [
            (
                e.id,
                EventKeys.from_json(
                    e.company_id, e.keys, _utc(e.first_seen_at), _utc(e.last_seen_at)
                ),
            )
            for e in rows
        ]
        chosen = best_match(candidates, ident, published, text)
        if chosen is None:
            return None
        return Found(by_id[chosen.event_id], chosen.kind)  # chosen among `rows`

    async def _phase(
        self,
        event: Event,
        alert: Alert,
        kind: PhaseKind,
        when: When | None,
        result: Attachment,
        conn: Any,
        now: datetime,
    ) -> None:
        phases = {p.kind: p for p in await EventPhase.filter(event_id=event.id).using_db(conn)}
        if kind == PhaseKind.DELAYED:
            await self._delay(event, alert, when, phases, result, conn)
            return
        phase = phases.get(kind)
        if phase is None:
            phase = await EventPhase.create(
                event_id=event.id,
                kind=kind,
                at=when.at if when else None,
                all_day=when.all_day if when else False,
                tz_name=when.zone if when else "",
                date_text=when.text if when else "",
                first_alert_id=alert.id,
                using_db=conn,
            )
            if not result.new_event:
                result.new_phase = kind
            if when is not None:
                result.dated_phase_ids.append(phase.id)
            if kind == PhaseKind.CANCELLED:
                await self._cancel_reminders(event.id, conn)
        elif when is not None:
            known = _utc(phase.at)
            if known is None:
                phase.at, phase.all_day = when.at, when.all_day
                phase.tz_name, phase.date_text = when.zone, when.text
                phase.revision += 1
                await phase.save(using_db=conn)
                result.dated_phase_ids.append(phase.id)
            elif abs(known - when.at) > DATE_TOLERANCE:
                # a different date from a later source: the launch moved; say so
                await self._move(event, alert, phase, when, phases, result, conn)
            elif phase.all_day and not when.all_day:
                phase.at, phase.all_day, phase.tz_name = when.at, False, when.zone
                phase.revision += 1
                await phase.save(using_db=conn)
                result.moved_phase_ids.append(phase.id)
        await EventSource.get_or_create(
            phase_id=phase.id,
            alert_id=alert.id,
            defaults={"source": (alert.source or "")[:256]},
            using_db=conn,
        )
        sources = (
            await EventSource.filter(phase_id=phase.id)
            .using_db(conn)
            .distinct()
            .values_list("source", flat=True)
        )
        phase.corroboration = max(1, len(set(sources)))
        await (
            EventPhase.filter(id=phase.id).using_db(conn).update(corroboration=phase.corroboration)
        )

    async def _delay(
        self,
        event: Event,
        alert: Alert,
        when: When | None,
        phases: dict[Any, EventPhase],
        result: Attachment,
        conn: Any,
    ) -> None:
        """An item saying the launch is delayed: move the main dated phase to its new date."""
        target = phases.get(PhaseKind.DATE_SET) or next(
            (p for k, p in phases.items() if k in REMINDED and p.at is not None), None
        )
        if when is not None and target is not None and target.at is not None:
            if abs(_utc(target.at) - when.at) > DATE_TOLERANCE:  # type: ignore[operator]
                await self._move(event, alert, target, when, phases, result, conn)
                return
        await self._mark_delayed(event, alert, when, None, phases, result, conn)

    async def _move(
        self,
        event: Event,
        alert: Alert,
        phase: EventPhase,
        when: When,
        phases: dict[Any, EventPhase],
        result: Attachment,
        conn: Any,
    ) -> None:
        previous = _utc(phase.at)
        phase.at, phase.all_day = when.at, when.all_day
        phase.tz_name, phase.date_text = when.zone, when.text
        phase.previous_at = previous
        phase.revision += 1
        await phase.save(using_db=conn)
        result.moved_phase_ids.append(phase.id)
        await EventSource.get_or_create(
            phase_id=phase.id,
            alert_id=alert.id,
            defaults={"source": (alert.source or "")[:256]},
            using_db=conn,
        )
        await self._mark_delayed(event, alert, when, previous, phases, result, conn)

    async def _mark_delayed(
        self,
        event: Event,
        alert: Alert,
        when: When | None,
        previous: datetime | None,
        phases: dict[Any, EventPhase],
        result: Attachment,
        conn: Any,
    ) -> None:
        delayed = phases.get(PhaseKind.DELAYED)
        if delayed is None:
            delayed = await EventPhase.create(
                event_id=event.id,
                kind=PhaseKind.DELAYED,
                at=when.at if when else None,
                all_day=when.all_day if when else False,
                tz_name=when.zone if when else "",
                date_text=when.text if when else "",
                previous_at=previous,
                first_alert_id=alert.id,
                using_db=conn,
            )
            if not result.new_event:
                result.new_phase = PhaseKind.DELAYED
        else:
            if when is not None and (delayed.at is None or _utc(delayed.at) != when.at):
                delayed.previous_at = previous or _utc(delayed.at)
                delayed.at, delayed.all_day = when.at, when.all_day
                delayed.tz_name, delayed.date_text = when.zone, when.text
                delayed.revision += 1
                await delayed.save(using_db=conn)
                if not result.new_event and not result.new_phase:
                    result.new_phase = PhaseKind.DELAYED  # a second move is news again
        await EventSource.get_or_create(
            phase_id=delayed.id,
            alert_id=alert.id,
            defaults={"source": (alert.source or "")[:256]},
            using_db=conn,
        )

    async def _refresh(
        self, event: Event, alert: Alert, conn: Any, now: datetime, *, bump: bool
    ) -> None:
        """Recount sources and confidence, the next date, the status; bump the revision."""
        phases = await EventPhase.filter(event_id=event.id).using_db(conn)
        kinds = {p.kind for p in phases}
        confidences = (
            await Alert.filter(event_id=event.id).using_db(conn).values("source", "confidence")
        )
        best: dict[str, float] = {}
        for row in confidences:
            src = row["source"] or ""
            best[src] = max(best.get(src, 0.0), float(row["confidence"]))
        miss = 1.0
        for value in best.values():
            miss *= 1.0 - min(value, 0.99)
        event.confidence = round(1.0 - miss, 4) if best else float(alert.confidence)
        event.source_count = max(1, len(best))
        keys = EventKeys.from_json(event.company_id, event.keys)
        keys.phase_at, keys.launched = None, False  # from the phases as they are now
        for p in phases:
            keys.phased(_utc(p.at), p.kind in LAUNCH_PHASES)
        event.keys = keys.to_json()  # the join window rolls from the latest dated phase
        ahead = [_utc(p.at) for p in phases if p.kind in REMINDED and p.at is not None]
        upcoming = sorted(a for a in ahead if a is not None and a >= now - timedelta(hours=1))
        event.next_at = upcoming[0] if upcoming else None
        if PhaseKind.CANCELLED in kinds:
            event.status = PhaseKind.CANCELLED
            event.next_at = None
        elif PhaseKind.DELAYED in kinds:
            event.status = PhaseKind.DELAYED
        else:
            order = [
                PhaseKind.LISTING,
                PhaseKind.CLAIM_OPEN,
                PhaseKind.SNAPSHOT,
                PhaseKind.DATE_SET,
                PhaseKind.ANNOUNCED,
            ]
            event.status = next((k for k in order if k in kinds), PhaseKind.ANNOUNCED)
        if bump:
            event.revision += 1
        await event.save(using_db=conn)

    # --- reminders ------------------------------------------------------------------

    async def schedule(
        self,
        event_id: int,
        destination_ids: list[int],
        connection: Any = None,
        now: datetime | None = None,
    ) -> int:
        """Make sure every dated phase ahead has its reminder rows for these destinations
        (and the destinations that already have rows for this event); move rows whose phase
        moved. Idempotent: unique (phase, destination, lead) keeps a reminder single."""
        now = now or self.clock()
        conn = connection
        phases = [
            p
            for p in await EventPhase.filter(event_id=event_id).using_db(conn)
            if p.kind in REMINDED and p.at is not None
        ]
        event = await Event.get_or_none(id=event_id).using_db(conn)
        if event is None or event.status == PhaseKind.CANCELLED or not phases:
            return 0
        known = await Reminder.filter(phase__event_id=event_id).using_db(conn)
        wanted = set(destination_ids) | {r.destination_id for r in known}
        wanted |= set(await self.destinations_of(event_id, conn))
        if not wanted:
            return 0
        leads: dict[int, set[int]] = {}
        subs = await Subscription.filter(destination_id__in=wanted, active=True).using_db(conn)
        for sub in subs:
            leads.setdefault(sub.destination_id, set()).update(
                remind_minutes_of(sub.remind_minutes)
            )
        existing = {(r.phase_id, r.destination_id, r.lead_minutes): r for r in known}
        made = 0
        for phase in phases:
            at = _utc(phase.at)
            assert at is not None
            for dest in wanted:
                for lead in leads.get(dest, set()):
                    due = at - timedelta(minutes=lead)
                    row = existing.get((phase.id, dest, lead))
                    if row is None:
                        if due <= now:
                            continue  # already past: a reminder after the fact helps no one
                        await Reminder.create(
                            phase_id=phase.id,
                            destination_id=dest,
                            lead_minutes=lead,
                            due_at=due,
                            using_db=conn,
                        )
                        made += 1
                    elif row.status == ReminderStatus.PENDING and _utc(row.due_at) != due:
                        status = ReminderStatus.PENDING if due > now else ReminderStatus.CANCELLED
                        await (
                            Reminder.filter(id=row.id, status=ReminderStatus.PENDING)
                            .using_db(conn)
                            .update(due_at=due, status=status, claimed_by=None, claimed_at=None)
                        )
                    elif (
                        row.status == ReminderStatus.SENT and due > now and _utc(row.due_at) != due
                    ):
                        # the date moved after this reminder went out: remind again for it
                        await (
                            Reminder.filter(id=row.id)
                            .using_db(conn)
                            .update(
                                due_at=due,
                                status=ReminderStatus.PENDING,
                                attempts=0,
                                claimed_by=None,
                                claimed_at=None,
                                sent_at=None,
                            )
                        )
            # leads a destination no longer wants: cancel them
            for (phase_id, dest, lead), row in existing.items():
                if phase_id == phase.id and row.status == ReminderStatus.PENDING:
                    if lead not in leads.get(dest, set()):
                        await (
                            Reminder.filter(id=row.id)
                            .using_db(conn)
                            .update(status=ReminderStatus.CANCELLED)
                        )
        return made

    async def _cancel_reminders(self, event_id: int, conn: Any) -> None:
        await (
            Reminder.filter(phase__event_id=event_id, status=ReminderStatus.PENDING)
            .using_db(conn)
            .update(status=ReminderStatus.CANCELLED)
        )

    async def destinations_of(self, event_id: int, conn: Any = None) -> list[int]:
        """Destinations that were sent (or queued) any alert of this event."""
        rows = (
            await Delivery.filter(alert__event_id=event_id)
            .using_db(conn)
            .values_list("destination_id", flat=True)
        )
        return sorted({int(r) for r in rows})

    async def reschedule_destination(self, destination_id: int) -> None:
        """After /remind: bring this destination's reminders in line with its lead times."""
        now = self.clock()
        event_ids = set(
            await Reminder.filter(destination_id=destination_id).values_list(
                "phase__event_id", flat=True
            )
        )
        event_ids |= set(
            await Delivery.filter(
                destination_id=destination_id, alert__event_id__not_isnull=True
            ).values_list("alert__event_id", flat=True)
        )
        for event_id in event_ids:
            event = await Event.get_or_none(id=event_id)
            if event is not None and event.next_at is not None and _utc(event.next_at) > now:
                await self.schedule(event_id, [destination_id], now=now)

    # --- the first message in each chat, edited as the timeline grows ----------------

    async def message_sent(
        self,
        event_id: int,
        destination_id: int,
        external_id: str | None,
        connection: Any = None,
        *,
        editable: bool = True,
    ) -> bool:
        """A message about an event went out in a chat (called as its send is recorded, in
        the same transaction): remember the event's first message there, or, for a later
        one, ask for the first to be edited to show the timeline (the edit outbox: one
        waiting edit per message, however many ask) when the chat's messages are
        `editable`. True when an edit was asked for.
        Nothing to do for channels that give no message id."""
        if not external_id:
            return False
        conn = connection or connections.get("default")
        postgres = conn.capabilities.dialect == "postgres"
        mark = (lambda n: f"${n}") if postgres else (lambda n: "?")
        # insert-or-nothing: two sends racing to be the first leave one first message
        created = await conn.execute_query_dict(
            f"""
            INSERT INTO event_messages (event_id, destination_id, external_id, edited_revision,
                created_at, edit_seq, edit_attempts)
            VALUES ({mark(1)}, {mark(2)}, {mark(3)}, 0, {mark(4)}, 0, 0)
            ON CONFLICT (event_id, destination_id) DO NOTHING
            RETURNING id
            """,
            [event_id, destination_id, str(external_id)[:128], datetime.now(UTC)],
        )
        if created or not editable:
            return False
        # one statement: a new ask is due from now (when an edit is overdue is counted from
        # here, see core.metrics.edit_backlog); an ask while one waits keeps its due time
        asked = await conn.execute_query_dict(
            f"""
            UPDATE event_messages SET edit_seq = edit_seq + 1, edit_status = '{EDIT_PENDING}',
                edit_next_at = CASE WHEN edit_status IS NULL THEN {mark(1)} ELSE edit_next_at END
            WHERE event_id = {mark(2)} AND destination_id = {mark(3)} AND external_id <> {mark(4)}
                AND (edit_status IS NULL OR edit_status = '{EDIT_PENDING}')
            RETURNING id
            """,
            [datetime.now(UTC), event_id, destination_id, str(external_id)[:128]],
        )
        return bool(asked)

    async def timeline_message(self, original: EventMessage) -> tuple[AlertMessage, int] | None:
        """The first message again, with the event's timeline so far under its headline,
        and the event's revision it shows."""
        delivery = (
            await Delivery.filter(
                destination_id=original.destination_id,
                external_id=original.external_id,
                alert__event_id=original.event_id,
            )
            .select_related("alert")
            .first()
        )
        alert = delivery.alert if delivery is not None else None
        if alert is None:
            alert = await Alert.filter(event_id=original.event_id).order_by("id").first()
        if alert is None:
            return None
        event = await Event.get(id=original.event_id)
        lines = "; ".join(describe_phase(p) for p in await self.timeline(event))
        status = " (delayed)" if event.status == PhaseKind.DELAYED else ""
        message = replace(message_from_alert(alert), event_line=f"Timeline{status}: {lines}"[:900])
        return message, event.revision

    # --- reading --------------------------------------------------------------------

    async def get(self, event_id: Any) -> Event:
        return await row_by_id(Event, event_id, "event")

    async def list(
        self,
        *,
        company: Any = None,
        phase: Any = None,
        start: Any = None,
        end: Any = None,
        limit: Any = 50,
        upcoming: bool = False,
        now: datetime | None = None,
    ) -> list[Event]:
        """Events by their next date (undated last), filtered; every filter validated."""
        if isinstance(limit, bool):
            raise InvalidInput(f"limit must be 1-{MAX_LIMIT}", field="limit")
        try:
            limit = int(limit)
        except (TypeError, ValueError):
            raise InvalidInput(f"limit must be 1-{MAX_LIMIT}", field="limit") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be 1-{MAX_LIMIT}", field="limit")
        query = Event.all()
        if company not in (None, ""):
            found = await self.app.companies.get(company)
            query = query.filter(company_id=found.id)
        if phase not in (None, ""):
            kinds = {k.value for k in PhaseKind}
            if not isinstance(phase, str) or phase not in kinds:
                raise InvalidInput(
                    "phase must be one of " + ", ".join(k.value for k in PhaseKind),
                    field="phase",
                )
            query = query.filter(phases__kind=phase)
        lower = _parse_time(start, "from") if start not in (None, "") else None
        upper = _parse_time(end, "to") if end not in (None, "") else None
        if lower and upper and lower > upper:
            raise InvalidInput("from must not be after to", field="from")
        if upcoming:
            current = now or self.clock()
            lower = max(lower or current, current)
            query = query.filter(next_at__not_isnull=True).exclude(status=PhaseKind.CANCELLED)
        if lower is not None or upper is not None:
            dated = EventPhase.filter(at__not_isnull=True)
            if lower is not None:
                dated = dated.filter(at__gte=lower)
            if upper is not None:
                dated = dated.filter(at__lte=upper)
            ids = await dated.distinct().values_list("event_id", flat=True)
            query = query.filter(id__in=list(ids) or [0])
        rows = await query.distinct().order_by("next_at", "-last_seen_at", "-id").limit(limit * 3)
        # undated events after dated ones; databases disagree on where NULL sorts
        far = datetime.max.replace(tzinfo=UTC)
        rows.sort(key=lambda e: (e.next_at is None, _utc(e.next_at) or far))
        return rows[:limit]

    async def timeline(self, event: Event) -> list[EventPhase]:
        phases = await EventPhase.filter(event_id=event.id)
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(phases, key=lambda p: (_utc(p.at) or far, p.id))

    async def to_json(self, event: Event, full: bool = False) -> dict[str, Any]:
        """The public shape of an event (REST, dashboard); `full` adds the timeline's sources."""
        phases = await self.timeline(event)
        company = await event.company if event.company_id else None
        out: dict[str, Any] = {
            "id": event.id,
            "project": event.project,
            "company": company.name if company else None,
            "token": event.token or None,
            "title": event.title,
            "status": str(event.status),
            "confidence": round(float(event.confidence), 4),
            "sources": event.source_count,
            "next_at": _iso(event.next_at),
            "first_seen_at": _iso(event.first_seen_at),
            "last_seen_at": _iso(event.last_seen_at),
            "revision": event.revision,
            "phases": [],
        }
        for phase in phases:
            row: dict[str, Any] = {
                "kind": str(phase.kind),
                "at": _iso(phase.at),
                "all_day": phase.all_day,
                "timezone": phase.tz_name or None,
                "date_text": phase.date_text or None,
                "previous_at": _iso(phase.previous_at),
                "corroboration": phase.corroboration,
            }
            if full:
                sources = await EventSource.filter(phase_id=phase.id).select_related("alert")
                row["sources"] = [
                    {
                        "alert_id": s.alert_id,
                        "title": s.alert.title,
                        "url": s.alert.url,
                        "source": s.source,
                        "confidence": round(float(s.alert.confidence), 4),
                    }
                    for s in sorted(sources, key=lambda s: s.id)
                ]
            out["phases"].append(row)
        if full:
            out["coverage"] = await self.coverage(event)
        return out

    async def coverage(self, event: Event) -> list[dict[str, Any]]:
        """Later news of the event's token (`Alert.coverage_of`), newest first: shown beside
        the timeline as related news, never a phase or a source of one."""
        rows = (
            await Alert.filter(coverage_of_id=event.id)
            .order_by("-created_at", "-id")
            .limit(MAX_COVERAGE)
        )
        return [
            {
                "alert_id": a.id,
                "title": a.title,
                "url": a.url,
                "source": a.source,
                "confidence": round(float(a.confidence), 4),
                "created_at": _iso(a.created_at),
            }
            for a in rows
        ]


def _iso(value: datetime | None) -> str | None:
    value = _utc(value)
    return value.isoformat().replace("+00:00", "Z") if value else None


def describe_phase(phase: EventPhase) -> str:
    """One line of a timeline: "listing — 2026-02-02 13:00 UTC (3 sources)"."""
    label = PHASE_LABELS.get(PhaseKind(phase.kind), str(phase.kind))
    at = _utc(phase.at)
    when = ""
    if at is not None:
        when = f"{at:%Y-%m-%d}" if phase.all_day else f"{at:%Y-%m-%d %H:%M} UTC"
    if phase.kind == PhaseKind.DELAYED and phase.previous_at is not None:
        prev = _utc(phase.previous_at)
        when = f"from {prev:%Y-%m-%d} to {when or 'a date not yet given'}"
    sources = f" ({phase.corroboration} sources)" if phase.corroboration > 1 else ""
    return f"{label}{' — ' + when if when else ''}{sources}"
