"""Small builders for catalogue rows, going through the real services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from boxoffice.catalog import services
from boxoffice.catalog.models import Show, Venue
from boxoffice.db_types import utcnow

_counter = {"n": 0}


def make_venue(
    name: str = "Sathyam",
    location: str = "Chennai",
    rows: int = 5,
    seats_per_row: int = 8,
    layout: dict[str, Any] | None = None,
    currency: str = "INR",
) -> Venue:
    return services.create_venue(
        {
            "name": name,
            "location": location,
            "rows": rows,
            "seats_per_row": seats_per_row,
            "layout": layout,
            "currency": currency,
        }
    )


def make_show(
    venue: Venue | None = None,
    title: str = "Jawan",
    starts_in: timedelta = timedelta(days=2),
    price: str = "200.00",
    language: str = "hi",
    rating: float | None = 7.5,
    tags: list[str] | None = None,
    duration_minutes: int = 120,
) -> Show:
    venue = venue or make_venue()
    # Shows in one venue must not overlap; spread default ones a day apart.
    _counter["n"] += 1
    return services.create_show(
        {
            "venue_id": venue.id,
            "title": title,
            "starts_at": utcnow() + starts_in,
            "price": Decimal(price),
            "language": language,
            "rating": rating,
            "tags": tags or ["action"],
            "duration_minutes": duration_minutes,
        }
    )
