"""The default catalogues: loaded on a fresh database, listed and switched, never polled here.

The catalogue's addresses are real public feeds, so nothing here polls: the tests check the
rows, the settings and the commands (the session's socket guard would fail any fetch).
"""

from __future__ import annotations

import dataclasses
import json
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import make_settings, opened_app

from core.bundled import COMPANIES_CATALOGUE_FILE, SOURCES_CATALOGUE_FILE
from core.commands import execute
from core.first_run import PASSWORD_FILE, first_run_guide
from core.models import Company, Feed, FeedKind
from core.runtime import App, create_app
from core.services.catalogue import OFF_BY_SETTING, Catalogue, load_sources
from tests.test_commands import ctx_for
from tge_monitor.cli import main


def test_source_catalogue_is_well_formed() -> None:
    sources = load_sources()
    assert 20 <= len(sources) <= 60
    assert len({s.key for s in sources}) == len(sources)
    assert len({s.url for s in sources}) == len(sources)
    for source in sources:
        parts = urlsplit(source.url)
        assert parts.scheme == "https" and parts.hostname and "." in parts.hostname, source
        assert FeedKind(source.kind) is FeedKind.RSS
        assert 60 <= source.interval_s <= 86400
        assert len(source.note) > 20, f"{source.key}: say where the address was found"


def test_company_catalogue_is_real_and_small() -> None:
    rows = json.loads(COMPANIES_CATALOGUE_FILE.read_text())
    assert 300 <= len(rows) <= 5000
    assert COMPANIES_CATALOGUE_FILE.stat().st_size < 200_000
    names = {r["name"] for r in rows}
    assert {"LayerZero", "Arbitrum", "Uniswap", "Starknet"} <= names
    for row in rows:
        assert row["tokens"] and all(t.isupper() or t.isdigit() for t in row["tokens"])
        assert set(row) == {"name", "aliases", "tokens", "website", "x", "ethereum"}
    assert sum(1 for r in rows if r["website"]) >= 50  # official sites kept for link checks
    assert (COMPANIES_CATALOGUE_FILE.parent / "README.md").is_file()
    assert SOURCES_CATALOGUE_FILE.is_file()


async def test_fresh_database_gets_both_catalogues_and_a_user_can_watch(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, DEFAULT_SOURCES="true", DEFAULT_COMPANIES="true")
    async with opened_app(settings) as app:
        counts = await Catalogue(app).seed()
        assert counts["first"] == 1
        assert counts["sources"] == len(load_sources())
        assert counts["companies"] > 300
        feeds = await Feed.all()
        assert len(feeds) == counts["sources"] and all(f.enabled for f in feeds)
        assert {f.state["catalogue"] for f in feeds} == {s.key for s in load_sources()}
        lz = await Company.get(name="LayerZero")
        assert lz.tokens == ["ZRO"] and "Layer Zero" in lz.aliases
        uni = await Company.get(name="Uniswap")
        assert uni.domains  # the official website is kept as a domain
        # a plain chat user, no admin anywhere: /watch works at once
        ctx = await ctx_for(app, 7)
        reply = await execute(app, "watch", "LayerZero", ctx)
        assert "LayerZero" in reply.text and "not found" not in reply.text
        assert "[default catalogue]" in (await execute(app, "feeds", "", ctx)).text
        # the scoring engine knows the catalogue's projects
        analysis = app.scoring.analyze("LayerZero confirms ZRO airdrop claim opens June 20", "")
        assert "LayerZero" in [c["name"] for c in analysis.companies]
        # a second start adds nothing, and a removed entry stays removed
        await app.feeds.remove(feeds[0].id)
        await app.companies.delete("Uniswap")
        again = await Catalogue(app).seed()
        assert again == {"sources": 0, "companies": 0, "first": 0}
        assert await Feed.all().count() == counts["sources"] - 1
        assert not await Company.filter(name="Uniswap").exists()


