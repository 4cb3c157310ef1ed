"""Settings: one typed object, read once from the environment (and an optional `.env`).

Every setting has a default that runs the service embedded (SQLite in DATA_DIR, in-process
stand-ins for Redis). A bad value stops start-up with one line naming the setting.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from core.errors import InvalidInput
from core.ratelimit.base import DEFAULT_LIMITS, Limit, format_limit, parse_limit

WEAK_SECRETS = frozenset(
    {"", "secret", "changeme", "change-me", "please-change-me", "dev", "development", "test"}
)
MIN_SECRET_LENGTH = 32
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
ENCODER_MODES = ("off", "auto", "on")  # SCORING_ENCODER (core.scoring.encoder.stage_for_setting)
RATE_LIMIT_PREFIX = "rate_limit_"
RATE_LIMIT_NAMES = (
    "general",
    "alerts",
    "websocket",
    "login",
    "ip",
    "commands",
    "login_account",
)


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


def _secret_repr(value: str | None) -> str:
    return "''" if not value else "'***'"


@dataclass(frozen=True)
class Settings:
    """Every knob of the service. Build it with `Settings.from_env()`."""

    env: str = "development"
    data_dir: Path = Path("data")
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = field(default="", repr=False)
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    log_level: str = "INFO"
    admin_username: str = ""
    admin_password: str = field(default="", repr=False)
    # None (ALERT_THRESHOLD unset): the scoring model's decision threshold, else 0.5; the App
    # settles it once the model is loaded (core.scoring.model.alert_threshold).
    alert_threshold: float | None = None
    # The learned scoring model: "" = the one shipped in the package, "none" = rules only,
    # else a path to a model file written by `tge-monitor train`.
    scoring_model: str = ""
    # The model for items the engine detects as Chinese, Japanese or Korean (MZ: CJK character
    # n-grams; core.scoring.model.cjk_model_for_setting): "" = the one shipped in the package,
    # "none" = the main model scores them too, else a path to a file written by `tge-monitor
    # train --features cjk`. A missing or unusable file: one logged error, the main model.
    scoring_model_cjk: str = ""
    # The optional encoder second stage (core.scoring.encoder; the [encoder] extra): "off" never,
    # "auto" when its extra and model files are present and right (else the linear model alone,
    # with one log line), "on" required (start-up stops with a clear error if it cannot load).
    # "auto" by default since it held on fresh pages and news (decisions/RULE_batch19.md).
    scoring_encoder: str = "auto"
    # The encoder's card (encoder.json) or its folder; "" = the one shipped in the package.
    scoring_encoder_model: str = ""
    jwt_ttl_s: int = 3600
    fetch_allow_private_networks: bool = False
    fetch_max_bytes: int = 10 * 1024 * 1024
    fetch_timeout_s: float = 20.0
    telegram_bot_token: str = field(default="", repr=False)
    telegram_api_base: str = "https://api.telegram.org"
    discord_bot_token: str = field(default="", repr=False)
    discord_application_id: str = ""
    discord_api_base: str = "https://discord.com"
    discord_gateway_url: str = ""
    twitter_bearer_token: str = field(default="", repr=False)
    twitter_api_base: str = "https://api.twitter.com"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = "TGE Monitor <alerts@localhost>"
    smtp_starttls: bool = True
    public_base_url: str = "http://127.0.0.1:8000"
    dispatch_lease_s: float = 30.0
    shutdown_grace_s: float = 10.0
    # sent, dead and rejected deliveries older than this many days are pruned (0: kept)
    delivery_retention_days: int = 30
    # an event's first message in a chat (kept to edit its timeline) is forgotten this many
    # days after the event's last phase or item (0: kept)
    event_message_retention_days: int = 30
    default_sources: bool = True
    default_companies: bool = True
    trusted_proxies: tuple[str, ...] = ()
    rate_limit_general: Limit = DEFAULT_LIMITS["general"]
    rate_limit_alerts: Limit = DEFAULT_LIMITS["alerts"]
    rate_limit_websocket: Limit = DEFAULT_LIMITS["websocket"]
    rate_limit_login: Limit = DEFAULT_LIMITS["login"]
    rate_limit_ip: Limit = DEFAULT_LIMITS["ip"]
    rate_limit_commands: Limit = DEFAULT_LIMITS["commands"]
    rate_limit_login_account: Limit = DEFAULT_LIMITS["login_account"]
    ws_max_per_user: int = 20
    # exchange announcement APIs: name -> API root (tests and mirrors point them elsewhere)
    exchange_api_bases: dict[str, str] = field(default_factory=dict)
    binance_api_key: str = field(default="", repr=False)
    binance_api_secret: str = field(default="", repr=False)
    # polling: each feed's interval follows its publish rate within these bounds
    poll_adaptive: bool = True
    poll_min_interval_s: int = 30
    poll_max_interval_s: int = 3600
    # the per-host budget: polls at once and polls a minute to one host
    host_concurrency: int = 2
    host_requests_per_minute: int = 60
    # WebSub: subscribe to a feed's hub when it names one (push, with polling as fallback)
    websub: bool = True
    websub_lease_s: int = 86400

    @property
    def rate_limits(self) -> dict[str, Limit]:
        """The named limits for the App's RateLimiter (general, alerts, websocket, ...)."""
        return {name: getattr(self, f"{RATE_LIMIT_PREFIX}{name}") for name in RATE_LIMIT_NAMES}

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def db_dialect(self) -> str:
        return (
            "postgres"
            if self.database_url.startswith(("postgres://", "postgresql://"))
            else ("sqlite")
        )

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.masked().items())
        return f"Settings({shown})"

    def masked(self) -> dict[str, str]:
        """Settings as strings for logs, with every secret hidden."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if not f.repr:
                out[f.name] = _secret_repr(value)
            elif f.name in ("database_url", "redis_url"):
                out[f.name] = mask_url(str(value))
            elif isinstance(value, Limit):
                out[f.name] = format_limit(value)
            else:
                out[f.name] = str(value)
        return out

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        """Read, validate and complete the settings; raise SettingsError naming a bad one."""
        env = dict(os.environ if environ is None else environ)
        if dotenv and environ is None and Path(".env").is_file():
            from dotenv import dotenv_values

            for key, value in dotenv_values(".env").items():
                if value is not None:
                    env.setdefault(key, value)
        return _parse(env)


def setting_names() -> list[str]:
    """The environment variable behind every Settings field (compose and .env.example use these)."""
    return ["APP_ENV" if f.name == "env" else f.name.upper() for f in fields(Settings)]


def mask_url(url: str) -> str:
    """Hide the password in a connection URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid url>"
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _int(name: str, raw: str, lo: int, hi: int) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if not lo <= value <= hi:
        raise SettingsError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def _float(name: str, raw: str, lo: float, hi: float) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if not lo <= value <= hi:
        raise SettingsError(f"{name} must be between {lo} and {hi}, got {value}")
    return value


