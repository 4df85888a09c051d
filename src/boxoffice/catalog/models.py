from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import Money, UTCDateTime, utcnow
from ..extensions import db
from ..money import DEFAULT_CURRENCY


class Venue(db.Model):  # type: ignore[name-defined]
    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    location: Mapped[str] = mapped_column(String(80), index=True)
    rows: Mapped[int] = mapped_column(Integer)
    seats_per_row: Mapped[int] = mapped_column(Integer)
    # {"removed": ["A1", ...], "categories": [{"name", "rows": ["H"], "surcharge": "100.00"}]}
    layout: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    currency: Mapped[str] = mapped_column(String(3), default=DEFAULT_CURRENCY)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    shows: Mapped[list[Show]] = relationship(
        back_populates="venue", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("rows BETWEEN 1 AND 26", name="rows_range"),
        CheckConstraint("seats_per_row BETWEEN 1 AND 60", name="seats_per_row_range"),
    )


def show_end(starts_at: datetime, duration_minutes: int) -> datetime:
    """When a show ends, in one place: the listings say so, a ticket admits at the door until
    then, and each booking keeps a copy (``Booking.show_ends_at``)."""
    return starts_at + timedelta(minutes=duration_minutes)


class Show(db.Model):  # type: ignore[name-defined]
    __tablename__ = "shows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    rating: Mapped[float | None] = mapped_column(Float, nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=150)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    price: Mapped[Decimal] = mapped_column(Money)
    # Copied from the venue layout when the show is created or the layout changes, so that
    # the free-seat count is one indexed row read and the database can guard it.
    capacity: Mapped[int] = mapped_column(Integer)
    # One more each time the seating changes (a new venue, or its layout): a booking that
    # checked its seats against the seating it read commits only if this is still as read.
    # The capacity alone does not tell: a seat moved elsewhere leaves it as it was.
    seating_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    seats_booked: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    venue: Mapped[Venue] = relationship(back_populates="shows")

    __table_args__ = (
        CheckConstraint("seats_booked >= 0 AND seats_booked <= capacity", name="free_seats"),
        CheckConstraint("rating IS NULL OR (rating >= 0 AND rating <= 10)", name="rating_range"),
        CheckConstraint("duration_minutes BETWEEN 1 AND 600", name="duration_range"),
        CheckConstraint("price >= 0", name="price_positive"),
    )

    @property
    def free_seats(self) -> int:
        return self.capacity - self.seats_booked

    @property
    def ends_at(self) -> datetime:
        return show_end(self.starts_at, self.duration_minutes)
