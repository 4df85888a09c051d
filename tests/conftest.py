"""Shared fixtures: a real database (SQLite or PostgreSQL) and a real Redis for every test.

Pick the database with ``BOXOFFICE_TEST_DB=sqlite|postgres`` (``make test`` runs both).
Each pytest-xdist worker gets its own PostgreSQL database and its own Redis database number,
so parallel workers never see each other's rows or keys.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from support import Account, register_and_login

from boxoffice import create_app
from boxoffice.config import Settings
from boxoffice.extensions import db

TEST_DB = os.environ.get("BOXOFFICE_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "BOXOFFICE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_BASE_URL = os.environ.get("BOXOFFICE_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests of PostgreSQL-only behaviour belong to the PostgreSQL pass of ``make test``."""
    if TEST_DB == "postgres":
        return
    elsewhere = [item for item in items if item.get_closest_marker("postgres_only")]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


def _worker_number(worker_id: str) -> int:
    return 0 if worker_id == "master" else int(worker_id.removeprefix("gw"))


@pytest.fixture(scope="session")
def run_slot(worker_id: str, testrun_uid: str) -> int:
    """A number that differs between xdist workers and, very likely, between concurrent runs."""
    return (int(testrun_uid[:6], 16) + _worker_number(worker_id)) % 1_000_000


@pytest.fixture(scope="session")
def database_url(run_slot: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if TEST_DB == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    if TEST_DB != "postgres":
        raise pytest.UsageError("BOXOFFICE_TEST_DB must be sqlite or postgres")
    name = f"boxoffice_test_{run_slot}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def redis_url(run_slot: int) -> str:
    # Database 0 is left to anything else on the machine; test workers use 1..15.
    return f"{REDIS_BASE_URL}/{1 + run_slot % 15}"


@pytest.fixture(scope="session")
def base_settings(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    instance = tmp_path_factory.mktemp("instance")
    return Settings(
        instance_dir=instance,
        database_url=database_url,
        redis_url=redis_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        extra={"bcrypt_rounds": 4},
    )


@pytest.fixture(scope="session")
def _schema(base_settings: Settings) -> Settings:
    """Build the schema once per session with the real Alembic migrations."""
    app = create_app(base_settings)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return base_settings


@pytest.fixture
def settings(_schema: Settings, tmp_path: Path) -> Settings:
    """Per-test settings; override with ``dataclasses.replace`` in a test's own fixture."""
    outbox = tmp_path / "instance"
    outbox.mkdir()
    return replace(_schema, instance_dir=outbox)


def _empty_database() -> None:
    # DELETE beats TRUNCATE on PostgreSQL for tables holding a handful of rows.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    redis.Redis.from_url(settings.redis_url or "").flushdb()
    with app.app_context():
        yield app
        db.session.remove()
        _empty_database()
        db.engine.dispose()
    redis.Redis.from_url(settings.redis_url or "").flushdb()


@pytest.fixture
def second_app() -> Iterator[Callable[[Settings], Flask]]:
    """Builds another app on the test's database (say, with Redis unreachable).

    Each has its own connection pool and Celery app; both are closed when the test ends,
    so no open connection is left for the garbage collector to find in a later test.
    """
    built: list[Flask] = []

    def build(settings: Settings) -> Flask:
        built.append(create_app(settings))
        return built[-1]

    yield build
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        other.extensions["celery"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def user(client: FlaskClient) -> Account:
    return register_and_login(client, "asha@example.com")


@pytest.fixture
def other_user(client: FlaskClient) -> Account:
    return register_and_login(client, "ravi@example.com")


@pytest.fixture
def admin(client: FlaskClient) -> Account:
    return register_and_login(client, "admin@example.com", admin=True)
