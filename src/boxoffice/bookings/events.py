"""Live seat changes: Redis pub/sub in, Server-Sent Events out.

Publishing happens only after the database commit (``after_commit_redis``), so a browser never
sees a seat change that was rolled back, and no database lock is held across the Redis call.
The same round trip bumps the show's seat generation, which retires its cached seat maps
(``seatmap``; every seat change passes here).
The stream itself holds no database session: the route checks the show, and everything the
generator needs is passed in.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import redis
from flask import current_app

from ..errors import ApiError
from ..redis_client import get_redis
from ..transactions import RedisStep, after_commit_redis

log = logging.getLogger(__name__)
T = TypeVar("T")

# Pub/sub channels are global to a Redis server, not per database number; the number is part
# of the name so that two deployments sharing one Redis server never see each other's seats.
CHANNEL = "boxoffice:{db}:seats:{show_id}"
GENERATION = "boxoffice:seats:{show_id}:generation"
HEARTBEAT_SECONDS = 15.0
# A stream ends after this long; EventSource reconnects by itself and the page refetches the
# map, so no thread is tied up forever by a tab left open.
MAX_STREAM_SECONDS = 30 * 60
RETRY_MS = 3000
MAX_STREAMS = 24
_SLOTS = "boxoffice_sse_slots"


def _setting(
    extra: dict[str, Any], environ: Mapping[str, str] | None, name: str, parse: Callable[[str], T]
) -> T | None:
    """``extra[name]``, else ``BOXOFFICE_<NAME>`` from the environment; None if unset or bad."""
    environ = os.environ if environ is None else environ
    raw = str(extra.get(name, environ.get(f"BOXOFFICE_{name.upper()}", ""))).strip()
    try:
        return parse(raw) if raw else None
    except ValueError:
        return None


def heartbeat_seconds(extra: dict[str, Any], environ: Mapping[str, str] | None = None) -> float:
    """The keep-alive interval; ``BOXOFFICE_SSE_HEARTBEAT_SECONDS`` shortens it in tests."""
    value = _setting(extra, environ, "sse_heartbeat_seconds", float)
    return HEARTBEAT_SECONDS if value is None else min(max(value, 0.05), 60.0)


def max_streams(extra: dict[str, Any], environ: Mapping[str, str] | None = None) -> int:
    """Open streams one web process serves at once (``BOXOFFICE_SSE_MAX_STREAMS``).

    Every open stream keeps a thread of its process waiting for minutes. Past this many the
    endpoint answers 503 (the page keeps working and tries again a few seconds later), so
    that seat maps left open in many tabs can never take every thread from sign-ins and
    bookings. ``boxoffice serve`` runs 32 threads per process: 24 streams leave 8 free.
    """
    value = _setting(extra, environ, "sse_max_streams", int)
    return MAX_STREAMS if value is None else max(value, 0)


def stream_slot() -> Callable[[], None]:
    """Take one of this process's stream slots; returns what gives it back (503 if none)."""
    slots: threading.BoundedSemaphore | None = current_app.extensions.get(_SLOTS)
    if slots is None:
        limit = max_streams(current_app.config["BOXOFFICE"].extra)
        slots = current_app.extensions.setdefault(_SLOTS, threading.BoundedSemaphore(limit))
    if not slots.acquire(blocking=False):
        raise ApiError(
            503,
            "too_many_streams",
            "Live seat updates are busy right now; the seat map still works and will go live "
            "again in a moment.",
        )
    return slots.release


def channel(show_id: int, client: redis.Redis) -> str:
    return CHANNEL.format(db=client.connection_pool.connection_kwargs.get("db", 0), show_id=show_id)


def generation_key(show_id: int) -> str:
    return GENERATION.format(show_id=show_id)


def publish_after_commit(show_id: int, changes: Iterable[tuple[str, str]]) -> None:
    """Announce ``(seat, status)`` changes once the current transaction has committed."""
    seats = [{"seat": seat, "status": status} for seat, status in changes]
    if not seats:
        return
    message = json.dumps({"seats": seats}, separators=(",", ":"))
    client = get_redis()

    def queue(pipe: redis.client.Pipeline) -> None:
        pipe.incr(generation_key(show_id))
        pipe.publish(channel(show_id, client), message)

    def failed(error: Exception) -> None:
        # The booking has committed; a lost live update only costs a stale map until
        # the page refetches (cached maps expire within a minute), so it must not turn
        # the booking into an error.
        log.warning("Could not publish seat changes of show %s: %s", show_id, error)

    after_commit_redis(RedisStep(queue, failed))


def stream(
    client: redis.Redis,
    show_id: int,
    heartbeat: float = HEARTBEAT_SECONDS,
    max_seconds: float = MAX_STREAM_SECONDS,
) -> Iterator[str]:
    """SSE lines for one show until the client goes away (the next write fails) or time is up.

    Subscribes before the first byte is sent, so a client that has seen the opening comment
    will receive every change made afterwards.
    """
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(channel(show_id, client))
        yield f"retry: {RETRY_MS}\n: connected\n\n"
        started = last_sent = time.monotonic()
        while time.monotonic() - started < max_seconds:
            wait = max(0.05, heartbeat - (time.monotonic() - last_sent))
            message = pubsub.get_message(timeout=min(wait, 1.0))
            if message is not None and message.get("type") == "message":
                yield f"data: {message['data']}\n\n"
                last_sent = time.monotonic()
            elif time.monotonic() - last_sent >= heartbeat:
                # A comment line: keeps proxies from closing an idle stream, and is how a
                # vanished client is noticed (writing to its closed socket ends this loop).
                yield ": keep-alive\n\n"
                last_sent = time.monotonic()
    except redis.RedisError as error:
        log.warning("Seat event stream of show %s lost Redis: %s", show_id, error)
    finally:
        pubsub.close()