def _choice(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    value = raw.strip().lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return value


def _http_url(name: str, raw: str) -> str:
    value = raw.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name} must be an http(s) URL, got {raw!r}")
    return value


def _exchange_bases(raw: str) -> dict[str, str]:
    """`okx=https://mirror.example,binance=wss://…` → {name: root}; names checked on use."""
    bases: dict[str, str] = {}
    for part in raw.replace(";", ",").split(","):
        if not part.strip():
            continue
        name, sep, url = part.partition("=")
        value = url.strip().rstrip("/")
        scheme = urlsplit(value).scheme if sep else ""
        if not name.strip() or scheme not in ("http", "https", "ws", "wss"):
            raise SettingsError(
                "EXCHANGE_API_BASES must be name=URL pairs separated by commas "
                f"(e.g. okx=https://www.okx.com), got {part.strip()!r}"
            )
        bases[name.strip().lower()] = value
    return bases


def _rate_limit(name: str, raw: str | None, default: Limit) -> Limit:
    if raw is None or not raw.strip():
        return default
    try:
        return parse_limit(raw)
    except InvalidInput as exc:
        raise SettingsError(f"{name}: {exc.message}") from None


def _database_url(raw: str, data_dir: Path) -> str:
    value = raw.strip()
    if not value:
        return f"sqlite://{(data_dir / 'tge.db').resolve()}"
    if value.startswith("postgresql://"):
        value = "postgres://" + value[len("postgresql://") :]
    if value.startswith("sqlite://") or value.startswith("postgres://"):
        if value.startswith("postgres://") and not urlsplit(value).hostname:
            raise SettingsError(f"DATABASE_URL has no host: {mask_url(value)!r}")
        return value
    raise SettingsError(
        f"DATABASE_URL must start with sqlite:// or postgres://, got {mask_url(value)!r}"
    )


