"""Security tests run on SQLite; modules with `BOTH_DIALECTS = True` on PostgreSQL too
(the issue was probed on both; those are the rows whose behaviour lives in the database)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core import db
from core.runtime import App
from tests.conftest import PG_ADMIN_URL, POSTGRES_UP, make_settings, opened_app


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "dialect" in metafunc.fixturenames:
        both = getattr(metafunc.module, "BOTH_DIALECTS", False)
        metafunc.parametrize("dialect", ["sqlite", "postgres"] if both else ["sqlite"])


@pytest.fixture
async def app(dialect: str, tmp_path: Path) -> AsyncIterator[App]:
    """A migrated App on a fresh SQLite file, or on a fresh PostgreSQL database."""
    if dialect == "sqlite":
        async with opened_app(make_settings(tmp_path)) as application:
            yield application
        return
    if not POSTGRES_UP:
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    name = f"tge_test_{uuid.uuid4().hex[:10]}"
    await db.recreate_postgres_db(PG_ADMIN_URL, name)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        async with opened_app(make_settings(tmp_path, DATABASE_URL=url)) as application:
            yield application
    finally:
        await db.drop_postgres_db(PG_ADMIN_URL, name)