async def test_default_sources_false_keeps_the_catalogue_off(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, DEFAULT_SOURCES="true")
    async with opened_app(settings) as app:
        await Catalogue(app).seed()
        user_disabled = next(f for f in await Feed.all() if f.state["catalogue"] == "coindesk")
        await app.feeds.set_enabled(user_disabled.id, False)
        app.settings = dataclasses.replace(settings, default_sources=False)
        await Catalogue(app).seed()
        feeds = await Feed.all()
        assert not any(f.enabled for f in feeds)
        assert sum(f.disabled_reason == OFF_BY_SETTING for f in feeds) == len(feeds) - 1
        # back on: only what the setting turned off comes back; a user's choice stays
        app.settings = settings
        await Catalogue(app).seed()
        feeds = {f.id: f for f in await Feed.all()}
        assert not feeds[user_disabled.id].enabled
        assert sum(f.enabled for f in feeds.values()) == len(feeds) - 1


async def test_fresh_database_with_default_sources_false_has_no_feeds(tmp_path: Path) -> None:
    async with opened_app(make_settings(tmp_path)) as app:
        counts = await Catalogue(app).seed()
        assert counts["sources"] == 0 and await Feed.all().count() == 0


def test_sources_command_lists_enables_and_disables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    assert main(["sources", "list"]) == 0
    out = capsys.readouterr().out
    assert "coindesk" in out and "not loaded" in out and "DEFAULT_SOURCES=false" in out
    assert main(["sources", "enable", "decrypt"]) == 0
    assert "enabled #" in capsys.readouterr().out
    assert main(["sources", "list"]) == 0
    assert any(
        line.startswith("decrypt") and " on (feed #" in line
        for line in capsys.readouterr().out.splitlines()
    )
    assert main(["sources", "disable", "all"]) == 0
    assert "disabled #" in capsys.readouterr().out
    assert main(["sources", "enable", "no-such-source"]) == 1
    assert "no catalogue source 'no-such-source'" in capsys.readouterr().err
    assert main(["sources", "enable"]) == 1
    assert "needs a catalogue key" in capsys.readouterr().err


async def test_catalogue_loads_even_if_another_command_made_the_schema(tmp_path: Path) -> None:
    """`sources list` or `create-admin` before the first `run` must not cost the catalogue."""
    settings = make_settings(tmp_path, DEFAULT_COMPANIES="true")
    async with opened_app(settings):
        pass  # migrated by another command; nothing seeded
    async with opened_app(settings) as app:
        assert not app.fresh_database
        assert (await Catalogue(app).seed())["companies"] > 300


async def test_a_first_start_builds_the_engine_once_with_the_catalogue_in_it(
    tmp_path: Path,
) -> None:
    """The catalogue a first start loads is in start's one engine build, not a build of its
    own (with 50,000 companies imported before the first `run`, each build held the old and
    the new snapshot at once: ~20 MB more peak)."""
    app = create_app(make_settings(tmp_path, DEFAULT_COMPANIES="true"))

    async def seed(app: App) -> None:
        await Catalogue(app).seed()

    app.on_start(seed)
    try:
        await app.start()
        assert app.companies.rebuilds == 1
        assert "LayerZero" in app.scoring.company_names()
        assert app.links.official_site("Uniswap")  # the link guard is built with it
    finally:
        await app.stop()


async def test_first_run_guide_makes_a_one_time_admin_password(tmp_path: Path) -> None:
    async with opened_app(make_settings(tmp_path)) as app:
        guide = await first_run_guide(app, web=True, first=True)
        assert guide is not None
        path = app.settings.data_dir / PASSWORD_FILE
        assert str(path) in guide and "Dashboard: http://127.0.0.1:8000/" in guide
        assert "TELEGRAM_BOT_TOKEN" in guide
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        user = await app.accounts.authenticate("admin", path.read_text().strip())
        assert user.username == "admin"
        # printed once: the next start says nothing
        assert await first_run_guide(app, web=True, first=False) is None
