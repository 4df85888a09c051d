"""The deployment's own worker: ``celery -A boxoffice.worker worker`` as a separate process,
configured only through BOXOFFICE_* variables, sends a booking confirmation and answers the
health check's ping."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from factories import make_show, make_venue
from flask import Flask
from flask.testing import FlaskClient
from reports_support import book, make_user

from boxoffice.config import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def worker_process(
    app: Flask, settings: Settings, tmp_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "BOXOFFICE_DATABASE_URL": settings.database_url,
        "BOXOFFICE_REDIS_URL": settings.redis_url or "",
        "BOXOFFICE_INSTANCE_DIR": str(settings.instance_dir),
        "BOXOFFICE_SECRET_KEY": settings.secret_key,
        "BOXOFFICE_MAIL_URL": settings.mail_url or "",
        "BOXOFFICE_MAIL_FROM": settings.mail_from,
        "BOXOFFICE_PUBLIC_URL": settings.public_url,
        "BOXOFFICE_MAIL_RETRY_DELAYS": ",".join(str(d) for d in settings.mail_retry_delays),
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "boxoffice.worker",
            "worker",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_worker_process_sends_mail_and_answers_pings(
    client: FlaskClient, worker_process: subprocess.Popen[bytes], inbox, tmp_path: Path
) -> None:
    show = make_show(make_venue(name="Sathyam"), title="Leo", starts_in=timedelta(days=2))
    user = make_user(client, "asha@example.com", language="ta")
    booking = book(user, show, ["A1"])

    # The process may still be starting; the message waits in Redis until it is ready.
    received = inbox.next(timeout=60)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert received.rcpt_tos == ["asha@example.com"], log
    assert booking.code in received.message["Subject"]
    assert received.message["Content-Language"] == "ta"

    assert worker_process.poll() is None, log
    health = client.get("/api/health").get_json()
    assert health["worker"] == "ok", log
