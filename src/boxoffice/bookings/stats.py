"""The admin dashboard's numbers: occupancy and revenue per show, bookings per day, totals.

Three aggregate queries, whatever the number of shows: shows with their venue, confirmed
revenue grouped by show, and confirmed bookings grouped by show date.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..catalog.layout import capacity_of
from ..catalog.models import Show, Venue
from ..db_types import utcnow
from ..extensions import db
from .cancellation import CONFIRMED
from .models import Booking, SeatClaim

DAYS = 14


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def admin_stats(tz: ZoneInfo) -> dict[str, Any]:
    """Venues with their upcoming shows (not yet ended), and confirmed-booking figures.

    ``bookings_per_day`` counts confirmed bookings and tickets **by show date** (local time)
    for the next 14 days, today included, with a row for every day; it answers "how full are
    the coming days". ``totals`` cover every confirmed booking ever made.
    """
    now = utcnow()
    today = now.astimezone(tz).date()
    horizon = _local_midnight(today + timedelta(days=DAYS), tz)

    revenue_rows = db.session.execute(
        select(SeatClaim.show_id, func.sum(SeatClaim.price))
        .where(SeatClaim.booking_id.is_not(None))
        .group_by(SeatClaim.show_id)
    ).all()
    # SUM over a Money column is typed Money, so these are already Decimal amounts.
    revenue: dict[int, Decimal] = dict(revenue_rows)

    shows_by_venue: dict[int, list[dict[str, Any]]] = defaultdict(list)
    shows = db.session.execute(
        select(
            Show.id,
            Show.venue_id,
            Show.title,
            Show.starts_at,
            Show.duration_minutes,
            Show.capacity,
            Show.seats_booked,
        )
        .where(Show.starts_at < horizon)
        .order_by(Show.starts_at, Show.id)
    ).all()
    for show in shows:
        if show.starts_at + timedelta(minutes=show.duration_minutes) <= now:
            continue
        shows_by_venue[show.venue_id].append(
            {
                "show_id": show.id,
                "title": show.title,
                "starts_at": show.starts_at,
                "capacity": show.capacity,
                "booked": show.seats_booked,
                "occupancy": round(show.seats_booked / show.capacity, 4) if show.capacity else 0,
                "revenue": revenue.get(show.id, Decimal("0.00")),
            }
        )
    venues = [
        {
            "venue_id": venue.id,
            "name": venue.name,
            "location": venue.location,
            "capacity": capacity_of(venue.rows, venue.seats_per_row, venue.layout),
            "shows": shows_by_venue.get(venue.id, []),
        }
        for venue in db.session.scalars(select(Venue).order_by(Venue.location, Venue.name))
    ]
    return {
        "venues": venues,
        "bookings_per_day": _per_day(today, horizon, tz),
        "totals": _totals(),
    }


def _per_day(today: date, horizon: datetime, tz: ZoneInfo) -> list[dict[str, Any]]:
    days = {today + timedelta(days=n): [0, 0] for n in range(DAYS)}
    rows = db.session.execute(
        select(Booking.show_starts_at, Booking.seats).where(
            Booking.status == CONFIRMED,
            Booking.show_starts_at >= _local_midnight(today, tz),
            Booking.show_starts_at < horizon,
        )
    )
    for starts_at, seats in rows:
        counts = days.get(starts_at.astimezone(tz).date())
        if counts is not None:
            counts[0] += 1
            counts[1] += len(seats)
    return [
        {"date": day.isoformat(), "bookings": counts[0], "tickets": counts[1]}
        for day, counts in sorted(days.items())
    ]


def _totals() -> dict[str, Any]:
    # json_array_length exists with the same meaning on SQLite and PostgreSQL; counting the
    # booking's seats (not claim rows) also covers bookings of shows since removed.
    bookings, revenue, tickets = db.session.execute(
        select(
            func.count(Booking.id),
            func.coalesce(func.sum(Booking.total), 0),
            func.coalesce(func.sum(func.json_array_length(Booking.seats)), 0),
        ).where(Booking.status == CONFIRMED)
    ).one()
    return {"revenue": revenue, "tickets": int(tickets), "bookings": bookings}
