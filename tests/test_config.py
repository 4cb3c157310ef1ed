"""Settings: safe defaults, one clear error per bad value, secrets masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.config import Settings, SettingsError


def test_no_configuration_runs_embedded(tmp_path: Path) -> None:
    s = Settings.from_env({"DATA_DIR": str(tmp_path)})
    assert s.database_url == f"sqlite://{(tmp_path / 'tge.db').resolve()}"
    assert s.db_dialect == "sqlite" and s.redis_url == ""
    assert s.api_port == 8000 and not s.fetch_allow_private_networks
    assert len(s.secret_key) >= 32
    # the generated secret is persisted and reused
    assert Settings.from_env({"DATA_DIR": str(tmp_path)}).secret_key == s.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"API_PORT": "eighty"}, "API_PORT"),
        ({"API_PORT": "70000"}, "API_PORT"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres:///nohost"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL"),
        ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
        ({"ALERT_THRESHOLD": "2"}, "ALERT_THRESHOLD"),
        ({"FETCH_ALLOW_PRIVATE_NETWORKS": "maybe"}, "FETCH_ALLOW_PRIVATE_NETWORKS"),
        ({"TELEGRAM_API_BASE": "ftp://x"}, "TELEGRAM_API_BASE"),
        ({"DISCORD_GATEWAY_URL": "http://x"}, "DISCORD_GATEWAY_URL"),
        ({"SMTP_FROM": "nobody"}, "SMTP_FROM"),
        ({"APP_ENV": "staging"}, "APP_ENV"),
        ({"ADMIN_PASSWORD": "short"}, "ADMIN_PASSWORD"),
        ({"APP_ENV": "production"}, "SECRET_KEY"),
        ({"APP_ENV": "production", "SECRET_KEY": "changeme"}, "SECRET_KEY"),
    ],
)
def test_bad_setting_names_itself(tmp_path: Path, env: dict[str, str], name: str) -> None:
    with pytest.raises(SettingsError, match=name) as info:
        Settings.from_env({"DATA_DIR": str(tmp_path), **env})
    assert "\n" not in str(info.value)


def test_postgresql_scheme_is_normalised(tmp_path: Path) -> None:
    s = Settings.from_env(
        {"DATA_DIR": str(tmp_path), "DATABASE_URL": "postgresql://u:pw@db:5432/tge"}
    )
    assert s.database_url == "postgres://u:pw@db:5432/tge" and s.db_dialect == "postgres"


def test_secrets_never_in_repr_or_masked_dump(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "DATA_DIR": str(tmp_path),
            "SECRET_KEY": "s3cr3t-" * 6,
            "TELEGRAM_BOT_TOKEN": "123:tg-token-value",
            "SMTP_PASSWORD": "smtp-pass-value",
            "DATABASE_URL": "postgres://u:dbpass@db/tge",
        }
    )
    text = repr(s) + str(s.masked())
    for secret in ("s3cr3t-", "tg-token-value", "smtp-pass-value", "dbpass"):
        assert secret not in text


def test_production_accepts_strong_secret(tmp_path: Path) -> None:
    s = Settings.from_env(
        {"DATA_DIR": str(tmp_path), "APP_ENV": "production", "SECRET_KEY": "x9" * 20}
    )
    assert s.is_production


def test_cli_reports_bad_setting_in_one_line(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATA_DIR": str(tmp_path), "API_PORT": "nope"}
    out = subprocess.run(
        [sys.executable, "-m", "tge_monitor", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.strip() == "configuration error: API_PORT must be an integer, got 'nope'"
