"""Booking rules: book (from a hold or seats given directly), read, cancel.

Every seat change runs in one short locked transaction (see ``locking``); the booking, its
claims, the show's ``seats_booked`` counter, the outbox row for the confirmation mail and the
live seat event are committed together or not at all.
"""

from __future__ import annotations

import secrets
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import notifications
from ..auth.models import User
from ..db_types import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from . import events
from .cancellation import CANCELLED, CONFIRMED, release_booking
from .holds import check_open, insert_claims, make_room, price_of, seats_for, taken_now
from .locking import count_booked, lock_show, race_pause, read_show, run_locked
from .models import Booking, Hold, SeatClaim
from .seatmap import BOOKED, FREE

# Booking codes: 8 characters from 32 that cannot be mistaken for each other when read
# aloud or off a phone screen (no 0/O, 1/I); 32^8 is about 10^12 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _cutoff() -> timedelta:
    return timedelta(minutes=current_app.config["BOXOFFICE"].cancel_cutoff_minutes)


def can_cancel(booking: Booking, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return booking.status == CONFIRMED and now < booking.show_starts_at - _cutoff()


def booking_view(booking: Booking, now: datetime | None = None) -> dict[str, Any]:
    """The booking as the API returns it (datetimes are formatted by the schema)."""
    return {
        "booking_id": booking.id,
        "code": booking.code,
        "show_id": booking.show_id,
        "show": {
            "show_id": booking.show_id,
            "title": booking.show_title,
            "starts_at": booking.show_starts_at,
            "venue": {"name": booking.venue_name, "location": booking.venue_location},
        },
        "seats": list(booking.seats),
        "total": booking.total,
        "status": booking.status,
        "booked_at": booking.booked_at,
        "cancelled_at": booking.cancelled_at,
        "can_cancel": can_cancel(booking, now),
        "qr_url": f"/api/booking/qr?booking_id={booking.id}",
        "ics_url": f"/api/booking/ics?booking_id={booking.id}",
    }


# ---- booking ----------------------------------------------------------------------------


def book(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Book the seats of the caller's hold, or the given seats of a show, all or nothing."""
    if "hold_id" in data:
        return _book_hold(user, data["hold_id"])
    return _book_seats(user, data["show_id"], data["seats"])


def _new_booking(user: User, show: Any, labels: list[str], total: Any, now: datetime) -> Booking:
    booking = Booking(
        code=new_code(),
        user=user,
        show_id=show.id,
        show_title=show.title,
        show_starts_at=show.starts_at,
        show_language=show.language,
        venue_name=show.venue_name,
        venue_location=show.venue_location,
        seats=labels,
        total=total,
        status=CONFIRMED,
        booked_at=now,
    )
    db.session.add(booking)
    db.session.flush()
    return booking


def _finish(
    session: Session, show_id: int, booking: Booking, freed: list[str], counted: bool, now: datetime
) -> dict[str, Any]:
    if not counted:
        count_booked(session, show_id, len(booking.seats))
    events.publish_after_commit(
        show_id,
        [(seat, FREE) for seat in freed] + [(seat, BOOKED) for seat in booking.seats],
    )
    return booking_view(booking, now)


def _book_seats(user: User, show_id: int, labels: list[str]) -> dict[str, Any]:
    def work(session: Session) -> dict[str, Any]:
        now = utcnow()
        show = read_show(session, show_id)
        check_open(show, now)
        seats = seats_for(show, labels)
        # The booking and its outbox mail only reference the show: written before the lock.
        booking = _new_booking(user, show, labels, price_of(show, seats), now)
        notifications.booking_confirmed(booking.id)
        counted = lock_show(session, show_id, booked_delta=len(labels), timeout_set=True)
        freed = make_room(session, show_id, user.id, labels, now)
        insert_claims(session, show, user.id, seats, booking_id=booking.id)
        return _finish(session, show_id, booking, freed, counted, now)

    return run_locked(work, lambda: taken_now(show_id, user.id, labels))


def _book_hold(user: User, hold_id: str) -> dict[str, Any]:
    hold = db.session.get(Hold, hold_id)
    if hold is None or hold.user_id != user.id:
        raise NotFound("Hold")
    show_id = hold.show_id

    def work(session: Session) -> dict[str, Any]:
        now = utcnow()
        held = session.execute(
            select(Hold.expires_at).where(Hold.id == hold_id, Hold.user_id == user.id)
        ).first()
        if held is None:
            raise NotFound("Hold")  # released or replaced meanwhile
        show = read_show(session, show_id)
        check_open(show, now)
        if held.expires_at <= now:
            raise _hold_expired()
        labels = list(
            session.scalars(
                select(SeatClaim.seat).where(SeatClaim.hold_id == hold_id).order_by(SeatClaim.id)
            )
        )
        if not labels:
            raise _hold_expired()
        seats = seats_for(show, labels)
        booking = _new_booking(user, show, labels, price_of(show, seats), now)
        notifications.booking_confirmed(booking.id)
        counted = lock_show(session, show_id, booked_delta=len(labels), timeout_set=True)
        race_pause()
        # Turn the held claims into booked ones. The row count re-checks that every claim
        # is still there (a purge or a contender may have removed an expired hold's seats).
        converted = session.execute(
            update(SeatClaim)
            .where(SeatClaim.hold_id == hold_id, SeatClaim.booking_id.is_(None))
            .values(booking_id=booking.id, hold_id=None, expires_at=None)
        )
        if converted.rowcount != len(labels):  # type: ignore[attr-defined]
            raise _hold_expired()
        session.execute(Hold.__table__.delete().where(Hold.id == hold_id))
        return _finish(session, show_id, booking, [], counted, now)

    return run_locked(work, lambda: taken_now(show_id, user.id, []))


def _hold_expired() -> Conflict:
    return Conflict("hold_expired", "Your hold has expired; please choose your seats again.", {})


# ---- reading ----------------------------------------------------------------------------


def get_booking(user_id: int, booking_id: int) -> Booking:
    """One booking of the caller; anyone else's is "not found", admins included."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.user_id != user_id:
        raise NotFound("Booking")
    return booking


def list_bookings(user_id: int, limit: int, offset: int) -> dict[str, Any]:
    """The caller's bookings, newest first, one page at a time."""
    query = (
        select(Booking)
        .where(Booking.user_id == user_id)
        .order_by(Booking.booked_at.desc(), Booking.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total = db.session.scalar(select(func.count(Booking.id)).where(Booking.user_id == user_id))
    now = utcnow()
    return {
        "bookings": [booking_view(b, now) for b in db.session.scalars(query)],
        "limit": limit,
        "offset": offset,
        "total": total or 0,
    }


# ---- cancelling -------------------------------------------------------------------------


def cancel_booking(user_id: int, booking_id: int) -> dict[str, Any]:
    """Cancel the whole booking and free its seats at once, until the cutoff before showtime."""
    show_id = get_booking(user_id, booking_id).show_id  # 404 before taking any lock

    def work(session: Session) -> dict[str, Any]:
        now = utcnow()
        # Show first, then the booking row: the same order as every other seat change, so
        # two cancellations or a cancellation and a booking can never deadlock.
        if show_id is not None:
            with suppress(NotFound):  # a deleted show cancelled its bookings already
                lock_show(session, show_id)
        locked = select(Booking).where(Booking.id == booking_id).with_for_update()
        booking = session.scalars(locked.execution_options(populate_existing=True)).one()
        if booking.status == CANCELLED:
            raise Conflict("already_cancelled", "This booking is already cancelled.")
        if not can_cancel(booking, now):
            cutoff = current_app.config["BOXOFFICE"].cancel_cutoff_minutes
            raise Conflict(
                "cancel_too_late",
                f"Bookings can be cancelled until {cutoff} minutes before the show.",
                {"cutoff_minutes": cutoff},
            )
        release_booking(booking, reason="by_customer")
        notifications.booking_cancelled(booking.id)
        if booking.show_id is not None:
            events.publish_after_commit(booking.show_id, [(s, FREE) for s in booking.seats])
        return booking_view(booking, now)

    return run_locked(work, lambda: Conflict("conflict", "Please try again."))
