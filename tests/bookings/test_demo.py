"""Demo bookings keep every invariant of real ones and send no mail."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from boxoffice.auth.models import User
from boxoffice.bookings.models import Booking, SeatClaim
from boxoffice.catalog.models import Show
from boxoffice.db_types import utcnow
from boxoffice.extensions import db
from boxoffice.reports.models import MailLog


def test_demo_bookings(app: Flask):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    bookings = list(db.session.scalars(select(Booking)))
    assert len(bookings) >= 20
    assert any(b.show_starts_at < utcnow() for b in bookings)  # last month, for the reports
    assert any(b.show_starts_at > utcnow() for b in bookings)
    assert len({b.user_id for b in bookings}) >= 4
    claims = dict(
        db.session.execute(
            select(SeatClaim.show_id, func.count(SeatClaim.id)).group_by(SeatClaim.show_id)
        ).all()
    )
    for show in db.session.scalars(select(Show)):
        booked = sum(len(b.seats) for b in bookings if b.show_id == show.id)
        assert show.seats_booked == booked == claims.get(show.id, 0)
    for booking in bookings:
        assert booking.booked_at <= utcnow() and booking.total > 0
    assert db.session.scalar(select(func.count(MailLog.id))) == 0
    # What it says it made is what it made.
    accounts = db.session.scalar(select(func.count(User.id)))
    assert f"{len(bookings)} bookings" in result.output and f"{accounts} accounts" in result.output
