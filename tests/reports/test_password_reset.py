"""Forgotten passwords, end to end: request -> outbox -> Celery worker -> SMTP -> the link
sets a new password once, within the hour, and ends every session."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
import time_machine
from celery import Celery
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from reports_support import drain, mail_rows, make_user
from support import PASSWORD, assert_error, register_and_login

from boxoffice import notifications
from boxoffice.auth import reset
from boxoffice.database import write_transaction
from boxoffice.db_types import utcnow
from boxoffice.extensions import db
from boxoffice.reports import messages

NEW_PASSWORD = "a-fresh-secret-7"


def _forgot(client: FlaskClient, email: str):
    return client.post("/api/password/forgot", json={"email": email})


def _reset(client: FlaskClient, token: str, password: str = NEW_PASSWORD):
    return client.post("/api/password/reset", json={"token": token, "password": password})


def _signs_in(client: FlaskClient, email: str, password: str) -> bool:
    response = client.post("/api/login", json={"email": email, "password": password})
    client.delete_cookie("access_token_cookie")
    client.delete_cookie("csrf_access_token")
    return response.status_code == 200


def _link_token(inbox) -> tuple[str, str]:
    message = inbox.next().message
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()
    # After "#": browsers keep it to themselves, so the token is in no server log.
    link = next(word for word in text.split() if "/reset-password#token=" in word)
    return message["Subject"], link.split("token=", 1)[1]


def test_a_reset_link_sets_a_new_password_once(client: FlaskClient, worker: Celery, inbox) -> None:
    account = register_and_login(client, "asha@example.com")
    response = _forgot(client, " ASHA@example.com ")
    assert response.status_code == 202
    subject, token = _link_token(inbox)
    assert subject == "Set a new BoxOffice password"

    assert _reset(client, token).status_code == 200
    assert _signs_in(client, "asha@example.com", NEW_PASSWORD)
    assert not _signs_in(client, "asha@example.com", PASSWORD)
    # The sessions from before the reset are over; the link does not work twice.
    assert_error(client.get("/api/me", headers=account.headers), 401, "token_revoked")
    assert_error(_reset(client, token, "yet-another-one-9"), 400, "invalid_token")
    assert _signs_in(client, "asha@example.com", NEW_PASSWORD)
    drain(worker)
    assert [row.status for row in mail_rows("password_reset")] == ["sent"]


def test_the_answer_does_not_tell_who_has_an_account(client: FlaskClient, worker, inbox) -> None:
    make_user(client, "asha@example.com")
    known = _forgot(client, "asha@example.com")
    unknown = _forgot(client, "nobody@example.com")
    assert (known.status_code, known.get_json()) == (unknown.status_code, unknown.get_json())
    inbox.next()  # the account's mail
    drain(worker)
    assert inbox.pending() == []
    assert [row.recipient for row in mail_rows("password_reset")] == ["asha@example.com"]


def test_a_link_expires_after_an_hour_and_a_forged_one_never_works(
    client: FlaskClient, worker: Celery, inbox
) -> None:
    make_user(client, "asha@example.com")
    _forgot(client, "asha@example.com")
    _subject, token = _link_token(inbox)
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        assert_error(_reset(client, token), 400, "invalid_token")
    for forged in (token[:-3] + "abc", "garbage", token.replace(".", "-", 1)):
        assert_error(_reset(client, forged), 400, "invalid_token")
    assert _signs_in(client, "asha@example.com", PASSWORD)
    # Within the hour it still works, and a weak password is refused without using it up.
    assert_error(_reset(client, token, "short"), 422, "validation_failed")
    assert _reset(client, token).status_code == 200


def test_reset_mails_are_limited_per_address(client: FlaskClient, worker, inbox) -> None:
    make_user(client, "asha@example.com")
    for number in range(5):
        assert (
            client.post(
                "/api/password/forgot",
                json={"email": "asha@example.com"},
                environ_base={"REMOTE_ADDR": f"10.0.0.{number}"},
            ).status_code
            == 202
        )
    blocked = client.post(
        "/api/password/forgot",
        json={"email": "asha@example.com"},
        environ_base={"REMOTE_ADDR": "10.0.1.1"},
    )
    assert_error(blocked, 429, "rate_limited")
    inbox.take(5)
    drain(worker)
    assert len(mail_rows("password_reset")) == 5


def test_a_reset_asked_for_over_an_hour_ago_is_not_sent(client: FlaskClient) -> None:
    """Its link would have expired by the time it arrived; they will have asked again."""
    user = make_user(client, "asha@example.com")
    with time_machine.travel(utcnow() - timedelta(minutes=61)):
        with write_transaction():
            notifications.password_reset(user)
    (row,) = mail_rows("password_reset")
    with pytest.raises(messages.SubjectGone):
        messages.build(row)
    row.created_at = utcnow() - timedelta(minutes=59)
    assert messages.build(row)["Subject"] == "Set a new BoxOffice password"


def test_a_link_used_twice_at_the_same_moment_sets_one_password(
    app, client: FlaskClient, worker: Celery, inbox
) -> None:
    make_user(client, "asha@example.com")
    _forgot(client, "asha@example.com")
    _subject, token = _link_token(inbox)

    def use(n: int) -> int:
        with app.test_client() as other:
            return _reset(other, token, f"parallel-secret-{n}").status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(use, range(6)))
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 400, 409}
    winner = statuses.index(200)
    db.session.rollback()  # this test's own session still reads from before the resets
    works = [n for n in range(6) if _signs_in(client, "asha@example.com", f"parallel-secret-{n}")]
    assert works == [winner], (statuses, works)
    # One password set, one "your password was changed" notice: the losers recorded none.
    assert len(mail_rows(notifications.PASSWORD_CHANGED)) == 1


def test_a_link_can_be_checked_before_anything_is_typed(client: FlaskClient) -> None:
    """The reset page asks first whether its link still works (and for which address):
    the check changes nothing, and says what the reset itself would say."""

    def check(token: object):
        return client.post("/api/password/reset/check", json={"token": token})

    user = make_user(client, "asha@example.com")
    token = reset.make_token(user)
    for _ in range(2):  # checking does not use the link up
        response = check(token)
        assert (response.status_code, response.get_json()) == (200, {"email": user.email})
    for forged in (token[:-3] + "abc", "garbage"):
        assert_error(check(forged), 400, "invalid_token")
    assert_error(check(""), 422, "validation_failed")
    with time_machine.travel(utcnow() + timedelta(minutes=61)):
        assert_error(check(token), 400, "invalid_token")
    assert _reset(client, token).status_code == 200
    assert_error(check(token), 400, "invalid_token")  # used


def test_the_token_shows_nothing_of_the_password_hash(client: FlaskClient) -> None:
    user = make_user(client, "asha@example.com")
    payload = URLSafeTimedSerializer("x").loads_unsafe(reset.make_token(user))[1]
    assert payload["u"] == user.id
    assert payload["h"] not in user.password_hash


def test_the_request_only_queues_the_same_task_for_every_address(app, client: FlaskClient):
    """No worker runs here: the answer does no look-up of its own, for any address, so it
    takes as long either way; the worker's task records the mail for a real account only."""
    from boxoffice.auth.tasks import send_password_reset

    make_user(client, "asha@example.com")
    broker = redis.Redis.from_url(app.config["BOXOFFICE"].redis_url)
    before = broker.llen("celery")
    for email in ("asha@example.com", "nobody@example.com"):
        assert _forgot(client, email).status_code == 202
    assert broker.llen("celery") == before + 2
    assert mail_rows("password_reset") == []
    send_password_reset("nobody@example.com")
    send_password_reset("asha@example.com")
    assert [row.recipient for row in mail_rows("password_reset")] == ["asha@example.com"]
