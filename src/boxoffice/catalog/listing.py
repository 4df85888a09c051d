"""The search results page, serialised without the ORM or marshmallow.

``/api/filter`` is the busiest read after the seat map: a broad search returns up to a
hundred shows, and building a hundred ORM objects and dumping them through marshmallow cost
about 28 ms of CPU per request. This module reads just the columns it needs with one Core
query and formats them directly. The output is exactly ``ShowSchema``'s (a test compares the
two), so the schema stays the documentation of the response.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Row, Select, select

from .layout import cheapest_surcharge
from .models import Show, Venue, show_end

COLUMNS = (
    Show.id,
    Show.venue_id,
    Show.title,
    Show.starts_at,
    Show.duration_minutes,
    Show.price,
    Show.language,
    Show.rating,
    Show.tags,
    Show.capacity,
    Show.seats_booked,
    Venue.name.label("venue_name"),
    Venue.location.label("venue_location"),
    Venue.currency,
)


def listing_query() -> Select:
    """Shows joined with their venue, selecting only what a result card needs."""
    return select(*COLUMNS).join(Venue, Venue.id == Show.venue_id)


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def _cheapest_surcharges(connection: Connection, venue_ids: set[int]) -> dict[int, Decimal]:
    """Per venue, the surcharge of its cheapest row: one small query, not a layout per show."""
    if not venue_ids:
        return {}
    query = select(Venue.id, Venue.rows, Venue.layout).where(Venue.id.in_(venue_ids))
    return {row.id: cheapest_surcharge(row.rows, row.layout) for row in connection.execute(query)}


def show_cards(
    connection: Connection, rows: Sequence[Row[Any]], tz: ZoneInfo
) -> list[dict[str, Any]]:
    """Format the rows of a ``listing_query`` (run on a Core connection: no ORM objects)."""
    cheapest_by_venue = _cheapest_surcharges(connection, {row.venue_id for row in rows})
    cards = []
    for row in rows:
        starts_at: datetime = row.starts_at  # aware UTC, from the UTCDateTime column type
        price: Decimal = row.price
        cards.append(
            {
                "capacity": row.capacity,
                "currency": row.currency,
                "duration_minutes": row.duration_minutes,
                "ends_at": _local(show_end(starts_at, row.duration_minutes), tz),
                "free_seats": row.capacity - row.seats_booked,
                "language": row.language,
                "price": f"{price:.2f}",
                "price_from": f"{price + cheapest_by_venue[row.venue_id]:.2f}",
                "rating": row.rating,
                "show_id": row.id,
                "starts_at": _local(starts_at, tz),
                "tags": list(row.tags or []),
                "title": row.title,
                "venue": {
                    "location": row.venue_location,
                    "name": row.venue_name,
                    "venue_id": row.venue_id,
                },
                "venue_id": row.venue_id,
            }
        )
    return cards
