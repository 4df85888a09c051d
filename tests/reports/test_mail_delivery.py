"""Delivery paths of the outbox: temporary refusals retry and then succeed, permanent ones
fail at once, lost tasks are picked up by the sweep, and no SMTP means .eml files."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from celery import Celery
from factories import make_show, make_venue
from flask import Flask
from flask.testing import FlaskClient
from reports_support import book, drain, mail_rows, make_user

from boxoffice.config import Settings
from boxoffice.db_types import utcnow
from boxoffice.extensions import db
from boxoffice.mail import SmtpTarget
from boxoffice.reports import outbox
from boxoffice.reports.models import MailLog

SEND_MAIL = "boxoffice.reports.tasks.send_mail"


@pytest.fixture
def show():
    return make_show(make_venue(), title="Leo", starts_in=timedelta(days=2))


def test_temporary_refusal_is_retried_then_sent(
    client: FlaskClient, worker: Celery, inbox, task_events, show
) -> None:
    inbox.refuse = ["451 4.3.0 Mailbox busy, try again later"] * 2
    user = make_user(client, "asha@example.com")
    book(user, show, ["A1"])

    task_events.wait_for(SEND_MAIL, "RETRY")
    task_events.wait_for(SEND_MAIL, "RETRY")
    assert task_events.wait_for(SEND_MAIL, "SUCCESS").retval == "sent"
    assert inbox.next().rcpt_tos == ["asha@example.com"]
    assert inbox.refused == 2
    (row,) = mail_rows()
    assert (row.status, row.attempts, row.error) == ("sent", 3, None)


def test_permanent_refusal_fails_without_retrying(
    client: FlaskClient, worker: Celery, inbox, task_events, show
) -> None:
    inbox.refuse = ["550 5.1.1 No such user here"]
    user = make_user(client, "nobody@example.com")
    book(user, show, ["A2"])

    assert task_events.wait_for(SEND_MAIL, "SUCCESS").retval == "failed"
    (row,) = mail_rows()
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550" in (row.error or "")
    assert inbox.refused == 1


def test_mail_whose_task_was_lost_is_requeued_by_the_sweep(
    client: FlaskClient, worker: Celery, inbox, show
) -> None:
    from boxoffice.reports.tasks import requeue_stale_mail

    user = make_user(client, "asha@example.com")
    # As if Redis had been down when the booking committed: the row exists, no task does.
    row = outbox.record("miss_you", "2026-01-01T00:00/0", user)
    assert row is not None
    row.next_attempt_at = utcnow() - timedelta(minutes=10)
    db.session.commit()

    assert requeue_stale_mail.delay().get(timeout=20) == 1
    assert inbox.next().message["Subject"] == "We miss you at BoxOffice"
    drain(worker)
    assert mail_rows()[0].status == "sent"
    # Nothing is stale any more, so a second sweep queues nothing.
    assert requeue_stale_mail.delay().get(timeout=20) == 0


def test_booking_commits_even_when_the_broker_is_down(
    settings: Settings, client: FlaskClient, show, second_app
) -> None:
    user = make_user(client, "asha@example.com")
    # A second app on the same database whose Redis is unreachable.
    broken = second_app(replace(settings, redis_url="redis://127.0.0.1:1/0"))
    with broken.app_context():
        user = db.session.get(type(user), user.id)
        booking = book(user, db.session.merge(show), ["C3"])
        assert booking.status == "confirmed"
        (row,) = mail_rows()
        assert row.status == "queued"  # recorded; the sweep will queue it


def test_without_smtp_mail_goes_to_the_outbox_folder(app: Flask, client: FlaskClient) -> None:
    from boxoffice.reports.delivery import attempt

    settings: Settings = app.config["BOXOFFICE"]
    app.config["BOXOFFICE"] = replace(settings, mail_url=None)
    user = make_user(client, "asha@example.com", language="hi")
    row = outbox.record("miss_you", "2026-01-01T00:00/0", user)
    assert row is not None
    db.session.commit()

    assert attempt(row.id).status == "sent"
    (path,) = (settings.instance_dir / "outbox").glob("*.eml")
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert message["To"] == "asha <asha@example.com>"
    assert "BoxOffice पर हमें आपकी याद आ रही है" == message["Subject"]
    assert {p.get_content_type() for p in message.walk()} >= {"text/plain", "text/html"}
    assert db.session.get(MailLog, row.id).status == "sent"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.com", SmtpTarget("mail.example.com", 25, False, False, None, None)),
        (
            "smtp://user%40x.com:p%3Ass@mail.example.com?starttls=1",
            SmtpTarget("mail.example.com", 587, False, True, "user@x.com", "p:ss"),
        ),
        (
            "smtps://u:p@mail.example.com:2465",
            SmtpTarget("mail.example.com", 2465, True, False, "u", "p"),
        ),
    ],
)
def test_smtp_urls(url: str, expected: SmtpTarget) -> None:
    assert SmtpTarget.parse(url) == expected


def test_a_mail_that_cannot_be_built_is_recorded_not_retried_forever(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from boxoffice.reports import messages
    from boxoffice.reports.delivery import attempt

    def broken(row: MailLog) -> None:
        raise KeyError("missing_variable")

    monkeypatch.setitem(messages.BUILDERS, "miss_you", broken)
    user = make_user(client, "asha@example.com")
    row = outbox.record("miss_you", "2026-01-01T00:00/0", user)
    assert row is not None
    db.session.commit()

    with pytest.raises(KeyError):
        attempt(row.id)
    (failed,) = mail_rows()
    assert failed.status == "failed" and "KeyError" in (failed.error or "")
    assert outbox.stale_ids(utcnow() + timedelta(hours=1)) == []


def test_a_burst_of_bookings_sends_each_confirmation_once(
    client: FlaskClient, worker: Celery, inbox, show
) -> None:
    """Bookings only kick the outbox; the dispatches they trigger send every mail once."""
    users = [make_user(client, f"fan{n}@example.com") for n in range(6)]
    for n, user in enumerate(users):
        book(user, show, [f"B{n + 1}"])

    received = sorted(mail.rcpt_tos[0] for mail in inbox.take(len(users)))
    assert received == sorted(user.email for user in users)
    drain(worker)
    assert inbox.pending() == []
    assert [(row.status, row.attempts) for row in mail_rows()] == [("sent", 1)] * len(users)
    assert outbox.dispatch_due() == 0  # nothing is due any more


def test_a_mail_recorded_while_a_dispatch_is_pending_goes_with_that_dispatch(
    client: FlaskClient, worker: Celery, inbox, show
) -> None:
    from boxoffice.redis_client import get_redis
    from boxoffice.reports.tasks import dispatch_mail

    user = make_user(client, "asha@example.com")
    kicks = get_redis()
    kicks.set(outbox.KICK_KEY, "1")  # a dispatch is on its way to the worker
    book(user, show, ["C4"])  # so this commit's kick queues no second one
    assert kicks.get(outbox.KICK_KEY) == "1"
    assert mail_rows()[0].status == "queued"

    dispatch_mail.delay()  # the pending dispatch arrives and takes the new row along
    assert inbox.next().rcpt_tos == ["asha@example.com"]
    assert kicks.get(outbox.KICK_KEY) is None  # cleared first, so later commits kick again
