"""A real multi-process server for tests: gunicorn (gthread), as served, on its own database.

Each server gets a fresh database (a new PostgreSQL database, or a new SQLite file), built
with the real migrations, so tests may drop constraints or flood it without touching the
per-test database of the rest of the suite.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from boxoffice import create_app
from boxoffice.config import Settings
from boxoffice.extensions import db

SECRET = "live-server-secret-key-0123456789-abcdefghij"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    app: Flask  # an in-process app on the same database, for setup and for checking
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)


@contextmanager
def fresh_database(base: Settings, tmp: Path) -> Iterator[str]:
    """A new empty database on the same server as the test database; dropped afterwards."""
    if base.is_sqlite:
        yield f"sqlite:///{tmp / 'live.db'}"
        return
    name = f"boxoffice_live_{uuid.uuid4().hex[:12]}"
    admin_url = base.database_url.rsplit("/", 1)[0] + "/postgres"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.database_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/api/meta", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)  # polling for start-up only; no test outcome depends on timing
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()[-3000:]}")


@contextmanager
def live_server(
    base: Settings, tmp: Path, workers: int = 3, threads: int = 8, **env: str
) -> Iterator[LiveServer]:
    """Start gunicorn on a fresh database; ``env`` adds BOXOFFICE_* variables (debug switches)."""
    with fresh_database(base, tmp) as database_url:
        instance = tmp / "live-instance"
        instance.mkdir(exist_ok=True)
        settings = replace(
            base,
            database_url=database_url,
            instance_dir=instance,
            secret_key=SECRET,
            ratelimit_enabled=False,
        )
        app = create_app(settings)
        with app.app_context():
            upgrade()
        port = free_port()
        log = tmp / "gunicorn.log"
        environment = {
            **os.environ,
            "BOXOFFICE_DATABASE_URL": database_url,
            "BOXOFFICE_REDIS_URL": base.redis_url or "",
            "BOXOFFICE_INSTANCE_DIR": str(instance),
            "BOXOFFICE_SECRET_KEY": SECRET,
            "BOXOFFICE_RATELIMIT_ENABLED": "false",
            **env,
        }
        command = [
            sys.executable, "-m", "gunicorn", "boxoffice.wsgi:app",
            "--config", "python:boxoffice.gunicorn_config",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--worker-class", "gthread",
            "--threads", str(threads),
            "--timeout", "60",
            "--graceful-timeout", "2",
            # Threads open their connection, then wait at the barrier: on a busy machine
            # that can take longer than gunicorn's default 2 s keep-alive.
            "--keep-alive", "120",
        ]  # fmt: skip
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, env=environment, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(url, process, log)
            yield LiveServer(url, app, process, log)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
