"""Helpers for the background-job tests."""

from __future__ import annotations

from celery import Celery
from flask.testing import FlaskClient
from support import register_and_login

from boxoffice.auth.models import User
from boxoffice.bookings import services as booking_services
from boxoffice.bookings.models import Booking
from boxoffice.catalog.models import Show
from boxoffice.extensions import db
from boxoffice.reports.models import MailLog


def drain(celery: Celery) -> None:
    """Block until the worker has handled everything queued before this call.

    The worker takes one message at a time in order (prefetch 1, solo pool), so a ping queued
    now is answered only after the messages ahead of it.
    """
    from celery.contrib.testing.tasks import ping

    assert ping.delay().get(timeout=20) == "pong"


def make_user(
    client: FlaskClient, email: str, language: str = "en", name: str | None = None
) -> User:
    account = register_and_login(client, email, language=language)
    user = db.session.get(User, account.user_id)
    assert user is not None
    if name:
        user.name = name
        db.session.commit()
    return user


def book(user: User, show: Show, seats: list[str]) -> Booking:
    """A booking made by the real booking service (holds, claims, counters, outbox)."""
    view = booking_services.book(user.id, {"show_id": show.id, "seats": seats})
    booking = db.session.get(Booking, view["booking_id"])
    assert booking is not None
    return booking


def mail_rows(kind: str | None = None) -> list[MailLog]:
    # End the test thread's transaction: on SQLite an open one keeps seeing an old snapshot.
    db.session.commit()
    query = db.select(MailLog).order_by(MailLog.id)
    if kind is not None:
        query = query.where(MailLog.kind == kind)
    return list(db.session.scalars(query))
