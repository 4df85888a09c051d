from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..catalog.models import Show
from ..db_types import Money, UTCDateTime, utcnow
from ..extensions import db


class Hold(db.Model):  # type: ignore[name-defined]
    """Seats kept for one user for a few minutes while they confirm."""

    __tablename__ = "holds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Set to the moment it ended when it is replaced or booked; the row stays a while after
    # (``holds.ENDED_HOLDS_KEPT``) so that its owner booking it again learns it is gone.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # ISO 4217 code of the prices quoted with the hold (kept on its claims): the venue's
    # currency when it was made. Booking the hold charges those prices in this currency.
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Booking(db.Model):  # type: ignore[name-defined]
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SET NULL, not CASCADE: a deleted show must not erase people's booking history, so the
    # facts a ticket shows are copied below when the booking is made.
    show_id: Mapped[int | None] = mapped_column(
        ForeignKey("shows.id", ondelete="SET NULL"), nullable=True, index=True
    )
    show_title: Mapped[str] = mapped_column(String(200))
    show_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Until then the ticket admits at the door (and its QR code stays on the owner's page).
    # Kept in step with the show when an admin changes its length (``records.follow_show``).
    show_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    show_language: Mapped[str] = mapped_column(String(8))
    venue_name: Mapped[str] = mapped_column(String(120))
    venue_location: Mapped[str] = mapped_column(String(80))
    seats: Mapped[list[str]] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(Money)
    # ISO 4217 code of the total: the venue's currency when the booking was made. Unlike the
    # show's end it does not follow the venue: what was charged stays what was charged.
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12), default="confirmed", index=True)
    booked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # When door staff let the holder in: a ticket admits once (a screenshot of the QR code
    # must not let a second person in), and cannot be cancelled afterwards.
    admitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship()
    show: Mapped[Show | None] = relationship()

    __table_args__ = (CheckConstraint("status IN ('confirmed', 'cancelled')", name="status_known"),)


class SeatClaim(db.Model):  # type: ignore[name-defined]
    """One live claim on one seat of one show: held (by a hold) or booked (by a booking).

    The unique constraint on (show_id, seat) is what makes double selling impossible: a second
    claim on a seat fails in the database whatever the application code did before it.
    """

    __tablename__ = "seat_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    seat: Mapped[str] = mapped_column(String(4))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    hold_id: Mapped[str | None] = mapped_column(
        ForeignKey("holds.id", ondelete="CASCADE"), nullable=True, index=True
    )
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # Set for held seats; NULL once booked. A held claim past this time no longer counts.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    price: Mapped[Decimal] = mapped_column(Money)

    __table_args__ = (
        UniqueConstraint("show_id", "seat", name="uq_seat_claims_show_seat"),
        # A claim is either held (by a hold, until it expires) or booked (by a booking).
        CheckConstraint(
            "(hold_id IS NOT NULL AND booking_id IS NULL AND expires_at IS NOT NULL)"
            " OR (hold_id IS NULL AND booking_id IS NOT NULL AND expires_at IS NULL)",
            name="held_or_booked",
        ),
        Index("ix_seat_claims_expires_at", "expires_at"),
    )
