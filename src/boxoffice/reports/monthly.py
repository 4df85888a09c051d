"""The monthly entertainment report: who gets one, and what it says.

A month is a calendar month in the configured time zone: its boundaries are local midnights,
so a booking at 23:30 IST on the 31st (18:00 UTC) belongs to that month and one at 00:30 IST
on the 1st (19:00 UTC the day before) to the next. A booking counts in the month it was made.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from ..auth.models import User
from ..bookings.cancellation import CONFIRMED
from ..bookings.models import Booking
from ..config import Settings
from ..database import write_transaction
from ..db_types import utcnow
from ..extensions import db
from ..money import totals_by_currency
from . import outbox

MONTHLY_REPORT = "monthly_report"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _MONTH.match(text.strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise ValueError(f"{text!r} is not a month like 2026-10")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def before(cls, day: date) -> Month:
        """The month before the one ``day`` is in (January -> December of the year before)."""
        if day.month == 1:
            return cls(day.year - 1, 12)
        return cls(day.year, day.month - 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: local midnight of the 1st to that of the next 1st."""
        start = datetime.combine(self.first_day, time(0), tzinfo=tz)
        end = datetime.combine(self.next.first_day, time(0), tzinfo=tz)
        return start, end

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class Report:
    bookings: list[Booking] = field(default_factory=list)
    tickets: int = 0
    # What was spent, per currency (venues may charge in different ones).
    spend: dict[str, Decimal] = field(default_factory=dict)
    favourite_venue: str = ""
    favourite_language: str = ""


def _favourite(weights: Counter[str], order: list[str]) -> str:
    """The most-weighted key; on a tie, the one seen first in the month."""
    if not weights:
        return ""
    best = max(weights.values())
    return next(key for key in order if weights[key] == best)


def _confirmed_in(month: Month, tz: ZoneInfo) -> Any:
    start, end = month.bounds(tz)
    return (Booking.status == CONFIRMED) & (Booking.booked_at >= start) & (Booking.booked_at < end)


def report_for(user_id: int, month: Month, tz: ZoneInfo) -> Report:
    bookings = list(
        db.session.scalars(
            select(Booking)
            .where(Booking.user_id == user_id, _confirmed_in(month, tz))
            .order_by(Booking.booked_at, Booking.id)
        )
    )
    venues: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    for booking in bookings:
        # Weighted by tickets: four seats at one cinema say more than one seat at another.
        venues[booking.venue_name] += len(booking.seats)
        languages[booking.show_language] += len(booking.seats)
    return Report(
        bookings=bookings,
        tickets=sum(len(b.seats) for b in bookings),
        spend=totals_by_currency((b.currency, b.total) for b in bookings),
        favourite_venue=_favourite(venues, [b.venue_name for b in bookings]),
        favourite_language=_favourite(languages, [b.show_language for b in bookings]),
    )


def recipients(month: Month, tz: ZoneInfo) -> list[User]:
    """Users with at least one confirmed booking made in the month who want the report."""
    booked = select(Booking.user_id).where(_confirmed_in(month, tz)).distinct()
    return list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(booked), User.monthly_report_enabled.is_(True))
            .order_by(User.id)
        )
    )


def run(month: Month | None = None, now: datetime | None = None) -> tuple[Month, list[int]]:
    """Record one report per user for ``month`` (default: the month before now) and queue them."""
    settings: Settings = current_app.config["BOXOFFICE"]
    if month is None:
        month = Month.before((now or utcnow()).astimezone(settings.tz).date())
    queued = []
    # Chosen and recorded under the write lock: a concurrent second run waits, then finds
    # every (report, month, user) key taken.
    with write_transaction():
        for user in recipients(month, settings.tz):
            row = outbox.record(MONTHLY_REPORT, str(month), user)
            if row is not None:
                queued.append(row.id)
    for log_id in queued:
        outbox.queue(log_id)
    return month, queued
