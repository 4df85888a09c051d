"""Who gets which reminder, on a controlled clock; running the job twice sends nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from celery import Celery
from factories import make_show, make_venue
from flask.testing import FlaskClient
from reports_support import book, drain, mail_rows, make_user

from boxoffice.auth.models import User
from boxoffice.extensions import db
from boxoffice.reports import reminders
from boxoffice.reports.models import MailLog

IST = ZoneInfo("Asia/Kolkata")
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=IST)  # the daily run


def _sent_to(kind: str) -> set[str]:
    return {row.recipient for row in mail_rows(kind)}


def _reminder_rows() -> list[MailLog]:
    return [row for row in mail_rows() if row.kind in (reminders.MISS_YOU, reminders.SHOW_REMINDER)]


def _at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def _population(client: FlaskClient) -> None:
    venue = make_venue(name="Sathyam", location="Chennai")
    with _at(T0 - timedelta(days=60)):
        lapsed = make_user(client, "lapsed@example.com")
        recent = make_user(client, "recent@example.com")
        soon = make_user(client, "soon@example.com")
        later = make_user(client, "later@example.com")
        off = make_user(client, "off@example.com")
        off.reminders_enabled = False
        db.session.commit()
    with _at(T0 - timedelta(days=31)):
        book(lapsed, make_show(venue, title="Old", starts_in=timedelta(days=2)), ["A1"])
    with _at(T0 - timedelta(days=29)):
        book(recent, make_show(venue, title="Recent", starts_in=timedelta(days=2)), ["A1"])
    with _at(T0 - timedelta(days=5)):
        book(soon, make_show(venue, title="Tonight", starts_in=timedelta(days=5, hours=20)), ["B1"])
        book(later, make_show(venue, title="Later", starts_in=timedelta(days=6, hours=1)), ["B2"])
    with _at(T0 - timedelta(days=3)):
        make_user(client, "newbie@example.com")
    with _at(T0 - timedelta(days=2)):
        make_user(client, "fresh@example.com")


def test_selection_by_last_booking_and_upcoming_show(client: FlaskClient) -> None:
    _population(client)

    with _at(T0):
        summary = reminders.run()

    # Never booked since registering >= 3 days ago, or no booking for 30+ days.
    assert _sent_to("miss_you") == {"newbie@example.com", "lapsed@example.com"}
    # A show within the next 24 hours (the one 25 hours away is not yet due).
    assert _sent_to("show_reminder") == {"soon@example.com"}
    assert (summary.miss_you, summary.show_reminders) == (2, 1)
    # reminders_enabled=False: "off" has not booked for 60 days and still gets nothing.
    assert "off@example.com" not in {row.recipient for row in _reminder_rows()}


def test_running_twice_sends_nothing_twice(client: FlaskClient) -> None:
    _population(client)
    with _at(T0):
        first = reminders.run()
    with _at(T0):
        second = reminders.run()
    with _at(T0 + timedelta(minutes=30)):  # beat (or an operator) fires again
        third = reminders.run()

    assert len(first.queued) == 3
    assert second.queued == [] and third.queued == []
    assert len(_reminder_rows()) == 3


def test_the_next_day_brings_what_became_due(client: FlaskClient) -> None:
    _population(client)
    with _at(T0):
        reminders.run()
    with _at(T0 + timedelta(days=1)):
        summary = reminders.run()

    # "later" starts 25 h after T0, so it is due the next day; "recent" reaches 30 days
    # without a booking and "fresh" 3 days since registering. Nobody else hears twice.
    assert (summary.show_reminders, summary.miss_you) == (1, 2)
    assert _sent_to("show_reminder") == {"soon@example.com", "later@example.com"}
    assert _sent_to("miss_you") == {
        "newbie@example.com",
        "lapsed@example.com",
        "recent@example.com",
        "fresh@example.com",
    }


def test_a_user_who_stays_away_gets_one_mail_per_window(client: FlaskClient) -> None:
    _population(client)
    with _at(T0):
        reminders.run()
    with _at(T0 + timedelta(days=10)):
        assert {row.recipient for row in mail_rows("miss_you")} == {
            "newbie@example.com",
            "lapsed@example.com",
        }
        reminders.run()  # adds recent (39 days) and fresh (12 days)
    with _at(T0 + timedelta(days=30)):
        summary = reminders.run()
    # A new 30-day window for lapsed (61 days), newbie (33) and fresh (32); soon and later
    # last booked 35 days ago. "recent" (59 days) is still in the window it was mailed in.
    assert summary.miss_you == 5
    assert "recent@example.com" not in {
        row.recipient for row in mail_rows("miss_you") if row.id in summary.queued
    }
    lapsed = [row.period for row in mail_rows("miss_you") if row.recipient == "lapsed@example.com"]
    assert len(lapsed) == 2 and lapsed[0] != lapsed[1]


def test_new_booking_stops_the_reminders(client: FlaskClient) -> None:
    with _at(T0 - timedelta(days=40)):
        user = make_user(client, "lapsed@example.com")
    with _at(T0 - timedelta(hours=30)):
        book(user, make_show(make_venue(), starts_in=timedelta(days=4)), ["A1"])
    with _at(T0):
        assert reminders.run().queued == []


def test_we_miss_you_mail_lists_shows_in_the_users_language_first(
    client: FlaskClient, worker: Celery, inbox
) -> None:
    user = make_user(client, "ravi@example.com", language="hi", name="Ravi")
    user.created_at = user.created_at - timedelta(days=4)
    db.session.commit()
    venue = make_venue(name="INOX", location="Delhi")
    make_show(venue, title="Oppenheimer", language="en", starts_in=timedelta(days=1))
    make_show(venue, title="Dunki", language="hi", starts_in=timedelta(days=3))
    make_show(venue, title="Pathaan", language="hi", starts_in=timedelta(days=4))

    reminders.run()
    message = inbox.next().message
    assert message["Subject"] == "BoxOffice पर हमें आपकी याद आ रही है"
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert "हमें सिनेमा में आपकी कमी खल रही है" in text
    # Hindi shows first (by date), then the rest.
    assert text.index("Dunki") < text.index("Pathaan") < text.index("Oppenheimer")
    assert "(हिन्दी)" in text

    # The unsubscribe link (also in List-Unsubscribe) turns reminders off.
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe in text and "रिमाइंडर मेल बंद करें" in text
    token = unsubscribe.split("token=", 1)[1]
    response = client.post("/api/unsubscribe", json={"token": token})
    assert response.status_code == 200
    assert response.get_json()["reminders_enabled"] is False
    db.session.expire_all()
    stored = db.session.get(User, user.id)
    assert stored is not None
    assert (stored.reminders_enabled, stored.monthly_report_enabled) == (False, True)

    drain(worker)
    with _at(datetime.now(IST) + timedelta(days=31)):
        assert reminders.run().queued == []


def test_show_reminder_mail(client: FlaskClient, worker: Celery, inbox) -> None:
    venue = make_venue(name="Sathyam", location="Chennai")
    user = make_user(client, "asha@example.com", name="Asha")
    show = make_show(venue, title="Leo", starts_in=timedelta(hours=20))
    with _at(datetime.now(IST) - timedelta(hours=3)):
        booking = book(user, show, ["C4", "C5"])
    inbox.next()  # the confirmation

    reminders.run()
    message = inbox.next().message
    assert message["Subject"].startswith("Reminder: Leo at ")
    assert message["To"] == "Asha <asha@example.com>"
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    assert "C4, C5" in text and "Sathyam, Chennai" in text and booking.code in text
    assert "/unsubscribe?token=" in text


def test_reminder_for_a_booking_cancelled_meanwhile_is_skipped(client: FlaskClient) -> None:
    from boxoffice.bookings import services
    from boxoffice.reports.delivery import attempt

    user = make_user(client, "asha@example.com")
    show = make_show(make_venue(), starts_in=timedelta(hours=20))
    with _at(datetime.now(IST) - timedelta(hours=3)):
        booking = book(user, show, ["A1"])
    (log_id,) = [i for i in reminders.run().queued]
    services.cancel_booking(user.id, booking.id)

    assert attempt(log_id).status == "skipped"
    (row,) = mail_rows("show_reminder")
    assert row.status == "skipped" and "cancelled" in (row.error or "")


def test_concurrent_runs_record_each_mail_once(app, client: FlaskClient) -> None:  # type: ignore[no-untyped-def]
    """Two runs at the same moment (two beat instances by mistake): the unique key in the
    database, not luck, keeps every mail single."""
    import threading

    _population(client)
    db.session.commit()
    start = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            try:
                start.wait(timeout=10)
                results.append(len(reminders.run(now=T0).queued))
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(results, reverse=True)[0] <= 3 and sum(results) == 3
    assert len(_reminder_rows()) == 3
