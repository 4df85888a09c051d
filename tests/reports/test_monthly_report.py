"""The monthly entertainment report: local-time month boundaries, the year boundary, content,
idempotency, and the CLI command."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery import Celery
from factories import make_show, make_venue
from flask import Flask
from flask.testing import FlaskClient
from reports_support import book, drain, mail_rows, make_user

from boxoffice import mail
from boxoffice.auth.models import User
from boxoffice.bookings import services as booking_services
from boxoffice.database import write_transaction
from boxoffice.extensions import db
from boxoffice.reports import messages, monthly, outbox
from boxoffice.reports.models import MailLog
from boxoffice.reports.monthly import Month

IST = ZoneInfo("Asia/Kolkata")


def _at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def _booked_at(moment: datetime, user, venue_name: str, seats: list[str], **show):  # type: ignore[no-untyped-def]
    """A booking made at ``moment``; each in its own hall so that no two shows overlap."""
    with _at(moment):
        venue = make_venue(name=venue_name)
        return book(user, make_show(venue, starts_in=timedelta(days=2), **show), seats)


def _reports() -> dict[str, str]:
    return {row.recipient: row.period for row in mail_rows(monthly.MONTHLY_REPORT)}


def test_month_arithmetic() -> None:
    assert Month.parse("2026-10") == Month(2026, 10)
    assert Month.before(date(2027, 1, 1)) == Month(2026, 12)  # January reports December
    assert Month.before(date(2026, 3, 1)) == Month(2026, 2)
    assert Month(2026, 12).next == Month(2027, 1)
    start, end = Month(2026, 10).bounds(IST)
    assert start.isoformat() == "2026-10-01T00:00:00+05:30"
    assert end.isoformat() == "2026-11-01T00:00:00+05:30"
    for bad in ("2026-13", "2026-00", "26-10", "2026/10", "", "1999-12", "2026-1"):
        with pytest.raises(ValueError):
            Month.parse(bad)


def test_a_month_is_a_local_calendar_month(client: FlaskClient, app: Flask) -> None:
    with _at(datetime(2026, 9, 1, tzinfo=IST)):
        late = make_user(client, "late@example.com")
        early = make_user(client, "early@example.com")
    # 23:30 IST on 31 October is 18:00 UTC: October. 00:30 IST on 1 November is still
    # 31 October in UTC (19:00), but November here.
    _booked_at(datetime(2026, 10, 31, 23, 30, tzinfo=IST), late, "Hall", ["A1"], title="Late")
    _booked_at(datetime(2026, 11, 1, 0, 30, tzinfo=IST), early, "Hall", ["A2"], title="Early")

    tz = app.config["BOXOFFICE"].tz
    assert [b.show_title for b in monthly.report_for(late.id, Month(2026, 10), tz).bookings] == [
        "Late"
    ]
    assert monthly.report_for(early.id, Month(2026, 10), tz).bookings == []
    assert [u.email for u in monthly.recipients(Month(2026, 10), tz)] == ["late@example.com"]
    assert [u.email for u in monthly.recipients(Month(2026, 11), tz)] == ["early@example.com"]


def test_the_january_run_reports_december_once(client: FlaskClient) -> None:
    venue = make_venue()
    with _at(datetime(2026, 11, 1, tzinfo=IST)):
        december = make_user(client, "december@example.com")
        november = make_user(client, "november@example.com")
        cancelled = make_user(client, "cancelled@example.com")
        muted = make_user(client, "muted@example.com")
        reminded_not = make_user(client, "no-reminders@example.com")
    _booked_at(datetime(2026, 12, 5, 19, 0, tzinfo=IST), december, "Hall", ["A1"])
    _booked_at(datetime(2026, 11, 20, 19, 0, tzinfo=IST), november, "Hall", ["A2"])
    with _at(datetime(2026, 12, 6, 12, 0, tzinfo=IST)):
        dropped = book(cancelled, make_show(venue, starts_in=timedelta(days=3)), ["A3"])
        booking_services.cancel_booking(cancelled.id, dropped.id)
        book(muted, make_show(venue, starts_in=timedelta(days=4)), ["A4"])
        muted.monthly_report_enabled = False
        # Turning reminders off leaves the report on: the two are apart.
        book(reminded_not, make_show(venue, starts_in=timedelta(days=5)), ["A5"])
        reminded_not.reminders_enabled = False
        db.session.commit()

    beat_time = datetime(2027, 1, 1, 8, 0, tzinfo=IST)
    with _at(beat_time):
        month, queued = monthly.run()
    assert str(month) == "2026-12"
    assert len(queued) == 2
    assert _reports() == {
        "december@example.com": "2026-12",
        "no-reminders@example.com": "2026-12",
    }

    with _at(beat_time + timedelta(minutes=5)):
        assert monthly.run() == (Month(2026, 12), [])  # a second run sends nothing new
    assert monthly.run(Month(2026, 12)) == (Month(2026, 12), [])
    assert len(_reports()) == 2


def test_report_totals_and_favourites(client: FlaskClient, app: Flask) -> None:
    with _at(datetime(2026, 9, 20, tzinfo=IST)):
        user = make_user(client, "asha@example.com")
    _booked_at(datetime(2026, 10, 2, 10, 0, tzinfo=IST), user, "INOX", ["A1"], language="en")
    _booked_at(
        datetime(2026, 10, 9, 10, 0, tzinfo=IST), user, "Sathyam", ["B1", "B2", "B3"], language="ta"
    )
    _booked_at(datetime(2026, 10, 16, 10, 0, tzinfo=IST), user, "INOX", ["C1"], language="ta")

    report = monthly.report_for(user.id, Month(2026, 10), app.config["BOXOFFICE"].tz)
    assert len(report.bookings) == 3
    assert report.tickets == 5
    assert report.spend == {"INR": Decimal("1000.00")}  # 5 tickets at 200
    assert report.favourite_venue == "Sathyam"  # 3 tickets against 2
    assert report.favourite_language == "ta"


def _report_row(user: User) -> MailLog:
    with write_transaction():
        row = outbox.record(monthly.MONTHLY_REPORT, "2026-10", user)
    assert row is not None
    return row


def _built(row: MailLog) -> tuple[str, str, str]:
    """The report mail as the worker would build it now: subject, text and HTML."""
    message = messages.build(row)
    parts = {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}
    return message["Subject"], parts["text/plain"], parts["text/html"]


@pytest.mark.parametrize(
    ("language", "subject", "one", "many", "coming_up"),
    [
        (
            "en",
            "Your BoxOffice bookings in October 2026",
            "1 booking, 1 ticket, ₹200.00",
            "2 bookings, 5 tickets, ₹1,000.00",
            "coming up",
        ),
        (
            "hi",
            "अक्तूबर 2026 में BoxOffice पर आपकी बुकिंग",
            "1 बुकिंग, 1 टिकट, ₹200.00",
            "2 बुकिंग, 5 टिकट, ₹1,000.00",
            "आने वाला",
        ),
        (
            "ta",
            "அக்டோபர் 2026 மாதத்தில் BoxOffice-இல் உங்கள் முன்பதிவுகள்",
            "1 முன்பதிவு, 1 டிக்கெட், ₹200.00",
            "2 முன்பதிவுகள், 5 டிக்கெட்டுகள், ₹1,000.00",
            "வரவிருக்கிறது",
        ),
    ],
)
def test_report_mail_counts_and_show_dates_read_right(
    client: FlaskClient, language: str, subject: str, one: str, many: str, coming_up: str
) -> None:
    """One ticket is "1 ticket", and the shows are named by their own date: a show booked
    in October for 1 November is in October's report, marked as still to come."""
    with _at(datetime(2026, 9, 20, tzinfo=IST)):
        single = make_user(client, "single@example.com", language=language)
        several = make_user(client, "several@example.com", language=language)
    _booked_at(datetime(2026, 10, 9, 10, 0, tzinfo=IST), single, "INOX", ["A1"], title="Leo")
    _booked_at(datetime(2026, 10, 2, 10, 0, tzinfo=IST), several, "INOX", ["B1"], title="Leo")
    _booked_at(
        datetime(2026, 10, 30, 21, 0, tzinfo=IST),
        several,
        "Sathyam",
        ["C1", "C2", "C3", "C4"],
        title="Jailer",
    )
    t = mail.Translator(language)
    past_show = t.when(datetime(2026, 10, 4, 10, 0, tzinfo=IST), IST)
    next_month_show = t.when(datetime(2026, 11, 1, 21, 0, tzinfo=IST), IST)
    later_month_note = t("Each show is listed with its own date, which may be in a later month.")

    single_row, several_row = _report_row(single), _report_row(several)
    with _at(datetime(2026, 11, 1, 8, 0, tzinfo=IST)):  # when the beat sends the report
        one_subject, one_text, one_html = _built(single_row)
        many_subject, many_text, many_html = _built(several_row)
    assert one_subject == many_subject == subject
    for body in (one_text, one_html):
        assert one in body
        assert coming_up not in body and later_month_note not in body  # its show was 11 Oct
    for body in (many_text, many_html):
        assert many in body
        assert past_show in body and next_month_show in body
        assert body.count(coming_up) == 1 and later_month_note in body
    # The mark stands with the November show, in the text by its date and in the HTML in
    # its row (the row of the October show comes first: they are in order of booking).
    assert f"{next_month_show} ({coming_up})" in many_text
    assert many_html.index(past_show) < many_html.index(next_month_show)
    assert many_html.index(next_month_show) < many_html.index(coming_up)
    if language == "en":
        for body in (one_text, one_html, many_text, many_html):
            assert re.search(r"\b1 (tickets|bookings)\b", body) is None

    with _at(datetime(2026, 11, 2, 8, 0, tzinfo=IST)):  # sent late, after the show
        _subject, late_text, late_html = _built(several_row)
    assert coming_up not in late_text and coming_up not in late_html


