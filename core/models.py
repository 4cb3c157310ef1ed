"""The data model (tortoise-orm); every change here needs migrations for both dialects.

Run `tge-monitor makemigrations NAME` after editing: it writes the same change to
`migrations/sqlite/` and `migrations/postgres/` (see DESIGN.md, "Migrations").
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from tortoise import fields
from tortoise.models import Model

from core.errors import InvalidInput, NotFound

# IntField primary keys are 32-bit on PostgreSQL; SQLite raises OverflowError past 64 bits
MAX_ID = 2**31 - 1


def in_id_range(value: int) -> bool:
    """True when `value` can be a primary key; a lookup of anything else finds nothing."""
    return 1 <= value <= MAX_ID


RowT = TypeVar("RowT", bound=Model)


async def row_by_id(model: type[RowT], raw_id: Any, what: str) -> RowT:
    """The row with this id, for any door's raw input: a 4xx-style error, never a crash.

    Chat users copy ids as they are shown ("#12"), so a leading "#" and spaces are accepted.
    """
    try:
        ident = (
            int(str(raw_id).strip().removeprefix("#")) if not isinstance(raw_id, int) else raw_id
        )
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} id must be a number", field="id") from None
    row = await model.get_or_none(id=ident) if in_id_range(ident) else None
    if row is None:
        raise NotFound(f"{what} {ident} not found", field="id")
    return row


class Role(StrEnum):
    ADMIN = "admin"
    USER = "user"


class Platform(StrEnum):
    TELEGRAM = "telegram"
    DISCORD = "discord"
    EMAIL = "email"
    WEB = "web"


class Priority(StrEnum):
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class CompanyStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class FeedKind(StrEnum):
    RSS = "rss"
    TWITTER = "twitter"
    PAGE = "page"
    EXCHANGE = "exchange"


class DestinationKind(StrEnum):
    TELEGRAM = "telegram"
    DISCORD = "discord"
    EMAIL = "email"
    WEBHOOK = "webhook"
    WEBSOCKET = "websocket"


class SubscriptionMode(StrEnum):
    INSTANT = "instant"
    DIGEST = "digest"


class DigestInterval(StrEnum):
    HOURLY = "hourly"
    DAILY = "daily"


class UpdatePolicy(StrEnum):
    """How a subscription hears about a TGE event told many times (see core.events)."""

    EVERY = "every"  # every alert, as before events existed
    PHASES = "phases"  # the first alert, then one short update per new phase (default)
    FIRST = "first"  # the first alert of an event only


class PhaseKind(StrEnum):
    """The dated steps of a token launch, in the order they usually happen."""

    ANNOUNCED = "announced"
    DATE_SET = "date_set"
    SNAPSHOT = "snapshot"
    CLAIM_OPEN = "claim_open"
    LISTING = "listing"
    DELAYED = "delayed"
    CANCELLED = "cancelled"


class ReminderStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"
    DEAD = "dead"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    REJECTED = "rejected"
    DEAD = "dead"


class User(Model):
    """An account; bot users get one on first contact, web users by registration or admin."""

    id = fields.IntField(primary_key=True)
    username = fields.CharField(max_length=64, unique=True)
    email = fields.CharField(max_length=254, null=True, unique=True)
    password_hash = fields.CharField(max_length=128, null=True)
    role = fields.CharEnumField(Role, max_length=16, default=Role.USER)
    is_active = fields.BooleanField(default=True)
    # bumped by a password change or "log out everywhere": older JWTs carry the old value
    token_version = fields.IntField(default=0)
    timezone = fields.CharField(max_length=64, default="UTC")
    watchlist: fields.ManyToManyRelation[Company] = fields.ManyToManyField(
        "models.Company", related_name="watchers", through="user_watchlist"
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "users"

    def __str__(self) -> str:
        return self.username


class Identity(Model):
    """One platform id (Telegram user, Discord user, email, web) belonging to an account."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="identities", on_delete=fields.CASCADE
    )
    platform = fields.CharEnumField(Platform, max_length=16)
    external_id = fields.CharField(max_length=128)
    display_name = fields.CharField(max_length=128, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "identities"
        unique_together = (("platform", "external_id"),)


class LinkCode(Model):
    """A one-time, expiring code that joins the identity redeeming it to the issuing account."""

    id = fields.IntField(primary_key=True)
    code_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="link_codes", on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "link_codes"


class APIKey(Model):
    """An API key: only the public prefix and a SHA-256 of the secret are ever stored."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_keys", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=64)
    prefix = fields.CharField(max_length=16, unique=True)
    secret_hash = fields.CharField(max_length=64)
    scopes = fields.JSONField(default=list)
    expires_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    usage_count = fields.IntField(default=0)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "api_keys"


class Company(Model):
    """A watched project: the scoring engine's automaton is built from these."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=128, unique=True)
    aliases = fields.JSONField(default=list)
    tokens = fields.JSONField(default=list)
    priority = fields.CharEnumField(Priority, max_length=8, default=Priority.MEDIUM)
    status = fields.CharEnumField(
        CompanyStatus, max_length=16, default=CompanyStatus.ACTIVE, db_index=True
    )
    domains = fields.JSONField(default=list)
    handles = fields.JSONField(default=list)
    exclusions = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "companies"


class Feed(Model):
    """A source to poll, with its conditional-GET state and health."""

    id = fields.IntField(primary_key=True)
    # the column comment stays as first written: aerich cannot alter a comment on SQLite, and
    # a new kind (exchange) needs no schema change (VARCHAR(16); the enum is checked in Python)
    kind = fields.CharEnumField(
        FeedKind, max_length=16, description="RSS: rss\nTWITTER: twitter\nPAGE: page"
    )
    name = fields.CharField(max_length=128, default="")
    url = fields.CharField(max_length=2048, null=True)
    query = fields.CharField(max_length=512, null=True)
    selector = fields.CharField(max_length=256, null=True)
    interval_s = fields.IntField(default=300)
    etag = fields.CharField(max_length=256, null=True)
    last_modified = fields.CharField(max_length=64, null=True)
    state = fields.JSONField(default=dict)
    enabled = fields.BooleanField(default=True, db_index=True)
    disabled_reason = fields.CharField(max_length=512, null=True)
    last_polled_at = fields.DatetimeField(null=True)
    last_success_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=512, null=True)
    consecutive_failures = fields.IntField(default=0)
    next_poll_at = fields.DatetimeField(null=True, db_index=True)
    items_seen = fields.IntField(default=0)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="feeds", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "feeds"


