"""Short write transactions that lock one show, retried on transient database failures.

Every change to the seats of a show (hold, book, release, cancel) runs through ``run_locked``
and takes the show's lock (``lock_show``) before it checks which seats are free:

* SQLite: ``BEGIN IMMEDIATE`` (``write_transaction``) takes the database write lock at the
  start, so two bookings can never both see a seat as free.
* PostgreSQL: a row lock on the one show row (``SELECT ... FOR NO KEY UPDATE``, or the
  ``UPDATE`` of its booked-seat counter, which takes the same lock), so bookings of one show
  queue behind each other while other shows proceed in parallel. Following pretix it is
  taken as late as possible but before the availability check: the new booking row and its
  outbox mail are written first, and only the check, the claim rows and the commit happen
  under the lock. A 3 s lock timeout keeps a stuck transaction from piling every web thread
  up behind it (the request then answers 503 ``busy``).

The UNIQUE(show_id, seat) constraint of ``seat_claims`` stays the last line of defence: if the
application lock were ever bypassed, the second insert fails and becomes a 409, never a 500.

Two test-only switches follow pretix's concurrency tests (``BOXOFFICE_DEBUG_RACE_DELAY_MS``
sleeps after the availability check to widen the race window; ``BOXOFFICE_DEBUG_DISABLE_LOCK``
skips the application lock so that only the constraint stands). Both are off by default and
refused in production.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app
from sqlalchemy import Row, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..catalog.models import Show, Venue
from ..config import ConfigError, Settings
from ..database import is_sqlite, write_transaction
from ..errors import ApiError, NotFound

T = TypeVar("T")

ATTEMPTS = 6
LOCK_TIMEOUT = "3s"
# PostgreSQL SQLSTATEs worth another attempt: serialization failure, deadlock, lock timeout.
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}
CODE_CONSTRAINT = "uq_bookings_code"
_DEBUG_KEY = "boxoffice_booking_debug"


@dataclass(frozen=True)
class DebugRace:
    """Test-only knobs for the concurrency tests; never set in production."""

    delay_ms: int = 0
    disable_lock: bool = False


def load_debug_race(settings: Settings, environ: Mapping[str, str] | None = None) -> DebugRace:
    """Read the debug switches (``settings.extra`` first, then the environment)."""
    environ = os.environ if environ is None else environ
    raw_delay = settings.extra.get(
        "debug_race_delay_ms", environ.get("BOXOFFICE_DEBUG_RACE_DELAY_MS", "")
    )
    raw_disable = settings.extra.get(
        "debug_disable_lock", environ.get("BOXOFFICE_DEBUG_DISABLE_LOCK", "")
    )
    try:
        delay = int(str(raw_delay).strip() or 0)
    except ValueError:
        raise ConfigError("BOXOFFICE_DEBUG_RACE_DELAY_MS must be a whole number") from None
    if not 0 <= delay <= 5000:
        raise ConfigError("BOXOFFICE_DEBUG_RACE_DELAY_MS must be between 0 and 5000")
    disable = str(raw_disable).strip().lower() in {"1", "true", "yes", "on"}
    debug = DebugRace(delay_ms=delay, disable_lock=disable)
    if settings.production and debug != DebugRace():
        raise ConfigError("The BOXOFFICE_DEBUG_* booking switches are refused in production")
    return debug


def init_debug_race(app: Flask) -> None:
    app.extensions[_DEBUG_KEY] = load_debug_race(app.config["BOXOFFICE"])


def debug_race() -> DebugRace:
    debug: DebugRace = current_app.extensions.get(_DEBUG_KEY) or DebugRace()
    return debug


def race_pause() -> None:
    """Widen the race window on purpose (tests only): called right after the availability check."""
    delay = debug_race().delay_ms
    if delay:
        time.sleep(delay / 1000)


# ---- the locked show --------------------------------------------------------------------

SHOW_COLUMNS = (
    Show.id,
    Show.title,
    Show.language,
    Show.starts_at,
    Show.duration_minutes,
    Show.price,
    Show.capacity,
    Venue.name.label("venue_name"),
    Venue.location.label("venue_location"),
    Venue.rows,
    Venue.seats_per_row,
    Venue.layout,
)


def read_show(session: Session, show_id: int) -> Row[Any]:
    """The show with its venue's layout (not locked); 404 if unknown.

    On PostgreSQL the same round trip also sets the transaction's lock timeout (pretix: 3 s),
    so that a stuck transaction cannot pile every web thread up behind the show lock.
    """
    columns: tuple[Any, ...] = SHOW_COLUMNS
    if not is_sqlite(session) and not debug_race().disable_lock:
        columns += (func.set_config("lock_timeout", LOCK_TIMEOUT, True).label("timeout"),)
    query = select(*columns).join(Venue, Venue.id == Show.venue_id).where(Show.id == show_id)
    row = session.execute(query).first()
    if row is None:
        raise NotFound("Show")
    return row


def lock_show(
    session: Session, show_id: int, booked_delta: int = 0, timeout_set: bool = False
) -> bool:
    """Take the show's lock: the one lock every seat change of this show queues on.

    Called as late as possible (rows that only reference the show, such as the new booking
    and its outbox mail, are written before it) but before the availability check, so the
    lock is held only for the check, the claim rows and the commit.

    PostgreSQL: a row lock of ``FOR NO KEY UPDATE`` strength on the show, which, unlike
    ``FOR UPDATE``, does not conflict with the key-share locks that inserting a booking or
    hold (foreign keys to the show) takes, so writing those first cannot deadlock. With
    ``booked_delta`` the lock is taken by ``UPDATE shows SET seats_booked = seats_booked +
    delta`` itself (same lock strength, one round trip less; the CHECK constraint refuses
    overselling the capacity on the spot). Returns whether the counter was moved.

    SQLite: ``BEGIN IMMEDIATE`` already holds the database write lock; this only moves the
    counter when asked. ``timeout_set``: ``read_show`` already set the lock timeout.
    """
    if debug_race().disable_lock:
        return False
    sqlite = is_sqlite(session)
    if not sqlite and not timeout_set:  # ``read_show`` sets it in passing
        session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    statement: Any
    if booked_delta:
        statement = (
            update(Show)
            .where(Show.id == show_id)
            .values(seats_booked=Show.seats_booked + booked_delta)
            .returning(Show.id)
        )
    elif not sqlite:
        # key_share=True without read=True is SQLAlchemy's spelling of FOR NO KEY UPDATE.
        statement = select(Show.id).where(Show.id == show_id).with_for_update(key_share=True)
    else:
        return False
    if session.execute(statement).first() is None:
        raise NotFound("Show")
    return bool(booked_delta)


def count_booked(session: Session, show_id: int, delta: int) -> None:
    """Move the show's booked-seat counter (when ``lock_show`` did not already)."""
    session.execute(
        update(Show).where(Show.id == show_id).values(seats_booked=Show.seats_booked + delta)
    )


