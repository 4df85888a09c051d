"""Real parts for the background-job tests: an SMTP server (aiosmtpd), a Celery worker on the
test Redis, and bookings made through the booking service.

The worker runs in a thread of the test process (celery.contrib.testing), consuming from the
real Redis broker with the app's real configuration (acks_late, JSON, retries); it is not
eager mode. Tests wait on events (a received message, a task result), never on sleeps.
"""

from __future__ import annotations

import gc
import queue
import socket
from collections.abc import Iterator
from dataclasses import dataclass, replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import celery.contrib.testing.tasks  # noqa: F401 - registers celery.ping for start_worker
import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from celery.contrib.testing.worker import start_worker
from flask import Flask

from boxoffice.config import Settings

# Celery 5.7's Redis result backend still calls redis-py's deprecated ``setex``; with
# filterwarnings=error that would fail every task that stores a result. Not ours to fix.
CELERY_SETEX = pytest.mark.filterwarnings("ignore:Call to deprecated setex:DeprecationWarning")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(CELERY_SETEX)


# Tiny retry delays so that the retry path runs in well under a second.
TEST_RETRY_DELAYS = (0.05, 0.1, 0.15)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    message: EmailMessage
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes  # as it came over SMTP


class Inbox:
    """What the SMTP server received, in order; ``next`` blocks until a message arrives.

    ``refuse`` holds SMTP replies to give instead of accepting, one per incoming message
    (e.g. "451 4.3.0 try again later"), to drive the retry and failure paths.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[Received] = queue.Queue()
        self.refuse: list[str] = []
        self.refused = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse:
            self.refused += 1
            return self.refuse.pop(0)
        message = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self._queue.put(
            Received(message, envelope.mail_from, list(envelope.rcpt_tos), envelope.content)  # type: ignore[arg-type]
        )
        return "250 Message accepted for delivery"

    def next(self, timeout: float = 20.0) -> Received:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no mail arrived within {timeout} s") from None

    def take(self, count: int, timeout: float = 20.0) -> list[Received]:
        return [self.next(timeout) for _ in range(count)]

    def pending(self) -> list[Received]:
        items = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def inbox(smtp_server: tuple[Inbox, int]) -> Inbox:
    return smtp_server[0]


@pytest.fixture
def mail_url(smtp_server: tuple[Inbox, int]) -> str:
    """Where the app sends mail; a test module may override this (e.g. a dead port)."""
    return f"smtp://127.0.0.1:{smtp_server[1]}"


@pytest.fixture
def settings(settings: Settings, mail_url: str) -> Settings:
    return replace(
        settings,
        mail_url=mail_url,
        mail_timeout=5.0,
        mail_retry_delays=TEST_RETRY_DELAYS,
        mail_from="BoxOffice <tickets@boxoffice.test>",
        public_url="https://tickets.boxoffice.test",
    )


@dataclass
class TaskRun:
    name: str
    args: tuple[Any, ...]
    state: str
    retval: Any


class TaskEvents:
    """Every task the worker finished (``task_postrun``), to wait on instead of sleeping."""

    def __init__(self) -> None:
        self._queue: queue.Queue[TaskRun] = queue.Queue()

    def record(
        self, sender: Any = None, args: Any = (), state: str = "", retval: Any = None, **_: Any
    ) -> None:
        self._queue.put(TaskRun(getattr(sender, "name", "?"), tuple(args or ()), state, retval))

    def wait_for(self, name: str, state: str = "SUCCESS", timeout: float = 20.0) -> TaskRun:
        """The next finished run of task ``name`` in ``state`` (RETRY, SUCCESS, FAILURE)."""
        while True:
            try:
                run = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"{name} did not finish as {state} in {timeout} s") from None
            if run.name == name and run.state == state:
                return run


@pytest.fixture
def task_events() -> Iterator[TaskEvents]:
    from celery.signals import task_postrun

    events = TaskEvents()
    task_postrun.connect(events.record, weak=False)
    try:
        yield events
    finally:
        task_postrun.disconnect(events.record)


@pytest.fixture(autouse=True)
def _close_celery_connections(request: pytest.FixtureRequest) -> Iterator[None]:
    """Close the test app's broker and result-backend connections when the test ends, so
    no socket is left for the garbage collector (a ResourceWarning, an error here)."""
    if "app" not in request.fixturenames:
        yield
        return
    celery: Celery = request.getfixturevalue("app").extensions["celery"]
    yield
    # Results waited on (the worker's ping check, drain) unsubscribe from the result channel
    # when collected; collect them now, while the connection is still ours to close.
    gc.collect()
    consumer = getattr(celery.backend, "result_consumer", None)
    if consumer is not None:
        consumer.subscribed_to.clear()
        consumer.stop()
    celery.close()
    backend_client = getattr(celery.backend, "client", None)
    if backend_client is not None:
        backend_client.close()
        backend_client.connection_pool.disconnect()


@pytest.fixture
def worker(app: Flask) -> Iterator[Celery]:
    """A real Celery worker consuming the test Redis, for the length of one test."""
    celery: Celery = app.extensions["celery"]
    with start_worker(
        celery, pool="solo", perform_ping_check=True, shutdown_timeout=10.0, loglevel="WARNING"
    ):
        yield celery
