"""Objects shared by a process's threads are made once, even when every thread asks at once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from boxoffice.per_app import shared
from boxoffice.redis_client import get_redis


def test_made_once_when_every_thread_asks_at_the_same_moment(app: Flask) -> None:
    made: list[object] = []
    start = threading.Barrier(16)

    def make() -> object:
        made.append(object())
        time.sleep(0.02)  # making a client takes a moment: others ask meanwhile
        return made[-1]

    def ask(_n: int) -> object:
        with app.app_context():
            start.wait(timeout=10)
            return shared("test_shared_object", make)

    with ThreadPoolExecutor(max_workers=16) as pool:
        got = list(pool.map(ask, range(16)))
    assert len(made) == 1
    assert all(value is made[0] for value in got)


def test_one_redis_client_per_app(app: Flask) -> None:
    def ask(_n: int) -> int:
        with app.app_context():
            return id(get_redis())

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert len(set(pool.map(ask, range(32)))) == 1
