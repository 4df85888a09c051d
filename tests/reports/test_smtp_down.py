"""SMTP unreachable: the booking still succeeds, the mail is retried with growing delays and
finally recorded as failed, never dropped silently."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery import Celery
from conftest import TEST_RETRY_DELAYS, free_port
from factories import make_show, make_venue
from flask.testing import FlaskClient
from reports_support import mail_rows
from support import register_and_login

SEND_MAIL = "boxoffice.reports.tasks.send_mail"


@pytest.fixture
def mail_url() -> str:
    return f"smtp://127.0.0.1:{free_port()}"  # nothing listens there


def test_booking_succeeds_and_mail_fails_after_retries(
    client: FlaskClient, worker: Celery, task_events
) -> None:
    show = make_show(make_venue(), starts_in=timedelta(days=2))
    account = register_and_login(client, "asha@example.com")

    response = client.post(
        "/api/bookticket", json={"show_id": show.id, "seats": ["A1"]}, headers=account.headers
    )
    assert response.status_code == 201, response.get_json()

    for _ in TEST_RETRY_DELAYS:
        task_events.wait_for(SEND_MAIL, "RETRY")
    final = task_events.wait_for(SEND_MAIL, "SUCCESS")
    assert final.retval == "failed"

    (row,) = mail_rows("booking_confirmed")
    assert row.status == "failed"
    assert row.attempts == len(TEST_RETRY_DELAYS) + 1
    assert "ConnectionRefusedError" in (row.error or "")
    assert row.recipient == "asha@example.com"
    assert row.sent_at is None and row.next_attempt_at is None

    # The booking is there and confirmed, whatever happened to its mail.
    booking = client.get(
        "/api/booking/get",
        query_string={"booking_id": response.get_json()["booking"]["booking_id"]},
        headers=account.headers,
    )
    assert booking.status_code == 200
    assert booking.get_json()["booking"]["status"] == "confirmed"
