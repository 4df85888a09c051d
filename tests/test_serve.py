"""``boxoffice serve`` on an empty instance dir: embedded Redis, SQLite, real HTTP, clean stop."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from boxoffice.embedded import free_port

pytestmark = pytest.mark.slow

LISTENING = re.compile(r"Listening at: (http://\S+)")
REDIS_URL = re.compile(r"Embedded Redis on redis://127\.0\.0\.1:(\d+)")


class Server:
    """A ``boxoffice serve`` subprocess whose output is watched for readiness lines."""

    def __init__(self, instance: Path, port: int) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BOXOFFICE_")}
        env.update(
            {"BOXOFFICE_INSTANCE_DIR": str(instance), "BOXOFFICE_RATELIMIT_ENABLED": "false"}
        )
        boxoffice = str(Path(sys.executable).parent / "boxoffice")
        self.process = subprocess.Popen(
            [boxoffice, "serve", "--port", str(port), "--web-workers", "1"],
            env=env,
            cwd=instance,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            # Its own process group, so that a failed test can stop the whole tree.
            start_new_session=True,
        )
        self.output: list[str] = []
        self.ready = threading.Event()
        self.finished = threading.Event()
        self.redis_port: int | None = None
        self.base_url = ""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            if match := REDIS_URL.search(line):
                self.redis_port = int(match.group(1))
            if match := LISTENING.search(line):
                self.base_url = match.group(1)
                self.ready.set()
        self.process.stdout.close()
        self.ready.set()  # the process ended; let waiters look at the output
        self.finished.set()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=60)
        self.finished.wait(timeout=10)
        return code


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    instance = tmp_path / "instance"
    instance.mkdir()
    running = Server(instance, free_port())
    assert running.ready.wait(timeout=90), "".join(running.output)
    assert running.base_url, "".join(running.output)
    yield running
    if running.process.poll() is None:
        # The test failed before stopping it: ask nicely, then stop every process it started.
        running.process.send_signal(signal.SIGINT)
        try:
            running.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(running.process.pid, signal.SIGKILL)
            running.process.wait()
    running.finished.wait(timeout=10)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_serve_from_an_empty_instance_dir(server: Server, tmp_path: Path):
    # Generous timeout: gunicorn prints "Listening" before its worker has imported the app,
    # and on a busy machine that first import can take a while.
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        health = http.get("/api/health").json()
        assert health["db"] == "ok" and health["redis"] == "ok"

        account = {"email": "first@example.com", "name": "First", "password": "first-pass-1"}
        assert http.post("/api/register", json=account).status_code == 201
        login = http.post(
            "/api/login", json={"email": account["email"], "password": account["password"]}
        )
        assert login.status_code == 200
        token = login.json()["access_token"]
        me = http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["user"]["email"] == "first@example.com"
        search = http.get("/api/filter", params={"q": "anything"})
        assert search.status_code == 200 and search.json() == {"shows": [], "next": None}
        docs = http.get("/api/docs")
        assert docs.status_code == 200

    instance = tmp_path / "instance"
    assert (instance / "boxoffice.db").exists()
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600
    assert server.redis_port is not None and _port_open(server.redis_port)

    assert server.stop() == 0, "".join(server.output)
    assert "BoxOffice stopped." in "".join(server.output)
    assert not _port_open(server.redis_port), "embedded Redis still running after stop"
