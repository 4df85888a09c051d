"""Fixtures for the booking engine: a small hall with an aisle and a premium row."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from factories import make_show, make_venue
from flask.testing import FlaskClient
from support import Account

from boxoffice.catalog.models import Show

# 5 rows x 8 seats; seat 5 of every row is an aisle (removed); row E is Premium (+150).
HALL_LAYOUT = {
    "removed": [f"{row}5" for row in "ABCDE"],
    "categories": [{"name": "Premium", "rows": ["E"], "surcharge": "150.00"}],
}
CAPACITY = 5 * 8 - 5


@pytest.fixture
def show(app) -> Show:
    venue = make_venue(name="Hall", rows=5, seats_per_row=8, layout=HALL_LAYOUT)
    return make_show(venue, title="Leo", price="200.00", starts_in=timedelta(days=2))


def hold(client: FlaskClient, who: Account, show_id: int, seats: list[str]) -> Any:
    return client.post("/api/hold", json={"show_id": show_id, "seats": seats}, headers=who.headers)


def book(client: FlaskClient, who: Account, **body: Any) -> Any:
    return client.post("/api/bookticket", json=body, headers=who.headers)


def seat_status(client: FlaskClient, show_id: int, who: Account | None = None) -> dict[str, str]:
    headers = who.headers if who else {}
    body = client.get("/api/show/seats", query_string={"show_id": show_id}, headers=headers)
    return {seat["seat"]: seat["status"] for seat in body.get_json()["seats"]}


def live_holds() -> list[tuple[str, int]]:
    """(hold id, user id) of the holds that still count; an ended hold's row stays a while."""
    from sqlalchemy import select

    from boxoffice.bookings.models import Hold
    from boxoffice.db_types import utcnow
    from boxoffice.extensions import db

    query = select(Hold.id, Hold.user_id).where(Hold.expires_at > utcnow())
    return [(row.id, row.user_id) for row in db.session.execute(query)]


def soon_show(minutes: int = 30, **kwargs: Any) -> Show:
    """A show starting shortly, for tests that move the clock past its start or cutoff."""
    venue = make_venue(name=f"Studio {minutes}", rows=2, seats_per_row=4)
    return make_show(venue, starts_in=timedelta(minutes=minutes), **kwargs)


def later(minutes: float) -> Any:
    """Move the clock forward (time-machine), leaving it still so tests are exact."""
    import time_machine

    from boxoffice.db_types import utcnow

    return time_machine.travel(utcnow() + timedelta(minutes=minutes), tick=False)
