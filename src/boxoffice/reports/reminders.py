"""The daily reminder job: who gets a "we miss you" mail and who gets a show reminder.

Each mail is recorded in the outbox under a period key before it is queued, so running the job
again (beat firing twice, an operator running ``boxoffice jobs reminders``) finds the key taken
and sends nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from ..auth.models import User
from ..bookings.cancellation import CONFIRMED
from ..bookings.models import Booking
from ..catalog.models import Show
from ..config import Settings
from ..database import write_transaction
from ..db_types import utcnow
from ..extensions import db
from . import outbox

MISS_YOU = "miss_you"
SHOW_REMINDER = "show_reminder"
# A booking made this shortly before the run just got its confirmation with the same facts.
FRESH_BOOKING = timedelta(hours=1)
UPCOMING_SHOWS = 6
UPCOMING_DAYS = 14


@dataclass
class RunSummary:
    show_reminders: int = 0
    miss_you: int = 0
    queued: list[int] = field(default_factory=list)


def miss_you_period(anchor: datetime, now: datetime, inactive_days: int) -> str:
    """One "we miss you" per user and inactivity window of ``inactive_days`` days.

    The anchor is the last booking (or the registration); a user who stays away gets one mail
    per window, and a new booking starts a new anchor.
    """
    window = (now - anchor).days // inactive_days
    return f"{anchor:%Y-%m-%dT%H:%M}/{window}"


def _upcoming_bookings(now: datetime, settings: Settings) -> list[Booking]:
    horizon = now + timedelta(hours=settings.reminder_upcoming_hours)
    return list(
        db.session.scalars(
            select(Booking)
            .join(User, User.id == Booking.user_id)
            .options(joinedload(Booking.user))
            .where(
                Booking.status == CONFIRMED,
                Booking.show_starts_at > now,
                Booking.show_starts_at <= horizon,
                Booking.booked_at <= now - FRESH_BOOKING,
                User.reminders_enabled.is_(True),
            )
            .order_by(Booking.id)
        )
    )


def _inactive_users(now: datetime, settings: Settings) -> list[tuple[User, datetime]]:
    """Users who never booked since registering N days ago, or not for 30+ days."""
    last = (
        select(Booking.user_id, func.max(Booking.booked_at).label("last_booked"))
        .group_by(Booking.user_id)
        .subquery()
    )
    upcoming = select(Booking.id).where(
        Booking.user_id == User.id, Booking.status == CONFIRMED, Booking.show_starts_at > now
    )
    rows = db.session.execute(
        select(User, last.c.last_booked)
        .outerjoin(last, last.c.user_id == User.id)
        .where(
            User.reminders_enabled.is_(True),
            User.is_admin.is_(False),
            # Someone with a show still ahead of them is not "missing".
            ~upcoming.exists(),
            (
                (last.c.last_booked.is_(None))
                & (User.created_at <= now - timedelta(days=settings.reminder_new_user_days))
            )
            | (last.c.last_booked <= now - timedelta(days=settings.reminder_inactive_days)),
        )
        .order_by(User.id)
    ).all()
    return [(user, last_booked or user.created_at) for user, last_booked in rows]


def run(now: datetime | None = None) -> RunSummary:
    """Record today's reminders in the outbox, then queue them."""
    settings: Settings = current_app.config["BOXOFFICE"]
    now = now or utcnow()
    summary = RunSummary()
    # One write transaction for choosing and recording, holding the write lock from the start:
    # two runs at once then serialise, and the second finds every period key already taken.
    with write_transaction():
        for booking in _upcoming_bookings(now, settings):
            row = outbox.record(SHOW_REMINDER, outbox.booking_period(booking.id), booking.user)
            if row is not None:
                summary.show_reminders += 1
                summary.queued.append(row.id)
        for user, anchor in _inactive_users(now, settings):
            period = miss_you_period(anchor, now, settings.reminder_inactive_days)
            row = outbox.record(MISS_YOU, period, user)
            if row is not None:
                summary.miss_you += 1
                summary.queued.append(row.id)
    for log_id in summary.queued:
        outbox.queue(log_id)
    return summary


def upcoming_shows_for(user: User, now: datetime | None = None) -> list[Show]:
    """Soon-playing shows with free seats, those in the user's language first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Show)
            .options(joinedload(Show.venue))
            .where(
                Show.starts_at > now,
                Show.starts_at <= now + timedelta(days=UPCOMING_DAYS),
                Show.seats_booked < Show.capacity,
            )
            .order_by(case((Show.language == user.language, 0), else_=1), Show.starts_at)
            .limit(UPCOMING_SHOWS)
        )
    )
