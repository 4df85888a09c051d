from __future__ import annotations

from decimal import Decimal

import pytest

from boxoffice.bookings.models import Booking, SeatClaim
from boxoffice.catalog.models import Show
from boxoffice.extensions import db


def insert_booking(show: Show, user_id: int, seats: list[str]) -> Booking:
    """A confirmed booking written straight to the tables, as the booking engine stores it."""
    booking = Booking(
        code=f"T{show.id}{user_id}{len(seats)}{seats[0]}"[:12],
        user_id=user_id,
        show_id=show.id,
        show_title=show.title,
        show_starts_at=show.starts_at,
        show_ends_at=show.ends_at,
        show_language=show.language,
        venue_name=show.venue.name,
        venue_location=show.venue.location,
        seats=seats,
        total=show.price * len(seats),
        currency=show.venue.currency,
        status="confirmed",
    )
    db.session.add(booking)
    db.session.flush()
    for seat in seats:
        db.session.add(
            SeatClaim(
                show_id=show.id,
                seat=seat,
                user_id=user_id,
                booking_id=booking.id,
                price=Decimal(show.price),
            )
        )
    show.seats_booked += len(seats)
    db.session.commit()
    return booking


@pytest.fixture
def book():
    return insert_booking
