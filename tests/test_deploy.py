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
        if name == "bots":  # a missing token must not loop: bounded retries only
            assert svc["restart"] == "on-failure:3" and svc["profiles"] == ["bots"]
            continue
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
    for part in ("COPY migrations", "pip install", "HEALTHCHECK", "tge-monitor health"):
        assert part in text


def test_compose_file_is_structurally_valid() -> None:
    """What `docker compose config` checks, as data (no Docker engine here): every reference
    resolves, every health check and port has the right shape."""
    compose = _compose()
    services, networks = compose["services"], set(compose.get("networks") or {}) | {"default"}
    volumes = set(compose.get("volumes") or {})
    for name, svc in services.items():
        assert set(svc) <= {
            "build", "image", "pull_policy", "restart", "env_file", "environment", "command",
            "depends_on", "deploy", "expose", "ports", "volumes", "networks", "healthcheck",
            "profiles", "stop_grace_period",
        }, (name, set(svc))  # fmt: skip
        depends = svc.get("depends_on") or {}
        if isinstance(depends, list):  # the short form: started, no condition
            depends = {d: {"condition": "service_started"} for d in depends}
        for dep, cond in depends.items():
            assert dep in services, (name, dep)
            assert cond["condition"] in (
                "service_started", "service_healthy", "service_completed_successfully"
            )  # fmt: skip
            if cond["condition"] == "service_healthy":
                assert services[dep].get("healthcheck"), (name, dep)
        nets = svc.get("networks") or []
        assert set(nets) <= networks, (name, nets)
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            assert source.startswith("./") or source in volumes, (name, volume)
            if source.startswith("./"):
                assert (ROOT / source).exists(), (name, source)
        test = svc.get("healthcheck", {}).get("test")
        if test:
            assert test[0] in ("CMD", "CMD-SHELL") and len(test) >= 2, (name, test)
        for port in svc.get("ports", []):
            assert re.fullmatch(r"\d+:\d+", port), (name, port)
        env = svc.get("environment") or {}
        assert all(isinstance(v, str) for v in env.values()), (name, env)
        assert "profiles" not in svc or services[name].get("restart") != "unless-stopped"


def test_one_image_built_once_and_reused() -> None:
    services = _compose()["services"]
    builders = [name for name, svc in services.items() if "build" in svc]
    assert builders == ["migrate"]
    for name in APP_SERVICES:
        assert services[name]["image"] == "tge-monitor:latest", name
        if name != "migrate":
            assert services[name]["pull_policy"] == "never", name
            assert "migrate" in services[name]["depends_on"], name


def test_app_health_checks_ask_the_process_itself() -> None:
    services = _compose()["services"]
    for name in ("api", "worker", "bots"):
        part = services[name]["command"][1]
        assert services[name]["healthcheck"]["test"] == ["CMD", "tge-monitor", "health", part]


def test_only_nginx_is_a_trusted_proxy_and_links_point_at_nginx() -> None:
    import ipaddress

    compose = _compose()
    services = compose["services"]
    nginx_ip = services["nginx"]["networks"]["front"]["ipv4_address"]
    subnet = compose["networks"]["front"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(nginx_ip) in ipaddress.ip_network(subnet)
    trusted = services["api"]["environment"]["TRUSTED_PROXIES"]
    assert [ipaddress.ip_network(t) for t in trusted.split(",")] == [
        ipaddress.ip_network(f"{nginx_ip}/32")
    ]
    assert "front" in services["api"]["networks"]
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert conf.count("X-Forwarded-For $proxy_add_x_forwarded_for") >= 2
    for name in APP_SERVICES:
        url = services[name]["environment"]["PUBLIC_BASE_URL"]
        # not ${PUBLIC_BASE_URL}: .env (copied from .env.example) would make it 127.0.0.1:8000
        assert url == "${TGE_PUBLIC_URL:-http://localhost}", (name, url)
        assert "nginx" in services and services["nginx"]["ports"] == ["80:80"]


def test_bots_without_a_token_exit_with_a_clear_message(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "REDIS_"))
    }
    env["DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "tge_monitor", "bots"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr
