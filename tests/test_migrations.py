"""Migrations: both dialect histories are complete, apply cleanly, and agree on the schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from conftest import PG_ADMIN_URL, POSTGRES_UP, needs_postgres

from core import db
from core.models import User


def _migration_names(dialect: str) -> list[str]:
    return sorted(
        p.name.split("_", 2)[-1] for p in (db.migration_location(dialect) / "models").glob("*.py")
    )


def test_both_dialects_have_the_same_history() -> None:
    sqlite_names = _migration_names("sqlite")
    assert sqlite_names, "no sqlite migrations"
    assert sqlite_names == _migration_names("postgres")


async def test_sqlite_migrate_creates_schema_and_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'fresh' / 'tge.db'}"
    applied = await db.migrate(url)
    assert applied and applied[0].startswith("0_")
    assert await db.migrate(url) == []
    await db.init_db(url)
    try:
        await User.create(username="someone")
        assert await User.filter(username="someone").count() == 1
    finally:
        await db.close_db()


@needs_postgres
async def test_postgres_migrate_creates_schema_and_is_idempotent(pg_url: str) -> None:
    applied = await db.migrate(pg_url)
    assert applied and applied[0].startswith("0_")
    assert await db.migrate(pg_url) == []
    await db.init_db(pg_url)
    try:
        await User.create(username="someone")
        assert await User.filter(username="someone").count() == 1
    finally:
        await db.close_db()


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
async def test_each_location_is_complete(dialect: str) -> None:
    """Generating again from the models yields no new migration: nobody forgot one."""
    if dialect == "postgres" and not POSTGRES_UP:
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    if dialect == "sqlite" and not POSTGRES_UP:
        pass  # sqlite needs no server
    pending = await db.pending_changes(dialect, PG_ADMIN_URL)
    assert pending is None, f"models changed without a {dialect} migration:\n{pending}"


def _sqlite_schema(path: Path) -> dict[str, set[str]]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            if not r[0].startswith("sqlite_")
        ]
        schema = {t: {r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')} for t in tables}
        indexes = {t: {r[1] for r in conn.execute(f'PRAGMA index_list("{t}")')} for t in tables}
        return {"__tables__": set(tables), **schema, **{f"{t}#idx": i for t, i in indexes.items()}}
    finally:
        conn.close()


async def _pg_schema(url: str) -> dict[str, set[str]]:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema='public'"
        )
        schema: dict[str, set[str]] = {}
        for r in rows:
            schema.setdefault(r["table_name"], set()).add(r["column_name"])
        idx = await conn.fetch(
            "SELECT tablename, indexname FROM pg_indexes WHERE schemaname='public'"
        )
        out: dict[str, set[str]] = {"__tables__": set(schema), **schema}
        for r in idx:
            out.setdefault(f"{r['tablename']}#idx", set()).add(r["indexname"])
        return out
    finally:
        await conn.close()


@needs_postgres
async def test_both_dialects_produce_the_same_tables_columns_and_indexes(
    tmp_path: Path, pg_url: str
) -> None:
    sqlite_path = tmp_path / "s.db"
    await db.migrate(f"sqlite://{sqlite_path}")
    await db.migrate(pg_url)
    lite = _sqlite_schema(sqlite_path)
    pg = await _pg_schema(pg_url)
    assert lite["__tables__"] == pg["__tables__"]
    for table in lite["__tables__"]:
        assert lite[table] == pg[table], table
    # SQLite names its implicit unique indexes sqlite_autoindex_*; compare the named ones
    for table in lite["__tables__"]:
        named_lite = {i for i in lite.get(f"{table}#idx", set()) if not i.startswith("sqlite_")}
        named_pg = {i for i in pg.get(f"{table}#idx", set()) if not i.endswith("_pkey")}
        assert named_lite <= named_pg, (table, named_lite - named_pg)


@needs_postgres
async def test_active_deliveries_index_on_both_dialects(tmp_path: Path, pg_url: str) -> None:
    """Migration 8: the claim's partial index on the outbox's active rows exists on both,
    limited to rows still to send."""
    import asyncpg

    sqlite_path = tmp_path / "s.db"
    await db.migrate(f"sqlite://{sqlite_path}")
    await db.migrate(pg_url)
    conn = sqlite3.connect(sqlite_path)
    try:
        (lite_sql,) = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'idx_deliveries_active_id'"
        ).fetchone()
    finally:
        conn.close()
    assert "WHERE \"status\" IN ('pending', 'failed')" in lite_sql
    pg = await asyncpg.connect(pg_url.replace("postgres://", "postgresql://", 1))
    try:
        pg_sql = await pg.fetchval(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_deliveries_active_id'"
        )
    finally:
        await pg.close()
    assert pg_sql is not None and "WHERE" in pg_sql and "'pending'" in pg_sql


def _plan(rows: object) -> str:
    """EXPLAIN's answer as text, whatever rows the driver gives (sqlite3.Row, records)."""
    if isinstance(rows, str):
        return rows
    return "\n".join(" ".join(str(v) for v in tuple(row)) for row in rows)  # type: ignore[attr-defined]


