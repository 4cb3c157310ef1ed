"""RATE_LIMIT_* settings: parsed once at start-up, defaults as documented, wired to the limiter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import RATE_LIMIT_NAMES, Settings, SettingsError
from core.ratelimit import DEFAULT_LIMITS, Limit, format_limit, parse_limit
from core.runtime import create_app
from tests.conftest import make_settings
from tests.web_helpers import make_user, serve

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = [f"RATE_LIMIT_{name.upper()}" for name in RATE_LIMIT_NAMES]


def test_defaults_are_the_seeds_and_reach_the_limiter(tmp_path: Path) -> None:
    s = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert s.rate_limits == DEFAULT_LIMITS
    assert s.rate_limit_general == Limit(1000, 3600, "token_bucket", burst=100)
    assert s.rate_limit_alerts == Limit(100, 3600)
    assert s.rate_limit_websocket == Limit(10, 60)
    app = create_app(s)
    assert app.limiter.limits == DEFAULT_LIMITS


def test_env_example_shows_the_defaults() -> None:
    """Each RATE_LIMIT_* line in .env.example parses to the default it claims to be."""
    values = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.startswith("RATE_LIMIT_")
    )
    assert sorted(values) == sorted(SETTINGS)
    for name in RATE_LIMIT_NAMES:
        assert parse_limit(values[f"RATE_LIMIT_{name.upper()}"]) == DEFAULT_LIMITS[name], name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2/1m", Limit(2, 60)),
        ("1000/h", Limit(1000, 3600)),
        ("1000/1h,burst=100", Limit(1000, 3600, "token_bucket", burst=100)),
        ("1000/1h, token_bucket, burst=50", Limit(1000, 3600, "token_bucket", burst=50)),
        ("burst=5", None),
        ("10/15m,fixed", Limit(10, 900, "fixed")),
        ("30/1d,sliding", Limit(30, 86400)),
        ("", "default"),
        ("   ", "default"),
    ],
)
def test_override_is_parsed(tmp_path: Path, raw: str, expected: Limit | str | None) -> None:
    env = {"DATA_DIR": str(tmp_path), "RATE_LIMIT_ALERTS": raw}
    if expected is None:
        with pytest.raises(SettingsError, match="RATE_LIMIT_ALERTS"):
            Settings.from_env(env)
        return
    s = Settings.from_env(env)
    want = DEFAULT_LIMITS["alerts"] if expected == "default" else expected
    assert s.rate_limit_alerts == want
    assert create_app(s).limiter.limits["alerts"] == want


@pytest.mark.parametrize("name", SETTINGS)
@pytest.mark.parametrize(
    "raw",
    ["abc", "0/1h", "10/0", "10/1h,leaky", "10/1h,fixed,burst=3", "10/1h,burst=0", "10/1h,"],
)
def test_bad_value_stops_start_up_naming_the_setting(tmp_path: Path, name: str, raw: str) -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"DATA_DIR": str(tmp_path), name: raw})
    message = str(info.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    assert repr(raw) in message or "burst" in message


def test_cli_reports_a_bad_rate_limit_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "DATA_DIR": str(tmp_path), "RATE_LIMIT_LOGIN": "lots"}
    out = subprocess.run(
        [sys.executable, "-m", "tge_monitor", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("configuration error: RATE_LIMIT_LOGIN:")


@pytest.mark.parametrize("limit", [*DEFAULT_LIMITS.values(), Limit(7, 30), Limit(3, 1.5)])
def test_format_limit_round_trips(limit: Limit) -> None:
    assert parse_limit(format_limit(limit)) == limit


def test_masked_settings_show_limits_as_text(tmp_path: Path) -> None:
    s = Settings.from_env({"DATA_DIR": str(tmp_path), "RATE_LIMIT_LOGIN": "2/1m"})
    assert s.masked()["rate_limit_login"] == "2/1m"
    assert "rate_limit_general='1000/1h,token_bucket,burst=100'" in repr(s)


async def test_login_override_takes_effect_through_the_web_app(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, RATE_LIMIT_LOGIN="2/1m"))
    app.accounts._rounds = 4
    await app.open()
    try:
        await make_user(app, "alice")
        client = await serve(app)
        try:
            bad = {"username": "alice", "password": "wrong-password"}
            for _ in range(2):
                resp = await client.post("/auth/login", json=bad)
                assert resp.status == 401
                assert resp.headers["X-RateLimit-Limit"] == "2"
            good = {"username": "alice", "password": "password123"}
            resp = await client.post("/auth/login", json=good)
            assert resp.status == 429
            assert 1 <= int(resp.headers["Retry-After"]) <= 60
            assert resp.headers["X-RateLimit-Remaining"] == "0"
            assert (await resp.json())["error"]["code"] == "rate_limited"
        finally:
            await client.close()
    finally:
        await app.stop()


async def test_commands_override_is_not_replaced_by_the_registry_default(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, RATE_LIMIT_COMMANDS="3/1m,burst=2"))
    assert app.limiter.limits["commands"] == Limit(3, 60, "token_bucket", burst=2)
