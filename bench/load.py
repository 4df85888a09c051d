"""The load generator of the benchmark: concurrent keep-alive clients and what they measured."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx


@dataclass
class Result:
    name: str
    seconds: float = 0.0
    server_cpu: float = 0.0  # seconds of CPU the gunicorn workers used during the phase
    services_cpu: float = 0.0  # seconds of CPU of PostgreSQL and Redis during the phase
    sent: int = 0  # every request of the phase, warm-up included
    latencies: list[float] = field(default_factory=list)  # ms, every request
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if status < 300)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def answered_rate(self) -> float:
        """Every answer per second, refusals (409) included: the load the server carried."""
        return sum(self.statuses.values()) / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms(self) -> float:
        """Web-worker CPU per request (the database's own CPU is not included)."""
        return self.server_cpu * 1000 / self.sent if self.sent else float("nan")

    @property
    def services_cpu_ms(self) -> float:
        """PostgreSQL + Redis CPU per request (whatever else they served meanwhile too)."""
        return self.services_cpu * 1000 / self.sent if self.sent else float("nan")

    def add(self, other: Result) -> None:
        """Fold one round of the same phase into this total."""
        self.seconds += other.seconds
        self.server_cpu += other.server_cpu
        self.services_cpu += other.services_cpu
        self.sent += other.sent
        self.latencies += other.latencies
        self.statuses.update(other.statuses)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


@dataclass
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class RawClient:
    """A minimal HTTP/1.1 keep-alive client on one asyncio connection.

    The default load generator: on a small machine httpx's AsyncClient spends several
    milliseconds of CPU per request (it reached ~200 req/s here against a server that does
    ~2000), so it would measure itself, not the server. ``--client httpx`` uses httpx anyway.
    """

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> RawClient:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.writer is not None:
            self.writer.close()

    async def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        assert self.reader is not None and self.writer is not None
        target = f"{path}?{urlencode(params)}" if params else path
        payload = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {target} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return Reply(status, await self.reader.readexactly(length))


class HttpxClient:
    """The same interface on httpx.AsyncClient (``--client httpx``)."""

    def __init__(self, url: str) -> None:
        self.client = httpx.AsyncClient(base_url=url, timeout=30)

    async def __aenter__(self) -> HttpxClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        response = await self.client.request(
            method, path, params=params, json=body, headers=headers
        )
        return Reply(response.status_code, response.content)


Client = RawClient | HttpxClient
Request = Callable[[Client, int], Awaitable[Reply | None]]


async def hammer(
    url: str,
    name: str,
    request: Request,
    users: int,
    seconds: float,
    client_class: type[RawClient] | type[HttpxClient],
    warmup: float = 1.0,
    pace: float | None = None,
) -> Result:
    """``users`` concurrent connections sending ``request`` for ``seconds`` after a warm-up.

    Without ``pace`` every user sends its next request as soon as the last one is answered.
    With ``pace`` (requests per second, all users together) each user keeps its own steady
    schedule, starting staggered, and skips no beat: a late answer only delays that user's
    next request. A request function returns ``None`` when there is nothing left to do.
    """
    result = Result(name)
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + seconds
    finished_at = stop

    async def loop(index: int) -> None:
        nonlocal finished_at
        interval = users / pace if pace else 0.0
        due = start + interval * index / users
        async with client_class(url) as client:
            while True:
                if interval:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    due = max(due + interval, time.perf_counter())
                if (sent := time.perf_counter()) >= min(stop, finished_at):
                    return
                reply = await request(client, index)
                done = time.perf_counter()
                if reply is None:
                    finished_at = min(finished_at, done)
                    return
                result.sent += 1
                if sent >= measure_from:
                    result.latencies.append((done - sent) * 1000)
                    result.statuses[reply.status] += 1

    await asyncio.gather(*(loop(i) for i in range(users)))
    result.seconds = max(0.001, min(stop, finished_at) - measure_from)
    return result