def _redis_url(raw: str) -> str:
    value = raw.strip()
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError(f"REDIS_URL must start with redis://, got {mask_url(value)!r}")
    return value


def _trusted_proxies(raw: str) -> tuple[str, ...]:
    """Comma-separated addresses or networks (CIDR) whose X-Forwarded-For is believed."""
    out: list[str] = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            out.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise SettingsError(
                f"TRUSTED_PROXIES must list IP addresses or networks (CIDR), got {part!r}"
            ) from None
    return tuple(out)


def _secret_key(raw: str, data_dir: Path, production: bool) -> str:
    value = raw.strip()
    if value:
        if production and (value.lower() in WEAK_SECRETS or len(value) < MIN_SECRET_LENGTH):
            raise SettingsError(
                f"SECRET_KEY is too weak for production (need {MIN_SECRET_LENGTH}+ random chars)"
            )
        return value
    if production:
        raise SettingsError("SECRET_KEY must be set in production")
    key_file = data_dir / "secret_key"
    if key_file.is_file():
        stored = key_file.read_text().strip()
        if len(stored) >= MIN_SECRET_LENGTH:
            return stored
    generated = secrets.token_urlsafe(48)
    try:
        if not data_dir.exists():
            data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            data_dir.chmod(0o700)  # it holds the key and, by default, the database
        fd = os.open(key_file, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(generated)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise SettingsError(
            f"DATA_DIR {str(data_dir)!r} is not writable ({reason}); the generated SECRET_KEY "
            "is kept there: choose a writable DATA_DIR or set SECRET_KEY"
        ) from None
    return generated


def _parse(env: dict[str, str]) -> Settings:
    get = env.get
    app_env = get("APP_ENV", "development").strip().lower()
    if app_env not in ("development", "production", "test"):
        raise SettingsError(f"APP_ENV must be development, production or test, got {app_env!r}")
    production = app_env == "production"
    data_dir = Path(get("DATA_DIR", "data")).expanduser()
    log_level = get("LOG_LEVEL", "INFO").strip().upper()
    if log_level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
    admin_password = get("ADMIN_PASSWORD", "")
    if admin_password and not (8 <= len(admin_password) and len(admin_password.encode()) <= 72):
        raise SettingsError("ADMIN_PASSWORD must be 8 to 72 bytes long")
    smtp_from = get("SMTP_FROM", Settings.smtp_from).strip()
    if "@" not in smtp_from:
        raise SettingsError(f"SMTP_FROM must contain an email address, got {smtp_from!r}")
    gateway = get("DISCORD_GATEWAY_URL", "").strip()
    if gateway and not gateway.startswith(("ws://", "wss://")):
        raise SettingsError(f"DISCORD_GATEWAY_URL must be a ws(s):// URL, got {gateway!r}")
    return Settings(
        env=app_env,
        data_dir=data_dir,
        database_url=_database_url(get("DATABASE_URL", ""), data_dir),
        redis_url=_redis_url(get("REDIS_URL", "")),
        secret_key=_secret_key(get("SECRET_KEY", ""), data_dir, production),
        api_host=get("API_HOST", Settings.api_host).strip() or Settings.api_host,
        api_port=_int("API_PORT", get("API_PORT", "8000"), 0, 65535),
        log_level=log_level,
        admin_username=get("ADMIN_USERNAME", "").strip(),
        admin_password=admin_password,
        alert_threshold=_float("ALERT_THRESHOLD", get("ALERT_THRESHOLD", ""), 0.0, 1.0)
        if get("ALERT_THRESHOLD", "").strip()
        else None,
        scoring_model=get("SCORING_MODEL", "").strip(),
        scoring_model_cjk=get("SCORING_MODEL_CJK", "").strip(),
        scoring_encoder=_choice("SCORING_ENCODER", get("SCORING_ENCODER", "auto"), ENCODER_MODES),
        scoring_encoder_model=get("SCORING_ENCODER_MODEL", "").strip(),
        jwt_ttl_s=_int("JWT_TTL_S", get("JWT_TTL_S", "3600"), 60, 30 * 86400),
        fetch_allow_private_networks=_bool(
            "FETCH_ALLOW_PRIVATE_NETWORKS", get("FETCH_ALLOW_PRIVATE_NETWORKS", "false")
        ),
        fetch_max_bytes=_int(
            "FETCH_MAX_BYTES", get("FETCH_MAX_BYTES", str(10 * 1024 * 1024)), 1024, 1 << 30
        ),
        fetch_timeout_s=_float("FETCH_TIMEOUT_S", get("FETCH_TIMEOUT_S", "20"), 0.1, 600.0),
        telegram_bot_token=get("TELEGRAM_BOT_TOKEN", "").strip(),
        telegram_api_base=_http_url(
            "TELEGRAM_API_BASE", get("TELEGRAM_API_BASE", Settings.telegram_api_base)
        ),
        discord_bot_token=get("DISCORD_BOT_TOKEN", "").strip(),
        discord_application_id=get("DISCORD_APPLICATION_ID", "").strip(),
        discord_api_base=_http_url(
            "DISCORD_API_BASE", get("DISCORD_API_BASE", Settings.discord_api_base)
        ),
        discord_gateway_url=gateway,
        twitter_bearer_token=get("TWITTER_BEARER_TOKEN", "").strip(),
        twitter_api_base=_http_url(
            "TWITTER_API_BASE", get("TWITTER_API_BASE", Settings.twitter_api_base)
        ),
        smtp_host=get("SMTP_HOST", "").strip(),
        smtp_port=_int("SMTP_PORT", get("SMTP_PORT", "587"), 1, 65535),
        smtp_username=get("SMTP_USERNAME", "").strip(),
        smtp_password=get("SMTP_PASSWORD", ""),
        smtp_from=smtp_from,
        smtp_starttls=_bool("SMTP_STARTTLS", get("SMTP_STARTTLS", "true")),
        dispatch_lease_s=_float("DISPATCH_LEASE_S", get("DISPATCH_LEASE_S", "30"), 1.0, 3600.0),
        shutdown_grace_s=_float("SHUTDOWN_GRACE_S", get("SHUTDOWN_GRACE_S", "10"), 0.0, 600.0),
        delivery_retention_days=_int(
            "DELIVERY_RETENTION_DAYS", get("DELIVERY_RETENTION_DAYS", "30"), 0, 36_500
        ),
        event_message_retention_days=_int(
            "EVENT_MESSAGE_RETENTION_DAYS", get("EVENT_MESSAGE_RETENTION_DAYS", "30"), 0, 36_500
        ),
        public_base_url=_http_url(
            "PUBLIC_BASE_URL", get("PUBLIC_BASE_URL", Settings.public_base_url)
        ),
        ws_max_per_user=_int("WS_MAX_PER_USER", get("WS_MAX_PER_USER", "20"), 1, 10_000),
        exchange_api_bases=_exchange_bases(get("EXCHANGE_API_BASES", "")),
        binance_api_key=get("BINANCE_API_KEY", "").strip(),
        binance_api_secret=get("BINANCE_API_SECRET", "").strip(),
        poll_adaptive=_bool("POLL_ADAPTIVE", get("POLL_ADAPTIVE", "true")),
        poll_min_interval_s=_int(
            "POLL_MIN_INTERVAL_S", get("POLL_MIN_INTERVAL_S", "30"), 1, 7 * 86400
        ),
        poll_max_interval_s=_int(
            "POLL_MAX_INTERVAL_S", get("POLL_MAX_INTERVAL_S", "3600"), 1, 7 * 86400
        ),
        host_concurrency=_int("HOST_CONCURRENCY", get("HOST_CONCURRENCY", "2"), 1, 100),
        host_requests_per_minute=_int(
            "HOST_REQUESTS_PER_MINUTE", get("HOST_REQUESTS_PER_MINUTE", "60"), 1, 100_000
        ),
        websub=_bool("WEBSUB", get("WEBSUB", "true")),
        websub_lease_s=_int("WEBSUB_LEASE_S", get("WEBSUB_LEASE_S", "86400"), 60, 30 * 86400),
        default_sources=_bool("DEFAULT_SOURCES", get("DEFAULT_SOURCES", "true")),
        default_companies=_bool("DEFAULT_COMPANIES", get("DEFAULT_COMPANIES", "true")),
        trusted_proxies=_trusted_proxies(get("TRUSTED_PROXIES", "")),
        **{
            f"{RATE_LIMIT_PREFIX}{name}": _rate_limit(
                f"RATE_LIMIT_{name.upper()}",
                get(f"RATE_LIMIT_{name.upper()}"),
                DEFAULT_LIMITS[name],
            )
            for name in RATE_LIMIT_NAMES
        },
    )