class Item(Model):
    """One story; the same story from several feeds is one Item with several ItemSources."""

    id = fields.IntField(primary_key=True)
    feed: fields.ForeignKeyNullableRelation[Feed] = fields.ForeignKeyField(
        "models.Feed", related_name="items", null=True, on_delete=fields.SET_NULL
    )
    guid = fields.CharField(max_length=512)
    url = fields.CharField(max_length=2048, default="")
    canonical_url = fields.CharField(max_length=2048, default="", db_index=True)
    title = fields.TextField(default="")
    text = fields.TextField(default="")
    author = fields.CharField(max_length=256, default="")
    published_at = fields.DatetimeField(null=True)  # as the source states it
    fetched_at = fields.DatetimeField(null=True)  # when our fetch (or push) brought it in
    scored_at = fields.DatetimeField(null=True)  # when scoring finished
    fingerprint = fields.CharField(max_length=64, db_index=True)
    source_count = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "items"
        unique_together = (("feed", "guid"),)


class ItemSource(Model):
    """Where an Item was seen: (feed, guid) pairs, so no feed re-processes a story."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyRelation[Item] = fields.ForeignKeyField(
        "models.Item", related_name="sources", on_delete=fields.CASCADE
    )
    feed: fields.ForeignKeyNullableRelation[Feed] = fields.ForeignKeyField(
        "models.Feed", related_name="item_sources", null=True, on_delete=fields.SET_NULL
    )
    guid = fields.CharField(max_length=512)
    url = fields.CharField(max_length=2048, default="")
    seen_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "item_sources"
        unique_together = (("feed", "guid"),)


class Alert(Model):
    """A scored item above the store threshold, with its explained analysis."""

    id = fields.IntField(primary_key=True)
    item: fields.ForeignKeyNullableRelation[Item] = fields.ForeignKeyField(
        "models.Item", related_name="alerts", null=True, on_delete=fields.SET_NULL
    )
    title = fields.TextField(default="")
    url = fields.CharField(max_length=2048, default="")
    source = fields.CharField(max_length=256, default="")
    confidence = fields.FloatField(db_index=True)
    # the threshold the scorer judged this item at (its model's own: e.g. the CJK model's for
    # zh/ja/ko items, else the service's); a subscription without a floor of its own gets the
    # alert when `confidence >= threshold`. None: an alert made before it was recorded.
    threshold = fields.FloatField(null=True)
    band = fields.CharField(max_length=8, db_index=True)
    analysis = fields.JSONField(default=dict)
    companies: fields.ManyToManyRelation[Company] = fields.ManyToManyField(
        "models.Company", related_name="alerts", through="alert_companies"
    )
    event: fields.ForeignKeyNullableRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="alerts", null=True, on_delete=fields.SET_NULL
    )
    # later news of an event's token (a buyback, a crash, a review): linked from the event as
    # related news, never a phase, a corroboration, an update or an edit (core.events.join)
    coverage_of: fields.ForeignKeyNullableRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="coverage", null=True, on_delete=fields.SET_NULL
    )
    feedback_up = fields.IntField(default=0)
    feedback_down = fields.IntField(default=0)  # every vote saying wrong, "not a TGE" included
    feedback_not_tge = fields.IntField(default=0)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="manual_alerts", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "alerts"


class AlertFeedback(Model):
    """A user's vote on an alert (👍, 👎, or "not a TGE"): a labelled example, never a filter."""

    id = fields.IntField(primary_key=True)
    alert: fields.ForeignKeyRelation[Alert] = fields.ForeignKeyField(
        "models.Alert", related_name="feedback", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="feedback", on_delete=fields.CASCADE
    )
    useful = fields.BooleanField()
    not_tge = fields.BooleanField(default=False)  # a 👎 that says the item is not a TGE
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "alert_feedback"
        unique_together = (("alert", "user"),)