def test_report_mail_end_to_end(client: FlaskClient, worker: Celery, inbox) -> None:
    venue = make_venue(name="PVR Select", location="Bengaluru")
    user = make_user(client, "ravi@example.com", language="hi", name="Ravi")
    first = book(user, make_show(venue, title="Dunki", starts_in=timedelta(days=1)), ["D4", "D5"])
    second = book(user, make_show(venue, title="Jawan", starts_in=timedelta(days=2)), ["E1"])
    inbox.take(2)  # the confirmations
    this_month = Month.parse(datetime.now(IST).strftime("%Y-%m"))

    month, queued = monthly.run(this_month)
    received = inbox.next()
    message = received.message
    assert message["To"] == "Ravi <ravi@example.com>"
    assert message["Subject"].endswith(" में BoxOffice पर आपकी बुकिंग")
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_content()
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    for body in (html, text):
        assert "Dunki" in body and "Jawan" in body and "PVR Select" in body
        assert "D4, D5" in body
        assert "2 बुकिंग, 3 टिकट, ₹600.00" in body  # 3 tickets at 200
        assert "हिन्दी" in body  # favourite language, in Hindi
    assert "यह आपकी मासिक रिपोर्ट है" in text
    assert html.count("<tr") >= 6 and "style=" in html
    assert first.code and second.code
    # Its link stops this report and nothing else.
    assert "मासिक रिपोर्ट बंद करें" in text and "मासिक रिपोर्ट बंद करें" in html
    link = message["List-Unsubscribe"].strip("<>")
    assert link in text
    # On the wire as RFC 2369 has it: the address in angle brackets, not an encoded word
    # (which mail programs do not read as an unsubscribe address).
    assert f"List-Unsubscribe: <{link}>".encode() in received.raw
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"  # RFC 8058
    stopped = client.post("/api/unsubscribe", json={"token": link.split("token=", 1)[1]})
    assert stopped.get_json()["stopped"] == ["monthly_report"]
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored is not None
    assert (stored.reminders_enabled, stored.monthly_report_enabled) == (True, False)

    drain(worker)
    assert [row.status for row in mail_rows(monthly.MONTHLY_REPORT)] == ["sent"]
    # Once per user and month, however often it runs.
    assert monthly.run(this_month) == (month, [])
    drain(worker)
    assert inbox.pending() == []


def test_cli_monthly_report(app: Flask, client: FlaskClient) -> None:
    with _at(datetime(2026, 9, 20, tzinfo=IST)):
        user = make_user(client, "asha@example.com")
    _booked_at(datetime(2026, 10, 2, 10, 0, tzinfo=IST), user, "Hall", ["A1"])

    runner = app.test_cli_runner()
    result = runner.invoke(args=["jobs", "monthly-report", "--month", "2026-10"])
    assert result.exit_code == 0, result.output
    assert "2026-10: 1 new mail(s) queued" in result.output
    again = runner.invoke(args=["jobs", "monthly-report", "--month", "2026-10"])
    assert "2026-10: 0 new mail(s) queued" in again.output

    bad = runner.invoke(args=["jobs", "monthly-report", "--month", "October"])
    assert bad.exit_code == 2 and "not a month" in bad.output

    reminders = runner.invoke(args=["jobs", "reminders"])
    assert reminders.exit_code == 0 and "Reminders:" in reminders.output
