"""A private PostgreSQL cluster and Redis for the fault matrix (one per module run)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

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
