"""Settings from ``BOXOFFICE_*`` environment variables.

Every value is parsed and checked once, at start-up, so that a typo in a deployment fails
loudly instead of surfacing later as a confusing runtime error.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

PREFIX = "BOXOFFICE_"


class ConfigError(ValueError):
    """A setting is missing or malformed."""


def _env(name: str, environ: dict[str, str]) -> str | None:
    value = environ.get(PREFIX + name)
    return value.strip() if value is not None and value.strip() != "" else None


def _bool(name: str, environ: dict[str, str], default: bool) -> bool:
    raw = _env(name, environ)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{PREFIX}{name} must be true or false, not {raw!r}")


def _int(name: str, environ: dict[str, str], default: int, minimum: int = 0) -> int:
    raw = _env(name, environ)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{PREFIX}{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{PREFIX}{name} must be at least {minimum}, not {value}")
    return value


def _delays(name: str, environ: dict[str, str], default: tuple[float, ...]) -> tuple[float, ...]:
    raw = _env(name, environ)
    if raw is None:
        return default
    try:
        values = tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"{PREFIX}{name} must be comma-separated seconds, not {raw!r}") from None
    if any(value < 0 for value in values):
        raise ConfigError(f"{PREFIX}{name} must not contain negative delays")
    return values


def _hour_minute(name: str, environ: dict[str, str], default: str) -> str:
    raw = _env(name, environ) or default
    hour, _, minute = raw.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise ConfigError(f"{PREFIX}{name} must be a time of day like 08:00, not {raw!r}")
    return f"{int(hour):02d}:{int(minute):02d}"


def _secret_key(instance_dir: Path, environ: dict[str, str], production: bool) -> str:
    """Use the configured key, else one generated once and kept private in the instance dir."""
    configured = _env("SECRET_KEY", environ)
    if configured:
        if len(configured) < 32:
            raise ConfigError(f"{PREFIX}SECRET_KEY must be at least 32 characters long")
        return configured
    if production:
        raise ConfigError(f"{PREFIX}SECRET_KEY must be set when {PREFIX}ENV=production")
    key_file = instance_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str
    production: bool = False
    mail_url: str | None = None
    mail_from: str = "BoxOffice <tickets@boxoffice.local>"
    public_url: str = "http://127.0.0.1:5000"
    ratelimit_enabled: bool = True
    login_rate_limit: str = "10 per minute"
    register_rate_limit: str = "20 per hour"
    hold_rate_limit: str = "30 per minute"
    # Live seat-map streams one client address may have open at once, over every web
    # process (0: no cap). A person has a few tabs open, and a closed tab's stream is only
    # noticed at its next heartbeat; a process serves ``events.MAX_STREAMS`` in all.
    sse_streams_per_client: int = 8
    # Reverse proxies in front of the web server that append the client's address to
    # X-Forwarded-For (and set X-Forwarded-Proto). 0: the connection's own address is the
    # client, and those headers, which anyone can send, are ignored.
    trusted_proxies: int = 0
    hold_minutes: int = 8
    cancel_cutoff_minutes: int = 60
    timezone: str = "Asia/Kolkata"
    token_hours: int = 12
    cors_origins: tuple[str, ...] = ()
    reminder_inactive_days: int = 30
    reminder_new_user_days: int = 3
    reminder_upcoming_hours: int = 24
    # pretix's delays between SMTP attempts: 10 s, 30 s, 1 min, 5 min, 15 min, then failed.
    mail_retry_delays: tuple[float, ...] = (10.0, 30.0, 60.0, 300.0, 900.0)
    mail_timeout: float = 30.0
    reminders_at: str = "10:00"  # daily, local time (``timezone``)
    monthly_report_at: str = "08:00"  # on the 1st, local time
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        if environ is None:
            load_dotenv(override=False)
            environ = dict(os.environ)
        instance_dir = Path(_env("INSTANCE_DIR", environ) or "instance").resolve()
        # Only its owner may read it: the database with password hashes, the secret key,
        # mails with tickets, exports.
        instance_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        env_name = (_env("ENV", environ) or "development").lower()
        if env_name not in {"development", "production"}:
            raise ConfigError(f"{PREFIX}ENV must be development or production, not {env_name!r}")
        production = env_name == "production"

        database_url = _env("DATABASE_URL", environ) or f"sqlite:///{instance_dir / 'boxoffice.db'}"
        if database_url.startswith("postgres://") or database_url.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; accept the common short spellings.
            database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]
        if not (database_url.startswith("sqlite") or database_url.startswith("postgresql")):
            raise ConfigError(f"{PREFIX}DATABASE_URL must be a sqlite:// or postgresql:// URL")

        redis_url = _env("REDIS_URL", environ)
        if redis_url and not redis_url.startswith(("redis://", "rediss://")):
            raise ConfigError(f"{PREFIX}REDIS_URL must be a redis:// or rediss:// URL")

        timezone = _env("TIMEZONE", environ) or "Asia/Kolkata"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"{PREFIX}TIMEZONE {timezone!r} is not a known time zone") from None

        mail_url = _env("MAIL_URL", environ)
        if mail_url and not mail_url.startswith(("smtp://", "smtps://")):
            raise ConfigError(f"{PREFIX}MAIL_URL must be an smtp:// or smtps:// URL")

        origins = tuple(o.strip() for o in (_env("CORS_ORIGINS", environ) or "").split(",") if o)
        return cls(
            instance_dir=instance_dir,
            database_url=database_url,
            redis_url=redis_url,
            secret_key=_secret_key(instance_dir, environ, production),
            production=production,
            mail_url=mail_url,
            mail_from=_env("MAIL_FROM", environ) or cls.mail_from,
            public_url=(_env("PUBLIC_URL", environ) or cls.public_url).rstrip("/"),
            ratelimit_enabled=_bool("RATELIMIT_ENABLED", environ, True),
            login_rate_limit=_env("LOGIN_RATE_LIMIT", environ) or cls.login_rate_limit,
            register_rate_limit=_env("REGISTER_RATE_LIMIT", environ) or cls.register_rate_limit,
            hold_rate_limit=_env("HOLD_RATE_LIMIT", environ) or cls.hold_rate_limit,
            sse_streams_per_client=_int(
                "SSE_STREAMS_PER_CLIENT", environ, cls.sse_streams_per_client
            ),
            trusted_proxies=_int("TRUSTED_PROXIES", environ, cls.trusted_proxies),
            hold_minutes=_int("HOLD_MINUTES", environ, 8, minimum=1),
            cancel_cutoff_minutes=_int("CANCEL_CUTOFF_MINUTES", environ, 60),
            timezone=timezone,
            token_hours=_int("TOKEN_HOURS", environ, 12, minimum=1),
            cors_origins=origins,
            reminder_inactive_days=_int("REMINDER_INACTIVE_DAYS", environ, 30, minimum=1),
            reminder_new_user_days=_int("REMINDER_NEW_USER_DAYS", environ, 3, minimum=1),
            reminder_upcoming_hours=_int("REMINDER_UPCOMING_HOURS", environ, 24, minimum=1),
            mail_retry_delays=_delays("MAIL_RETRY_DELAYS", environ, cls.mail_retry_delays),
            mail_timeout=float(_int("MAIL_TIMEOUT", environ, 30, minimum=1)),
            reminders_at=_hour_minute("REMINDERS_AT", environ, cls.reminders_at),
            monthly_report_at=_hour_minute("MONTHLY_REPORT_AT", environ, cls.monthly_report_at),
        )
