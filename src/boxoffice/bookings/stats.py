"""The admin dashboard's numbers: occupancy and revenue per show, bookings per day, totals.

A fixed number of queries, whatever the number of shows: shows with their venue, confirmed
revenue grouped by show and currency, the confirmed bookings of the coming days, and
all-time totals. Revenue is summed per currency (each booking's own), never across them.
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
from ..money import totals_by_currency
from .cancellation import CONFIRMED
from .models import Booking

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

    # Per show and currency: a venue that changed its currency has sold in both, and
    # rupees and euros do not add up. SUM over a Money column is typed Money, so these are
    # already Decimal amounts.
    revenue: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for show_id, currency, amount in db.session.execute(
        select(Booking.show_id, Booking.currency, func.sum(Booking.total))
        .where(Booking.status == CONFIRMED)
        .group_by(Booking.show_id, Booking.currency)
    ):
        if show_id is not None:  # bookings of deleted shows count only in the totals
            revenue[show_id][currency] = amount

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
                **_revenue_fields(revenue.get(show.id, {})),
            }
        )
    venues = [
        {
            "venue_id": venue.id,
            "name": venue.name,
            "location": venue.location,
            "currency": venue.currency,
            "capacity": capacity_of(venue.rows, venue.seats_per_row, venue.layout),
            "shows": shows_by_venue.get(venue.id, []),
        }
        for venue in db.session.scalars(select(Venue).order_by(Venue.location, Venue.name))
    ]
    per_day = _per_day(today, upcoming, horizon, tz)
    upcoming_revenue = totals_by_currency(
        (currency, amount)
        for show_id in upcoming
        for currency, amount in revenue.get(show_id, {}).items()
    )
    return {
        "venues": venues,
        "bookings_per_day": per_day,
        "upcoming": {
            **_revenue_fields(upcoming_revenue),
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


def _revenue_fields(by_currency: dict[str, Decimal]) -> dict[str, Any]:
    """``revenues``, one amount per currency (by code), and the single ``revenue`` that the
    API had before venues could charge in other currencies: their plain sum, right only
    while there is one currency."""
    return {
        "revenue": sum(by_currency.values(), Decimal("0.00")),
        "revenues": [
            {"currency": currency, "amount": by_currency[currency]}
            for currency in sorted(by_currency)
        ],
    }


def _totals() -> dict[str, Any]:
    # json_array_length exists with the same meaning on SQLite and PostgreSQL; counting the
    # booking's seats (not claim rows) also covers bookings of shows since removed.
    rows = db.session.execute(
        select(
            Booking.currency,
            func.count(Booking.id),
            func.coalesce(func.sum(Booking.total), 0),
            func.coalesce(func.sum(func.json_array_length(Booking.seats)), 0),
        )
        .where(Booking.status == CONFIRMED)
        .group_by(Booking.currency)
    ).all()
    return {
        **_revenue_fields({currency: Decimal(revenue) for currency, _, revenue, _ in rows}),
        "tickets": sum(int(tickets) for *_, tickets in rows),
        "bookings": sum(bookings for _, bookings, _, _ in rows),
    }
