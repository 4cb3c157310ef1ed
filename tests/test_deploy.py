"""docker-compose.yml, Dockerfile and .env.example agree with the settings the code reads.

No Docker engine runs here, so the compose file is checked as data.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.config import Settings, setting_names

ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = {"api", "worker", "bots", "migrate"}
ALL_SERVICES = APP_SERVICES | {"postgres", "redis", "nginx", "prometheus", "grafana"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_is_there_with_image_or_build() -> None:
    services = _compose()["services"]
    assert set(services) == ALL_SERVICES
    for name, svc in services.items():
        assert svc.get("image") or svc.get("build"), name


def test_long_running_services_have_health_checks_and_restart_policies() -> None:
    services = _compose()["services"]
    for name, svc in services.items():
        if name == "migrate":
            assert svc["restart"] == "no"
            continue
        assert svc.get("healthcheck", {}).get("test"), f"{name} has no health check"
        assert svc.get("restart") in ("unless-stopped", "always"), name


def test_stateful_services_keep_volumes() -> None:
    compose = _compose()
    for name in ("postgres", "redis", "prometheus", "grafana"):
        volumes = compose["services"][name]["volumes"]
        named = {v.split(":")[0] for v in volumes}
        assert named & set(compose["volumes"]), name


def test_app_services_use_only_known_settings_and_real_commands() -> None:
    known = set(setting_names())
    services = _compose()["services"]
    for name in APP_SERVICES:
        env = services[name]["environment"]
        assert set(env) <= known, (name, set(env) - known)
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert services[name]["command"][:1] == ["tge-monitor"]
        assert services[name]["command"][1] in {"web", "worker", "bots", "migrate"}
    assert "SECRET_KEY" in services["api"]["environment"]


def test_compose_settings_parse(tmp_path: Path) -> None:
    """The values compose sets (with defaults filled in) are valid settings."""
    env = {}
    for key, value in _compose()["services"]["api"]["environment"].items():
        value = re.sub(r"\$\{(\w+):[-?]([^}]*)\}", lambda m: m.group(2), str(value))
        env[key] = value
    env["SECRET_KEY"] = "x" * 40
    env["DATA_DIR"] = str(tmp_path)
    settings = Settings.from_env(env)
    assert settings.is_production and settings.db_dialect == "postgres"


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    keys = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    assert sorted(keys) == sorted(setting_names())
    for i, line in enumerate(lines):
        if line and not line.startswith("#"):
            assert lines[i - 1].startswith("#") or lines[i - 1].split("=")[0] in keys, line


def test_dockerfile_installs_the_package_and_checks_health() -> None:
    text = (ROOT / "Dockerfile").read_text()
    for part in ("COPY migrations", "pip install", "HEALTHCHECK", "/health", "tge-monitor"):
        assert part in text
