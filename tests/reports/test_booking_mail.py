"""Booking confirmation and cancellation mails, end to end: booking service -> outbox row ->
Celery worker on Redis -> SMTP server (aiosmtpd)."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from celery import Celery
from factories import make_show, make_venue
from flask.testing import FlaskClient
from icalendar import Calendar
from reports_support import book, drain, mail_rows, make_user

from boxoffice.bookings import services as booking_services
from boxoffice.bookings.tickets import ticket_qr_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _parts(message: EmailMessage) -> dict[str, list[EmailMessage]]:
    found: dict[str, list[EmailMessage]] = {}
    for part in message.walk():
        if not part.is_multipart():
            found.setdefault(part.get_content_type(), []).append(part)  # type: ignore[arg-type]
    return found


@pytest.fixture
def show():
    venue = make_venue(name="PVR Phoenix", location="Mumbai")
    return make_show(venue, title="Jawan", starts_in=timedelta(days=3), price="250.00")


def test_confirmation_mail_has_everything(client: FlaskClient, worker: Celery, inbox, show) -> None:
    user = make_user(client, "asha@example.com", name="Asha Rao")
    booking = book(user, show, ["B3", "B4"])

    received = inbox.next()
    message = received.message
    assert received.rcpt_tos == ["asha@example.com"]
    assert message["From"] == "BoxOffice <tickets@boxoffice.test>"
    assert message["To"] == "Asha Rao <asha@example.com>"
    assert booking.code in message["Subject"] and "Jawan" in message["Subject"]
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith(
        "@boxoffice.test>"
    )
    assert message["Date"]

    parts = _parts(message)
    text = parts["text/plain"][0].get_content()
    html = parts["text/html"][0].get_content()
    for body in (text, html):
        assert booking.code in body
        assert "Jawan" in body
        assert "PVR Phoenix" in body and "Mumbai" in body
        assert "B3, B4" in body
        assert "₹500.00" in body
    assert "<table" in html and "style=" in html

    # The QR e-ticket is shown inside the HTML (cid) and is the booking engine's signed code.
    (qr,) = parts["image/png"]
    assert qr.get_content().startswith(PNG_SIGNATURE)
    assert qr.get_content() == ticket_qr_png(booking)
    assert f"cid:{qr['Content-ID'].strip('<>')}" in html

    # The calendar file parses and describes the show.
    (ics,) = parts["text/calendar"]
    assert ics.get_filename() == f"{booking.code}.ics"
    calendar = Calendar.from_ical(ics.get_content())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == booking.show_starts_at.replace(microsecond=0)
    assert str(event["summary"]) == "Jawan — PVR Phoenix"
    assert "PVR Phoenix" in str(event["location"])
    assert "Total: ₹500.00" in str(event["description"])

    drain(worker)
    (row,) = mail_rows("booking_confirmed")
    assert row.status == "sent" and row.attempts == 1
    assert row.message_id == message["Message-ID"]


def test_hindi_user_gets_hindi_mail(client: FlaskClient, worker: Celery, inbox, show) -> None:
    user = make_user(client, "ravi@example.com", language="hi", name="Ravi")
    book(user, show, ["C1"])

    message = inbox.next().message
    assert "के लिए आपके टिकट" in message["Subject"]
    parts = _parts(message)
    text = parts["text/plain"][0].get_content()
    html = parts["text/html"][0].get_content()
    assert "नमस्ते Ravi" in text and "आपकी बुकिंग पक्की हो गई है" in text
    assert 'lang="hi"' in html and "सीटें" in html
    assert message["Content-Language"] == "hi"


def test_tamil_and_unknown_languages(client: FlaskClient, worker: Celery, inbox, show) -> None:
    tamil = make_user(client, "tamil@example.com", language="ta")
    bengali = make_user(client, "bengali@example.com", language="bn")  # no translation yet
    book(tamil, show, ["A1"])
    book(bengali, show, ["A2"])

    by_recipient = {r.rcpt_tos[0]: r.message for r in inbox.take(2)}
    tamil_text = _parts(by_recipient["tamil@example.com"])["text/plain"][0].get_content()
    assert "வணக்கம்" in tamil_text
    fallback = by_recipient["bengali@example.com"]
    assert fallback["Content-Language"] == "en"
    assert "Your booking is confirmed" in _parts(fallback)["text/plain"][0].get_content()


def test_cancellation_sends_a_short_mail(client: FlaskClient, worker: Celery, inbox, show) -> None:
    user = make_user(client, "asha@example.com")
    booking = book(user, show, ["D7"])
    inbox.next()  # the confirmation

    booking_services.cancel_booking(user.id, booking.id)
    message = inbox.next().message
    assert message["Subject"] == f"Booking {booking.code} cancelled"
    text = _parts(message)["text/plain"][0].get_content()
    assert "has been cancelled" in text and "D7" in text
    assert "text/calendar" not in _parts(message)


def test_a_mail_task_run_twice_sends_once(
    client: FlaskClient, worker: Celery, inbox, task_events, show
) -> None:
    from boxoffice.reports.tasks import send_mail

    user = make_user(client, "asha@example.com")
    book(user, show, ["E1"])
    inbox.next()
    assert task_events.wait_for(send_mail.name).retval == "sent"
    (row,) = mail_rows()

    # A redelivered message (acks_late after a worker crash) finds the row sent.
    send_mail.delay(row.id)
    assert task_events.wait_for(send_mail.name).retval == "not_due"
    assert inbox.pending() == []
    assert mail_rows()[0].attempts == 1


def test_rolled_back_booking_sends_nothing(
    client: FlaskClient, worker: Celery, inbox, show
) -> None:
    from boxoffice import notifications
    from boxoffice.database import write_transaction

    user = make_user(client, "asha@example.com")
    booking = book(user, show, ["A8"])
    inbox.next()
    # A cancellation whose transaction rolls back must leave no trace and queue nothing.
    with pytest.raises(RuntimeError), write_transaction():
        notifications.booking_cancelled(booking.id, booking.user)
        raise RuntimeError("something failed later in the same transaction")
    drain(worker)
    assert inbox.pending() == []
    assert [row.kind for row in mail_rows()] == ["booking_confirmed"]


def test_withdrawn_show_mail_says_the_cinema_cancelled(client: FlaskClient, inbox, show) -> None:
    from boxoffice.catalog import services as catalog_services
    from boxoffice.reports.delivery import attempt

    user = make_user(client, "asha@example.com", language="hi")
    booking = book(user, show, ["A6"])
    catalog_services.delete_show(show.id, force=True)
    # Withdrawing the show recorded the customer's cancellation mail in the same transaction.
    rows = [r for r in mail_rows("booking_cancelled") if r.period == f"booking:{booking.id}"]
    assert len(rows) == 1
    assert attempt(rows[0].id).status == "sent"

    text = _parts(inbox.next().message)["text/plain"][0].get_content()
    assert "सिनेमाघर ने यह शो रद्द कर दिया है" in text and booking.code in text
