"""The admin's view of the mail outbox: mails by delivery state, and sending a failed one again."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

import pytest
from celery import Celery
from conftest import TEST_RETRY_DELAYS
from factories import make_show, make_venue
from flask.testing import FlaskClient
from reports_support import mail_rows
from support import Account, assert_error, register_and_login

from boxoffice.db_types import utcnow
from boxoffice.extensions import db
from boxoffice.redis_client import get_redis
from boxoffice.reports import outbox
from boxoffice.reports.models import MailLog

SEND_MAIL = "boxoffice.reports.tasks.send_mail"
REFUSED = "451 4.3.0 Mailbox busy, try again later"
_periods = count(1)


def add_mail(status: str, recipient: str = "asha@example.com", **values: Any) -> MailLog:
    row = MailLog(
        kind=values.pop("kind", "booking_confirmed"),
        period=f"booking:{next(_periods)}",
        recipient=recipient,
        status=status,
        **values,
    )
    db.session.add(row)
    db.session.commit()
    return row


def listing(client: FlaskClient, admin: Account, **query: Any) -> dict[str, Any]:
    response = client.get("/api/admin/mail", query_string=query, headers=admin.headers)
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def test_failed_mails_newest_first_with_their_total(client: FlaskClient, admin: Account) -> None:
    older = add_mail("failed", "old@example.com", attempts=6, error="451 busy")
    add_mail("sent", "done@example.com", attempts=1, sent_at=utcnow())
    add_mail("queued", "waiting@example.com", next_attempt_at=utcnow())
    newer = add_mail("failed", "new@example.com", attempts=1, error="550 5.1.1 no such user")

    body = listing(client, admin)

    assert body["total"] == 2 and body["next_before"] is None
    assert [m["mail_id"] for m in body["mails"]] == [newer.id, older.id]
    first = body["mails"][0]
    assert set(first) == {
        "mail_id", "kind", "period", "recipient", "status", "attempts", "error",
        "created_at", "next_attempt_at", "sent_at",
    }  # fmt: skip
    assert first["recipient"] == "new@example.com"
    assert (first["status"], first["attempts"]) == ("failed", 1)
    assert first["error"] == "550 5.1.1 no such user"
    assert first["sent_at"] is None and first["next_attempt_at"] is None
    # Written like every other datetime of the API: local time with its offset.
    created = datetime.fromisoformat(first["created_at"])
    assert first["created_at"].endswith("+05:30")
    assert abs(created - newer.created_at) < timedelta(seconds=1)


def test_other_states_are_listed_on_request(client: FlaskClient, admin: Account) -> None:
    add_mail("failed")
    sent = add_mail("sent", "done@example.com", attempts=1, sent_at=utcnow())

    body = listing(client, admin, status="sent")

    assert body["total"] == 1
    (mail,) = body["mails"]
    assert (mail["mail_id"], mail["status"]) == (sent.id, "sent")
    assert mail["sent_at"] is not None
    assert listing(client, admin, status="skipped") == {
        "mails": [],
        "total": 0,
        "next_before": None,
    }


def test_pages_neither_skip_nor_repeat(client: FlaskClient, admin: Account) -> None:
    ids = [add_mail("failed", f"p{n}@example.com").id for n in range(5)]

    seen: list[int] = []
    query: dict[str, Any] = {"limit": 2}
    pages = 0
    while True:
        body = listing(client, admin, **query)
        pages += 1
        assert body["total"] == 5
        assert len(body["mails"]) <= 2
        seen += [m["mail_id"] for m in body["mails"]]
        if body["next_before"] is None:
            break
        query["before"] = body["next_before"]

    assert pages == 3
    assert seen == sorted(ids, reverse=True)


@pytest.mark.parametrize(
    "query,field",
    [
        ({"status": "lost"}, "status"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"before": "abc"}, "before"),
        ({"before": 0}, "before"),
    ],
)
def test_bad_list_queries_are_refused(
    client: FlaskClient, admin: Account, query: dict[str, Any], field: str
) -> None:
    response = client.get("/api/admin/mail", query_string=query, headers=admin.headers)
    error = assert_error(response, 422, "validation_failed")
    assert field in error["details"]


def test_retry_queues_a_failed_mail_due_now_and_kicks_the_outbox(
    client: FlaskClient, admin: Account
) -> None:
    row = add_mail("failed", attempts=6, error="451 busy")
    redis = get_redis()
    assert not redis.exists(outbox.KICK_KEY)
    before = utcnow()

    response = client.post("/api/admin/mail/retry", json={"mail_id": row.id}, headers=admin.headers)

    assert response.status_code == 200, response.get_json()
    mail = response.get_json()["mail"]
    assert (mail["mail_id"], mail["status"], mail["attempts"]) == (row.id, "queued", 0)
    assert mail["error"] == "451 busy"  # kept until the next attempt
    (stored,) = mail_rows()
    assert (stored.status, stored.attempts, stored.error) == ("queued", 0, "451 busy")
    assert stored.next_attempt_at is not None
    assert before <= stored.next_attempt_at <= utcnow()
    # The kick went out after the commit: a dispatch is pending for the workers.
    assert redis.exists(outbox.KICK_KEY)
    assert listing(client, admin)["total"] == 0


@pytest.mark.parametrize("status", ["queued", "sending", "retrying", "sent", "skipped"])
def test_only_a_failed_mail_can_be_retried(
    client: FlaskClient, admin: Account, status: str
) -> None:
    row = add_mail(status, attempts=2)

    response = client.post("/api/admin/mail/retry", json={"mail_id": row.id}, headers=admin.headers)

    error = assert_error(response, 409, "not_failed")
    assert error["details"] == {"status": status}
    (stored,) = mail_rows()
    assert (stored.status, stored.attempts) == (status, 2)
    assert not get_redis().exists(outbox.KICK_KEY)


def test_retry_of_an_unknown_mail_is_404(client: FlaskClient, admin: Account) -> None:
    row = add_mail("failed")
    response = client.post(
        "/api/admin/mail/retry", json={"mail_id": row.id + 1}, headers=admin.headers
    )
    assert_error(response, 404, "not_found")
    assert mail_rows()[0].status == "failed"


@pytest.mark.parametrize("body", [{}, {"mail_id": "abc"}, {"mail_id": 0}, {"mail_id": True}])
def test_retry_needs_a_valid_id(client: FlaskClient, admin: Account, body: dict[str, Any]) -> None:
    response = client.post("/api/admin/mail/retry", json=body, headers=admin.headers)
    error = assert_error(response, 422, "validation_failed")
    assert "mail_id" in error["details"]


def test_only_admins_see_and_retry_mail(client: FlaskClient, user: Account) -> None:
    row = add_mail("failed")
    retry = {"mail_id": row.id}

    assert_error(client.get("/api/admin/mail"), 401)
    assert_error(client.post("/api/admin/mail/retry", json=retry), 401)
    assert_error(client.get("/api/admin/mail", headers=user.headers), 403, "admin_only")
    response = client.post("/api/admin/mail/retry", json=retry, headers=user.headers)
    assert_error(response, 403, "admin_only")
    assert mail_rows()[0].status == "failed"


def test_a_mail_refused_too_often_is_sent_again_on_retry(
    client: FlaskClient, admin: Account, worker: Celery, inbox, task_events
) -> None:
    show = make_show(make_venue(), title="Leo", starts_in=timedelta(days=2))
    account = register_and_login(client, "asha@example.com")
    # The server refuses every attempt of the retry schedule: the mail ends as failed.
    inbox.refuse = [REFUSED] * (len(TEST_RETRY_DELAYS) + 1)
    booked = client.post(
        "/api/bookticket", json={"show_id": show.id, "seats": ["A1"]}, headers=account.headers
    )
    assert booked.status_code == 201, booked.get_json()
    for _ in TEST_RETRY_DELAYS:
        task_events.wait_for(SEND_MAIL, "RETRY")
    assert task_events.wait_for(SEND_MAIL, "SUCCESS").retval == "failed"
    assert inbox.pending() == []
    (failed,) = listing(client, admin)["mails"]
    assert failed["recipient"] == "asha@example.com"
    assert failed["attempts"] == len(TEST_RETRY_DELAYS) + 1
    assert "451" in failed["error"]

    # The server accepts again; the admin sends the mail again.
    response = client.post(
        "/api/admin/mail/retry", json={"mail_id": failed["mail_id"]}, headers=admin.headers
    )
    assert response.status_code == 200, response.get_json()

    assert task_events.wait_for(SEND_MAIL, "SUCCESS").retval == "sent"
    received = inbox.next()
    assert received.rcpt_tos == ["asha@example.com"]
    assert "Leo" in received.message["Subject"]
    (row,) = mail_rows()
    assert (row.status, row.attempts, row.error) == ("sent", 1, None)
    assert row.sent_at is not None
    assert listing(client, admin)["total"] == 0
    assert inbox.refused == len(TEST_RETRY_DELAYS) + 1
