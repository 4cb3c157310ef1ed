"""The private per-user ICS feed (RFC 5545, written with the `icalendar` library).

One VEVENT per dated phase of the events a user follows. The UID is the phase's id (stable
however often the event changes) and SEQUENCE is the phase's revision, bumped whenever its
date moves, so calendar apps update the entry in place instead of adding a second one.
A date-only phase is an all-day VEVENT (VALUE=DATE); a timed one is in UTC.

The feed's address holds a random token; only its SHA-256 is stored, a user has at most one
live token, and revoking it makes the old address answer 404 at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import TYPE_CHECKING, Any

from core.errors import NotFound
from core.events.service import PHASE_LABELS, REMINDED, describe_phase
from core.models import (
    CalendarToken,
    Delivery,
    Event,
    EventPhase,
    PhaseKind,
    Subscription,
    User,
)

if TYPE_CHECKING:
    from icalendar import Event as VEvent

TOKEN_RE_PATTERN = r"^[A-Za-z0-9_-]{20,64}$"
PAST_DAYS = 60  # phases older than this drop out of the feed
MAX_PHASES = 500
PRODID = "-//TGE Monitor//Events calendar//EN"


def _ical() -> ModuleType:
    """`icalendar`, loaded when a calendar is first served: with its dateutil and tzlocal it
    is ~4 MB that a process serving no calendar never needs."""
    import icalendar

    return icalendar


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_token(user: User) -> str:
    """A fresh feed address for `user`; any older one stops working."""
    await revoke(user)
    token = secrets.token_urlsafe(24)
    await CalendarToken.create(user=user, token_hash=_hash(token))
    return token


async def revoke(user: User) -> int:
    """Turn off every live feed address of `user`; returns how many were live."""
    return await CalendarToken.filter(user_id=user.id, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )


async def user_for(token: Any) -> User:
    """The owner of a live feed token; unknown, malformed and revoked tokens are all 404."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        raise NotFound("this calendar link is not valid", field="token")
    row = await CalendarToken.get_or_none(token_hash=_hash(token), revoked_at=None)
    if row is None:
        raise NotFound("this calendar link is not valid", field="token")
    user = await row.user
    if not user.is_active:
        raise NotFound("this calendar link is not valid", field="token")
    return user


async def followed_event_ids(user: User) -> list[int] | None:
    """Events a user follows; None means all: a subscription to every company, or (as for
    alerts) no subscription and an empty watchlist."""
    subs = await Subscription.filter(user_id=user.id, active=True)
    watched = await user.watchlist.all().values_list("id", flat=True)
    if not subs and not watched:
        return None
    company_ids: set[int] = set()
    for sub in subs:
        if not sub.company_ids and not sub.use_watchlist:
            return None
        company_ids.update(int(c) for c in sub.company_ids or [] if str(c).isdecimal())
    company_ids.update(int(c) for c in watched)
    ids = set(
        await Event.filter(company_id__in=list(company_ids) or [0]).values_list("id", flat=True)
    )
    ids |= set(
        await Delivery.filter(
            destination__owner_id=user.id, alert__event_id__not_isnull=True
        ).values_list("alert__event_id", flat=True)
    )
    return sorted(int(i) for i in ids)


async def feed(user: User, base_url: str, now: datetime | None = None) -> bytes:
    """The user's calendar as ICS bytes."""
    now = now or datetime.now(UTC)
    followed = await followed_event_ids(user)
    query = EventPhase.filter(
        at__not_isnull=True, at__gte=now - timedelta(days=PAST_DAYS), kind__in=list(REMINDED)
    ).exclude(event__status=PhaseKind.CANCELLED)
    if followed is not None:
        query = query.filter(event_id__in=followed or [0])
    phases = await query.order_by("at").limit(MAX_PHASES).select_related("event")
    cal = _ical().Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "TGE Monitor")
    for phase in phases:
        cal.add_component(_vevent(phase, phase.event, base_url, now))
    return cal.to_ical()


def _vevent(phase: EventPhase, event: Event, base_url: str, now: datetime) -> VEvent:
    at = phase.at if phase.at.tzinfo else phase.at.replace(tzinfo=UTC)
    label = PHASE_LABELS.get(PhaseKind(phase.kind), str(phase.kind))
    token = f" (${event.token})" if event.token else ""
    vevent = _ical().Event()
    vevent.add("uid", f"phase-{phase.id}@tge-monitor")
    vevent.add("sequence", int(phase.revision))
    vevent.add("dtstamp", now.astimezone(UTC))
    vevent.add("last-modified", (phase.updated_at or now).astimezone(UTC))
    vevent.add("summary", f"{event.project}{token}: {label}")
    if phase.all_day:
        vevent.add("dtstart", at.date())
        vevent.add("dtend", at.date() + timedelta(days=1))
    else:
        vevent.add("dtstart", at.astimezone(UTC))
        vevent.add("dtend", at.astimezone(UTC) + timedelta(minutes=30))
    lines = [describe_phase(phase)]
    if event.status == PhaseKind.DELAYED:
        lines.append("This launch was delayed; the date above is the latest one told.")
    lines.append(f"{event.source_count} source(s), confidence {round(event.confidence * 100)}%")
    url = f"{base_url.rstrip('/')}/events/{event.id}"
    lines.append(url)
    vevent.add("description", "\n".join(lines))
    vevent.add("url", url)
    vevent.add("status", "CONFIRMED" if phase.corroboration > 1 else "TENTATIVE")
    vevent.add("transp", "TRANSPARENT")
    return vevent
