"""Booking rules: book (from a hold or seats given directly), read, cancel.

Every seat change runs in one short transaction (see ``locking``); the booking, its claims,
the show's ``seats_booked`` counter, the outbox row for the confirmation mail and the live
seat event are committed together or not at all. Booking is the hottest write of the
application, so it is written as a handful of Core statements (no unit-of-work flush), and
seats booked directly share their transaction with other bookings of the same show
arriving at the same moment (``seat_orders``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from .. import notifications
from ..db_types import utcnow
from ..errors import Conflict, NotFound
from ..extensions import db
from . import events, seat_orders
from .cancellation import CANCELLED, release_booking
from .holds import CLAIMS, CLAIMS_TABLE, check_open, end_holds, seats_for, taken_now
from .locking import count_booked, race_pause, read_show, run_locked
from .models import Booking, Hold
from .records import booking_view, can_cancel, cancel_cutoff_minutes, insert_bookings
from .seatmap import BOOKED, FREE

__all__ = ["book", "booking_view", "cancel_booking", "get_booking", "list_bookings"]

# ---- booking ----------------------------------------------------------------------------


def book(user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """Book the seats of the caller's hold, or the given seats of a show, all or nothing."""
    if "hold_id" in data:
        return _book_hold(user_id, data["hold_id"])
    return seat_orders.book_seats(user_id, data["show_id"], data["seats"])


# The statements of booking a hold, built once (see ``locking`` on Core statements).
_HOLDS = Hold.__table__.c
HOLD_OWNER = select(_HOLDS.user_id, _HOLDS.show_id, _HOLDS.currency).where(
    _HOLDS.id == bindparam("hold_id")
)
HELD_SEATS = (
    select(CLAIMS.seat, CLAIMS.expires_at, CLAIMS.price)
    .where(CLAIMS.hold_id == bindparam("hold_id"), CLAIMS.booking_id.is_(None))
    .order_by(CLAIMS.id)
)
CONVERT_HELD = (
    CLAIMS_TABLE.update()
    .where(CLAIMS.hold_id == bindparam("held_by"), CLAIMS.booking_id.is_(None))
    .values(booking_id=bindparam("new_booking"), hold_id=None, expires_at=None)
)


def _book_hold(user_id: int, hold_id: str) -> dict[str, Any]:
    hold = db.session.execute(HOLD_OWNER, {"hold_id": hold_id}).first()
    if hold is None or hold.user_id != user_id:
        raise NotFound("Hold")
    show_id = hold.show_id

    def work(session: Session) -> dict[str, Any]:
        now = utcnow()
        connection = session.connection()
        show = read_show(connection, show_id)
        check_open(show, now)
        claims = connection.execute(HELD_SEATS, {"hold_id": hold_id}).all()
        # Released, replaced, expired or purged meanwhile: the seats are no longer kept.
        if not claims or any(until is None or until <= now for _seat, until, _price in claims):
            raise _hold_expired()
        labels = [claim.seat for claim in claims]
        seats_for(show, labels)  # 422 for a seat the venue no longer has
        # The prices quoted with the hold, kept on its claims, in the hold's currency: a price
        # or currency an admin changed meanwhile applies to holds made after the change.
        total = sum((claim.price for claim in claims), Decimal("0.00"))
        orders = [(user_id, labels, total)]
        [booking] = insert_bookings(connection, show, orders, now, currency=hold.currency)
        # Turn the held claims into booked ones. The row count re-checks that every claim
        # is still there (a purge or a contender may have removed an expired hold's seats).
        converted = connection.execute(
            CONVERT_HELD, {"held_by": hold_id, "new_booking": booking.id}
        )
        if converted.rowcount != len(labels):
            raise _hold_expired()
        race_pause()
        end_holds(connection, [hold_id], now)  # another tab booking it too: 409, not 404
        notifications.booking_confirmed([(booking.id, user_id)])
        count_booked(session, show_id, len(labels), as_read=show)
        events.publish_after_commit(show_id, [(seat, BOOKED) for seat in booking.seats])
        return booking_view(booking, now)

    return run_locked(work, lambda: taken_now(show_id, user_id, []))


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
    get_booking(user_id, booking_id)  # 404 before any write

    def work(session: Session) -> dict[str, Any]:
        now = utcnow()
        # The booking row first; the show's counter (its row lock) last, as in every
        # other seat change, so a cancellation and a booking can never deadlock.
        locked = select(Booking).where(Booking.id == booking_id).with_for_update()
        booking = session.scalars(locked.execution_options(populate_existing=True)).one()
        if booking.status == CANCELLED:
            raise Conflict("already_cancelled", "This booking is already cancelled.")
        if booking.admitted_at is not None:
            raise Conflict("already_admitted", "This ticket was used at the door already.")
        if not can_cancel(booking, now):
            cutoff = cancel_cutoff_minutes()
            raise Conflict(
                "cancel_too_late",
                f"Bookings can be cancelled until {cutoff} minutes before the show.",
                {"cutoff_minutes": cutoff},
            )
        notifications.booking_cancelled(booking.id, booking.user)
        release_booking(booking, reason="by_customer")  # moves the show's counter: last
        if booking.show_id is not None:
            events.publish_after_commit(booking.show_id, [(s, FREE) for s in booking.seats])
        return booking_view(booking, now)

    return run_locked(work, lambda: Conflict("conflict", "Please try again."))
