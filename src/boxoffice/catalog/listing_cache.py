"""A cache of search results that is never stale (see ``boxoffice.cache``).

``/api/filter`` serves the same few searches to everyone, so its JSON is cached in Redis
under the *listing generation*. Any committed write to ``shows`` or ``venues`` - a catalogue
edit, or a booking or cancellation moving a show's booked-seat counter - bumps it. Writes
are detected where all of them pass, the session (ORM flushes and statements alike), so a
new write path cannot forget to invalidate.

The *catalogue generation* is bumped by the same writes except the counter moves (the
statement says so with ``COUNTER_ONLY``). Seat maps live under it: a booking changes the
seat map of its own show only (the show's seat generation, see ``bookings.events``), so
during a rush on one show the cached maps of every other show stay valid.

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

from .. import cache
from ..transactions import after_commit_redis
from .models import Show, Venue

GENERATION_KEY = "boxoffice:listing:generation"
CATALOGUE_KEY = "boxoffice:catalogue:generation"
# An execution option: this write to ``shows`` moves booked-seat counters and nothing else.
COUNTER_ONLY = "boxoffice_counter_only"
ENTRY_PREFIX = "boxoffice:listing:"
# Session info: which generations the current transaction's writes will bump.
_DIRTY = "boxoffice_listing_dirty"
_TABLES = {Show.__tablename__, Venue.__tablename__}


def cached_json(filters: dict[str, Any], compute: Callable[[], Any]) -> str:
    """The JSON body for these filters, from the cache or freshly computed and stored."""
    if not cache.enabled():
        return json.dumps(compute(), separators=(",", ":"))
    try:
        canonical = json.dumps(filters, sort_keys=True, default=str)
        now = time.time()
        minute = int(now // 60)
        key, body = cache.lookup([GENERATION_KEY], ENTRY_PREFIX, f"{minute}:{canonical}")
        if body is not None:
            return body
        body = json.dumps(compute(), separators=(",", ":"))
        # No one asks for this key after its minute: it goes from Redis with it, so every
        # different search (each anonymous visitor may send their own) costs memory for at
        # most a minute.
        cache.store(key, body, (minute + 1) * 60 - now)
        return body
    except redis.exceptions.RedisError as error:
        # Search keeps working without Redis, only slower.
        current_app.logger.warning("search cache unavailable: %s", error)
        return json.dumps(compute(), separators=(",", ":"))


def _mark(session: Session, *counters: str) -> None:
    """This transaction's writes bump ``counters`` once it has committed."""
    dirty: set[str] | None = session.info.get(_DIRTY)
    if dirty is None:
        dirty = session.info[_DIRTY] = set()
        if cache.enabled():
            # The set is read when the commit's Redis commands are sent, so counters
            # marked by later writes of the same transaction go too.
            after_commit_redis(cache.bump_step(dirty), session)
    dirty.update(counters)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush: UOWTransaction) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Show | Venue):
            _mark(session, GENERATION_KEY, CATALOGUE_KEY)
            return


# Statements run on the Session's Connection directly bypass this hook, so every write to
# ``shows`` or ``venues`` goes through the Session (``bookings.locking.count_booked`` too).
@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in _TABLES:
            if state.execution_options.get(COUNTER_ONLY):
                _mark(state.session, GENERATION_KEY)
            else:
                _mark(state.session, GENERATION_KEY, CATALOGUE_KEY)


# The marks live exactly as long as the step they feed (``transactions``): forgetting them
# while the step stays, or the other way round, would lose an invalidation.
@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_DIRTY, None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous_transaction: object) -> None:
    if not session.in_transaction():
        session.info.pop(_DIRTY, None)
