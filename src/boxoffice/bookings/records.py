"""The booking row: its code, the facts copied into it, inserting it (with its confirmation
mail), and how the API shows it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Connection, update

from ..catalog.models import Show, show_end
from ..db_types import utcnow
from ..extensions import db
from .cancellation import CONFIRMED
from .models import Booking

# Booking codes: 8 characters from 32 that cannot be mistaken for each other when read
# aloud or off a phone screen (no 0/O, 1/I); 32^8 is about 10^12 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 8

# ``INSERT ... RETURNING id``, for one booking or many (ids in the order of the rows).
INSERT_BOOKINGS = Booking.__table__.insert().returning(
    Booking.__table__.c.id, sort_by_parameter_order=True
)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def booking_values(
    user_id: int,
    show: Any,
    labels: list[str],
    total: Decimal,
    now: datetime,
    currency: str | None = None,
) -> dict[str, Any]:
    """The columns of a new booking; the show's facts are copied (see ``Booking``). The
    total is in ``currency``, by default the venue's of now."""
    return {
        "code": new_code(),
        "user_id": user_id,
        "show_id": show.id,
        "show_title": show.title,
        "show_starts_at": show.starts_at,
        "show_ends_at": show_end(show.starts_at, show.duration_minutes),
        "show_language": show.language,
        "venue_name": show.venue_name,
        "venue_location": show.venue_location,
        "seats": labels,
        "total": total,
        "currency": currency or show.currency,
        "status": CONFIRMED,
        "booked_at": now,
    }


def insert_bookings(
    connection: Connection,
    show: Any,
    orders: Sequence[tuple[int, list[str], Decimal]],
    now: datetime,
    currency: str | None = None,
) -> list[Booking]:
    """Insert one booking per (user id, seats, total), in one statement; returns them as
    transient Bookings (with their ids), for the response. Their confirmation mail is
    recorded apart (``notifications.booking_confirmed``), once they are sure of their seats."""
    values = [
        booking_values(person, show, labels, total, now, currency)
        for person, labels, total in orders
    ]
    ids = connection.scalars(INSERT_BOOKINGS, values).all()
    return [Booking(id=booking_id, **row) for booking_id, row in zip(ids, values, strict=True)]


def follow_show(show: Show) -> None:
    """Give the show's bookings its end again after an admin changed its start or length,
    inside the admin's transaction (the door and the owner's page read the copy).

    Only bookings made for the show's current start: one cancelled before a reschedule keeps
    the times it was booked for. A booking whose transaction read the show before this change
    commits after it is caught by its counter update (``locking.count_booked``)."""
    db.session.execute(
        update(Booking)
        .where(Booking.show_id == show.id, Booking.show_starts_at == show.starts_at)
        .values(show_ends_at=show.ends_at)
    )


def cancel_cutoff_minutes() -> int:
    """How long before its show a booking can still be cancelled (configured)."""
    minutes: int = current_app.config["BOXOFFICE"].cancel_cutoff_minutes
    return minutes


def cancel_until(booking: Booking) -> datetime:
    """The moment cancelling closes: the cutoff before the show's start."""
    return booking.show_starts_at - timedelta(minutes=cancel_cutoff_minutes())


def can_cancel(booking: Booking, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        booking.status == CONFIRMED and booking.admitted_at is None and now < cancel_until(booking)
    )


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
            "ends_at": booking.show_ends_at,
            "venue": {"name": booking.venue_name, "location": booking.venue_location},
        },
        "seats": list(booking.seats),
        "total": booking.total,
        "currency": booking.currency,
        "status": booking.status,
        "booked_at": booking.booked_at,
        "cancelled_at": booking.cancelled_at,
        "admitted_at": booking.admitted_at,
        "can_cancel": can_cancel(booking, now),
        # A page left open can take its Cancel button away at this moment, and say why.
        "cancel_until": cancel_until(booking),
        "cancel_cutoff_minutes": cancel_cutoff_minutes(),
        "qr_url": f"/api/booking/qr?booking_id={booking.id}",
        "ics_url": f"/api/booking/ics?booking_id={booking.id}",
    }
