"""Seat claims and holds: keeping seats for a person for a few minutes while they confirm.

A claim is one row of ``seat_claims`` per held or booked seat. A held claim carries the
hold's expiry; once that time has passed the claim no longer counts (the seat map shows the
seat free and the next hold or booking of that seat deletes it inside its transaction), so
no job has to run before expired seats can be sold again. The periodic
``purge_expired_holds`` task only tidies up.

This module has the rules and statements of claims; ``seat_orders`` places holds and
bookings with them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, Protocol

from sqlalchemy import Connection, Row, and_, bindparam, delete, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..auth.models import User
from ..catalog.layout import Seat
from ..database import write_transaction
from ..db_types import utcnow
from ..errors import ApiError, Conflict, NotFound
from ..extensions import db
from . import events
from .locking import debug_race, run_locked
from .models import Hold, SeatClaim
from .seatmap import BOOKED, FREE, check_labels, seats_by_label

# The claims table and its Core columns, for the hot statements (see ``locking``).
CLAIMS_TABLE = SeatClaim.__table__
CLAIMS = CLAIMS_TABLE.c


class Scheduled(Protocol):
    @property
    def starts_at(self) -> datetime: ...


def check_open(show: Scheduled, now: datetime) -> None:
    """422 ``show_started`` once the show has begun: its seats are no longer on offer."""
    if show.starts_at <= now:
        raise ApiError(
            422,
            "show_started",
            "This show has already started; its seats can no longer be booked.",
            {"show_id": ["The show has already started."]},
        )


def seats_for(show: Row[Any], labels: Sequence[str]) -> list[Seat]:
    return check_labels(list(labels), seats_by_label(show.rows, show.seats_per_row, show.layout))


def price_of(show: Row[Any], seats: Sequence[Seat]) -> Decimal:
    """The total, from the show price and each seat's row surcharge; never from the client."""
    return sum((show.price + seat.surcharge for seat in seats), Decimal("0.00"))


def _taken(show_id: Any, user_id: Any, labels: Any, now: Any) -> Any:
    """Claims that keep ``labels`` from ``user_id``: booked by anyone, or held by someone
    else and not yet expired."""
    return and_(
        CLAIMS.show_id == show_id,
        CLAIMS.seat.in_(labels),
        or_(
            CLAIMS.booking_id.is_not(None),
            and_(CLAIMS.user_id != user_id, CLAIMS.expires_at > now),
        ),
    )


# The claims that matter to a batch of orders, with what each one is; which of them keep a
# seat from whom is decided in Python (``is_taken_from``, ``is_reusable_by``), because a
# batch asks for many people at once. tests/bookings/test_seat_orders.py checks that
# ``is_taken_from`` agrees with ``_taken``, which names the seats of a late 409.
CLAIM_STATES = select(
    CLAIMS.id,
    CLAIMS.seat,
    CLAIMS.user_id,
    CLAIMS.booking_id.is_not(None).label("booked"),
    (CLAIMS.expires_at > bindparam("now")).label("live"),
).where(
    CLAIMS.show_id == bindparam("show_id"),
    or_(
        CLAIMS.seat.in_(bindparam("labels", expanding=True)),
        and_(CLAIMS.user_id.in_(bindparam("users", expanding=True)), CLAIMS.booking_id.is_(None)),
    ),
)


def claims_among(
    connection: Connection, show_id: int, labels: set[str], user_ids: set[int], now: datetime
) -> Sequence[Any]:
    """The claims on ``labels`` and the held claims of ``user_ids``, with their state."""
    params = {"show_id": show_id, "labels": sorted(labels), "users": sorted(user_ids), "now": now}
    return connection.execute(CLAIM_STATES, params).all()


def is_taken_from(claim: Any, user_id: int) -> bool:
    """``_taken`` for one row of ``claims_among``: booked, or held by someone else and
    not expired."""
    return bool(claim.booked) or (claim.user_id != user_id and bool(claim.live))


