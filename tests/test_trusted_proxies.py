"""X-Forwarded-For counts only when the peer is a trusted proxy (TRUSTED_PROXIES).

Behind the bundled nginx every request comes from the proxy: without this every user would
share one login bucket; with it believed from anyone, a client could pick its own bucket.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from conftest import make_settings, opened_app

from core.config import SettingsError
from tests.web_helpers import serve
from web.config import WebConfig


async def _login_statuses(tmp_path: Path, forwarded: list[str], **env: str) -> list[int]:
    settings = make_settings(tmp_path, RATE_LIMIT_LOGIN="2/15m,fixed", **env)
    async with opened_app(settings) as app:
        client = await serve(app)
        try:
            statuses = []
            for hops in forwarded:
                resp = await client.post(
                    "/auth/login",
                    json={"username": "nobody", "password": "wrong-password"},
                    headers={"X-Forwarded-For": hops},
                )
                statuses.append(resp.status)
            return statuses
        finally:
            await client.close()


async def test_from_a_trusted_proxy_each_client_has_its_own_bucket(tmp_path: Path) -> None:
    statuses = await _login_statuses(
        tmp_path,
        ["203.0.113.5", "203.0.113.5", "203.0.113.5", "198.51.100.7"],
        TRUSTED_PROXIES="127.0.0.1/32",
    )
    assert statuses == [401, 401, 429, 401]


async def test_without_trusted_proxies_the_header_is_ignored(tmp_path: Path) -> None:
    statuses = await _login_statuses(tmp_path, ["203.0.113.5", "198.51.100.7", "192.0.2.9"])
    assert statuses == [401, 401, 429]  # one bucket: the peer's


async def test_a_forged_left_hop_does_not_buy_a_new_bucket(tmp_path: Path) -> None:
    # nginx appends the real client on the right; whatever the client sent stays on the left
    statuses = await _login_statuses(
        tmp_path,
        ["1.1.1.1, 203.0.113.5", "2.2.2.2, 203.0.113.5", "3.3.3.3, 203.0.113.5"],
        TRUSTED_PROXIES="127.0.0.0/8,10.0.0.0/8",
    )
    assert statuses == [401, 401, 429]


async def test_access_log_names_the_real_client(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, TRUSTED_PROXIES="127.0.0.1")
    async with opened_app(settings) as app:
        client = await serve(app, WebConfig(access_log=True))
        try:
            with caplog.at_level(logging.INFO, logger="web.access"):
                await client.get("/health", headers={"X-Forwarded-For": "203.0.113.77"})
        finally:
            await client.close()
    assert any("ip=203.0.113.77" in r.getMessage() for r in caplog.records)


def test_bad_trusted_proxies_setting_names_itself(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="TRUSTED_PROXIES"):
        make_settings(tmp_path, TRUSTED_PROXIES="nginx")
