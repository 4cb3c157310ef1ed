"""Companies service: validation, lookup by alias/token, suggestions, engine rebuilds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.bundled import COMPANIES_FILE
from core.errors import Conflict, InvalidInput, NotFound
from core.runtime import App

TEXT = "LayerZero announces the ZRO token generation event and airdrop claim opens on June 20."


async def test_create_rebuilds_engine_so_next_item_matches(app: App) -> None:
    assert not app.scoring.analyze("", TEXT).companies
    company = await app.companies.create(
        "LayerZero", tokens="ZRO, $zro", aliases=["Layer Zero"], priority="high"
    )
    assert company.tokens == ["ZRO"] and str(company.priority) == "HIGH"
    analysis = app.scoring.analyze("", TEXT)
    assert [c["name"] for c in analysis.companies] == ["LayerZero"]
    await app.companies.delete("layerzero")
    assert not app.scoring.analyze("", TEXT).companies


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"name": "x" * 129}, "name"),
        ({"name": "Ok", "tokens": ["not a token!"]}, "tokens"),
        ({"name": "Ok", "tokens": 5}, "tokens"),
        ({"name": "Ok", "priority": "urgent"}, "priority"),
        ({"name": "Ok", "aliases": [1, 2]}, "aliases"),
    ],
)
async def test_create_refuses_bad_input(app: App, kwargs, field) -> None:
    name = kwargs.pop("name")
    with pytest.raises(InvalidInput) as info:
        await app.companies.create(name, **kwargs)
    assert info.value.field == field


async def test_duplicate_name_is_conflict_case_insensitive(app: App) -> None:
    await app.companies.create("Monad")
    with pytest.raises(Conflict):
        await app.companies.create("monad")


async def test_get_by_id_name_alias_token_and_suggestions(app: App) -> None:
    c = await app.companies.create("Berachain", tokens=["BERA"], aliases=["Bera Chain"])
    for ref in [c.id, str(c.id), "berachain", "Bera Chain", "$bera", "BERA"]:
        assert (await app.companies.get(ref)).id == c.id
    with pytest.raises(NotFound) as info:
        await app.companies.get("Berachian")
    assert info.value.details["suggestions"] == ["Berachain"]
    assert "did you mean Berachain" in info.value.message
    assert await app.companies.suggest("ber") == ["Berachain"]


async def test_update_alias_and_unknown_field(app: App) -> None:
    c = await app.companies.create("Monad")
    c = await app.companies.add_alias("Monad", "Monad Labs")
    assert c.aliases == ["Monad Labs"]
    assert (await app.companies.get("monad labs")).id == c.id
    with pytest.raises(InvalidInput, match="unknown field"):
        await app.companies.update(c.id, colour="red")
    c = await app.companies.update(c.id, status="inactive")
    assert await app.companies.list() == []
    assert len(await app.companies.list(include_inactive=True)) == 1


async def test_import_bundled_companies_file(app: App, tmp_path: Path) -> None:
    path = COMPANIES_FILE
    expected = len(json.loads(path.read_text()))
    assert (await app.companies.import_file(path))["created"] == expected
    rebuilds = app.companies.rebuilds
    again = await app.companies.import_file(path)  # idempotent upsert
    assert again["created"] == 0 and again["updated"] + again["unchanged"] == expected
    assert app.scoring.company_count == expected
    assert app.companies.rebuilds - rebuilds <= 1  # one rebuild for the whole file
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InvalidInput):
        await app.companies.import_file(bad)


@pytest.mark.parametrize("ref", ["²", "①", "1²"])
async def test_unicode_digits_are_names_not_ids(app: App, ref: str) -> None:
    """'²'.isdigit() is True but int('²') fails: such refs must be a clean NotFound."""
    with pytest.raises(NotFound):
        await app.companies.get(ref)
    user = await app.accounts.create_user("alice", "password123")
    with pytest.raises(NotFound):
        await app.accounts.revoke_api_key(user, ref)
    if hasattr(app, "alerts"):
        with pytest.raises((NotFound, InvalidInput)):
            await app.alerts.list(company=ref)
