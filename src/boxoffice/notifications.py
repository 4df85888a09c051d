"""What other packages call when something happened that the user should hear about.

The booking engine calls these *inside* its transaction. Each one records the mail in the
``mail_log`` outbox in that same transaction and queues the Celery task only after the commit:
a booking that rolls back sends nothing, and a booking that commits while Redis is down still
has its mail recorded, so the periodic sweep queues it later instead of losing it.
"""

from __future__ import annotations

from .bookings.models import Booking
from .extensions import db
from .reports import outbox

BOOKING_CONFIRMED = "booking_confirmed"
BOOKING_CANCELLED = "booking_cancelled"


def booking_confirmed(booking_id: int) -> None:
    """Send the confirmation (with e-ticket and calendar file) once the booking commits."""
    _notify(BOOKING_CONFIRMED, booking_id)


def booking_cancelled(booking_id: int) -> None:
    """Send a short cancellation notice once the cancellation commits."""
    _notify(BOOKING_CANCELLED, booking_id)


def _notify(kind: str, booking_id: int) -> None:
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        raise ValueError(f"booking {booking_id} does not exist in this transaction")
    outbox.record_and_queue(kind, outbox.booking_period(booking_id), booking.user)
