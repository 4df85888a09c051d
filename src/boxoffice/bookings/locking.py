"""Short write transactions for seat changes, retried on transient database failures.

Every change to the seats of a show (hold, book, release, cancel) runs through ``run_locked``.
What keeps a seat from being sold twice is the database itself:

* The UNIQUE(show_id, seat) constraint of ``seat_claims``. Claims are inserted with
  ``ON CONFLICT DO NOTHING ... RETURNING seat``: the database decides atomically which
  seats this transaction got, a concurrent claim on the same seat waits for the other
  transaction to end (then loses if it committed), and every seat not returned is named in
  the 409. There is no "check, then insert" window in application code to get wrong.
* SQLite: ``BEGIN IMMEDIATE`` (``write_transaction``) also serialises whole transactions.
* PostgreSQL: the show's booked-seat counter is moved by ``count_booked`` as the *last*
  statement before the commit. That UPDATE takes the show's row lock (the CHECK constraint
  refuses a counter above capacity), so bookings of one show queue only for the counter and
  the commit, not for their whole transaction, and other shows proceed in parallel. A 3 s
  lock timeout keeps a stuck transaction from piling every web thread up behind it (the
  request then answers 503 ``busy``).

Two test-only switches follow pretix's concurrency tests: ``BOXOFFICE_DEBUG_RACE_DELAY_MS``
sleeps after the claims are inserted, keeping contenders waiting on them for longer;
``BOXOFFICE_DEBUG_DISABLE_LOCK`` switches the application's own defences off (a deferred
``BEGIN`` on SQLite, no early availability read, a plain INSERT of the claims), so that
only the unique constraint stands. Both are off by default and refused in production.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app
from sqlalchemy import Connection, Integer, Row, Select, String, bindparam, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..auth.guards import account_gone
from ..catalog.listing_cache import COUNTER_ONLY
from ..catalog.models import Show, Venue
from ..config import ConfigError, Settings
from ..database import write_transaction
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
    """Widen the race window on purpose (tests only): called right after the claims insert."""
    delay = debug_race().delay_ms
    if delay:
        time.sleep(delay / 1000)


# ---- the locked show --------------------------------------------------------------------

# The seat-change statements are written against the tables, not the mapped classes, and
# (but for the counter, see ``count_booked``) run on the session's Connection: they load no
# objects, and skip the ORM Session's per-statement work on the hottest path.
SHOWS, VENUES = Show.__table__.c, Venue.__table__.c
SHOW_COLUMNS = (
    SHOWS.id,
    SHOWS.venue_id,
    SHOWS.title,
    SHOWS.language,
    SHOWS.starts_at,
    SHOWS.duration_minutes,
    SHOWS.price,
    SHOWS.capacity,
    SHOWS.seating_version,
    VENUES.name.label("venue_name"),
    VENUES.location.label("venue_location"),
    VENUES.currency,
    VENUES.rows,
    VENUES.seats_per_row,
    VENUES.layout,
)


def _show_queries() -> dict[bool, Select[Any]]:
    """The show and its venue by ``:show_id``, built once.

    Keyed by whether the same round trip also sets the transaction's lock timeout to
    ``:lock_timeout`` (PostgreSQL; pretix uses 3 s), so that a stuck transaction cannot
    pile every web thread up behind the show's counter.
    """
    timeout = func.set_config("lock_timeout", bindparam("lock_timeout", type_=String), True)
    shows_and_venues = Show.__table__.join(Venue.__table__, VENUES.id == SHOWS.venue_id)
    queries = {}
    for sets_timeout in (False, True):
        columns = (*SHOW_COLUMNS, *((timeout.label("timeout"),) if sets_timeout else ()))
        query = select(*columns).select_from(shows_and_venues)
        queries[sets_timeout] = query.where(SHOWS.id == bindparam("show_id"))
    return queries


SHOW_QUERIES = _show_queries()
MOVE_COUNTER = (
    Show.__table__.update()
    .where(SHOWS.id == bindparam("target_show"))
    .values(seats_booked=SHOWS.seats_booked + bindparam("delta", type_=Integer))
    # Search results show free seats and must be refreshed; cached seat maps of other
    # shows stay valid (``catalog.listing_cache``).
    .execution_options(**{COUNTER_ONLY: True})
)
# For bookings, which copy the show's start, end and venue as they read them and check their
# seats against that venue's seating: the counter moves only if an admin has changed none of
# these since (see ``count_booked``). A new seating, or a move to another venue, counts up
# the seating version of the upcoming shows.
MOVE_COUNTER_AS_READ = MOVE_COUNTER.where(
    SHOWS.starts_at == bindparam("read_starts_at"),
    SHOWS.duration_minutes == bindparam("read_duration"),
    SHOWS.venue_id == bindparam("read_venue"),
    SHOWS.seating_version == bindparam("read_seating"),
)


class ShowChanged(Exception):
    """The show's start, length, venue or seating changed after this transaction read it
    (``count_booked``)."""


def read_show(connection: Connection, show_id: int) -> Row[Any]:
    """The show and its venue (not locked); 404 if unknown."""
    params: dict[str, Any] = {"show_id": show_id}
    sets_timeout = connection.dialect.name != "sqlite" and not debug_race().disable_lock
    if sets_timeout:
        params["lock_timeout"] = LOCK_TIMEOUT
    row = connection.execute(SHOW_QUERIES[sets_timeout], params).first()
    if row is None:
        raise NotFound("Show")
    return row


def count_booked(session: Session, show_id: int, delta: int, as_read: Any = None) -> None:
    """Move the show's booked-seat counter: the last statement before the commit.

    On PostgreSQL this takes the show's row lock, which is then held only for the commit.
    Unlike the other seat-change statements this one runs through the Session: writes to
    ``shows`` must pass its events, which refresh the cached search results
    (``catalog.listing_cache``).

    New bookings pass the show ``as_read`` (``read_show``): they copied its start, end and
    venue and checked their seats against its seating, and an admin who changed those
    meanwhile (on PostgreSQL the read takes no lock) has already brought the show's
    committed bookings in step, not these. The counter then does
    not move and ``ShowChanged`` has ``run_locked`` try again with the show as it now is.
    Once the counter has moved, the admin's change waits for this commit.
    """
    params: dict[str, Any] = {"target_show": show_id, "delta": delta}
    if as_read is None:
        moved = session.execute(MOVE_COUNTER, params)
    else:
        params |= {
            "read_starts_at": as_read.starts_at,
            "read_duration": as_read.duration_minutes,
            "read_venue": as_read.venue_id,
            "read_seating": as_read.seating_version,
        }
        moved = session.execute(MOVE_COUNTER_AS_READ, params)
    if moved.rowcount == 1:  # type: ignore[attr-defined]
        return
    if as_read is not None:
        raise ShowChanged  # or deleted: the next read answers 404 then
    raise NotFound("Show")


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


def _is_missing_person(error: IntegrityError) -> bool:
    """Whether a row named a person who does not exist: a signed token outlived its account
    (seat changes trust the token's user id and never read the person's row)."""
    orig = getattr(error, "orig", None)
    constraint = getattr(getattr(orig, "diag", None), "constraint_name", None) or ""
    # SQLite names no constraint. There the person's key is the only one a seat change can
    # miss: the show is read under the write lock the whole transaction holds.
    return constraint.endswith("_user_id_users") or "FOREIGN KEY constraint failed" in str(orig)


def _backoff(attempt: int) -> None:
    time.sleep(min(0.2, 0.005 * 2**attempt) * (0.5 + random.random()))


def run_locked(work: Callable[[Session], T], on_conflict: Callable[[], ApiError]) -> T:
    """Run ``work`` in a short write transaction; commit, or retry transient failures.

    ``on_conflict`` builds the error for a violated seat constraint (it runs after the
    rollback, so it may read what is taken now). Booking codes that collide are simply
    drawn again; a person who no longer exists gets 401.
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
            if _is_missing_person(error):
                raise account_gone() from None
            raise on_conflict() from None
        except ShowChanged:
            continue  # no back-off: nothing to wait for, the change has committed
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
