"""Accounts: users, passwords, JWTs, API keys, platform identities and link codes.

The REST API and both bots call these functions; nothing here knows about transports.
Secrets are never stored: bcrypt for passwords, SHA-256 for API key secrets and link codes.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
import jwt
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core.db import transaction
from core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthorized
from core.models import (
    APIKey,
    Destination,
    Identity,
    LinkCode,
    Platform,
    Role,
    Subscription,
    User,
    in_id_range,
)

log = logging.getLogger(__name__)

JWT_ALGORITHM = "HS256"
API_KEY_PREFIX = "tge"
LINK_CODE_TTL = timedelta(minutes=15)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-]{3,64}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_BYTES = 72  # bcrypt ignores everything after 72 bytes: refuse, never truncate
API_KEY_SCOPES = frozenset({"read", "write", "admin"})
# what each scope lets a key do: admin includes read and write
_SCOPE_GRANTS = {"read": {"read"}, "write": {"write"}, "admin": {"read", "write", "admin"}}


def granted(scopes: Any) -> frozenset[str]:
    """Everything a list of scopes allows (`admin` implies `read` and `write`)."""
    out: set[str] = set()
    for scope in scopes or ():
        out |= _SCOPE_GRANTS.get(str(scope), set())
    return frozenset(out)


def scope_allows(scopes: Any, needed: str) -> bool:
    """The one scope check every door uses; `scopes=None` is a full session (JWT, bot)."""
    return scopes is None or needed in granted(scopes)


def require_scope(scopes: Any, needed: str) -> None:
    if not scope_allows(scopes, needed):
        raise Forbidden(f"this API key lacks the {needed!r} scope", scope=needed)


def now() -> datetime:
    return datetime.now(UTC)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def validate_password(password: Any) -> str:
    """Refuse passwords bcrypt cannot hash faithfully, with a message a user understands."""
    if not isinstance(password, str):
        raise InvalidInput("password must be a string", field="password")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidInput(
            f"password must be at least {MIN_PASSWORD_CHARS} characters", field="password"
        )
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        raise InvalidInput(f"password must be at most {MAX_PASSWORD_BYTES} bytes", field="password")
    return password


def validate_username(username: Any) -> str:
    if not isinstance(username, str) or not USERNAME_RE.match(username):
        raise InvalidInput(
            "username must be 3-64 letters, digits, '.', '_' or '-'", field="username"
        )
    return username


def validate_email(email: Any) -> str:
    if not isinstance(email, str) or len(email) > 254 or not EMAIL_RE.match(email.strip()):
        raise InvalidInput("email address is not valid", field="email")
    return email.strip().lower()


@dataclass(frozen=True)
class LinkPreview:
    """What a link code would merge, shown to the redeemer before they confirm."""

    target_username: str
    target_role: str
    redeemer_username: str
    platforms: tuple[str, ...]
    api_keys: int
    drops_admin: bool
    same_account: bool

    def describe(self) -> str:
        if self.same_account:
            return f"This code is from your own account {self.target_username}; nothing changes."
        what = f"{', '.join(self.platforms)} identity" if self.platforms else "web login"
        lines = [f"This adds your {what} to the account {self.target_username!r}."]
        lines.append(
            f"Your subscriptions, watchlist, destinations and {self.api_keys} API key(s) move "
            f"there; the account {self.redeemer_username!r} is then deleted."
        )
        if self.drops_admin:
            lines.append(
                f"Your admin role is dropped: {self.target_username!r} is a {self.target_role}, "
                "and linking never raises a role. Admin-scoped keys lose that scope."
            )
        else:
            lines.append(f"The account's role stays {self.target_role}.")
        return " ".join(lines)


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    role: str
    expires_at: datetime
    token_version: int = 0


class Accounts:
    """Account operations; built once by the runtime with the signing secret."""

    def __init__(self, secret_key: str, *, jwt_ttl_s: int = 3600, bcrypt_rounds: int = 12):
        if not secret_key:
            raise ValueError("secret_key is required")
        self._secret = secret_key
        self.jwt_ttl_s = jwt_ttl_s
        self._rounds = bcrypt_rounds
        self._dummy: tuple[int, bytes] | None = None

    async def _dummy_hash(self) -> bytes:
        """A hash at the same cost as real ones: unknown users cost as much as wrong passwords."""
        if self._dummy is None or self._dummy[0] != self._rounds:
            salt = bcrypt.gensalt(rounds=self._rounds)
            hashed = await asyncio.to_thread(bcrypt.hashpw, b"not-a-real-password", salt)
            self._dummy = (self._rounds, hashed)
        return self._dummy[1]

    @staticmethod
    def hash_cost(hashed: bytes) -> int:
        """The bcrypt cost factor of a hash (`$2b$12$...` -> 12)."""
        return int(hashed.split(b"$")[2])

    # --- passwords and users ------------------------------------------------------------

    async def hash_password(self, password: str) -> str:
        validate_password(password)
        salt = bcrypt.gensalt(rounds=self._rounds)
        hashed = await asyncio.to_thread(bcrypt.hashpw, password.encode(), salt)
        return hashed.decode()

    async def create_user(
        self,
        username: str,
        password: str | None = None,
        *,
        email: str | None = None,
        role: Role | str = Role.USER,
    ) -> User:
        validate_username(username)
        if email is not None:
            email = validate_email(email)
        try:
            role = Role(role)
        except ValueError:
            raise InvalidInput("role must be admin or user", field="role") from None
        password_hash = await self.hash_password(password) if password is not None else None
        if await User.filter(username=username).exists():
            raise Conflict(f"username {username!r} is taken", field="username")
        if email and await User.filter(email=email).exists():
            raise Conflict("email is already registered", field="email")
        try:
            return await User.create(
                username=username, email=email, password_hash=password_hash, role=role
            )
        except IntegrityError:
            raise Conflict(f"username {username!r} is taken", field="username") from None

    async def set_password(self, user: User, password: str) -> None:
        """A new password ends every session: tokens issued before carry the old version."""
        user.password_hash = await self.hash_password(password)
        user.token_version = (user.token_version or 0) + 1
        await user.save(update_fields=["password_hash", "token_version"])

    async def change_password(self, user: User, current: Any, new: Any) -> None:
        """The caller's own password change; the current one must be right."""
        if not isinstance(current, str) or not user.password_hash:
            raise Unauthorized("current password is wrong")
        encoded = current.encode()
        ok = len(encoded) <= MAX_PASSWORD_BYTES and await asyncio.to_thread(
            bcrypt.checkpw, encoded, user.password_hash.encode()
        )
        if not ok:
            raise Unauthorized("current password is wrong")
        await self.set_password(user, validate_password(new))

    async def logout_all(self, user: User) -> None:
        """End every session of the user: JWTs issued so far stop working."""
        await User.filter(id=user.id).update(token_version=F("token_version") + 1)
        await user.refresh_from_db(fields=["token_version"])

    async def ensure_admin(self, username: str, password: str) -> tuple[User, bool]:
        """Create the admin or reset its password and role; returns (user, created)."""
        validate_username(username)
        validate_password(password)
        user = await User.get_or_none(username=username)
        if user is None:
            try:
                return await self.create_user(username, password, role=Role.ADMIN), True
            except Conflict:
                # another process created it at the same moment: reset that one instead
                user = await User.get_or_none(username=username)
                if user is None:
                    raise
        user.role = Role.ADMIN
        user.is_active = True
        user.password_hash = await self.hash_password(password)
        user.token_version = (user.token_version or 0) + 1
        await user.save(update_fields=["role", "is_active", "password_hash", "token_version"])
        return user, False

    async def authenticate(self, username: Any, password: Any) -> User:
        """The user for a username and password, or Unauthorized (same message either way)."""
        if not isinstance(username, str) or not isinstance(password, str):
            raise InvalidInput("username and password are required")
        encoded = password.encode()
        user = await User.get_or_none(username=username)
        # unknown users, bot-only accounts and over-long passwords all pay one bcrypt
        # check at the real cost, so neither the answer nor its time tells them apart
        real = user is not None and bool(user.password_hash)
        stored = user.password_hash.encode() if real and user else await self._dummy_hash()
        checked = encoded if len(encoded) <= MAX_PASSWORD_BYTES else encoded[:MAX_PASSWORD_BYTES]
        ok = await asyncio.to_thread(bcrypt.checkpw, checked, stored)
        ok = ok and len(encoded) <= MAX_PASSWORD_BYTES
        if not ok or user is None or not user.password_hash or not user.is_active:
            raise Unauthorized("invalid username or password")
        return user

    # --- JWT --------------------------------------------------------------------------

    def issue_token(self, user: User, *, ttl_s: int | None = None) -> dict[str, Any]:
        ttl = self.jwt_ttl_s if ttl_s is None else ttl_s
        issued = now()
        claims = {
            "sub": str(user.id),
            "role": str(user.role),
            "tv": int(user.token_version or 0),
            "iat": int(issued.timestamp()),
            "exp": int((issued + timedelta(seconds=ttl)).timestamp()),
        }
        token = jwt.encode(claims, self._secret, algorithm=JWT_ALGORITHM)
        return {"access_token": token, "token_type": "bearer", "expires_in": ttl}

    def verify_token(self, token: Any) -> TokenClaims:
        """Decode a JWT; expired, unsigned, alg=none or wrongly signed tokens are refused."""
        if not isinstance(token, str) or not token:
            raise Unauthorized("missing token")
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[JWT_ALGORITHM],
                options={"require": ["exp", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("token expired") from None
        except jwt.PyJWTError:
            raise Unauthorized("invalid token") from None
        try:
            user_id = int(claims["sub"])
        except (TypeError, ValueError):
            raise Unauthorized("invalid token") from None
        version = claims.get("tv", 0)
        if not isinstance(version, int) or isinstance(version, bool):
            raise Unauthorized("invalid token")
        return TokenClaims(
            user_id=user_id,
            role=str(claims.get("role", "user")),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
            token_version=version,
        )

    async def user_from_token(self, token: Any) -> User:
        """The token's user; a disabled user or a token from before a logout is refused."""
        claims = self.verify_token(token)
        user = await User.get_or_none(id=claims.user_id, is_active=True)
        if user is None:
            raise Unauthorized("invalid token")
        if claims.token_version != (user.token_version or 0):
            raise Unauthorized("session ended: log in again")
        return user

    # --- API keys ---------------------------------------------------------------------

    async def create_api_key(
        self,
        user: User,
        name: Any,
        *,
        scopes: list[str] | None = None,
        expires_in_days: int | None = None,
        parent: APIKey | None = None,
    ) -> tuple[APIKey, str]:
        """Create a key; the returned secret is shown once and never stored.

        `parent` is the key the request came with: a key never mints a key with wider
        scopes or a later expiry than its own (by default the new key inherits both).
        """
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 64:
            raise InvalidInput("name must be 1-64 characters", field="name")
        if scopes:
            scopes = list(scopes)
        elif parent is not None:
            scopes = list(parent.scopes or [])
        else:
            scopes = ["read", "write"]
        if not all(isinstance(s, str) for s in scopes) or set(scopes) - API_KEY_SCOPES:
            raise InvalidInput(f"scopes must be among {sorted(API_KEY_SCOPES)}", field="scopes")
        if "admin" in scopes and user.role != Role.ADMIN:
            raise Forbidden("only admins can create admin-scoped keys", field="scopes")
        if parent is not None and not granted(scopes) <= granted(parent.scopes):
            raise Forbidden(
                "a key cannot create a key with wider scopes than its own "
                f"({', '.join(sorted(parent.scopes or [])) or 'none'})",
                field="scopes",
            )
        expires_at = None
        if expires_in_days is not None:
            if (
                not isinstance(expires_in_days, int)
                or isinstance(expires_in_days, bool)
                or not 1 <= expires_in_days <= 3650
            ):
                raise InvalidInput("expires_in_days must be 1-3650", field="expires_in_days")
            expires_at = now() + timedelta(days=expires_in_days)
        if parent is not None and parent.expires_at is not None:
            if expires_at is None:
                expires_at = parent.expires_at  # inherits the parent's expiry
            elif expires_at > parent.expires_at:
                raise Forbidden(
                    "a key cannot create a key that expires after its own "
                    f"({parent.expires_at.isoformat(timespec='seconds')})",
                    field="expires_in_days",
                )
        for _ in range(5):
            prefix = secrets.token_hex(4)
            secret = secrets.token_urlsafe(32)
            raw = f"{API_KEY_PREFIX}_{prefix}_{secret}"
            try:
                key = await APIKey.create(
                    user=user,
                    name=name.strip(),
                    prefix=prefix,
                    secret_hash=sha256_hex(raw),
                    scopes=scopes,
                    expires_at=expires_at,
                )
            except IntegrityError:
                continue
            return key, raw
        raise Conflict("could not allocate a unique key prefix; try again")

    async def verify_api_key(self, raw: Any) -> tuple[User, APIKey]:
        """The user behind a raw key; constant-time compare, revoked/expired refused."""
        if not isinstance(raw, str):
            raise Unauthorized("invalid API key")
        parts = raw.strip().split("_", 2)
        if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
            raise Unauthorized("invalid API key")
        key = await APIKey.get_or_none(prefix=parts[1]).select_related("user")
        expected = key.secret_hash if key else sha256_hex("x")
        if not hmac.compare_digest(expected, sha256_hex(raw.strip())) or key is None:
            raise Unauthorized("invalid API key")
        if key.revoked_at is not None:
            raise Unauthorized("API key revoked")
        if key.expires_at is not None and key.expires_at <= now():
            raise Unauthorized("API key expired")
        if not key.user.is_active:
            raise Unauthorized("invalid API key")
        await APIKey.filter(id=key.id).update(usage_count=F("usage_count") + 1, last_used_at=now())
        return key.user, key

    async def list_api_keys(self, user: User) -> list[APIKey]:
        return await APIKey.filter(user=user).order_by("-created_at", "-id")

    async def revoke_api_key(self, user: User, key_ref: int | str) -> APIKey:
        """Revoke by id or prefix; another user's key is 'not found', never 'forbidden'."""
        query = APIKey.filter(user=user)
        key = None
        if isinstance(key_ref, str):
            # prefixes are hex and may be all digits, so try the prefix before the id
            key = await query.filter(prefix=key_ref.strip()).first()
        if key is None and (
            (isinstance(key_ref, int) and not isinstance(key_ref, bool))
            or (isinstance(key_ref, str) and key_ref.strip().isdecimal())
        ):
            key = await query.filter(id=int(key_ref)).first() if in_id_range(int(key_ref)) else None
        if key is None:
            raise NotFound("API key not found")
        if key.revoked_at is None:
            key.revoked_at = now()
            await key.save(update_fields=["revoked_at"])
        return key

    # --- identities and linking -------------------------------------------------------

    async def ensure_identity(
        self, platform: Platform | str, external_id: str | int, display_name: str = ""
    ) -> User:
        """The account behind a platform id, created on first contact."""
        platform = Platform(platform)
        external = str(external_id)
        base = f"{platform.value[:2]}_{external}"[:56]
        for _ in range(5):
            identity = await Identity.get_or_none(platform=platform, external_id=external)
            if identity is not None:
                return await identity.user
            username = base
            if await User.filter(username=username).exists():
                username = f"{base}_{secrets.token_hex(3)}"
            try:
                # user and identity together or neither: a unique violation (the same person
                # writing twice at once, or a username just taken) rolls both back
                async with transaction():
                    user = await User.create(username=username)
                    await Identity.create(
                        user=user,
                        platform=platform,
                        external_id=external,
                        display_name=display_name[:128],
                    )
            except IntegrityError:
                continue  # someone else was first: look again (theirs, or a fresh username)
            log.info("created account %s for %s identity", user.id, platform.value)
            return user
        identity = await Identity.get(platform=platform, external_id=external)
        return await identity.user

    async def create_link_code(self, user: User) -> str:
        code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
        await LinkCode.create(
            user=user, code_hash=sha256_hex(code), expires_at=now() + LINK_CODE_TTL
        )
        return code

    async def _link_target(self, code: Any) -> tuple[LinkCode, User]:
        if not isinstance(code, str) or not code.strip():
            raise InvalidInput("link code is required", field="code")
        link = await LinkCode.get_or_none(code_hash=sha256_hex(code.strip().upper()))
        if link is None or link.used_at is not None or link.expires_at <= now():
            raise InvalidInput(
                "that link code is invalid or has expired; send /link on the other platform "
                "for a new one",
                field="code",
            )
        return link, await link.user

    async def preview_link(self, redeemer: User, code: Any) -> LinkPreview:
        """What redeeming `code` would do, without doing it (the redeemer confirms first)."""
        _, target = await self._link_target(code)
        return await self._preview(redeemer, target)

    async def _preview(self, redeemer: User, target: User) -> LinkPreview:
        platforms = sorted(
            {
                str(p)
                for p in await Identity.filter(user_id=redeemer.id).values_list(
                    "platform", flat=True
                )
            }
        )
        return LinkPreview(
            target_username=target.username,
            target_role=str(target.role),
            redeemer_username=redeemer.username,
            platforms=tuple(platforms),
            api_keys=await APIKey.filter(user_id=redeemer.id, revoked_at=None).count(),
            drops_admin=redeemer.role == Role.ADMIN and target.role != Role.ADMIN,
            same_account=redeemer.id == target.id,
        )

    async def redeem_link_code(self, redeemer: User, code: Any) -> User:
        """Join the redeemer's account into the code issuer's; returns the surviving account.

        The merged account keeps the issuer's role: a merge never raises a role, so an admin
        tricked into redeeming someone's code loses nothing to them but their identities,
        and is told so by the preview before confirming.
        """
        link, target = await self._link_target(code)
        async with transaction():
            used = await LinkCode.filter(id=link.id, used_at=None).update(used_at=now())
            if not used:
                raise InvalidInput(
                    "that link code is invalid or has expired; send /link on the other platform "
                    "for a new one",
                    field="code",
                )
            if target.id != redeemer.id:
                await self._merge(source=redeemer, target=target)
        return await User.get(id=target.id)

    async def _merge(self, *, source: User, target: User) -> None:
        """Move everything of `source` to `target`, then delete `source`; never raise a role."""
        await Identity.filter(user_id=source.id).update(user_id=target.id)
        if target.role != Role.ADMIN:
            # keys keep working for what the surviving account may do, never for more
            for key in await APIKey.filter(user_id=source.id):
                if "admin" in (key.scopes or []):
                    key.scopes = [s for s in key.scopes if s != "admin"] or ["read"]
                    await key.save(update_fields=["scopes"])
        await APIKey.filter(user_id=source.id).update(user_id=target.id)
        await LinkCode.filter(user_id=source.id).update(user_id=target.id)
        await Destination.filter(owner_id=source.id).update(owner_id=target.id)
        target_dest = set(
            await Subscription.filter(user_id=target.id).values_list("destination_id", flat=True)
        )
        for sub in await Subscription.filter(user_id=source.id):
            if sub.destination_id in target_dest:
                await sub.delete()
            else:
                sub.user_id = target.id
                await sub.save(update_fields=["user_id"])
        watched = await source.watchlist.all()
        if watched:
            await target.watchlist.add(*watched)
        changed: list[str] = []
        if not target.password_hash and source.password_hash:
            target.password_hash = source.password_hash
            changed.append("password_hash")
        source_email = source.email
        await source.delete()
        if not target.email and source_email:
            target.email = source_email
            changed.append("email")
        if changed:
            await target.save(update_fields=changed)
        log.info("merged account %s into %s", source.id, target.id)

    async def identities(self, user: User) -> list[Identity]:
        return await Identity.filter(user=user).order_by("platform")