@needs_postgres
async def test_company_name_clash_check_uses_its_index_on_both_dialects(
    tmp_path: Path, pg_url: str
) -> None:
    """Migration 9: the case-blind name lookup (`name__iexact`, the clash check on adding
    or renaming a company) is answered by an index on its expression, not a scan of the
    table: on SQLite, and on PostgreSQL at the goal's 50,000 companies."""
    from core.models import Company

    sqlite_path = tmp_path / "s.db"
    await db.migrate(f"sqlite://{sqlite_path}")
    await db.init_db(f"sqlite://{sqlite_path}")
    try:
        await Company.create(name="Acme")
        query = Company.filter(name__iexact="ACME").exclude(id=0)
        plan = _plan(await query.explain())
        assert "idx_companies_name_upper" in plan, plan
        assert await query.exists()
    finally:
        await db.close_db()

    await db.migrate(pg_url)
    await db.init_db(pg_url)
    try:
        conn = Company._meta.db
        await conn.execute_script(
            "INSERT INTO companies (name, aliases, tokens, priority, status, domains, handles,"
            " exclusions, created_at, updated_at) SELECT 'Project ' || i, '[]', '[]', 'medium',"
            " 'active', '[]', '[]', '[]', now(), now() FROM generate_series(1, 50000) AS i;"
            " ANALYZE companies;"
        )
        assert await Company.all().count() == 50_000
        query = Company.filter(name__iexact="PROJECT 31337").exclude(id=0)
        plan = _plan(await query.explain())
        assert "idx_companies_name_upper" in plan and "Seq Scan" not in plan, plan
        assert await query.exists()
    finally:
        await db.close_db()


@needs_postgres
async def test_company_name_index_rebuilt_when_a_concurrent_build_failed(pg_url: str) -> None:
    """Migration 9 builds its index CONCURRENTLY (outside a transaction); a build that failed
    half-way leaves an invalid index, which the migration drops and builds again instead of
    keeping it (IF NOT EXISTS alone would)."""
    import asyncpg

    await db.migrate(pg_url)
    pg = await asyncpg.connect(pg_url.replace("postgres://", "postgresql://", 1))
    valid = (
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE c.relname = 'idx_companies_name_upper'"
    )
    try:
        assert await pg.fetchval(valid) is True
        await pg.execute('DROP INDEX "idx_companies_name_upper"')
        await pg.execute("DELETE FROM aerich WHERE version LIKE '9\\_%'")
        for name in ("Acme", "ACME"):
            await pg.execute(
                "INSERT INTO companies (name, aliases, tokens, priority, status, domains,"
                " handles, exclusions, created_at, updated_at) VALUES ($1, '[]', '[]',"
                " 'medium', 'active', '[]', '[]', '[]', now(), now())",
                name,
            )
        with pytest.raises(asyncpg.UniqueViolationError):  # fails half-way: left invalid
            await pg.execute(
                'CREATE UNIQUE INDEX CONCURRENTLY "idx_companies_name_upper" ON "companies"'
                ' (UPPER(CAST("name" AS VARCHAR)))'
            )
        assert await pg.fetchval(valid) is False
        applied = await db.migrate(pg_url)
        assert [a.split("_")[0] for a in applied] == ["9"]
        assert await pg.fetchval(valid) is True
    finally:
        await pg.close()


