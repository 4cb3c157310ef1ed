"""Companies in bulk: one insert and one engine rebuild for thousands of rows (REST and CLI),
coalesced rebuilds for bursts of single writes, and a bad row that changes nothing."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

from core.models import Company
from core.runtime import App
from tests.web_helpers import (  # noqa: F401 (the *_fixture names are fixtures)
    Caller,
    admin_fixture,
    alice_fixture,
    assert_error,
    client_fixture,
)


def rows(n: int) -> list[dict]:
    return [
        {"name": f"Bulk Project {i}", "tokens": [f"BLK{i}"], "aliases": [f"Bulkco {i}"]}
        for i in range(n)
    ]


async def test_import_10000_over_rest_one_rebuild(client, app: App, admin: Caller) -> None:
    before = app.companies.rebuilds
    resp = await client.post(
        "/companies/import", json={"companies": rows(10_000)}, headers=admin.headers
    )
    assert resp.status == 200
    assert await resp.json() == {"created": 10_000, "updated": 0, "unchanged": 0}
    await app.companies.rebuilt()
    assert app.companies.rebuilds - before == 1
    assert app.scoring.company_count == 10_000
    analysis = app.scoring.analyze("Bulk Project 4321 announces BLK4321 token airdrop", "")
    assert any(c["name"] == "Bulk Project 4321" for c in analysis.companies)
    # the same file again updates, creates nothing
    again = [*rows(3), {"name": "bulk project 1", "priority": "HIGH"}]
    resp = await client.post("/companies/import", json={"companies": again}, headers=admin.headers)
    assert (await resp.json())["created"] == 0
    assert (await Company.get(name="Bulk Project 1")).priority == "HIGH"


async def test_import_refuses_a_bad_row_and_writes_nothing(client, admin, alice) -> None:
    bad = rows(5)
    bad[3]["tokens"] = ["not a ticker!"]
    resp = await client.post("/companies/import", json={"companies": bad}, headers=admin.headers)
    assert resp.status == 422
    body = await resp.json()
    assert_error(body, "invalid")
    # the row is named: by the service ("#3") or, for what the schema states, by its path
    message, where = body["error"]["message"], body["error"]["details"].get("field", "")
    assert "#3" in message or where.startswith("companies[3]"), body
    assert await Company.all().count() == 0
    resp = await client.post(
        "/companies/import", json={"companies": rows(1)}, headers=alice.headers
    )
    assert resp.status == 403


async def test_a_burst_of_writes_is_one_rebuild(app: App) -> None:
    app.companies.answer_within_s = 0  # answer at once; the rebuild follows
    before = app.companies.rebuilds
    await asyncio.gather(
        *(app.companies.create(f"Burst {i}", tokens=[f"BU{i}"]) for i in range(30))
    )
    assert await app.companies.rebuilt(within_s=30)
    assert app.companies.rebuilds - before <= 2  # coalesced, not 30
    assert app.scoring.company_count == 30


def test_cli_import(tmp_path: Path, monkeypatch, capsys) -> None:
    from tge_monitor.cli import main

    path = tmp_path / "companies.json"
    path.write_text(json.dumps(rows(200)))
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SECRET_KEY", "cli-import-secret-key-0123456789abcdef0123")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        assert main(["companies", "import", str(path)]) == 0
        assert "200 created" in capsys.readouterr().out
        path.write_text("[{}]")
        assert main(["companies", "import", str(path)]) == 1
        assert "a name is required" in capsys.readouterr().err
    finally:  # main() configures process-wide logging; later tests expect pytest's
        root.handlers[:], root.level = handlers, level


async def test_bench_companies_rest_measures_through_the_api(tmp_path: Path) -> None:
    """`bench companies` through the REST API (small numbers): the import and the one
    more company really went through the web app and reached the engine."""
    from tests.conftest import make_settings
    from web.bench import bench_companies_rest

    result = await bench_companies_rest(make_settings(tmp_path), first=50, total=120)
    assert result["rest_import_companies"] == 50
    assert result["rest_companies_total"] == 121
    assert result["rest_add_one_matched"] is True
    assert 0 < result["rest_import_answered_s"] <= result["rest_import_engine_ready_s"]
    assert 0 < result["rest_add_one_answered_ms"] <= result["rest_add_one_matched_ms"]
    assert result["rest_add_during_rebuild_answered_ms_max"] > 0