# ---- transactions with retries ----------------------------------------------------------


def _sqlstate(error: BaseException) -> str | None:
    return getattr(getattr(error, "orig", None), "sqlstate", None)


def _is_transient(error: OperationalError) -> bool:
    if _sqlstate(error) in RETRYABLE_SQLSTATES:
        return True
    message = str(getattr(error, "orig", error)).lower()
    return "database is locked" in message or "database is busy" in message


def _is_code_collision(error: IntegrityError) -> bool:
    orig = getattr(error, "orig", None)
    diag = getattr(orig, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    return constraint == CODE_CONSTRAINT or "bookings.code" in str(orig)


def _backoff(attempt: int) -> None:
    time.sleep(min(0.2, 0.005 * 2**attempt) * (0.5 + random.random()))


def run_locked(work: Callable[[Session], T], on_conflict: Callable[[], ApiError]) -> T:
    """Run ``work`` in a short write transaction; commit, or retry transient failures.

    ``on_conflict`` builds the error for a violated seat constraint (it runs after the
    rollback, so it may read what is taken now). Booking codes that collide are simply
    drawn again.
    """
    lock = not debug_race().disable_lock
    for attempt in range(ATTEMPTS):
        try:
            # On SQLite, BEGIN IMMEDIATE takes the write lock before the availability check;
            # only the disabled-lock control run uses a deferred BEGIN.
            with write_transaction(immediate=lock) as session:
                return work(session)
        except IntegrityError as error:
            if _is_code_collision(error) and attempt < ATTEMPTS - 1:
                continue
            raise on_conflict() from None
        except OperationalError as error:
            if not _is_transient(error):
                raise
            if attempt == ATTEMPTS - 1:
                current_app.logger.warning("Seat change gave up after %d tries: %s", attempt, error)
                break
            _backoff(attempt)
    raise ApiError(
        503,
        "busy",
        "Many people are booking this show right now; please try again in a moment.",
    )