def is_reusable_by(claim: Any, user_id: int, labels: Sequence[str]) -> bool:
    """Whether a new hold or booking of ``labels`` by ``user_id`` clears this claim: the
    caller's own held seats on the show (their hold is replaced), and expired holds on
    ``labels``."""
    if claim.booked:
        return False
    return claim.user_id == user_id or (claim.seat in labels and not claim.live)


def insert_skipping_taken(connection: Connection) -> Any:
    """``INSERT INTO seat_claims ... ON CONFLICT DO NOTHING RETURNING seat`` for this database.

    With the test-only ``BOXOFFICE_DEBUG_DISABLE_LOCK`` a plain INSERT: a taken seat then
    fails on the unique constraint alone (and becomes the 409 in ``run_locked``).
    """
    if debug_race().disable_lock:
        return _PLAIN_CLAIM_INSERT
    return _CLAIM_INSERTS[connection.dialect.name]


_PLAIN_CLAIM_INSERT = CLAIMS_TABLE.insert().returning(CLAIMS.seat)
_CLAIM_INSERTS = {
    name: dialect.insert(CLAIMS_TABLE).on_conflict_do_nothing().returning(CLAIMS.seat)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


def seat_taken(seats: Sequence[str]) -> Conflict:
    names = sorted(set(seats))
    noun = "Seat" if len(names) == 1 else "Seats"
    verb = "is" if len(names) == 1 else "are"
    return Conflict(
        "seat_taken", f"{noun} {', '.join(names)} {verb} no longer available.", {"seats": names}
    )


def taken_now(show_id: int, user_id: int, labels: Sequence[str]) -> Conflict:
    """Which of these seats someone else has now (named in the 409 ``seat_taken``)."""
    where = _taken(show_id, user_id, list(labels), utcnow())
    taken = db.session.scalars(select(CLAIMS.seat).where(where)).all()
    return seat_taken(taken or list(labels))


# ---- holds ------------------------------------------------------------------------------

# Shows one person may hold seats of at once: enough to compare a few showtimes side by
# side, too few for one account to keep the seats of a whole programme from everybody by
# holding and renewing (a hold lasts minutes, and can be renewed for as long as one likes).
MAX_HELD_SHOWS = 5
_HOLDS = Hold.__table__.c
HELD_ELSEWHERE = (
    select(_HOLDS.user_id, _HOLDS.show_id, _HOLDS.expires_at)
    .where(
        _HOLDS.user_id.in_(bindparam("users", expanding=True)),
        _HOLDS.show_id != bindparam("show_id"),
        _HOLDS.expires_at > bindparam("now"),
    )
    .order_by(_HOLDS.expires_at)
)
_USERS = User.__table__.c
# Holds of one person on two shows run in two transactions (one per show) that cannot see
# each other's new hold: each takes the person's row first, so the second reads the first's
# hold. So do two holds of theirs on one show through two web processes: the lock comes
# before the claims are read (``seat_orders._place``), so the second replaces the first.
# NO KEY UPDATE: it does not stop the foreign keys of new holds and bookings.
LOCK_PEOPLE = (
    select(_USERS.id)
    .where(_USERS.id.in_(bindparam("users", expanding=True)))
    .order_by(_USERS.id)  # always in one order, so that two batches cannot deadlock
    .with_for_update(key_share=True)
)


def over_hold_limit(
    connection: Connection, show_id: int, people: set[int], now: datetime
) -> dict[int, Callable[[], ApiError]]:
    """For each of ``people`` who holds seats of ``MAX_HELD_SHOWS`` other shows, the 409
    ``too_many_holds`` that refuses their new hold here.

    Read in the hold's transaction after locking the people's rows until it ends (on
    SQLite the write transaction already keeps every other writer out), so that holds the
    same person sends to two shows at the same moment are counted one after the other.
    Called before the claims are read, which the lock then also keeps in step (see
    ``LOCK_PEOPLE``)."""
    held: dict[int, list[Any]] = {}
    params = {"users": sorted(people), "show_id": show_id, "now": now}
    if connection.dialect.name != "sqlite":
        connection.execute(LOCK_PEOPLE, {"users": params["users"]})
    for row in connection.execute(HELD_ELSEWHERE, params):
        held.setdefault(row.user_id, []).append(row)
    return {
        person: partial(_too_many_holds, rows, now)
        for person, rows in held.items()
        if len(rows) >= MAX_HELD_SHOWS
    }


def _too_many_holds(held: list[Any], now: datetime) -> ApiError:
    minutes = max(1, math.ceil((held[0].expires_at - now).total_seconds() / 60))
    return Conflict(
        "too_many_holds",
        f"You are holding seats for {len(held)} other shows. Book or leave one of them"
        f" first; the first of those holds ends by itself in {minutes} min.",
        {"show_ids": sorted(row.show_id for row in held)},
    )


# A hold that is replaced (by its person's next hold or booking on the show) or booked ends
# at once: its claims go, and its row is marked ended (expired now). The row itself stays
# until ``purge_expired_holds`` finds it ended this long ago, so that booking it again, from
# another tab or after a newer hold replaced it, answers 409 ``hold_expired``: its owner
# learns it is gone, while an id that was never theirs stays a 404.
ENDED_HOLDS_KEPT = timedelta(hours=1)
END_HOLDS = (
    Hold.__table__.update()
    .where(_HOLDS.id.in_(bindparam("hold_ids", expanding=True)))
    .values(expires_at=bindparam("ended_at"))
)


def end_holds(connection: Connection, hold_ids: Collection[str], now: datetime) -> None:
    """Mark these holds ended (their claims are gone or booked): they no longer count."""
    if hold_ids:
        connection.execute(END_HOLDS, {"hold_ids": sorted(hold_ids), "ended_at": now})


def release_hold(user_id: int, hold_id: str) -> list[str]:
    """Give the seats of one's own hold back; 404 for anyone else's or an unknown hold."""
    hold = db.session.get(Hold, hold_id)
    if hold is None or hold.user_id != user_id:
        raise NotFound("Hold")
    show_id = hold.show_id

    def work(session: Session) -> list[str]:
        freed = session.scalars(
            delete(SeatClaim)
            .where(SeatClaim.hold_id == hold_id, SeatClaim.booking_id.is_(None))
            .returning(SeatClaim.seat)
        ).all()
        session.execute(delete(Hold).where(Hold.id == hold_id))
        events.publish_after_commit(show_id, [(seat, FREE) for seat in freed])
        return sorted(freed)

    return run_locked(work, lambda: Conflict("conflict", "Please try again."))


def purge_expired_holds() -> int:
    """Delete the claims of expired holds, and the rows of holds that ended
    ``ENDED_HOLDS_KEPT`` ago; returns how many holds had their seats freed.

    Safe to run at any time and any number of times: expired claims already count as free,
    and a booking that converts a hold re-checks the rows it updates, so it either wins (its
    claims are no longer "held") or sees the hold gone and answers ``hold_expired``.
    """
    now = utcnow()
    with write_transaction() as session:
        freed = session.execute(
            delete(SeatClaim)
            .where(SeatClaim.booking_id.is_(None), SeatClaim.expires_at <= now)
            .returning(SeatClaim.show_id, SeatClaim.seat, SeatClaim.hold_id)
        ).all()
        session.execute(delete(Hold).where(Hold.expires_at <= now - ENDED_HOLDS_KEPT))
        announce_freed((show_id, seat) for show_id, seat, _hold_id in freed)
    return len({hold_id for _show_id, _seat, hold_id in freed})


def announce_freed(claims: Iterable[tuple[int, str]]) -> None:
    """Tell the open seat maps of each show which of its seats the deleted claims (show id,
    seat) freed, once the transaction commits: one event per show."""
    by_show: dict[int, list[tuple[str, str]]] = {}
    for show_id, seat in claims:
        by_show.setdefault(show_id, []).append((seat, FREE))
    for show_id, changes in sorted(by_show.items()):
        events.publish_after_commit(show_id, changes)


__all__ = ["BOOKED", "check_open", "purge_expired_holds", "release_hold"]
