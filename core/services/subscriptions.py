"""Subscriptions, destinations and the per-user watchlist (`app.subscriptions`).

A Destination is where alerts go (a chat, a channel, an address); a Subscription is one
destination's standing order (threshold, companies, instant or digest). A chat has one
subscription however many of its admins change it. The watchlist is per user: it limits
that user's subscriptions that name no companies of their own (`use_watchlist`).
Every change invalidates the alert router's cached map.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tortoise.exceptions import IntegrityError

from core.alerts.router import wants_new_projects
from core.confidence import floor_text, is_floor_word
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.events.service import MAX_REMIND_MINUTES, MAX_REMINDERS, remind_minutes_of
from core.models import (
    Company,
    Delivery,
    DeliveryStatus,
    Destination,
    DestinationKind,
    DigestInterval,
    Subscription,
    SubscriptionMode,
    UpdatePolicy,
    User,
    in_id_range,
)
from core.secretbox import SecretBox
from core.services.accounts import validate_email

if TYPE_CHECKING:
    from core.runtime import App

log = logging.getLogger(__name__)

EMAIL_CODE_TTL = timedelta(minutes=30)
CLAIM_CODE_TTL = timedelta(hours=24)
CHAT_KINDS = frozenset({DestinationKind.TELEGRAM, DestinationKind.DISCORD})
MAX_WATCHLIST = 200
_NUMERIC_ID = re.compile(r"^-?\d{1,20}$")
_EDITABLE = {
    "min_confidence",
    "companies",
    "mode",
    "digest_interval",
    "digest_hour",
    "active",
    "new_projects",
    "updates",
    "remind_minutes",
}
UPDATE_POLICIES = tuple(p.value for p in UpdatePolicy)


def update_policy(value: Any) -> str:
    """every | phases | first: how a subscription hears about an event told many times."""
    if not isinstance(value, str) or value.strip().lower() not in UPDATE_POLICIES:
        raise InvalidInput("updates must be every, phases or first", field="updates")
    return value.strip().lower()


def remind_setting(value: Any) -> list[int]:
    """Reminder lead times in minutes before a dated phase: a list of 1-5 distinct whole
    numbers from 1 to 43200 (30 days), or [] for none."""
    if not isinstance(value, list) or len(value) > MAX_REMINDERS:
        raise InvalidInput(
            f"remind_minutes must be a list of at most {MAX_REMINDERS} numbers of minutes",
            field="remind_minutes",
        )
    out = set()
    for item in value:
        if isinstance(item, bool) or not isinstance(item, int):
            raise InvalidInput("remind_minutes must be whole minutes", field="remind_minutes")
        if not 1 <= item <= MAX_REMIND_MINUTES:
            raise InvalidInput(
                f"each reminder must be 1-{MAX_REMIND_MINUTES} minutes before",
                field="remind_minutes",
            )
        out.add(item)
    return sorted(out, reverse=True)


_DESTINATION_EDITABLE = ("name", "address", "rotate_secret")
# kinds whose address a user may change; a chat id names the chat itself, so moving it is a
# new destination (the bots create those when added to a chat)
_READDRESSABLE = frozenset({DestinationKind.EMAIL, DestinationKind.WEBHOOK})


def _now() -> datetime:
    return datetime.now(UTC)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# `subscribe(min_confidence=...)` not given: the subscription's minimum stays as it is
KEEP: Any = object()


def _confidence(value: Any) -> float | None:
    """A subscription's minimum confidence: a number 0-1, or None / "default" for none of its
    own (each item at the scorer's threshold: core.alerts.router.confidence_floor)."""
    if value is None or is_floor_word(value):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(
            'min_confidence must be a number between 0 and 1, or null ("default") for the '
            "scorer's threshold per item",
            field="min_confidence",
        )
    if not 0 <= float(value) <= 1:
        raise InvalidInput("min_confidence must be between 0 and 1", field="min_confidence")
    return float(value)


def _mode(value: Any) -> SubscriptionMode:
    try:
        return SubscriptionMode(str(value).lower())
    except ValueError:
        raise InvalidInput("mode must be instant or digest", field="mode") from None


def _new_projects(value: Any) -> bool | None:
    """True/False, or "auto" (None: the default for the subscription's kind)."""
    if isinstance(value, bool):
        return value
    word = value.strip().lower() if isinstance(value, str) else None
    if word in ("on", "yes", "true"):
        return True
    if word in ("off", "no", "false"):
        return False
    if word in ("auto", "default"):
        return None
    raise InvalidInput("new_projects must be on, off or auto", field="new_projects")


def _interval(value: Any) -> DigestInterval:
    try:
        return DigestInterval(str(value).lower())
    except ValueError:
        raise InvalidInput(
            "digest interval must be hourly or daily", field="digest_interval"
        ) from None


class Subscriptions:
    """Subscription and destination operations; transports and REST call these."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.box = SecretBox(app.settings.secret_key)

    def secret_of(self, dest: Destination) -> str | None:
        """A destination's signing secret in clear (it is stored sealed)."""
        return self.box.open(dest.secret)

    def _changed(self) -> None:
        alerts = getattr(self.app, "alerts", None)
        router = getattr(alerts, "router", None)
        if router is not None:
            router.invalidate()

    # --- destinations -----------------------------------------------------------------

    async def validate_address(self, kind: DestinationKind | str, address: Any) -> str:
        """Check an address for its kind; returns the normalised address."""
        try:
            kind = DestinationKind(kind)
        except ValueError:
            kinds = ", ".join(k.value for k in DestinationKind)
            raise InvalidInput(f"kind must be one of {kinds}", field="kind") from None
        if not isinstance(address, str | int) or isinstance(address, bool):
            raise InvalidInput("address is required", field="address")
        text = str(address).strip()
        if not text:
            raise InvalidInput("address is required", field="address")
        if kind == DestinationKind.EMAIL:
            try:
                return validate_email(text)
            except InvalidInput as exc:
                raise InvalidInput(exc.message, field="address") from None
        if kind in (DestinationKind.TELEGRAM, DestinationKind.DISCORD):
            if not _NUMERIC_ID.match(text):
                raise InvalidInput(f"a {kind.value} chat id is numeric", field="address")
            return text
        if kind == DestinationKind.WEBHOOK:
            fetcher = getattr(self.app, "fetcher", None)
            if fetcher is not None and hasattr(fetcher, "check_url"):
                try:
                    return str(fetcher.check_url(text))
                except InvalidInput as exc:
                    raise InvalidInput(exc.message, field="address", **exc.details) from None
            if not text.startswith(("https://", "http://")) or len(text) > 2048:
                raise InvalidInput("webhook address must be an http(s) URL", field="address")
            return text
        if len(text) > 256:
            raise InvalidInput("address is too long", field="address")
        return text

    async def find_destination(
        self, kind: DestinationKind | str, address: str | int
    ) -> Destination | None:
        """A chat's destination if one exists (read-only commands never create one)."""
        address = await self.validate_address(kind, address)
        return await Destination.get_or_none(kind=DestinationKind(kind), address=address)

    async def ensure_destination(
        self,
        owner: User,
        kind: DestinationKind | str,
        address: str | int,
        name: str = "",
        *,
        is_group: bool = False,
    ) -> Destination:
        """The chat's destination, for a chat admin subscribing it from inside that chat.

        Created verified (the bot saw the admin in the chat) and owned by `owner`. A chat
        registered or owned by someone else passes to `owner`, with its subscription: the
        chat's own admins always win over a remote owner. Only /subscribe (and /claim) take
        a chat over; changing its filters leaves the owner as it is.
        """
        address = await self.validate_address(kind, address)
        kind = DestinationKind(kind)
        dest = await Destination.get_or_none(kind=kind, address=address)
        if dest is None:
            try:
                return await Destination.create(
                    kind=kind,
                    address=address,
                    name=name[:128],
                    owner=owner,
                    verified=True,
                    is_group=is_group,
                )
            except IntegrityError:
                dest = await Destination.get(kind=kind, address=address)
        changes: dict[str, Any] = {}
        if name and dest.name != name[:128]:
            changes["name"] = name[:128]
        if dest.is_group != is_group:
            changes["is_group"] = is_group
        if dest.owner_id != owner.id or not dest.verified or dest.verify_code_hash:
            if dest.owner_id != owner.id:
                log.info("chat destination %s passes to a chat admin (user %s)", dest.id, owner.id)
            changes.update(
                owner_id=owner.id, verified=True, verify_code_hash=None, verify_expires_at=None
            )
            await self._adopt_subscriptions(dest, owner)
        if changes:
            for key, value in changes.items():
                setattr(dest, key, value)
            await dest.save(update_fields=list(changes))
            self._changed()
        return dest

    async def _adopt_subscriptions(self, dest: Destination, owner: User) -> None:
        """The chat's subscription follows the chat's owner (one per chat)."""
        subs = await Subscription.filter(destination_id=dest.id).order_by("-active", "id")
        for extra in subs[1:]:
            await extra.delete()
        if subs and subs[0].user_id != owner.id:
            subs[0].user_id = owner.id
            await subs[0].save(update_fields=["user_id"])

    async def claim_destination(
        self, kind: DestinationKind | str, address: str | int, code: Any, name: str = ""
    ) -> Destination:
        """A chat admin posted `/claim CODE` in the chat: the web-registered chat is proven."""
        address = await self.validate_address(kind, address)
        text = str(code or "").strip().upper()
        dest = await Destination.get_or_none(kind=DestinationKind(kind), address=address)
        expected = dest.verify_code_hash if dest is not None else None
        if (
            dest is None
            or not expected
            or not hmac.compare_digest(expected, _sha256(f"{dest.id}:{text}"))
        ):
            raise InvalidInput("that claim code is not valid for this chat", field="code")
        if dest.verify_expires_at is None or dest.verify_expires_at <= _now():
            raise InvalidInput("the claim code has expired; ask for a new one", field="code")
        dest.verified = True
        dest.verify_code_hash = None
        dest.verify_expires_at = None
        fields = ["verified", "verify_code_hash", "verify_expires_at"]
        if name:
            dest.name = name[:128]
            fields.append("name")
        await dest.save(update_fields=fields)
        self._changed()
        log.info("chat destination %s claimed from inside the chat", dest.id)
        return dest

    async def _issue_claim_code(self, dest: Destination) -> str:
        code = "-".join(secrets.token_hex(3).upper() for _ in range(2))
        dest.verify_code_hash = _sha256(f"{dest.id}:{code}")
        dest.verify_expires_at = _now() + CLAIM_CODE_TTL
        await dest.save(update_fields=["verify_code_hash", "verify_expires_at"])
        return code

    async def list_destinations(self, user: User) -> list[Destination]:
        return await Destination.filter(owner=user).order_by("id")

    async def get_destination(self, user: User, destination_id: Any) -> Destination:
        """One of the user's destinations; anybody else's is NotFound."""
        try:
            ident = int(destination_id)
        except (TypeError, ValueError):
            raise NotFound("destination not found", field="destination") from None
        dest = await Destination.get_or_none(id=ident, owner=user) if in_id_range(ident) else None
        if dest is None:
            raise NotFound("destination not found", field="destination")
        return dest

    async def create_destination(
        self, user: User, kind: DestinationKind | str, address: Any, name: str = ""
    ) -> Destination:
        """A destination the user owns (email unverified until its code comes back)."""
        if not isinstance(name, str) or len(name) > 128:
            raise InvalidInput("name must be at most 128 characters", field="name")
        address = await self.validate_address(kind, address)
        kind = DestinationKind(kind)
        existing = await Destination.get_or_none(kind=kind, address=address)
        if existing is not None:
            if existing.owner_id == user.id:
                if kind in CHAT_KINDS and not existing.verified:
                    existing.claim_code = await self._issue_claim_code(existing)
                return existing
            raise Conflict("that destination is already registered", field="address")
        secret = secrets.token_urlsafe(24) if kind == DestinationKind.WEBHOOK else None
        # a chat is proven from inside it (/claim), an email by its code; never by REST
        verified = kind not in CHAT_KINDS and kind != DestinationKind.EMAIL
        try:
            dest = await Destination.create(
                kind=kind,
                address=address,
                name=name,
                owner=user,
                secret=self.box.seal(secret) if secret else None,
                verified=verified,
            )
        except IntegrityError:
            raise Conflict("that destination is already registered", field="address") from None
        dest.plain_secret = secret
        if kind in CHAT_KINDS:
            dest.claim_code = await self._issue_claim_code(dest)
        return dest

    async def update_destination(
        self, user: User, destination_id: Any, **fields: Any
    ) -> Destination:
        """Rename, re-address (email, webhook) or rotate a webhook's secret (REST PATCH).

        A new email address is unverified until a code sent to it comes back, and a code
        sent to the old one no longer counts. A new address also lifts a rejection, which
        was about the old one. A rotated secret is on the returned destination; the caller
        shows it once, as on creation.
        """
        unknown = set(fields) - set(_DESTINATION_EDITABLE)
        if unknown:
            name = sorted(unknown)[0]
            raise InvalidInput(f"{name} cannot be changed", field=name)
        if not fields:
            raise InvalidInput("give at least one of: name, address, rotate_secret", field="body")
        dest = await self.get_destination(user, destination_id)
        kind = DestinationKind(dest.kind)
        changes: dict[str, Any] = {}
        if "name" in fields:
            name = fields["name"]
            if not isinstance(name, str) or len(name) > 128:
                raise InvalidInput("name must be at most 128 characters", field="name")
            changes["name"] = name
        if "address" in fields:
            if kind not in _READDRESSABLE:
                raise InvalidInput(
                    f"a {kind.value} destination's address cannot be changed; add a new one",
                    field="address",
                )
            address = await self.validate_address(kind, fields["address"])
            if address != dest.address:
                taken = Destination.filter(kind=kind, address=address).exclude(id=dest.id)
                if await taken.exists():
                    raise Conflict("that destination is already registered", field="address")
                changes.update(address=address, rejected_reason=None, rejected_at=None)
                if kind == DestinationKind.EMAIL:
                    changes.update(verified=False, verify_code_hash=None, verify_expires_at=None)
        if "rotate_secret" in fields:
            rotate = fields["rotate_secret"]
            if not isinstance(rotate, bool):
                raise InvalidInput("rotate_secret must be true or false", field="rotate_secret")
            if rotate and kind != DestinationKind.WEBHOOK:
                raise InvalidInput("only a webhook has a secret to rotate", field="rotate_secret")
            if rotate:
                plain = secrets.token_urlsafe(24)
                dest.plain_secret = plain
                changes["secret"] = self.box.seal(plain)
        if not changes:
            return dest
        for key, value in changes.items():
            setattr(dest, key, value)
        try:
            await dest.save(update_fields=list(changes))
        except IntegrityError:
            raise Conflict("that destination is already registered", field="address") from None
        if "address" in changes:
            log.info("destination %s (%s) re-addressed", dest.id, kind.value)
            if kind == DestinationKind.EMAIL:
                # queued mail (digests, retries) would otherwise reach the unverified address
                await Delivery.filter(
                    destination_id=dest.id,
                    status__in=(DeliveryStatus.PENDING, DeliveryStatus.FAILED),
                ).update(
                    status=DeliveryStatus.DEAD,
                    last_error="email address changed before delivery",
                    claimed_at=None,
                    claimed_by=None,
                )
        self._changed()
        return dest

    async def delete_destination(self, user: User, destination_id: Any) -> None:
        dest = await self.get_destination(user, destination_id)
        await dest.delete()
        self._changed()

    # --- email verification -----------------------------------------------------------

    async def start_email_verification(self, user: User, address: Any) -> tuple[Destination, str]:
        """Create (or refresh) an unverified email destination; returns it and a 6-digit code."""
        address = await self.validate_address(DestinationKind.EMAIL, address)
        dest = await Destination.get_or_none(kind=DestinationKind.EMAIL, address=address)
        if dest is not None and dest.owner_id != user.id:
            raise Conflict("that email address is already registered", field="address")
        if dest is None:
            dest = await self.create_destination(user, DestinationKind.EMAIL, address)
        code = f"{secrets.randbelow(1_000_000):06d}"
        dest.verify_code_hash = _sha256(f"{dest.id}:{code}")
        dest.verify_expires_at = _now() + EMAIL_CODE_TTL
        await dest.save(update_fields=["verify_code_hash", "verify_expires_at"])
        return dest, code

    async def verify_email(
        self,
        user: User,
        code: Any,
        *,
        mode: SubscriptionMode | None = None,
        digest_interval: DigestInterval | None = None,
    ) -> Destination:
        """Mark the user's pending email verified and subscribe it.

        A new address gets a daily digest; a re-verified one keeps the mode it had.
        """
        text = str(code or "").strip()
        if not re.fullmatch(r"\d{6}", text):
            raise InvalidInput("the code is 6 digits", field="code")
        pending = await Destination.filter(
            owner=user, kind=DestinationKind.EMAIL, verify_code_hash__not_isnull=True
        )
        for dest in pending:
            expected = dest.verify_code_hash or ""
            if hmac.compare_digest(expected, _sha256(f"{dest.id}:{text}")):
                if dest.verify_expires_at is None or dest.verify_expires_at <= _now():
                    raise InvalidInput("the code has expired; send /email again", field="code")
                dest.verified = True
                dest.verify_code_hash = None
                dest.verify_expires_at = None
                await dest.save(update_fields=["verified", "verify_code_hash", "verify_expires_at"])
                self._changed()  # verified changes routing even when the subscription does not
                if mode is None and await self.get_for_destination(dest) is None:
                    mode, digest_interval = SubscriptionMode.DIGEST, DigestInterval.DAILY
                await self.subscribe(user, dest, mode=mode, digest_interval=digest_interval)
                return dest
        raise InvalidInput("that code is not valid", field="code")

    # --- subscriptions ----------------------------------------------------------------

    async def _company_ids(self, companies: Any) -> list[int]:
        if isinstance(companies, str):
            companies = [c for c in re.split(r",", companies) if c.strip()]
        if not isinstance(companies, list | tuple):
            raise InvalidInput("companies must be a list", field="companies")
        ids: list[int] = []
        for ref in companies:
            company = await self.app.companies.get(ref)
            if company.id not in ids:
                ids.append(company.id)
        return ids

    async def get_for_destination(self, destination: Destination) -> Subscription | None:
        """The destination's subscription (a chat has one, whoever set it up)."""
        return await Subscription.filter(destination=destination).order_by("-active", "id").first()

    async def subscribe(
        self,
        user: User,
        destination: Destination,
        *,
        min_confidence: Any = KEEP,
        companies: list[Any] | None = None,
        mode: SubscriptionMode | str | None = None,
        digest_interval: DigestInterval | str | None = None,
        new_projects: bool | str | None = None,
        updates: Any = None,
        remind_minutes: Any = None,
    ) -> Subscription:
        """Start (or update and re-activate) the destination's subscription.

        ``min_confidence``: a number 0-1, or None / "default" for none of its own (each
        alert at the threshold the scorer judged its item at, the default); not given
        leaves it as it is.
        ``new_projects``: True/False, or "auto" for the default (on for all companies, off
        for a company list or watchlist); None leaves it as it is.

        Subscribing again is how an owner resumes a destination that was rejected (bot
        blocked, chat gone): the rejection is cleared and delivery is tried anew.
        """
        if destination.kind in CHAT_KINDS and not destination.verified:
            raise Forbidden(
                f"this {destination.kind} chat is not proven yet: a chat admin must post "
                "/claim <code> in it (POST /destinations gave the code)",
                field="destination_id",
            )
        changes: dict[str, Any] = {"active": True}
        if destination.rejected_reason is not None:
            destination.rejected_reason = None
            destination.rejected_at = None
            await destination.save(update_fields=["rejected_reason", "rejected_at"])
        if min_confidence is not KEEP:
            changes["min_confidence"] = _confidence(min_confidence)
        if companies is not None:
            changes["company_ids"] = await self._company_ids(companies)
        if mode is not None:
            changes["mode"] = _mode(mode)
        if digest_interval is not None:
            changes["digest_interval"] = _interval(digest_interval)
        if new_projects is not None:
            changes["new_projects"] = _new_projects(new_projects)
        if updates is not None:
            changes["updates"] = update_policy(updates)
        if remind_minutes is not None:
            changes["remind_minutes"] = remind_setting(remind_minutes)
        sub = await self.get_for_destination(destination)
        if sub is None:
            defaults = {
                "min_confidence": None,  # the scorer's threshold for each item
                "company_ids": [],
                "use_watchlist": False,
            }
            defaults.update(changes)
            if not defaults["company_ids"] and not destination.is_group:
                defaults["use_watchlist"] = await user.watchlist.all().exists()
            try:
                sub = await Subscription.create(
                    user=user,
                    destination=destination,
                    unsubscribe_token=secrets.token_urlsafe(32),
                    **defaults,
                )
            except IntegrityError:
                sub = await Subscription.get(user=user, destination=destination)
                await self._apply(sub, changes)
        else:
            await self._apply(sub, changes)
        self._changed()
        return sub

    async def _apply(self, sub: Subscription, changes: dict[str, Any]) -> None:
        if "company_ids" in changes:
            owner = await User.get(id=sub.user_id)
            group = await Destination.filter(id=sub.destination_id, is_group=True).exists()
            changes["use_watchlist"] = (
                not group and not changes["company_ids"] and await owner.watchlist.all().exists()
            )
        for key, value in changes.items():
            setattr(sub, key, value)
        if changes:
            await sub.save(update_fields=list(changes))

    async def unsubscribe(self, user: User, destination: Destination) -> Subscription:
        sub = await self.get_for_destination(destination)
        if sub is None or not sub.active:
            raise NotFound("this chat is not subscribed", field="subscription")
        sub.active = False
        await sub.save(update_fields=["active"])
        self._changed()
        return sub

    async def list_for_user(self, user: User) -> list[Subscription]:
        return await Subscription.filter(user=user).select_related("destination").order_by("id")

    async def get(self, user: User, subscription_id: Any) -> Subscription:
        try:
            ident = int(subscription_id)
        except (TypeError, ValueError):
            raise NotFound("subscription not found", field="subscription") from None
        sub = (
            await Subscription.get_or_none(id=ident, user=user).select_related("destination")
            if in_id_range(ident)
            else None
        )
        if sub is None:
            raise NotFound("subscription not found", field="subscription")
        return sub

    async def update(self, user: User, subscription_id: Any, **fields: Any) -> Subscription:
        """Change filters of one of the user's subscriptions (REST PATCH)."""
        unknown = set(fields) - _EDITABLE
        if unknown:
            name = sorted(unknown)[0]
            raise InvalidInput(f"{name} cannot be changed", field=name)
        sub = await self.get(user, subscription_id)
        changes: dict[str, Any] = {}
        if "min_confidence" in fields:
            changes["min_confidence"] = _confidence(fields["min_confidence"])
        if "companies" in fields:
            changes["company_ids"] = await self._company_ids(fields["companies"] or [])
        if "mode" in fields:
            changes["mode"] = _mode(fields["mode"])
        if "digest_interval" in fields:
            changes["digest_interval"] = _interval(fields["digest_interval"])
        if "digest_hour" in fields:
            hour = fields["digest_hour"]
            if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
                raise InvalidInput("digest_hour must be 0-23", field="digest_hour")
            changes["digest_hour"] = hour
        if "new_projects" in fields:
            value = fields["new_projects"]
            changes["new_projects"] = None if value is None else _new_projects(value)
        if "updates" in fields:
            changes["updates"] = update_policy(fields["updates"])
        if "remind_minutes" in fields:
            changes["remind_minutes"] = remind_setting(fields["remind_minutes"])
        if "active" in fields:
            if not isinstance(fields["active"], bool):
                raise InvalidInput("active must be true or false", field="active")
            changes["active"] = fields["active"]
        await self._apply(sub, changes)
        self._changed()
        return sub

    async def delete(self, user: User, subscription_id: Any) -> None:
        sub = await self.get(user, subscription_id)
        await sub.delete()
        self._changed()

    async def unsubscribe_by_token(self, token: Any) -> Subscription:
        """One-click unsubscribe from an email link."""
        if not isinstance(token, str) or not token:
            raise NotFound("unsubscribe link is not valid", field="token")
        sub = await Subscription.get_or_none(unsubscribe_token=token)
        if sub is None:
            raise NotFound("unsubscribe link is not valid", field="token")
        if sub.active:
            sub.active = False
            await sub.save(update_fields=["active"])
            self._changed()
        return sub

    @staticmethod
    def to_json(sub: Subscription) -> dict[str, Any]:
        dest = sub.destination if isinstance(sub.destination, Destination) else None
        return {
            "id": sub.id,
            "destination_id": sub.destination_id,
            "destination": {"kind": str(dest.kind), "address": dest.address, "name": dest.name}
            if dest
            else None,
            "min_confidence": sub.min_confidence,  # null: the scorer's threshold per item
            "min_confidence_text": floor_text(sub.min_confidence),
            "company_ids": list(sub.company_ids or []),
            "use_watchlist": sub.use_watchlist,
            "new_projects": sub.new_projects,
            "receives_new_projects": wants_new_projects(
                sub.new_projects, sub.company_ids, sub.use_watchlist
            ),
            "mode": str(sub.mode),
            "digest_interval": str(sub.digest_interval),
            "digest_hour": sub.digest_hour,
            "updates": str(sub.updates),
            "remind_minutes": remind_minutes_of(sub.remind_minutes),
            "active": sub.active,
        }

    # --- watchlist --------------------------------------------------------------------

    async def _sync_watchlist_flag(self, user: User) -> None:
        has_any = await user.watchlist.all().exists()
        for sub in await Subscription.filter(user=user).select_related("destination"):
            # a group's alerts follow the group's own list, never one member's watchlist
            wanted = has_any and not sub.company_ids and not sub.destination.is_group
            if sub.use_watchlist != wanted:
                sub.use_watchlist = wanted
                await sub.save(update_fields=["use_watchlist"])
        self._changed()

    async def watch(self, user: User, company_ref: Any) -> Company:
        """Add a company to the user's watchlist (NotFound carries suggestions)."""
        company = await self.app.companies.get(company_ref)
        if await user.watchlist.filter(id=company.id).exists():
            return company
        if await user.watchlist.all().count() >= MAX_WATCHLIST:
            raise InvalidInput(
                f"a watchlist holds at most {MAX_WATCHLIST} companies", field="company"
            )
        await user.watchlist.add(company)
        await self._sync_watchlist_flag(user)
        return company

    async def unwatch(self, user: User, company_ref: Any) -> Company:
        company = await self.app.companies.get(company_ref)
        if not await user.watchlist.filter(id=company.id).exists():
            raise NotFound(f"{company.name} is not on your watchlist", field="company")
        await user.watchlist.remove(company)
        await self._sync_watchlist_flag(user)
        return company

    async def watchlist(self, user: User) -> list[Company]:
        return await user.watchlist.all().order_by("name")
