"""Database connection and aerich migrations, one migration history per SQL dialect.

aerich writes literal SQL for the dialect it ran against, so `migrations/sqlite/` and
`migrations/postgres/` hold the same history generated from the same models (DESIGN.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar, Token
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.transactions import in_transaction as _in_transaction

log = logging.getLogger(__name__)

APP = "models"
MODEL_MODULES = ["core.models", "aerich.models"]
# The service itself never touches aerich's table: without it, a start whose schema is up to
# date never imports aerich (with its numpy, about 12 MB of a small process).
SERVICE_MODEL_MODULES = ["core.models"]
MIGRATIONS_ROOT = Path(__file__).resolve().parent.parent / "migrations"
DIALECTS = ("sqlite", "postgres")


def dialect_of(database_url: str) -> str:
    """Which migration history a URL needs."""
    return "postgres" if database_url.startswith(("postgres://", "postgresql://")) else "sqlite"


def tortoise_config(database_url: str, *, migrations: bool = True) -> dict[str, Any]:
    """The tortoise/aerich configuration for one database URL (`migrations=False`: the
    service's models only)."""
    if database_url.startswith("postgresql://"):
        database_url = "postgres://" + database_url[len("postgresql://") :]
    return {
        "connections": {"default": database_url},
        "apps": {
            APP: {
                "models": MODEL_MODULES if migrations else SERVICE_MODEL_MODULES,
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def migration_location(dialect: str, root: Path = MIGRATIONS_ROOT) -> Path:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}")
    return root / dialect


def _ensure_sqlite_dir(database_url: str) -> None:
    """The SQLite file is the whole database: only the service's user may read it.

    A directory we create is 0700 and the file 0600 (SQLite gives its -wal/-journal
    files the database file's mode); an existing file is tightened to 0600.
    """
    if database_url.startswith("sqlite://"):
        path = database_url[len("sqlite://") :].split("?", 1)[0]
        if path and path != ":memory:":
            file = Path(path)
            try:
                if not file.parent.exists():
                    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                    file.parent.chmod(0o700)  # mkdir's mode is cut by the umask
                fd = os.open(file, os.O_CREAT | os.O_RDWR, 0o600)
                os.close(fd)
                if file.stat().st_mode & 0o077:
                    file.chmod(0o600)
            except OSError as exc:
                from core.errors import StartupError

                reason = (exc.strerror or str(exc)).lower()
                raise StartupError(
                    f"the data directory {file.parent} (DATA_DIR, or DATABASE_URL's folder) is "
                    f"not writable: {reason}"
                ) from exc


async def migrate(database_url: str, *, root: Path | None = None) -> list[str]:
    """Create or upgrade the schema; returns the migrations applied now."""
    _ensure_sqlite_dir(database_url)
    root = root or MIGRATIONS_ROOT  # read at call time (a test points it at an empty folder)
    if dialect_of(database_url) == "postgres":
        async with _migration_lock(database_url):
            return await _migrate(database_url, root)
    return await _migrate(database_url, root)


MIGRATION_LOCK_KEY = 0x7467656D  # an advisory lock id of our own ("tgem")
MIGRATION_LOCK_POLL_S = 0.2


@asynccontextmanager
async def _migration_lock(database_url: str) -> AsyncIterator[None]:
    """Processes starting together migrate one after the other (the rest then find nothing)."""
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        # asked again and again rather than waited for in one statement: a statement that
        # waits holds a snapshot, and CREATE INDEX CONCURRENTLY (migration 9) waits for every
        # snapshot to end, so the holder would wait for its waiters for good
        while True:
            if await conn.fetchval("SELECT pg_try_advisory_lock($1)", MIGRATION_LOCK_KEY):
                break
            await asyncio.sleep(MIGRATION_LOCK_POLL_S)
        try:
            yield
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
    finally:
        await conn.close()


async def _migrate(database_url: str, root: Path) -> list[str]:
    location = migration_location(dialect_of(database_url), root)
    if not any((location / APP).glob("0_*.py")):
        from core.errors import StartupError

        raise StartupError(
            f"no database migrations found in {location / APP}: the installation is "
            "incomplete (reinstall tge-monitor, or run it from a full clone)"
        )
    if await _up_to_date(database_url, location / APP):
        return []
    from aerich import Command
    from aerich.migrate import Migrate

    config = tortoise_config(database_url)
    await Tortoise.init(config=config)
    try:
        command = Command(tortoise_config=config, app=APP, location=str(location))
        await command.init()
        applied = await command.upgrade(run_in_transaction=True)
    finally:
        Migrate._last_version_content = None
        await close_db()
    for name in applied:
        log.info("applied migration %s", name)
    return applied


def _migration_files(folder: Path) -> set[str]:
    return {path.name for path in folder.glob("[0-9]*_*.py")}


async def _up_to_date(database_url: str, folder: Path) -> bool:
    """Whether every migration file is recorded in aerich's table, read without aerich.

    A missing table, or any doubt, says no: aerich then runs and decides.
    """
    files = _migration_files(folder)
    await Tortoise.init(config=tortoise_config(database_url, migrations=False))
    try:
        rows = await connections.get("default").execute_query_dict(
            "SELECT version FROM aerich WHERE app = 'models'"
        )
    except Exception:
        return False
    finally:
        await close_db()
    return files <= {str(row["version"]) for row in rows}


async def init_db(database_url: str) -> None:
    """Open the ORM for the service (after `migrate`)."""
    _ensure_sqlite_dir(database_url)
    await Tortoise.init(config=tortoise_config(database_url, migrations=False))


async def close_db() -> None:
    """Close connections and forget the model binding, so another database can be opened."""
    await Tortoise.close_connections()
    await Tortoise._reset_apps()
    # tortoise caches INSERT/DELETE SQL per connection *name*; a new dialect needs it cleared
    EXECUTOR_CACHE.clear()


AfterCommit = Callable[[], Awaitable[None]]

# what waits for the outermost open transaction of this task to commit (None: none is open)
_after_commit: ContextVar[list[AfterCommit] | None] = ContextVar("after_commit", default=None)


async def after_commit(action: AfterCommit) -> None:
    """Run `action` once what was just written is committed: at once outside a transaction,
    else after the outermost transaction of this task commits (never if it, or the savepoint
    that asked, rolls back). For what others must only hear of once it is in the database
    (a bus announcement, a wake-up): an alert written inside the ingestor's transaction is
    not announced before that transaction commits. Its errors are logged, not raised: the
    data is committed by then."""
    waiting = _after_commit.get()
    if waiting is None:
        await _run_after_commit([action])
    else:
        waiting.append(action)


async def _run_after_commit(actions: list[AfterCommit]) -> None:
    for action in actions:
        try:
            await action()
        except Exception:
            log.exception("an action after a commit failed")


class transaction:  # a class, used as `async with transaction() as tx`, like tortoise's
    """The one way into a transaction: `async with transaction() as tx:` (inside another
    transaction, a savepoint of it), as tortoise's `in_transaction`, which nothing else may
    call (tests/test_lint.py).

    Tortoise keeps "the current transaction" in a context variable and, when a transaction's
    connection breaks at the wrong moment, leaves it pointing at the dead transaction: its
    BEGIN failed (its enter raises after setting the variable, and no exit runs), or the
    pool refused the connection back ("cannot switch to state 15; another operation (2) is
    in progress": its exit raises before resetting the variable). Every later query of the
    same task then runs inside that dead transaction ("connection has been released back to
    the pool"), forever: a long-lived loop (the dispatcher, a stream's task, the bot's votes)
    would never reach the database again while its process looks alive. Here, whatever the
    transaction's end, the task's current connection is the one it had before; a transaction
    whose enter failed is also ended, so the connection it took goes back to the pool.

    The outermost transaction of a task also runs what `after_commit` left for its commit."""

    __slots__ = ("_before", "_context", "_mark", "_name", "_token")

    def __init__(self, connection_name: str = "default") -> None:
        self._name = connection_name

    async def __aenter__(self) -> Any:
        self._before = connections.get(self._name)
        self._context = _in_transaction(self._name)
        waiting = _after_commit.get()
        self._token: Token[list[AfterCommit] | None] | None = None
        if waiting is None:  # the outermost: its commit runs what waits
            self._token = _after_commit.set([])
        self._mark = len(waiting or ())
        try:
            return await self._context.__aenter__()
        except BaseException as exc:
            try:
                with contextlib.suppress(Exception):  # it ends what it began, if anything
                    await self._context.__aexit__(type(exc), exc, exc.__traceback__)
            finally:
                self._restore()
                self._forget(rolled_back=True)
            raise

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        committed = False
        try:
            result = await self._context.__aexit__(*exc_info)
            committed = exc_info[0] is None
        finally:
            self._restore()
            actions = self._forget(rolled_back=not committed)
        if actions:
            await _run_after_commit(actions)
        return result

    def _forget(self, *, rolled_back: bool) -> list[AfterCommit]:
        """Leave the after-commit list as this transaction found it; the outermost returns
        what waited for its commit (nothing when it rolled back), a savepoint rolled back
        drops what it asked for."""
        waiting = _after_commit.get()
        if self._token is not None:
            _after_commit.reset(self._token)
            return [] if rolled_back or waiting is None else waiting
        if rolled_back and waiting is not None:
            del waiting[self._mark :]
        return []

    def _restore(self) -> None:
        """The task's current connection back to what it was before the transaction."""
        if connections.get(self._name) is self._before:
            return
        with contextlib.suppress(Exception):  # tortoise's own undo, when it has one left
            connections.reset(getattr(self._context, "token", None))
        if connections.get(self._name) is not self._before:
            connections.set(self._name, self._before)


async def ping() -> bool:
    """True when the database answers a trivial query."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


# --- generating migrations (developers) -------------------------------------------------


def _scratch_postgres_url(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def recreate_postgres_db(admin_url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_postgres_db(admin_url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def pending_changes(
    dialect: str, postgres_admin_url: str, *, root: Path = MIGRATIONS_ROOT, name: str = "check"
) -> str | None:
    """Generate the next migration for one dialect into a copy; return its text or None.

    Used by `makemigrations` (which then keeps the file) and by the test that proves each
    location is complete (generating again yields nothing).
    """
    with tempfile.TemporaryDirectory() as tmp:
        work_root = Path(tmp)
        src = migration_location(dialect, root)
        if src.exists():
            shutil.copytree(src, work_root / dialect)
        scratch = f"tge_makemigrations_{dialect}"
        if dialect == "sqlite":
            url = f"sqlite://{work_root / 'scratch.db'}"
        else:
            url = _scratch_postgres_url(postgres_admin_url, scratch)
            await recreate_postgres_db(postgres_admin_url, scratch)
        location = str(work_root / dialect)
        before = set((work_root / dialect / APP).glob("*.py")) if src.exists() else set()
        try:
            config = tortoise_config(url)
            await Tortoise.init(config=config)
            try:
                from aerich import Command

                command = Command(tortoise_config=config, app=APP, location=location)
                if not before:
                    await command.init_db(safe=True)
                else:
                    await command.init()
                    await command.upgrade(run_in_transaction=True)
                    await command.init()  # reads the state the upgrade just recorded
                    await command.migrate(name, no_input=True)
            finally:
                from aerich.migrate import Migrate

                Migrate._last_version_content = None
                Migrate.upgrade_operators = []
                Migrate.downgrade_operators = []
                await close_db()
        finally:
            if dialect == "postgres":
                await drop_postgres_db(postgres_admin_url, scratch)
        new_files = sorted(set((work_root / dialect / APP).glob("*.py")) - before)
        if not new_files:
            return None
        return f"{new_files[-1].name}\n{new_files[-1].read_text()}"


async def make_migrations(
    name: str, postgres_admin_url: str, *, root: Path = MIGRATIONS_ROOT
) -> list[Path]:
    """Write the next migration for every dialect from the current models."""
    written: list[Path] = []
    for dialect in DIALECTS:
        result = await pending_changes(dialect, postgres_admin_url, root=root, name=name)
        if result is None:
            continue
        filename, text = result.split("\n", 1)
        target = migration_location(dialect, root) / APP / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        written.append(target)
    return written
