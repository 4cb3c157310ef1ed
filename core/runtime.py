"""The application object: owns the database, the Redis-or-in-process backends and services.

Built by one factory (`create_app`) and passed down; nothing here is a module-level global.
Transports (web server, bots) and workers are `Component`s the composition root adds.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

from core import db
from core.alerts.service import AlertService
from core.bus import Bus, KeyValue, MemoryBus, MemoryKeyValue, ResilientBus, ResilientKeyValue
from core.channels import ChannelRegistry
from core.channels.email import EmailChannel
from core.channels.webhook import WebhookChannel
from core.commands import Commands
from core.config import Settings, mask_url
from core.errors import StartupError, connection_failure
from core.events.service import EventService
from core.faults import Dependencies
from core.linkguard import LinkGuard
from core.locks import KeyedLocks
from core.metrics import Metrics
from core.monitors.fetch import SafeFetcher
from core.ratelimit import MemoryBackend, RateLimiter, RedisBackend
from core.ratelimit.resilient import ResilientBackend
from core.scoring import ScoringEngine
from core.scoring.encoder import stage_for_setting
from core.scoring.history import history_for
from core.scoring.model import BUNDLED_MODEL, alert_threshold, model_for_setting
from core.services.accounts import Accounts
from core.services.companies import Companies
from core.services.feeds import FeedService
from core.services.subscriptions import Subscriptions

log = logging.getLogger(__name__)


class Component(Protocol):
    """A long-running part (web server, worker, bot) started and stopped with the app."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class App:
    """Everything a request, a command or a worker needs, reachable from one object."""

    def __init__(self, settings: Settings) -> None:
        # with the CJK model (SCORING_MODEL_CJK) scoring the zh/ja/ko items
        model = model_for_setting(
            settings.scoring_model, settings.scoring_model_cjk, settings.alert_threshold
        )
        # The optional encoder second stage (SCORING_ENCODER): None, or the loaded stage the
        # ingest and manual alerts pass the linear model's analysis through.
        self.encoder = stage_for_setting(
            settings.scoring_encoder,
            settings.scoring_encoder_model,
            None if model is None else (settings.scoring_model or BUNDLED_MODEL),
        )
        # ALERT_THRESHOLD unset: the model's own decision threshold (its card), else 0.5; with
        # the encoder stage, the stage's (its card's)
        threshold = alert_threshold(settings.alert_threshold, model)
        if self.encoder is not None:
            # an item the stage cannot read keeps the linear score: judged at the linear one
            self.encoder.linear_threshold = threshold
            if settings.alert_threshold is None:
                threshold = self.encoder.threshold
        self.settings = settings = replace(settings, alert_threshold=threshold)
        self.redis: Any = None
        self.bus: Bus = MemoryBus()
        self.kv: KeyValue = MemoryKeyValue()
        self.accounts = Accounts(settings.secret_key, jwt_ttl_s=settings.jwt_ttl_s)
        # the bundled first-seen table now; the stored items' headlines once the database is up
        self.scoring = ScoringEngine(model=model, history=history_for(model))
        self.links = LinkGuard()  # rebuilt with the scoring engine from the companies
        self.companies = Companies(self.scoring, guard=self.links)
        self.metrics = Metrics()
        self.dependencies = Dependencies(self.metrics)
        self.locks = KeyedLocks()  # per-key critical sections inside this process
        self.limiter = RateLimiter(MemoryBackend(), settings.rate_limits)  # RATE_LIMIT_*
        self.fetcher = SafeFetcher(settings)
        self.feeds = FeedService(self)
        self.subscriptions = Subscriptions(self)
        self.commands = Commands(self)
        self.channels = ChannelRegistry()
        self.channels.register(EmailChannel(settings))
        # a callable, so a fetcher swapped in later (tests, reconfiguration) is the one used
        self.channels.register(WebhookChannel(settings, fetcher=lambda: self.fetcher))
        self.alerts = AlertService(self)
        self.events = EventService(self)
        self.components: list[Component] = []
        self.started_at: datetime | None = None
        self._on_start: list[Callable[[App], Awaitable[None]]] = []
        self._on_stop: list[Callable[[App], Awaitable[None]]] = []
        self._started: list[Component] = []
        self._db_open = False
        self._history_task: asyncio.Task[None] | None = None
        self.fresh_database = False  # this start created the schema (first run)
        self.applied_migrations: list[str] = []
        self.on_stop(lambda app: app.channels.close())
        if self.encoder is not None:
            self.on_stop(_close_encoder)

    def add(self, component: Component) -> None:
        self.components.append(component)

    def on_start(self, hook: Callable[[App], Awaitable[None]]) -> None:
        """Run `hook(app)` after the database and backends are up, before components."""
        self._on_start.append(hook)

    def on_stop(self, hook: Callable[[App], Awaitable[None]]) -> None:
        self._on_stop.append(hook)

    async def open(self, *, migrate: bool = True, load_companies: bool = True) -> None:
        """Database and backends only (used by CLI commands that run no components).

        `load_companies=False` leaves the scoring engine empty for the caller to load once
        (start(): after the start hooks, which may add the first-run catalogue)."""
        settings = self.settings
        where = _database_label(settings)
        try:
            if migrate:
                applied = await db.migrate(settings.database_url)
                if applied:
                    log.info("database migrated: %s", ", ".join(applied))
                self.applied_migrations = applied
                self.fresh_database = any(name.startswith("0_") for name in applied)
            await db.init_db(settings.database_url)
        except StartupError:
            raise
        except Exception as exc:
            raise StartupError(
                f"cannot use the database {where}: {connection_failure(exc)}"
            ) from exc
        self._db_open = True
        await self._seal_legacy_secrets()
        if settings.redis_url:
            import redis.asyncio as aioredis
            from redis.exceptions import RedisError

            # short timeouts: a Redis that is away must not hold a request for long
            self.redis = aioredis.from_url(
                settings.redis_url, socket_connect_timeout=2, socket_timeout=5
            )
            try:
                await asyncio.wait_for(self.redis.ping(), 10)
            except (RedisError, OSError, TimeoutError) as exc:
                raise StartupError(
                    f"cannot reach Redis (REDIS_URL={mask_url(settings.redis_url)}): "
                    f"{connection_failure(exc)}"
                ) from exc
            self.bus = ResilientBus(self.redis, self.dependencies)
            self.kv = ResilientKeyValue(self.redis, self.dependencies)
            self.limiter.backend = ResilientBackend(RedisBackend(self.redis), self.dependencies)
            log.info("using Redis at %s", mask_url(settings.redis_url))
        if load_companies:
            await self.companies.reload_engine()
        if settings.admin_username and settings.admin_password:
            from core.models import User

            if not await User.filter(username=settings.admin_username).exists():
                _user, created = await self.accounts.ensure_admin(
                    settings.admin_username, settings.admin_password
                )
                if created:  # else another process starting with us created it first
                    log.info("created bootstrap admin %s", settings.admin_username)

    async def _load_token_history(self) -> None:
        """The tickers of stored headlines join the scorer's token history (first day each
        was seen), so a listing of a token this service saw trading weeks ago reads as old."""
        history = self.scoring.history
        if history is None:
            return
        from tortoise.expressions import Q

        from core.models import Item

        # only headlines that can hold a ticker form (see core.scoring.history)
        forms = Q(title__contains="("), Q(title__contains="$"), Q(title__contains="USD")
        can_hold = Q(*forms, Q(title__contains="Perp"), join_type="OR")
        last = 0
        try:
            while True:  # by id, a page at a time: no list of every item at once
                page = (
                    await Item.filter(can_hold, id__gt=last)
                    .order_by("id")
                    .limit(5000)
                    .values_list("id", "title", "published_at", "created_at")
                )
                for _id, title, published, created in page:
                    history.see_headline(title, published or created)
                if len(page) < 5000:
                    break
                last = page[-1][0]
        except Exception as exc:  # the bundled table still serves; scoring goes on
            log.warning("token history: stored headlines not read (%s)", connection_failure(exc))

    async def _seal_legacy_secrets(self) -> None:
        """Webhook secrets stored in clear before encryption at rest are sealed once."""
        from core.models import Destination

        box = self.subscriptions.box
        for dest in await Destination.filter(secret__not_isnull=True).only("id", "secret"):
            if dest.secret and not box.is_sealed(dest.secret):
                await Destination.filter(id=dest.id).update(secret=box.seal(dest.secret))

    async def start(self) -> None:
        await self.open(load_companies=False)
        self.companies.hold_rebuilds()
        for hook in self._on_start:
            await hook(self)
        # Stored headlines join the token history off to the side: a large items table must
        # not hold the start, and a sighting added meanwhile by ingest is kept (earliest wins).
        if self.scoring.history is not None:
            self._history_task = asyncio.create_task(self._load_token_history())
        # one build, after the hooks: at 50,000 companies a second one (for the catalogue a
        # first start adds) left ~30 MB of the two snapshots' peak in the process for good
        await self.companies.reload_engine()
        for component in self.components:
            await component.start()
            self._started.append(component)
            log.info("started %s", component.name)
        self.started_at = datetime.now(UTC)

    async def stop(self) -> None:
        """Stop components in reverse order, then close backends; safe to call twice."""
        if self._history_task is not None:
            self._history_task.cancel()
            await asyncio.gather(self._history_task, return_exceptions=True)
            self._history_task = None
        while self._started:
            component = self._started.pop()
            try:
                await component.stop()
                log.info("stopped %s", component.name)
            except Exception:
                log.exception("error stopping %s", component.name)
        for hook in reversed(self._on_stop):
            try:
                await hook(self)
            except Exception:
                log.exception("error in stop hook")
        self._on_stop.clear()
        await self.companies.close()
        await self.fetcher.close()
        await self.bus.close()
        if self.redis is not None:
            await self.redis.aclose()
            self.redis = None
        if self._db_open:
            await db.close_db()
            self._db_open = False

    async def health(self) -> dict[str, Any]:
        """Dependency status for /health: 'ok' only when every configured one answers."""
        checks: dict[str, Any] = {"database": "ok" if await db.ping() else "down"}
        if self.redis is not None:
            try:
                await asyncio.wait_for(self.redis.ping(), 2)
                checks["redis"] = "ok"
            except Exception:
                checks["redis"] = "down"
        else:
            checks["redis"] = "in-process"
        faults = self.dependencies.report()
        checks["outages"] = faults["outages"]
        checks["fallbacks"] = faults["fallbacks"]
        ok = checks["database"] != "down" and checks["redis"] != "down"
        return {"status": "ok" if ok else "degraded", "checks": checks}


async def _close_encoder(app: App) -> None:
    """Stop the encoder stage's worker thread (an item it is reading is not waited for)."""
    if app.encoder is not None:
        app.encoder.close()


def _database_label(settings: Settings) -> str:
    """'at host:port (DATABASE_URL=...masked...)' or the SQLite file, for one-line errors."""
    from urllib.parse import urlsplit

    url = settings.database_url
    if settings.db_dialect == "sqlite":
        return f"(SQLite file {url[len('sqlite://') :]})"
    parts = urlsplit(url)
    return f"at {parts.hostname}:{parts.port or 5432} (DATABASE_URL={mask_url(url)})"


def create_app(settings: Settings) -> App:
    """The one factory: everything else receives the App it returns."""
    return App(settings)


async def run_until_signalled(app: App) -> None:
    """Start, wait for SIGINT/SIGTERM, stop cleanly."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        await app.start()
        log.info("running; press Ctrl-C to stop")
        await stop.wait()
        log.info("stopping")
    finally:
        await app.stop()
