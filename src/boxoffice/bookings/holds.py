"""Seat claims and holds: keeping seats for a person for a few minutes while they confirm.

A claim is one row of ``seat_claims`` per held or booked seat. A held claim carries the
hold's expiry; once that time has passed the claim no longer counts (the seat map shows the
seat free and the next hold or booking of that seat deletes it inside its locked
transaction), so no job has to run before expired seats can be sold again. The periodic
``purge_expired_holds`` task only tidies up.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Row, and_, delete, insert, or_, select
from sqlalchemy.orm import Session

from ..catalog.layout import Seat
from ..database import write_transaction
from ..db_types import utcnow
from ..errors import ApiError, Conflict, NotFound
from ..extensions import db
from . import events
from .locking import lock_show, race_pause, read_show, run_locked
from .models import Hold, SeatClaim
from .seatmap import BOOKED, FREE, HELD, check_labels, seats_by_label


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


def make_room(
    session: Session,
    show_id: int,
    user_id: int,
    labels: Sequence[str],
    now: datetime,
    keep_hold: str | None = None,
) -> list[str]:
    """Under the show lock: free what may be reused, then check availability.

    One statement deletes the caller's own held claims on this show (a new hold or booking
    replaces their hold) and expired claims of others on the requested seats. Returns the
    caller's previously held seats that the new request gives up. Raises ``seat_taken``
    naming every requested seat that someone else holds or anyone has booked.
    """
    deleted = session.execute(
        delete(SeatClaim)
        .where(
            SeatClaim.show_id == show_id,
            SeatClaim.booking_id.is_(None),
            or_(
                SeatClaim.user_id == user_id,
                and_(SeatClaim.seat.in_(labels), SeatClaim.expires_at <= now),
            ),
        )
        .returning(SeatClaim.seat, SeatClaim.user_id)
    ).all()
    own = [seat for seat, owner in deleted if owner == user_id]
    if own:
        old = delete(Hold).where(Hold.show_id == show_id, Hold.user_id == user_id)
        if keep_hold is not None:
            old = old.where(Hold.id != keep_hold)
        session.execute(old)
    taken = session.scalars(
        select(SeatClaim.seat).where(SeatClaim.show_id == show_id, SeatClaim.seat.in_(labels))
    ).all()
    if taken:
        raise seat_taken(taken)
    race_pause()
    return [seat for seat in own if seat not in labels]


def insert_claims(
    session: Session,
    show: Row[Any],
    user_id: int,
    seats: Sequence[Seat],
    *,
    hold_id: str | None = None,
    expires_at: datetime | None = None,
    booking_id: int | None = None,
) -> None:
    session.execute(
        insert(SeatClaim),
        [
            {
                "show_id": show.id,
                "seat": seat.label,
                "user_id": user_id,
                "hold_id": hold_id,
                "booking_id": booking_id,
                "expires_at": expires_at,
                "price": show.price + seat.surcharge,
            }
            for seat in seats
        ],
    )


def seat_taken(seats: Sequence[str]) -> Conflict:
    names = sorted(set(seats))
    noun = "Seat" if len(names) == 1 else "Seats"
    verb = "is" if len(names) == 1 else "are"
    return Conflict(
        "seat_taken", f"{noun} {', '.join(names)} {verb} no longer available.", {"seats": names}
    )


def taken_now(show_id: int, user_id: int, labels: Sequence[str]) -> Conflict:
    """After a constraint violation: which of these seats someone else has now."""
    now = utcnow()
    rows = db.session.execute(
        select(SeatClaim.seat, SeatClaim.user_id, SeatClaim.booking_id, SeatClaim.expires_at).where(
            SeatClaim.show_id == show_id, SeatClaim.seat.in_(list(labels))
        )
    ).all()
    taken = [
        row.seat
        for row in rows
        if row.booking_id is not None
        or (row.user_id != user_id and row.expires_at is not None and row.expires_at > now)
    ]
    return seat_taken(taken or list(labels))


# ---- holds ------------------------------------------------------------------------------


def hold_seats(user_id: int, show_id: int, labels: list[str]) -> dict[str, Any]:
    """Hold 1-10 seats for the caller, all or nothing; replaces their previous hold here."""
    minutes = current_app.config["BOXOFFICE"].hold_minutes

    def work(session: Session) -> dict[str, Any]:
        now = utcnow()
        show = read_show(session, show_id)
        check_open(show, now)
        seats = seats_for(show, labels)
        expires_at = now + timedelta(minutes=minutes)
        hold = Hold(
            id=str(uuid.uuid4()),
            show_id=show_id,
            user_id=user_id,
            expires_at=expires_at,
            created_at=now,
        )
        session.add(hold)
        session.flush()
        lock_show(session, show_id, timeout_set=True)
        freed = make_room(session, show_id, user_id, labels, now, keep_hold=hold.id)
        insert_claims(session, show, user_id, seats, hold_id=hold.id, expires_at=expires_at)
        events.publish_after_commit(
            show_id, [(s, FREE) for s in freed] + [(s.label, HELD) for s in seats]
        )
        return {
            "hold_id": hold.id,
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
        lock_show(session, show_id)
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
