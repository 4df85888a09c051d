"""Cancelling bookings: by their owner, or because a show or venue is withdrawn."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from .. import notifications
from ..catalog.models import Show
from ..db_types import utcnow
from ..extensions import db
from .locking import count_booked
from .models import Booking, SeatClaim

CONFIRMED = "confirmed"
CANCELLED = "cancelled"


def count_active_bookings(show: Show) -> int:
    return (
        db.session.scalar(
            select(func.count(Booking.id)).where(
                Booking.show_id == show.id, Booking.status == CONFIRMED
            )
        )
        or 0
    )


def release_booking(booking: Booking, reason: str) -> None:
    """Mark one booking cancelled and free its seats, inside the caller's transaction."""
    booking.status = CANCELLED
    booking.cancelled_at = utcnow()
    booking.cancel_reason = reason
    freed = db.session.execute(delete(SeatClaim).where(SeatClaim.booking_id == booking.id))
    if booking.show_id is not None:
        count_booked(db.session(), booking.show_id, -freed.rowcount)  # type: ignore[attr-defined]


def cancel_active_bookings(show: Show, reason: str) -> int:
    """Cancel every confirmed booking of a show (it is being withdrawn); returns the count."""
    bookings = list(
        db.session.scalars(
            select(Booking).where(Booking.show_id == show.id, Booking.status == CONFIRMED)
        )
    )
    for booking in bookings:
        release_booking(booking, reason)
        # The customer must hear that the cinema withdrew the show; the mail goes out once
        # the withdrawal commits.
        notifications.booking_cancelled(booking.id, booking.user)
    return len(bookings)
