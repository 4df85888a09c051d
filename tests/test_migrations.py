"""The Alembic migrations build exactly the schema the models describe."""

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from boxoffice.extensions import db

BOOKING_TABLES = ("users", "venues", "shows", "bookings", "seat_claims")


def _tables_as_they_are(connection: Any) -> dict[str, sa.Table]:
    """The booking tables as the database has them at an older revision (not the models)."""
    tables = sa.MetaData()
    return {name: sa.Table(name, tables, autoload_with=connection) for name in BOOKING_TABLES}


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_monthly_report_switch_starts_as_the_one_switch_before_it(app):
    """Turning "reminder and report mails" off used to stop both: the new switch keeps that."""
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="d032feffbb2f")
    try:
        with db.engine.begin() as connection:
            for email, wanted in [("on@example.com", True), ("off@example.com", False)]:
                connection.execute(
                    sa.text(
                        "INSERT INTO users (email, name, password_hash, language, is_admin,"
                        " reminders_enabled, created_at) VALUES (:email, 'N', 'x', 'en', :no,"
                        " :wanted, :now)"
                    ),
                    {"email": email, "no": False, "wanted": wanted, "now": "2026-01-01 00:00:00"},
                )
    finally:
        upgrade()
    with db.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT email, monthly_report_enabled FROM users ORDER BY email")
        ).all()
    assert [tuple(row) for row in rows] == [("off@example.com", False), ("on@example.com", True)]


def test_bookings_made_before_they_kept_the_end_get_the_end_the_door_used(app):
    """The end the door computed until now: the booked start plus the show's length, or 150
    minutes for a deleted show. On SQLite the migration copies the bookings table, which
    must not take the seat claims that reference it along."""
    from datetime import UTC, datetime, timedelta

    from flask_migrate import downgrade, upgrade

    from boxoffice.bookings.models import Booking, SeatClaim

    start = datetime(2026, 12, 1, 13, 30, 15, 123456)  # naive UTC, as stored
    db.session.remove()
    downgrade(revision="8e41c0d7b2a9")
    try:
        with db.engine.begin() as connection:
            table = _tables_as_they_are(connection)
            user = connection.execute(
                table["users"].insert().returning(table["users"].c.id),
                {"email": "a@example.com", "name": "A", "password_hash": "x", "language": "en",
                 "is_admin": False, "reminders_enabled": True, "created_at": start},
            ).scalar_one()  # fmt: skip
            venue = connection.execute(
                table["venues"].insert().returning(table["venues"].c.id),
                {"name": "Hall", "location": "Pune", "rows": 2, "seats_per_row": 2, "layout": {},
                 "currency": "INR", "created_at": start},
            ).scalar_one()  # fmt: skip
            show = connection.execute(
                table["shows"].insert().returning(table["shows"].c.id),
                {"venue_id": venue, "title": "Leo", "language": "en", "tags": [],
                 "duration_minutes": 97, "starts_at": start, "price": 20000, "capacity": 4,
                 "seats_booked": 1, "created_at": start},
            ).scalar_one()  # fmt: skip
            bookings = {}
            for code, show_id in (("KEPTSHOW", show), ("GONESHOW", None)):
                bookings[code] = connection.execute(
                    table["bookings"].insert().returning(table["bookings"].c.id),
                    {"code": code, "user_id": user, "show_id": show_id, "show_title": "Leo",
                     "show_starts_at": start, "show_language": "en", "venue_name": "Hall",
                     "venue_location": "Pune", "seats": ["A1"], "total": 20000,
                     "status": "confirmed", "booked_at": start},
                ).scalar_one()  # fmt: skip
            connection.execute(
                table["seat_claims"].insert(),
                {"show_id": show, "seat": "A1", "user_id": user,
                 "booking_id": bookings["KEPTSHOW"], "price": 20000},
            )  # fmt: skip
    finally:
        upgrade()
    aware = start.replace(tzinfo=UTC)
    kept = db.session.get(Booking, bookings["KEPTSHOW"])
    gone = db.session.get(Booking, bookings["GONESHOW"])
    assert kept.show_ends_at == aware + timedelta(minutes=97)
    assert gone.show_ends_at == aware + timedelta(minutes=150)
    claims = db.session.scalars(sa.select(SeatClaim.booking_id)).all()
    assert claims == [bookings["KEPTSHOW"]]


def test_bookings_made_before_they_kept_their_currency_get_their_venues(app):
    """Each booking is filled from its show's venue; one whose show is gone was written as
    rupees until now and stays so. On SQLite the migration copies the bookings table, which
    must not take the seat claims that reference it along."""
    from datetime import datetime

    from flask_migrate import downgrade, upgrade

    from boxoffice.bookings.models import Booking, SeatClaim

    start = datetime(2026, 12, 1, 13, 30)  # naive UTC, as stored
    db.session.remove()
    downgrade(revision="3f9d2c7e5b18")
    try:
        with db.engine.begin() as connection:
            table = _tables_as_they_are(connection)

            def insert(table_name, **values):  # type: ignore[no-untyped-def]
                query = table[table_name].insert().returning(table[table_name].c.id)
                return connection.execute(query, values).scalar_one()

            user = insert("users", email="a@example.com", name="A", password_hash="x",
                          language="en", is_admin=False, reminders_enabled=True,
                          monthly_report_enabled=True, created_at=start)  # fmt: skip
            shows = {}
            for currency in ("INR", "EUR"):
                venue = insert("venues", name=f"Hall {currency}", location="Pune", rows=2,
                               seats_per_row=2, layout={}, currency=currency,
                               created_at=start)  # fmt: skip
                shows[currency] = insert("shows", venue_id=venue, title="Leo", language="en",
                                         tags=[], duration_minutes=97, starts_at=start,
                                         price=20000, capacity=4, seats_booked=1,
                                         created_at=start)  # fmt: skip
            bookings = {}
            for code, show_id in (("RUPEES22", shows["INR"]), ("EUROS222", shows["EUR"]),
                                  ("GONESHOW", None)):  # fmt: skip
                bookings[code] = insert("bookings", code=code, user_id=user, show_id=show_id,
                                        show_title="Leo", show_starts_at=start,
                                        show_ends_at=start, show_language="en",
                                        venue_name="Hall", venue_location="Pune",
                                        seats=["A1"], total=20000, status="confirmed",
                                        booked_at=start)  # fmt: skip
            connection.execute(
                table["seat_claims"].insert(),
                {"show_id": shows["EUR"], "seat": "A1", "user_id": user,
                 "booking_id": bookings["EUROS222"], "price": 20000},
            )  # fmt: skip
    finally:
        upgrade()
    currencies = {code: db.session.get(Booking, id_).currency for code, id_ in bookings.items()}
    assert currencies == {"RUPEES22": "INR", "EUROS222": "EUR", "GONESHOW": "INR"}
    claims = db.session.scalars(sa.select(SeatClaim.booking_id)).all()
    assert claims == [bookings["EUROS222"]]
