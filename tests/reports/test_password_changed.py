"""The "your password was changed" notice, end to end: a change or a reset -> outbox row in
the same transaction -> Celery worker -> SMTP. A change that is refused, or that loses to
another change, sends nothing."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from celery import Celery
from flask import Flask
from flask.testing import FlaskClient
from reports_support import drain, mail_rows, make_user
from support import PASSWORD, Account, assert_error, register_and_login

from boxoffice import mail, notifications
from boxoffice.auth import services
from boxoffice.auth.models import User
from boxoffice.db_types import utcnow
from boxoffice.errors import ApiError
from boxoffice.extensions import db

NEW_PASSWORD = "a-fresh-secret-7"
PUBLIC_URL = "https://tickets.boxoffice.test"  # the mail tests' settings
FORGOT_URL = f"{PUBLIC_URL}/forgot-password"
IST = ZoneInfo("Asia/Kolkata")


def _change(client: FlaskClient, who: Account, current: str, new: str):
    body = {"current_password": current, "new_password": new}
    return client.post("/api/me/password", json=body, headers=who.headers)


def _parts(message: EmailMessage) -> tuple[str, str]:
    parts = {p.get_content_type(): p.get_content() for p in message.walk() if not p.is_multipart()}
    return parts["text/plain"], parts["text/html"]


def test_a_changed_password_is_told_by_mail(client: FlaskClient, worker: Celery, inbox) -> None:
    account = register_and_login(client, "asha@example.com")
    before = utcnow()
    assert _change(client, account, PASSWORD, NEW_PASSWORD).status_code == 200
    after = utcnow()

    received = inbox.next()
    message = received.message
    assert received.rcpt_tos == ["asha@example.com"]
    assert message["Subject"] == "Your BoxOffice password was changed"
    text, html = _parts(message)
    (row,) = mail_rows(notifications.PASSWORD_CHANGED)
    assert before <= row.created_at <= after  # recorded with the change
    changed_at = mail.Translator("en").when(row.created_at, IST)
    for body in (text, html):
        assert f"was changed on {changed_at}." in body
        assert "in the account settings" in body and "reset link" not in body
        assert "If it was not you" in body
    # Its one link goes to the page that mails a reset link; nothing in it signs anyone in.
    assert set(re.findall(r"https?://\S+", text)) == {FORGOT_URL, PUBLIC_URL}
    assert re.findall(r'href="([^"]*)"', html) == [FORGOT_URL]
    assert "token" not in text and "token" not in html
    assert message["List-Unsubscribe"] is None  # a security notice cannot be turned off

    drain(worker)
    assert [row.status for row in mail_rows(notifications.PASSWORD_CHANGED)] == ["sent"]
    assert inbox.pending() == []


def test_a_reset_password_is_told_by_mail_in_the_persons_language(
    client: FlaskClient, worker: Celery, inbox
) -> None:
    make_user(client, "kavya@example.com", language="ta")
    forgot = client.post("/api/password/forgot", json={"email": "kavya@example.com"})
    assert forgot.status_code == 202
    link_text, _html = _parts(inbox.next().message)
    link = next(word for word in link_text.split() if "/reset-password#token=" in word)
    token = link.split("token=", 1)[1]
    reset = client.post("/api/password/reset", json={"token": token, "password": NEW_PASSWORD})
    assert reset.status_code == 200

    message = inbox.next().message
    assert message["Subject"] == "உங்கள் BoxOffice கடவுச்சொல் மாற்றப்பட்டது"
    assert message["Content-Language"] == "ta"
    text, html = _parts(message)
    for body in (text, html):
        # Said how it happened: with a reset link, not in the account settings.
        assert "கடவுச்சொல் மீட்டமைப்பு இணைப்பின் மூலம்" in body
        assert "கணக்கு அமைப்புகளில்" not in body
        assert FORGOT_URL in body and "reset-password" not in body
    drain(worker)
    assert [row.status for row in mail_rows(notifications.PASSWORD_CHANGED)] == ["sent"]


def test_a_password_set_with_create_admin_ends_sessions_and_is_told_by_mail(
    app: Flask, client: FlaskClient, worker: Celery, inbox
) -> None:
    account = register_and_login(client, "asha@example.com")
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "asha@example.com", "--password", NEW_PASSWORD]
    )
    assert result.exit_code == 0 and "Promoted" in result.output
    assert_error(client.get("/api/me", headers=account.headers), 401, "token_revoked")
    text, html = _parts(inbox.next().message)
    for body in (text, html):
        assert "set by the operator of this BoxOffice site" in body
        assert "in the account settings" not in body and "reset link" not in body
    # Promoting with the password the account already has changes no password.
    again = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "asha@example.com", "--password", NEW_PASSWORD]
    )
    assert again.exit_code == 0
    drain(worker)
    assert [row.status for row in mail_rows(notifications.PASSWORD_CHANGED)] == ["sent"]
    signed_in = client.post(
        "/api/admin/login", json={"email": "asha@example.com", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 200


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("wrong-pass-1", NEW_PASSWORD),
        (PASSWORD, "short"),
        (PASSWORD, "password123"),  # among the most common
        (PASSWORD, PASSWORD),
    ],
    ids=["wrong current", "too short", "common", "same again"],
)
def test_a_refused_change_sends_nothing(
    client: FlaskClient, worker: Celery, inbox, current: str, new: str
) -> None:
    account = register_and_login(client, "asha@example.com")
    assert_error(_change(client, account, current, new), 422, "validation_failed")
    drain(worker)
    assert mail_rows(notifications.PASSWORD_CHANGED) == []
    assert inbox.pending() == []
    # The same worker and server do deliver a change that goes through.
    assert _change(client, account, PASSWORD, NEW_PASSWORD).status_code == 200
    assert inbox.next().message["Subject"] == "Your BoxOffice password was changed"


def test_a_refused_reset_sends_nothing(client: FlaskClient, worker: Celery, inbox) -> None:
    make_user(client, "asha@example.com")
    client.post("/api/password/forgot", json={"email": "asha@example.com"})
    link_text, _html = _parts(inbox.next().message)
    token = next(w for w in link_text.split() if "token=" in w).split("token=", 1)[1]
    for body, status in (
        ({"token": token, "password": "short"}, 422),
        ({"token": token + "x", "password": NEW_PASSWORD}, 400),
    ):
        assert client.post("/api/password/reset", json=body).status_code == status
    drain(worker)
    assert mail_rows(notifications.PASSWORD_CHANGED) == []
    assert inbox.pending() == []


def test_a_change_that_loses_to_another_sends_nothing(app: Flask, client: FlaskClient) -> None:
    """Two changes from the same password: the one that stores its hash second finds the
    password changed meanwhile (409), and nothing it recorded is kept."""
    account = register_and_login(client, "asha@example.com")
    checked, stored = threading.Event(), threading.Event()

    def slower_change() -> str:
        with app.app_context():  # a session of its own, as another request has
            user = db.session.get(User, account.user_id)
            assert user is not None and user.password_hash  # the password it checks
            checked.set()
            assert stored.wait(20)
            try:
                services.change_password(user, PASSWORD, "another-secret-8")
            except ApiError as error:
                return error.code
            return "changed"

    with ThreadPoolExecutor(max_workers=1) as pool:
        outcome = pool.submit(slower_change)
        assert checked.wait(20)
        assert _change(client, account, PASSWORD, NEW_PASSWORD).status_code == 200
        stored.set()
        assert outcome.result(timeout=30) == "password_changed"
    rows = mail_rows(notifications.PASSWORD_CHANGED)
    assert [(row.recipient, row.period.split(":")[0]) for row in rows] == [
        ("asha@example.com", notifications.CHANGED_IN_ACCOUNT)
    ]
