"""Seat claims and holds: keeping seats for a person for a few minutes while they confirm.

A claim is one row of ``seat_claims`` per held or booked seat. A held claim carries the
hold's expiry; once that time has passed the claim no longer counts (the seat map shows the
seat free and the next hold or booking of that seat deletes it inside its transaction), so
no job has to run before expired seats can be sold again. The periodic
``purge_expired_holds`` task only tidies up.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Row, and_, bindparam, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..catalog.layout import Seat
from ..database import write_transaction
from ..db_types import utcnow
from ..errors import ApiError, Conflict, NotFound
from ..extensions import db
from . import events
from .locking import debug_race, race_pause, read_show, run_locked, show_queries
from .models import Hold, SeatClaim
from .seatmap import BOOKED, FREE, HELD, check_labels, seats_by_label

# The claims table and its Core columns, for the hot statements (see ``locking``).
CLAIMS_TABLE = SeatClaim.__table__
CLAIMS = CLAIMS_TABLE.c
INSERT_HOLD = Hold.__table__.insert()


def check_open(show: Row[Any], now: datetime) -> None:
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


def _reusable(show_id: Any, user_id: Any, labels: Any, now: Any) -> Any:
    """Held claims a new hold or booking by ``user_id`` may delete: the caller's own on this
    show (a new hold or booking replaces their hold) and expired ones on ``labels``."""
    return and_(
        CLAIMS.show_id == show_id,
        CLAIMS.booking_id.is_(None),
        or_(CLAIMS.user_id == user_id, and_(CLAIMS.seat.in_(labels), CLAIMS.expires_at <= now)),
    )


# ``_taken`` and ``_reusable`` once more, in Python, for a batch of callers at once (see
# ``batch_booking``): the database says what each claim is, the caller-relative part of the
# rule runs here. tests/bookings/test_claim_rules.py checks that both versions agree.
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
    session: Session, show_id: int, labels: set[str], user_ids: set[int], now: datetime
) -> Sequence[Any]:
    """The claims on ``labels`` and the held claims of ``user_ids``, with their state."""
    params = {"show_id": show_id, "labels": sorted(labels), "users": sorted(user_ids), "now": now}
    return session.execute(CLAIM_STATES, params).all()


def is_taken_from(claim: Any, user_id: int) -> bool:
    """``_taken`` for one row of ``claims_among``: booked, or held by someone else."""
    return bool(claim.booked) or (claim.user_id != user_id and bool(claim.live))


def is_reusable_by(claim: Any, user_id: int, labels: Sequence[str]) -> bool:
    """``_reusable`` for one row of ``claims_among``: the caller's own held seats, and
    expired holds on ``labels``."""
    if claim.booked:
        return False
    return claim.user_id == user_id or (claim.seat in labels and not claim.live)


def _claim_read_columns() -> tuple[Any, Any]:
    show_id: Any = bindparam("show_id")
    user_id: Any = bindparam("user_id")
    now: Any = bindparam("now")
    labels: Any = bindparam("labels", expanding=True)
    taken = select(func.aggregate_strings(CLAIMS.seat, ",")).where(
        _taken(show_id, user_id, labels, now)
    )
    reusable = select(func.count()).where(_reusable(show_id, user_id, labels, now))
    return taken.scalar_subquery().label("taken"), reusable.scalar_subquery().label("reusable")


CLAIM_READ = show_queries(*_claim_read_columns())


def read_show_for_claim(
    session: Session, show_id: int, user_id: int, labels: Sequence[str], now: datetime
) -> Row[Any]:
    """``read_show``, and in the same round trip what ``claim_seats`` needs to know.

    ``taken``: which of ``labels`` someone else holds or anyone has booked. Most refusals
    of a popular show are seats committed to someone else a moment ago; they are answered
    from this read, before anything is written (claims still in flight are caught by the
    insert in ``claim_seats``). ``reusable``: how many claims ``claim_seats`` should clear
    before inserting (the caller's own held seats here, expired holds on ``labels``).
    """
    show = read_show(session, show_id, CLAIM_READ, user_id=user_id, labels=list(labels), now=now)
    check_open(show, now)
    if show.taken and not debug_race().disable_lock:
        seats_for(show, labels)  # unknown labels are a 422 before anything else
        raise seat_taken(show.taken.split(","))
    return show


def claim_seats(
    session: Session,
    show: Row[Any],
    user_id: int,
    seats: Sequence[Seat],
    now: datetime,
    *,
    hold_id: str | None = None,
    expires_at: datetime | None = None,
    booking_id: int | None = None,
) -> list[str]:
    """Claim the seats for a hold or a booking, all or nothing; see ``locking`` for why.

    ``show`` comes from ``read_show_for_claim``. The claims are inserted skipping seats the
    unique constraint says are taken; what may be reused (``_reusable``) is deleted first
    when that read found any, or else after the insert if it skipped seats (a hold may have
    expired, or the caller's own request of a moment ago committed, since the read), and
    the skipped seats are tried once more. Raises ``seat_taken`` naming every requested
    seat that someone else holds or anyone has booked; otherwise returns the caller's
    previously held seats that this request gives up.
    """
    labels = [seat.label for seat in seats]
    own = _clear_reusable(session, show.id, user_id, labels, now, hold_id) if show.reusable else []
    rows = [
        {
            "show_id": show.id,
            "seat": seat.label,
            "user_id": user_id,
            "hold_id": hold_id,
            "booking_id": booking_id,
            "expires_at": expires_at,
            "price": show.price + seat.surcharge,
        }
        # One order for everyone (row, then number): two transactions waiting on each
        # other's seats cannot deadlock.
        for seat in sorted(seats, key=lambda seat: (seat.row, seat.number))
    ]
    claimed = set(session.scalars(insert_skipping_taken(session), rows))
    if len(claimed) != len(labels) and not show.reusable:
        own = _clear_reusable(session, show.id, user_id, labels, now, hold_id)
        rest = [row for row in rows if row["seat"] not in claimed]
        claimed.update(session.scalars(insert_skipping_taken(session), rest))
    if len(claimed) != len(labels):
        raise seat_taken([label for label in labels if label not in claimed])
    race_pause()
    return [seat for seat in own if seat not in labels]


def _clear_reusable(
    session: Session,
    show_id: int,
    user_id: int,
    labels: Sequence[str],
    now: datetime,
    hold_id: str | None,
) -> list[str]:
    """Delete the ``_reusable`` claims (never those of the hold being made); returns the
    caller's own seats among them, and drops the caller's other holds on the show."""
    reusable = _reusable(show_id, user_id, labels, now)
    if hold_id is not None:
        reusable = and_(reusable, CLAIMS.hold_id != hold_id)
    deleted = session.execute(
        CLAIMS_TABLE.delete().where(reusable).returning(CLAIMS.seat, CLAIMS.user_id)
    ).all()
    own = [seat for seat, owner in deleted if owner == user_id]
    if own:
        holds = Hold.__table__
        old = holds.delete().where(holds.c.show_id == show_id, holds.c.user_id == user_id)
        if hold_id is not None:
            old = old.where(holds.c.id != hold_id)
        session.execute(old)
    return own


def insert_skipping_taken(session: Session) -> Any:
    """``INSERT INTO seat_claims ... ON CONFLICT DO NOTHING RETURNING seat`` for this database.

    With the test-only ``BOXOFFICE_DEBUG_DISABLE_LOCK`` a plain INSERT: a taken seat then
    fails on the unique constraint alone (and becomes the 409 in ``run_locked``).
    """
    if debug_race().disable_lock:
        return _PLAIN_CLAIM_INSERT
    return _CLAIM_INSERTS[session.get_bind().dialect.name]


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


def hold_seats(user_id: int, show_id: int, labels: list[str]) -> dict[str, Any]:
    """Hold 1-10 seats for the caller, all or nothing; replaces their previous hold here."""
    minutes = current_app.config["BOXOFFICE"].hold_minutes

    def work(session: Session) -> dict[str, Any]:
        now = utcnow()
        show = read_show_for_claim(session, show_id, user_id, labels, now)
        seats = seats_for(show, labels)
        expires_at = now + timedelta(minutes=minutes)
        hold_id = str(uuid.uuid4())
        session.execute(
            INSERT_HOLD,
            {
                "id": hold_id,
                "show_id": show_id,
                "user_id": user_id,
                "expires_at": expires_at,
                "created_at": now,
            },
        )
        freed = claim_seats(
            session, show, user_id, seats, now, hold_id=hold_id, expires_at=expires_at
        )
        events.publish_after_commit(
            show_id, [(s, FREE) for s in freed] + [(s.label, HELD) for s in seats]
        )
        return {
            "hold_id": hold_id,
            "expires_at": expires_at,
            "seats": [seat.label for seat in seats],
            "total": price_of(show, seats),
        }

    return run_locked(work, lambda: taken_now(show_id, user_id, labels))


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
    """Delete holds (and their unbooked claims) that have expired; returns how many holds.

    Safe to run at any time and any number of times: expired claims already count as free,
    and a booking that converts a hold re-checks the rows it updates, so it either wins (its
    claims are no longer "held") or sees the hold gone and answers ``hold_expired``.
    """
    now = utcnow()
    with write_transaction() as session:
        freed = session.execute(
            delete(SeatClaim)
            .where(SeatClaim.booking_id.is_(None), SeatClaim.expires_at <= now)
            .returning(SeatClaim.show_id, SeatClaim.seat)
        ).all()
        holds = session.execute(delete(Hold).where(Hold.expires_at <= now))
        by_show: dict[int, list[tuple[str, str]]] = {}
        for show_id, seat in freed:
            by_show.setdefault(show_id, []).append((seat, FREE))
        for show_id, changes in by_show.items():
            events.publish_after_commit(show_id, changes)
    return int(getattr(holds, "rowcount", 0) or 0)


__all__ = ["BOOKED", "check_open", "hold_seats", "purge_expired_holds", "release_hold"]