async def _migrate_until(url: str, root: Path, last: int) -> None:
    """Apply the history up to migration `last` (a copy of the folder without the later)."""
    import shutil

    dialect = db.dialect_of(url)
    src = db.migration_location(dialect) / "models"
    dst = root / dialect / "models"
    dst.mkdir(parents=True)
    for path in src.glob("*.py"):
        if int(path.name.split("_", 1)[0]) <= last:
            shutil.copy(path, dst / path.name)
    await db.migrate(url, root=root)


@pytest.mark.parametrize("dialect", ["sqlite", "postgres"])
async def test_subscription_floor_migration_keeps_every_existing_floor(
    dialect: str, tmp_path: Path
) -> None:
    """Migration 12: `subscriptions.min_confidence` becomes optional (NULL: the scorer's
    threshold per item) and alerts record their threshold. A floor stored before it stays
    exactly as it was, whatever its value: nobody's choice is taken back."""
    import asyncpg

    if dialect == "postgres" and not POSTGRES_UP:
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    import uuid

    name = f"tge_test_floor_{uuid.uuid4().hex[:10]}"
    if dialect == "postgres":
        await db.recreate_postgres_db(PG_ADMIN_URL, name)
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite://{tmp_path / 'old.db'}"
    try:
        await _migrate_until(url, tmp_path / "until11", 11)
        rows = [
            "INSERT INTO users (username, role, is_active, timezone, created_at, token_version)"
            " VALUES ('old', 'user', TRUE, 'UTC', '2026-12-01', 0)",
            "INSERT INTO destinations (kind, address, name, verified, created_at, owner_id,"
            " is_group) VALUES ('webhook', 'https://a.example/h', '', TRUE, '2026-12-01', 1,"
            " FALSE), ('webhook', 'https://b.example/h', '', TRUE, '2026-12-01', 1, FALSE)",
            "INSERT INTO subscriptions (min_confidence, company_ids, use_watchlist, mode,"
            " digest_interval, digest_hour, unsubscribe_token, active, created_at, updated_at,"
            " destination_id, user_id, updates) VALUES"
            " (0.39, '[]', FALSE, 'instant', 'daily', 9, 't1', TRUE, '2026-12-01', '2026-12-01',"
            " 1, 1, 'phases'),"
            " (0.8, '[]', FALSE, 'instant', 'daily', 9, 't2', TRUE, '2026-12-01', '2026-12-01',"
            " 2, 1, 'phases')",
        ]
        if dialect == "sqlite":
            conn = sqlite3.connect(tmp_path / "old.db")
            for sql in rows:
                conn.execute(sql.replace("TRUE", "1").replace("FALSE", "0"))
            conn.commit()
            conn.close()
        else:
            pg = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
            try:
                for sql in rows:
                    await pg.execute(sql.replace("'2026-12-01'", "'2026-12-01'::timestamptz"))
            finally:
                await pg.close()
        applied = await db.migrate(url)
        assert [a.split("_")[0] for a in applied] == ["12"]
        await db.init_db(url)
        try:
            from core.models import Alert, Subscription

            kept = await Subscription.all().order_by("id").values_list("min_confidence", flat=True)
            assert kept == [0.39, 0.8]
            owner = await User.get(username="old")
            dest = await owner.destinations.all().order_by("id").first()
            assert dest is not None
            await Subscription.filter(destination_id=dest.id).delete()
            fresh = await Subscription.create(user=owner, destination=dest)
            assert (await Subscription.get(id=fresh.id)).min_confidence is None
            alert = await Alert.create(title="t", confidence=0.3, band="low", threshold=0.28)
            assert (await Alert.get(id=alert.id)).threshold == 0.28
            assert await Subscription.filter(unsubscribe_token="t2").exists()  # kept, unique
        finally:
            await db.close_db()
    finally:
        if dialect == "postgres":
            await db.drop_postgres_db(PG_ADMIN_URL, name)