class Destination(Model):
    """Where alerts go: a Telegram chat, Discord channel, email address, webhook URL."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(DestinationKind, max_length=16)
    address = fields.CharField(max_length=2048)
    name = fields.CharField(max_length=128, default="")
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="destinations", on_delete=fields.CASCADE
    )
    secret = fields.CharField(max_length=128, null=True)
    verified = fields.BooleanField(default=False)
    verify_code_hash = fields.CharField(max_length=64, null=True)
    verify_expires_at = fields.DatetimeField(null=True)
    rejected_reason = fields.CharField(max_length=512, null=True)
    rejected_at = fields.DatetimeField(null=True)
    # a group chat or server channel: its subscription has its own company list, set by the
    # chat's admins; nobody's personal /watchlist filters what the whole group sees
    is_group = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "destinations"
        unique_together = (("kind", "address"),)


class Subscription(Model):
    """One destination's standing order: which alerts (filters) and how (instant or digest)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="subscriptions", on_delete=fields.CASCADE
    )
    destination: fields.ForeignKeyRelation[Destination] = fields.ForeignKeyField(
        "models.Destination", related_name="subscriptions", on_delete=fields.CASCADE
    )
    # the destination's own confidence floor; None (the default): the scorer's threshold for
    # each item (Alert.threshold), so every alert the scorer made arrives (core.alerts.router)
    min_confidence = fields.FloatField(null=True, default=None)
    company_ids = fields.JSONField(default=list)
    use_watchlist = fields.BooleanField(default=False)
    # alerts about projects in no companies table; None: on for "all companies", off for lists
    new_projects = fields.BooleanField(null=True, default=None)
    mode = fields.CharEnumField(SubscriptionMode, max_length=16, default=SubscriptionMode.INSTANT)
    digest_interval = fields.CharEnumField(
        DigestInterval, max_length=16, default=DigestInterval.DAILY
    )
    digest_hour = fields.IntField(default=9)
    updates = fields.CharEnumField(UpdatePolicy, max_length=16, default=UpdatePolicy.PHASES)
    # minutes before a dated phase to send reminders; None: T-24h and T-1h; []: none (/remind)
    remind_minutes = fields.JSONField(null=True)
    last_digest_at = fields.DatetimeField(null=True)
    unsubscribe_token = fields.CharField(max_length=64, null=True, unique=True)
    active = fields.BooleanField(default=True, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "subscriptions"
        unique_together = (("user", "destination"),)


class Event(Model):
    """One token launch of one project, told by many items over weeks (see core.events)."""

    id = fields.IntField(primary_key=True)
    company: fields.ForeignKeyNullableRelation[Company] = fields.ForeignKeyField(
        "models.Company", related_name="events", null=True, on_delete=fields.SET_NULL
    )
    project = fields.CharField(max_length=128, db_index=True)  # company name or discovered name
    project_key = fields.CharField(max_length=128, db_index=True)  # lower-cased for matching
    token = fields.CharField(max_length=16, default="")
    keys = fields.JSONField(default=dict)  # {"names": [...], "tickers": [...]} for joining
    title = fields.TextField(default="")
    status = fields.CharEnumField(PhaseKind, max_length=16, default=PhaseKind.ANNOUNCED)
    confidence = fields.FloatField(default=0.0)
    source_count = fields.IntField(default=0)  # distinct sources that told any phase
    next_at = fields.DatetimeField(null=True, db_index=True)  # the next dated phase still ahead
    first_seen_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField(db_index=True)
    revision = fields.IntField(default=0)  # bumped on every change a subscriber should see
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "events"


class EventPhase(Model):
    """A dated step of an event; `revision` is the ICS SEQUENCE, bumped when the date moves."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="phases", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(PhaseKind, max_length=16)
    at = fields.DatetimeField(null=True, db_index=True)  # UTC; date-only → 00:00 UTC
    all_day = fields.BooleanField(default=False)  # only a date was given
    tz_name = fields.CharField(max_length=32, default="")  # the zone as written ("UTC", "ET")
    date_text = fields.CharField(max_length=128, default="")  # as written in the item
    previous_at = fields.DatetimeField(null=True)  # the date a delay replaced
    corroboration = fields.IntField(default=1)  # independent sources telling this phase
    revision = fields.IntField(default=0)
    first_alert: fields.ForeignKeyNullableRelation[Alert] = fields.ForeignKeyField(
        "models.Alert", related_name="first_phases", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "event_phases"
        unique_together = (("event", "kind"),)


class EventSource(Model):
    """An alert supporting a phase: the proof behind the timeline."""

    id = fields.IntField(primary_key=True)
    phase: fields.ForeignKeyRelation[EventPhase] = fields.ForeignKeyField(
        "models.EventPhase", related_name="sources", on_delete=fields.CASCADE
    )
    alert: fields.ForeignKeyRelation[Alert] = fields.ForeignKeyField(
        "models.Alert", related_name="event_sources", on_delete=fields.CASCADE
    )
    source = fields.CharField(max_length=256, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "event_sources"
        unique_together = (("phase", "alert"),)


EDIT_PENDING = "pending"  # EventMessage.edit_status: an edit of it waits in the outbox
EDIT_GONE = "gone"  # the chat no longer has the message: never edited again


class EventMessage(Model):
    """The first message an event got in a chat, so later phases edit it instead of repeating."""

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "models.Event", related_name="messages", on_delete=fields.CASCADE
    )
    destination: fields.ForeignKeyRelation[Destination] = fields.ForeignKeyField(
        "models.Destination", related_name="event_messages", on_delete=fields.CASCADE
    )
    external_id = fields.CharField(max_length=128)
    edited_revision = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    # The edit outbox: at most one edit of this message waits at a time. A request while one
    # waits is the same edit (it shows the timeline as it is when it goes out), so edits are
    # coalesced by construction; `edit_seq` counts requests, and an edit that went out ends
    # the wait only if no request came after it was claimed. "gone": the chat no longer has
    # the message (deleted, too old to edit): no more edits of it.
    edit_status = fields.CharField(max_length=16, null=True)  # None | "pending" | "gone"
    edit_seq = fields.IntField(default=0)
    edit_attempts = fields.IntField(default=0)
    edit_next_at = fields.DatetimeField(null=True)
    edit_claimed_by = fields.CharField(max_length=64, null=True)
    edit_claimed_at = fields.DatetimeField(null=True)
    edit_error = fields.CharField(max_length=512, null=True)
    # a digest of what the last edit made the message show: an edit that would show the same
    # again is done without a request (it would only spend the chat's limit on "not modified")
    edit_shown = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "event_messages"
        unique_together = (("event", "destination"),)
        indexes = (("edit_status", "edit_next_at"),)


class Reminder(Model):
    """An outbox row for one reminder: phase × destination × lead time, sent once when due."""

    id = fields.IntField(primary_key=True)
    phase: fields.ForeignKeyRelation[EventPhase] = fields.ForeignKeyField(
        "models.EventPhase", related_name="reminders", on_delete=fields.CASCADE
    )
    destination: fields.ForeignKeyRelation[Destination] = fields.ForeignKeyField(
        "models.Destination", related_name="reminders", on_delete=fields.CASCADE
    )
    lead_minutes = fields.IntField()
    due_at = fields.DatetimeField()
    status = fields.CharEnumField(ReminderStatus, max_length=16, default=ReminderStatus.PENDING)
    attempts = fields.IntField(default=0)
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=512, null=True)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reminders"
        unique_together = (("phase", "destination", "lead_minutes"),)
        indexes = (("status", "due_at"),)


class CalendarToken(Model):
    """A private ICS feed address: only the SHA-256 of the token is stored; revocable."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="calendar_tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "calendar_tokens"


class Delivery(Model):
    """The outbox: one row per alert × destination, written with the alert, claimed and sent."""

    id = fields.IntField(primary_key=True)
    alert: fields.ForeignKeyRelation[Alert] = fields.ForeignKeyField(
        "models.Alert", related_name="deliveries", on_delete=fields.CASCADE
    )
    destination: fields.ForeignKeyRelation[Destination] = fields.ForeignKeyField(
        "models.Destination", related_name="deliveries", on_delete=fields.CASCADE
    )
    mode = fields.CharEnumField(SubscriptionMode, max_length=16, default=SubscriptionMode.INSTANT)
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    claimed_at = fields.DatetimeField(null=True)
    claimed_by = fields.CharField(max_length=64, null=True)
    last_error = fields.CharField(max_length=1024, null=True)
    external_id = fields.CharField(max_length=128, null=True)
    digest_key = fields.CharField(max_length=64, null=True)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "deliveries"
        unique_together = (("alert", "destination"),)
        # and idx_deliveries_active_id: (id) WHERE status IN ('pending', 'failed'), for the
        # dispatcher's claim (migration 8; a partial index with IN the models cannot declare)
        indexes = (("status", "next_attempt_at"),)


class Digest(Model):
    """One digest window per destination: unique, so a window is never mailed twice."""

    id = fields.IntField(primary_key=True)
    destination: fields.ForeignKeyRelation[Destination] = fields.ForeignKeyField(
        "models.Destination", related_name="digests", on_delete=fields.CASCADE
    )
    window_key = fields.CharField(max_length=64)
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    alert_count = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=1024, null=True)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "digests"
        unique_together = (("destination", "window_key"),)


class SystemMetrics(Model):
    """Periodic snapshots of counters (alerts, deliveries, feed health) for history."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, db_index=True)
    value = fields.FloatField()
    labels = fields.JSONField(default=dict)
    recorded_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "system_metrics"


class Lease(Model):
    """A named lease in the database: where leases live while Redis is away (see core.bus)."""

    name = fields.CharField(max_length=255, primary_key=True)
    token = fields.CharField(max_length=64)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "leases"
