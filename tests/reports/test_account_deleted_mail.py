"""The notice that an account was deleted, end to end (outbox row in the deleting
transaction -> Celery worker -> SMTP): it is the last mail to the address, mails still
pending for the account do not go out, and the log forgets the address once it is sent."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from factories import make_show
from flask.testing import FlaskClient
from reports_support import book, drain, mail_rows, make_user
from support import PASSWORD, register_and_login

from boxoffice import notifications
from boxoffice.auth.models import deleted_address
from boxoffice.database import write_transaction
from boxoffice.reports import outbox


def _parts(message: EmailMessage) -> tuple[str, str]:
    parts = {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}
    return parts["text/plain"], parts["text/html"]


def _delete(client: FlaskClient, email: str) -> list[str]:
    login = client.post("/api/login", json={"email": email, "password": PASSWORD})
    token = login.get_json()["access_token"]
    response = client.post(
        "/api/me/delete",
        json={"current_password": PASSWORD},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["cancelled_bookings"])


def test_the_notice_is_the_last_mail_to_the_address(
    client: FlaskClient, request: pytest.FixtureRequest, inbox
) -> None:
    asha = make_user(client, "asha@example.com", name="Asha Rao")
    booking = book(asha, make_show(title="Jawan", starts_in=timedelta(days=2)), ["A1", "A2"])
    user_id = asha.id
    # Its confirmation is still waiting for the worker when the account goes.
    assert [row.status for row in mail_rows()] == [outbox.QUEUED]

    assert _delete(client, "asha@example.com") == [booking.code]
    worker = request.getfixturevalue("worker")

    received = inbox.next()
    message = received.message
    assert received.rcpt_tos == ["asha@example.com"]
    assert message["Subject"] == "Your BoxOffice account was deleted"
    assert message["To"] == "asha@example.com"  # the erased name is not put back
    text, html = _parts(message)
    for body in (text, html):
        assert body.lstrip().startswith("Hello,") or "Hello,</p>" in body
        assert "Asha" not in body and "Deleted account" not in body
        assert booking.code in body and "Jawan" in body
        assert "cancelled and their seats released" in body
        assert "the last mail we send to it" in body
        assert "you have an account at BoxOffice" not in body
    drain(worker)
    assert inbox.pending() == []  # the confirmation did not go out
    rows = {row.kind: row for row in mail_rows()}
    assert rows[notifications.BOOKING_CONFIRMED].status == outbox.SKIPPED
    assert rows[notifications.ACCOUNT_DELETED].status == outbox.SENT
    # Sent, the notice forgets the address too: no row of the log keeps it.
    assert {row.recipient for row in rows.values()} == {deleted_address(user_id)}


def test_the_notice_is_in_the_persons_language_and_the_address_can_start_afresh(
    client: FlaskClient, worker, inbox
) -> None:
    make_user(client, "kavya@example.com", language="ta")
    assert _delete(client, "kavya@example.com") == []

    message = inbox.next().message
    assert message["Subject"] == "உங்கள் BoxOffice கணக்கு நீக்கப்பட்டது"
    assert message["Content-Language"] == "ta"
    text, _html = _parts(message)
    assert text.startswith("வணக்கம்,")
    assert "ரத்து" not in text  # no bookings were cancelled, none are listed

    # The same address signs up as a new account, whose mails arrive as usual.
    again = register_and_login(client, "kavya@example.com")
    forgot = client.post("/api/password/forgot", json={"email": "kavya@example.com"})
    assert forgot.status_code == 202
    reset_mail = inbox.next()
    assert reset_mail.rcpt_tos == ["kavya@example.com"]
    drain(worker)
    (reset_row,) = mail_rows(notifications.PASSWORD_RESET)
    assert reset_row.user_id == again.user_id


def test_mail_recorded_for_the_account_afterwards_is_not_sent(
    client: FlaskClient, worker, inbox, task_events
) -> None:
    asha = make_user(client, "asha@example.com")
    user_id = asha.id
    _delete(client, "asha@example.com")
    assert inbox.next().message["Subject"] == "Your BoxOffice account was deleted"
    send_mail = "boxoffice.reports.tasks.send_mail"
    assert task_events.wait_for(send_mail).retval == outbox.SENT  # that notice

    # As a booking that raced the deletion would record its confirmation.
    with write_transaction():
        notifications.password_changed(user_id, notifications.CHANGED_IN_ACCOUNT)
    assert task_events.wait_for(send_mail).retval == outbox.SKIPPED

    (row,) = mail_rows(notifications.PASSWORD_CHANGED)
    assert (row.status, row.error) == (outbox.SKIPPED, "the account was deleted")
    assert inbox.pending() == []
