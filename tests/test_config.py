"""Settings are read from BOXOFFICE_* variables and bad values fail at start-up."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from boxoffice.config import ConfigError, Settings


def test_defaults_are_embedded(tmp_path: Path):
    settings = Settings.from_env({"BOXOFFICE_INSTANCE_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'boxoffice.db'}"
    assert settings.redis_url is None
    assert settings.hold_minutes == 8 and settings.cancel_cutoff_minutes == 60
    assert settings.ratelimit_enabled is True
    assert settings.sse_streams_per_client == 8


def test_secret_key_is_generated_once_and_private(tmp_path: Path):
    first = Settings.from_env({"BOXOFFICE_INSTANCE_DIR": str(tmp_path)})
    second = Settings.from_env({"BOXOFFICE_INSTANCE_DIR": str(tmp_path)})
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 32
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_a_new_instance_dir_is_readable_by_its_owner_only(tmp_path: Path):
    instance = tmp_path / "deep" / "instance"
    Settings.from_env({"BOXOFFICE_INSTANCE_DIR": str(instance)})
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700


def test_production_requires_a_secret_key(tmp_path: Path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({"BOXOFFICE_INSTANCE_DIR": str(tmp_path), "BOXOFFICE_ENV": "production"})
    assert not (tmp_path / "secret_key").exists()


def test_postgres_url_spellings_use_psycopg(tmp_path: Path):
    settings = Settings.from_env(
        {"BOXOFFICE_INSTANCE_DIR": str(tmp_path), "BOXOFFICE_DATABASE_URL": "postgres://u@h/db"}
    )
    assert settings.database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HOLD_MINUTES", "eight"),
        ("HOLD_MINUTES", "0"),
        ("RATELIMIT_ENABLED", "perhaps"),
        ("SSE_STREAMS_PER_CLIENT", "a few"),
        ("SSE_STREAMS_PER_CLIENT", "-1"),
        ("TRUSTED_PROXIES", "-1"),
        ("TRUSTED_PROXIES", "two"),
        ("TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://x"),
        ("REDIS_URL", "localhost:6379"),
        ("MAIL_URL", "http://mail"),
        ("SECRET_KEY", "short"),
        ("ENV", "staging"),
    ],
)
def test_bad_values_fail_fast(tmp_path: Path, name: str, value: str):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({"BOXOFFICE_INSTANCE_DIR": str(tmp_path), f"BOXOFFICE_{name}": value})


def test_streams_per_client_can_be_set_or_switched_off(tmp_path: Path):
    for value, cap in (("3", 3), ("0", 0)):
        environ = {
            "BOXOFFICE_INSTANCE_DIR": str(tmp_path),
            "BOXOFFICE_SSE_STREAMS_PER_CLIENT": value,
        }
        assert Settings.from_env(environ).sse_streams_per_client == cap
