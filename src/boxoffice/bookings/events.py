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
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import redis
from flask import current_app
from flask_limiter.util import get_remote_address

from ..errors import ApiError
from ..per_app import shared
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

# The streams a client address has open, over every process: a sorted set of stream ids,
# each scored with the time (Unix seconds) after which it no longer counts. A stream gives
# its place back when it closes; the time only matters when the process serving it died
# without doing so, so it lies a little past the longest a stream can last.
CLIENT_STREAMS = "boxoffice:sse:client:{address}"
CLIENT_SLOT_SECONDS = MAX_STREAM_SECONDS + 120
# KEYS[1]: that set. ARGV: now, when this stream stops counting, the cap, its id.
# One script, so that two tabs opening at once cannot both take the last place.
_TAKE_CLIENT_SLOT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2]) - tonumber(ARGV[1])))
return 1
"""
_CLIENT_SCRIPT = "boxoffice_sse_client_slot"


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
    bookings. Under gunicorn with ``boxoffice.gunicorn_config`` the default follows the
    worker's threads (``streams_for``): ``boxoffice serve`` runs 32 threads per process, and
    24 streams leave 8 free.
    """
    value = _setting(extra, environ, "sse_max_streams", int)
    return MAX_STREAMS if value is None else max(value, 0)


def stream_slot() -> Callable[[], None]:
    """Take a stream slot of the caller's address (429 past its cap) and one of this
    process (503 if none); returns what gives both back."""
    release_client = client_slot()
    try:
        release_process = process_slot()
    except ApiError:
        release_client()
        raise

    def release() -> None:
        release_process()
        release_client()

    return release


def _no_slot_taken() -> None:
    """What gives back a slot that was not counted."""


def client_slot() -> Callable[[], None]:
    """Count one more open stream for the caller's address, in Redis so that every web
    process sees it; returns what takes it off the count again (429 past the cap).

    Each open stream holds a thread of some process for up to half an hour: uncapped, one
    client with a few dozen idle connections could take every stream slot there is. The
    address is the one the rate limits go by. With rate limits off (load tests, local
    scripts) or no cap configured nothing is counted, and when Redis is unreachable the
    stream is let through uncounted: it needs Redis itself and ends at once, as it did
    before the cap.
    """
    settings = current_app.config["BOXOFFICE"]
    cap = settings.sse_streams_per_client
    if cap <= 0 or not settings.ratelimit_enabled:
        return _no_slot_taken
    key = CLIENT_STREAMS.format(address=get_remote_address())
    stream_id = secrets.token_hex(8)
    now = time.time()
    try:
        client = get_redis()
        take = shared(_CLIENT_SCRIPT, lambda: client.register_script(_TAKE_CLIENT_SLOT))
        taken = take(keys=[key], args=[now, now + CLIENT_SLOT_SECONDS, cap, stream_id])
    except (redis.RedisError, OSError) as error:
        log.warning("Could not count the seat event streams of a client: %s", error)
        return _no_slot_taken
    if not taken:
        raise ApiError(
            429,
            "too_many_streams_from_client",
            f"Live seat updates are already open in {cap} tabs or windows from your "
            "address; close one of them. This seat map still works, without live updates.",
            {"limit": cap},
        )

    def release() -> None:
        try:
            client.zrem(key, stream_id)
        except (redis.RedisError, OSError) as error:
            # Called as the response closes, where an error has no one to go to; the
            # place frees itself when its time is up.
            log.warning("Could not give back a seat event stream's slot: %s", error)

    return release


def process_slot() -> Callable[[], None]:
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
