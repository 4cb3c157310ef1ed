"""A private PostgreSQL cluster and Redis for the fault matrix (one per session), and each
case's deployment on them."""

from __future__ import annotations

import re
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from core import db
from core.runtime import App
from tests.conftest import make_settings, opened_app
from tests.faults.harness import Deployment, close_deployment, make_deployment
from tests.faults.servers import PrivatePostgres, PrivateRedis, can_run_postgres


@pytest.fixture(scope="session")
def private_pg() -> Iterator[PrivatePostgres]:
    why = can_run_postgres()
    if why:
        pytest.skip(f"no private PostgreSQL: {why}")
    root = Path(tempfile.mkdtemp(prefix="tge-faults-pg-"))
    pg = PrivatePostgres(root)
    pg.init()
    try:
        yield pg
    finally:
        pg.destroy()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    try:
        yield redis
    finally:
        redis.kill()


@pytest.fixture
async def deployment(
    tmp_path: Path,
    private_pg: PrivatePostgres,
    private_redis: PrivateRedis,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Deployment]:
    """A fresh database on the private cluster, the local Telegram; workers are the test's.
    Parametrized indirectly with "discord", the chats are channels on a local Discord."""
    platform = getattr(request, "param", "telegram")
    name = f"f_{platform[0]}_" + re.sub(r"\W", "_", request.node.name.removeprefix("test_"))[:40]
    dep = await make_deployment(
        tmp_path, private_pg, private_redis, name, discord=platform == "discord"
    )
    try:
        yield dep
    finally:
        await close_deployment(dep)


@pytest.fixture
async def private_app(
    tmp_path: Path, private_pg: PrivatePostgres, request: pytest.FixtureRequest
) -> AsyncIterator[App]:
    """An App on a fresh database of the private cluster (the one this test may stop)."""
    name = "t_" + request.node.name.removeprefix("test_")[:40]
    await db.recreate_postgres_db(private_pg.url, name)
    url = private_pg.url.rsplit("/", 1)[0] + f"/{name}"
    try:
        async with opened_app(make_settings(tmp_path, DATABASE_URL=url)) as application:
            yield application
    finally:
        await db.drop_postgres_db(private_pg.url, name)
