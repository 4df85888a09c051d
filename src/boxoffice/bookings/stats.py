"""The admin dashboard's numbers: occupancy and revenue per show, bookings per day, totals.

A fixed number of queries, whatever the number of shows: shows with their venue, confirmed
revenue grouped by show, the confirmed bookings of the coming days, and all-time totals.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..catalog.layout import capacity_of
from ..catalog.models import Show, Venue, show_end
from ..db_types import utcnow
from ..extensions import db
from .cancellation import CONFIRMED
from .models import Booking, SeatClaim

DAYS = 14


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def admin_stats(tz: ZoneInfo) -> dict[str, Any]:
    """Venues with their upcoming shows, and confirmed-booking figures.

    Upcoming shows are those not yet ended that start in the next 14 days (today included).
    ``bookings_per_day`` counts the confirmed bookings and tickets of those shows **by show
    date** (local time), with a row for every day; ``upcoming`` sums the same bookings and the
    revenue of those shows, so it agrees with the chart and with the venues' show lists.
    ``totals`` cover every confirmed booking ever made, past shows included.
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
    upcoming: dict[int, date] = {}  # show id -> its local show date
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
        .where(Show.starts_at >= _local_midnight(today, tz), Show.starts_at < horizon)
        .order_by(Show.starts_at, Show.id)
    ).all()
    for show in shows:
        if show_end(show.starts_at, show.duration_minutes) <= now:
            continue
        upcoming[show.id] = show.starts_at.astimezone(tz).date()
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
    per_day = _per_day(today, upcoming, horizon, tz)
    return {
        "venues": venues,
        "bookings_per_day": per_day,
        "upcoming": {
            "revenue": sum((revenue.get(i, Decimal("0.00")) for i in upcoming), Decimal("0.00")),
            "tickets": sum(day["tickets"] for day in per_day),
            "bookings": sum(day["bookings"] for day in per_day),
            "shows": len(upcoming),
        },
        "totals": _totals(),
    }


def _per_day(
    today: date, upcoming: dict[int, date], horizon: datetime, tz: ZoneInfo
) -> list[dict[str, Any]]:
    days = {today + timedelta(days=n): [0, 0] for n in range(DAYS)}
    rows = db.session.execute(
        select(
            Booking.show_id,
            func.count(Booking.id),
            func.coalesce(func.sum(func.json_array_length(Booking.seats)), 0),
        )
        .join(Show, Show.id == Booking.show_id)
        .where(
            Booking.status == CONFIRMED,
            Show.starts_at >= _local_midnight(today, tz),
            Show.starts_at < horizon,
        )
        .group_by(Booking.show_id)
    )
    for show_id, bookings, tickets in rows:
        # Dated by the show itself; shows that have ended are left out, as from the venues.
        if show_id in upcoming:
            counts = days[upcoming[show_id]]
            counts[0] += bookings
            counts[1] += int(tickets)
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
