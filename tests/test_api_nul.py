"""NUL characters in query and path parameters are a 422, on PostgreSQL too (not a 500)."""

from __future__ import annotations

import pytest

from core.runtime import App
from tests.web_helpers import assert_error, make_user, serve


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/alerts?company=%00x", "company"),
        ("/companies/%00", "ref"),
        ("/companies?search=a%00", "search"),
        ("/alerts?since=%00", "since"),
    ],
)
async def test_nul_in_parameters_is_refused_on_postgres(pg_app: App, path: str, field: str) -> None:
    client = await serve(pg_app)
    try:
        caller = await make_user(pg_app, "alice")
        resp = await client.get(path, headers=caller.headers)
        assert resp.status == 422, await resp.text()
        assert_error(await resp.json(), "invalid", field)
    finally:
        await client.close()
