"""A cache of search results that is never stale.

``/api/filter`` serves the same few searches to everyone, so its JSON is cached in Redis
under a key holding a *generation* number. Any committed write to ``shows`` or ``venues`` -
a catalogue edit, or a booking or cancellation moving a show's booked-seat counter - bumps
the generation, which makes every cached result unreachable at once. Writes are detected
where all of them pass, the session (ORM flushes and statements alike), so a new write path
cannot forget to invalidate. The bump happens after the commit: bumping before it would let
a concurrent search cache the old rows under the new generation.

The key also holds the current minute, so shows that have started drop out of the results
within a minute even when nothing is written.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import redis
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from ..redis_client import get_redis
from .models import Show, Venue

GENERATION_KEY = "boxoffice:listing:generation"
ENTRY_PREFIX = "boxoffice:listing:"
ENTRY_SECONDS = 600
_DIRTY = "boxoffice_listing_dirty"
_TABLES = {Show.__tablename__, Venue.__tablename__}


def _redis_configured() -> bool:
    # Commands such as ``seed-demo`` run without Redis; they have no cache to use or clear.
    return bool(current_app.config["BOXOFFICE"].redis_url)


def cached_json(filters: dict[str, Any], compute: Callable[[], Any]) -> str:
    """The JSON body for these filters, from the cache or freshly computed and stored."""
    if not _redis_configured():
        return json.dumps(compute(), separators=(",", ":"))
    try:
        client = get_redis()
        generation = str(client.get(GENERATION_KEY) or "0")
        canonical = json.dumps(filters, sort_keys=True, default=str)
        key = f"{ENTRY_PREFIX}{generation}:{int(time.time() // 60)}:{canonical}"
        body = client.get(key)
        if body is not None:
            return str(body)
        body = json.dumps(compute(), separators=(",", ":"))
        client.set(key, body, ex=ENTRY_SECONDS)
        return body
    except redis.exceptions.RedisError as error:
        # Search keeps working without Redis, only slower.
        current_app.logger.warning("search cache unavailable: %s", error)
        return json.dumps(compute(), separators=(",", ":"))


def _bump() -> None:
    if not _redis_configured():
        return
    try:
        get_redis().incr(GENERATION_KEY)
    except redis.exceptions.RedisError as error:  # entries expire on their own
        current_app.logger.warning("search cache not invalidated: %s", error)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush: UOWTransaction) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Show | Venue):
            session.info[_DIRTY] = True
            return


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _TABLES:
            state.session.info[_DIRTY] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(_DIRTY, False):
        _bump()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_DIRTY, None)
