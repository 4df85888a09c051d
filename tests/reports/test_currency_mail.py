"""Mails and calendar files write each amount in the currency it was charged in, in every
language: end to end through the outbox, the Celery worker and a real SMTP server."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import time_machine
from celery import Celery
from factories import make_show, make_venue
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from reports_support import book, make_user

from boxoffice.bookings import services as booking_services
from boxoffice.catalog import services as catalog_services
from boxoffice.database import write_transaction
from boxoffice.extensions import db
from boxoffice.reports import messages, monthly, outbox, reminders
from boxoffice.reports.monthly import Month

IST = ZoneInfo("Asia/Kolkata")
NBSP = "\u00a0"  # between a code and its amount, as browsers write "CHF 40.00"


def _bodies(message: EmailMessage) -> tuple[str, str]:
    parts = {p.get_content_type(): p for p in message.walk() if not p.is_multipart()}
    return parts["text/plain"].get_content(), parts["text/html"].get_content()


def _calendar_description(message: EmailMessage) -> str:
    (ics,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    return str(event["description"])


def _show_in(currency: str, price: str, name: str = "Rex"):  # type: ignore[no-untyped-def]
    venue = make_venue(name=name, location="Paris", currency=currency)
    return make_show(venue, title="Amelie", starts_in=timedelta(days=3), price=price)


def test_confirmation_and_calendar_in_euros(client: FlaskClient, worker: Celery, inbox) -> None:
    user = make_user(client, "asha@example.com")
    book(user, _show_in("EUR", "1250.00"), ["B3", "B4"])

    message = inbox.next().message
    for body in _bodies(message):
        assert "€2,500.00" in body
        assert "₹" not in body
    assert "Total: €2,500.00" in _calendar_description(message)


def test_confirmation_in_hindi_and_tamil_keeps_the_currency(
    client: FlaskClient, worker: Celery, inbox
) -> None:
    """A currency gets the sign the web app shows, or its code set apart from the digits."""
    hindi = make_user(client, "ravi@example.com", language="hi")
    tamil = make_user(client, "kavya@example.com", language="ta")
    book(hindi, _show_in("USD", "9.50", name="Regal"), ["A1"])
    book(tamil, _show_in("CHF", "20.00", name="Kosmos"), ["A1", "A2"])

    received = {r.rcpt_tos[0]: r.message for r in inbox.take(2)}
    hindi_mail, tamil_mail = received["ravi@example.com"], received["kavya@example.com"]
    assert hindi_mail["Content-Language"] == "hi" and tamil_mail["Content-Language"] == "ta"
    for body in _bodies(hindi_mail):
        assert "$9.50" in body and "₹" not in body
    for body in _bodies(tamil_mail):
        assert f"CHF{NBSP}40.00" in body and "₹" not in body
    assert f"Total: CHF{NBSP}40.00" in _calendar_description(tamil_mail)


def test_every_mail_language_writes_amounts_as_the_web_app_does(
    client: FlaskClient, worker: Celery, inbox
) -> None:
    """Indian digit grouping and CLDR's signs (the web app's en-IN ``Intl``): "₹1,00,000.00"
    and "A$90.00", not "₹100,000.00" and "AUD 90.00"."""
    people = {
        f"{language}@example.com": make_user(client, f"{language}@example.com", language=language)
        for language in ("en", "hi", "ta")
    }
    rupees = make_show(make_venue(name="Sathyam"), title="Leo", price="25000.00")
    dollars = _show_in("AUD", "45.00", name="Astor")
    for seat, person in enumerate(people.values(), start=1):
        book(person, rupees, [f"{row}{seat}" for row in "ABCD"])  # 4 x 25,000
        book(person, dollars, [f"A{seat}", f"B{seat}"])

    received = [r.message for r in inbox.take(6)]
    assert {m["Content-Language"] for m in received} == {"en", "hi", "ta"}
    totals = {"₹1,00,000.00", "A$90.00"}
    for message in received:
        shown = {amount for amount in totals if all(amount in b for b in _bodies(message))}
        assert len(shown) == 1, message["Subject"]
        assert f"Total: {shown.pop()}" in _calendar_description(message)


def test_cancellation_after_the_venue_changed_currency_says_what_was_charged(
    client: FlaskClient, worker: Celery, inbox
) -> None:
    user = make_user(client, "asha@example.com")
    show = _show_in("EUR", "12.50")
    booking = book(user, show, ["D7"])
    inbox.next()  # the confirmation
    catalog_services.update_venue(show.venue_id, {"currency": "GBP"})

    booking_services.cancel_booking(user.id, booking.id)
    text, html = _bodies(inbox.next().message)
    for body in (text, html):
        assert "€12.50" in body and "£" not in body


def _at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def test_the_monthly_report_totals_each_currency_apart(client: FlaskClient, app: Flask) -> None:
    with _at(datetime(2026, 9, 20, tzinfo=IST)):
        user = make_user(client, "asha@example.com")
    with _at(datetime(2026, 10, 2, 10, 0, tzinfo=IST)):
        chennai = make_venue(name="Sathyam", location="Chennai")
        book(user, make_show(chennai, title="Leo", price="200.00"), ["A1", "A2"])
        book(user, _show_in("EUR", "12.50"), ["A1"])
    with _at(datetime(2026, 10, 9, 10, 0, tzinfo=IST)):
        book(user, make_show(chennai, title="Jailer", price="250.00"), ["B1"])

    report = monthly.report_for(user.id, Month(2026, 10), app.config["BOXOFFICE"].tz)
    assert report.spend == {"INR": Decimal("650.00"), "EUR": Decimal("12.50")}

    with write_transaction():
        row = outbox.record(monthly.MONTHLY_REPORT, "2026-10", user)
    assert row is not None
    with _at(datetime(2026, 11, 1, 8, 0, tzinfo=IST)):
        text, html = _bodies(messages.build(row))
    for body in (text, html):
        assert "₹650.00 + €12.50" in body  # the total, never one sum of 662.50
        assert "662.50" not in body
        for amount in ("₹400.00", "€12.50", "₹250.00"):  # each booking's own amount
            assert amount in body


def test_we_miss_you_prices_each_show_in_its_venues_currency(
    client: FlaskClient, worker: Celery, inbox
) -> None:
    user = make_user(client, "asha@example.com")
    user.created_at = user.created_at - timedelta(days=4)  # long enough without a booking
    db.session.commit()
    make_show(make_venue(name="Sathyam"), title="Leo", price="200.00", starts_in=timedelta(days=1))
    _show_in("EUR", "12.50")

    reminders.run()
    text, html = _bodies(inbox.next().message)
    for body in (text, html):
        assert "₹200.00" in body and "€12.50" in body
