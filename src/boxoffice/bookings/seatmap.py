"""The live seat map of a show: every seat of the layout with its status and price.

This is the busiest read of the product (every open seat map, every refresh), so it is one
SQL query (show + venue + claims, no ORM objects) and a cached layout; nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import and_, select

from ..catalog.layout import Seat, seats_of
from ..catalog.models import Show, Venue
from ..db_types import utcnow
from ..errors import ApiError, NotFound
from ..extensions import db
from .models import SeatClaim

FREE, HELD, BOOKED = "free", "held", "booked"


@lru_cache(maxsize=512)
def _layout_seats(rows: int, seats_per_row: int, layout_json: str) -> tuple[Seat, ...]:
    return tuple(seats_of(rows, seats_per_row, json.loads(layout_json)))


def layout_seats(rows: int, seats_per_row: int, layout: dict[str, Any] | None) -> tuple[Seat, ...]:
    """Every seat of a layout, front row first; computed once per distinct layout."""
    return _layout_seats(rows, seats_per_row, json.dumps(layout or {}, sort_keys=True))


def seats_by_label(rows: int, seats_per_row: int, layout: dict[str, Any] | None) -> dict[str, Seat]:
    return {seat.label: seat for seat in layout_seats(rows, seats_per_row, layout)}


def check_labels(labels: list[str], seats: dict[str, Seat]) -> list[Seat]:
    """The seats for these labels; 422 naming any label that is not a seat of the layout."""
    unknown = [label for label in labels if label not in seats]
    if unknown:
        raise ApiError(
            422,
            "validation_failed",
            "Some seats do not exist in this venue.",
            {"seats": [f"Not a seat of this venue: {', '.join(unknown)}."], "unknown": unknown},
        )
    return [seats[label] for label in labels]


@dataclass(frozen=True)
class ClaimState:
    seat: str
    booked: bool
    expires_at: datetime | None
    user_id: int
    hold_id: str | None

    def status(self, now: datetime) -> str:
        if self.booked:
            return BOOKED
        if self.expires_at is not None and self.expires_at > now:
            return HELD
        return FREE  # an expired hold simply does not count


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def seat_map(show_id: int, caller_id: int | None) -> dict[str, Any]:
    """The seat map as the API returns it; ``caller_id`` marks the caller's own hold."""
    query = (
        select(
            Show.price,
            Venue.rows,
            Venue.seats_per_row,
            Venue.layout,
            SeatClaim.seat,
            SeatClaim.booking_id,
            SeatClaim.expires_at,
            SeatClaim.user_id,
            SeatClaim.hold_id,
        )
        .join(Venue, Venue.id == Show.venue_id)
        .outerjoin(SeatClaim, and_(SeatClaim.show_id == Show.id))
        .where(Show.id == show_id)
    )
    result = db.session.execute(query).all()
    if not result:
        raise NotFound("Show")
    price, rows, per_row, layout = result[0][0], result[0][1], result[0][2], result[0][3]
    now = utcnow()
    claims = {
        row.seat: ClaimState(row.seat, row.booking_id is not None, *row[6:9])
        for row in result
        if row.seat is not None
    }
    prices: dict[Decimal, str] = {}
    seats: list[dict[str, Any]] = []
    hold_seats: list[str] = []
    hold_id: str | None = None
    hold_expires: datetime | None = None
    hold_total = Decimal("0.00")
    for seat in layout_seats(rows, per_row, layout):
        claim = claims.get(seat.label)
        status = claim.status(now) if claim else FREE
        mine = status == HELD and claim is not None and claim.user_id == caller_id
        seat_price = price + seat.surcharge
        if mine and claim is not None:
            hold_seats.append(seat.label)
            hold_id, hold_expires = claim.hold_id, claim.expires_at
            hold_total += seat_price
        label = prices.get(seat.surcharge)
        if label is None:
            label = prices[seat.surcharge] = _money(seat_price)
        seats.append(
            {
                "seat": seat.label,
                "row": seat.row,
                "number": seat.number,
                "status": status,
                "mine": mine,
                "price": label,
                "category": seat.category,
            }
        )
    hold = None
    if hold_id is not None and hold_expires is not None:
        hold = {
            "hold_id": hold_id,
            "expires_at": hold_expires,
            "seats": hold_seats,
            "total": _money(hold_total),
        }
    return {
        "show_id": show_id,
        "rows": rows,
        "seats_per_row": per_row,
        "seats": seats,
        "hold": hold,
    }


@dataclass(frozen=True)
class ShowLayout:
    rows: int
    seats_per_row: int
    seats: tuple[Seat, ...]


def show_layout(show_id: int) -> ShowLayout:
    """The seats of a show's venue; 404 for an unknown show."""
    row = db.session.execute(
        select(Venue.rows, Venue.seats_per_row, Venue.layout)
        .join(Show, Show.venue_id == Venue.id)
        .where(Show.id == show_id)
    ).first()
    if row is None:
        raise NotFound("Show")
    return ShowLayout(row.rows, row.seats_per_row, layout_seats(*row))


def free_labels(show_id: int, seats: tuple[Seat, ...]) -> set[str]:
    now = utcnow()
    claims = claim_states(show_id)
    return {
        seat.label
        for seat in seats
        if seat.label not in claims or claims[seat.label].status(now) == FREE
    }


def claim_states(show_id: int) -> dict[str, ClaimState]:
    """Every claim on a show's seats (for suggestions)."""
    query = select(
        SeatClaim.seat,
        SeatClaim.booking_id,
        SeatClaim.expires_at,
        SeatClaim.user_id,
        SeatClaim.hold_id,
    ).where(SeatClaim.show_id == show_id)
    return {
        row.seat: ClaimState(row.seat, row.booking_id is not None, *row[2:5])
        for row in db.session.execute(query)
    }
