"""A sign-in with the old password that overlaps a new password being set.

A new password ends every session so far (the person's session generation moves on). A
sign-in checks the password with bcrypt, which is slow on purpose: if the new password is
stored while that check runs, the sign-in must not come out with a session that outlives
the change. Otherwise someone who has the old password and keeps signing in keeps a session
after its owner changed or reset the password to get rid of them.

The overlap is placed on purpose: the password check is wrapped so that another request's
password change runs, on its own connection and to its commit, right after the real check
of the old password has succeeded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from support import PASSWORD, assert_error, register_and_login

from boxoffice import notifications
from boxoffice.auth import devices, routes, services
from boxoffice.auth.models import User
from boxoffice.extensions import bcrypt, db

NEW_PASSWORD = "a-fresh-secret-7"


def _set_password_elsewhere(app: Flask, user_id: int) -> None:
    """What another request does: set a new password, committed on its own connection."""

    def change() -> None:
        with app.app_context():
            person = db.session.get(User, user_id)
            assert person is not None
            services.set_password(person, NEW_PASSWORD, notifications.CHANGED_BY_RESET)
            db.session.remove()

    thread = threading.Thread(target=change)
    thread.start()
    thread.join()


@pytest.fixture
def change_during_check(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Arms the next check of ``PASSWORD`` to be followed at once by a new password."""

    def arm(user_id: int) -> None:
        real_check = bcrypt.check_password_hash
        armed = [True]

        def check_then_change(password_hash: str, password: str) -> bool:
            matches = bool(real_check(password_hash, password))
            if armed and password == PASSWORD:
                armed.clear()
                _set_password_elsewhere(app, user_id)
            return matches

        monkeypatch.setattr(bcrypt, "check_password_hash", check_then_change)

    return arm


@pytest.mark.parametrize("path", ["/api/login", "/api/admin/login"])
def test_a_sign_in_overlapping_a_new_password_gets_no_session(
    client: FlaskClient, change_during_check: Callable[[int], None], path: str
):
    account = register_and_login(client, "asha@example.com", admin=True)
    change_during_check(account.user_id)

    response = client.post(path, json={"email": account.email, "password": PASSWORD})

    assert_error(response, 401, "invalid_credentials")
    cookies = " ".join(response.headers.getlist("Set-Cookie"))
    assert "access_token_cookie" not in cookies and devices.COOKIE not in cookies
    # The change did happen, and the new password signs in.
    assert db.session.get(User, account.user_id) is not None
    fresh = client.post(path, json={"email": account.email, "password": NEW_PASSWORD})
    assert fresh.status_code == 200
    token = fresh.get_json()["access_token"]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_new_password_just_after_the_check_ends_the_session_and_the_device_trust(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
):
    """The change lands after the sign-in confirmed the password, while its token and device
    cookie are being made: both must count as made before the change."""
    account = register_and_login(client, "asha@example.com")
    real_issue = routes.issue

    def change_then_issue(user: User, generation: int) -> str:
        _set_password_elsewhere(app, account.user_id)
        return real_issue(user, generation)

    monkeypatch.setattr(routes, "issue", change_then_issue)
    response = client.post("/api/login", json={"email": account.email, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    monkeypatch.undo()

    headers = {"Authorization": f"Bearer {response.get_json()['access_token']}"}
    assert_error(client.get("/api/me", headers=headers), 401, "token_revoked")
    cookie = client.get_cookie(devices.COOKIE, path="/api")
    assert cookie is not None
    with app.test_request_context(headers={"Cookie": f"{devices.COOKIE}={cookie.value}"}):
        assert devices.trusted_device(devices.account_digest(account.email)) is None


def test_a_sign_in_that_ends_before_a_new_password_has_its_session_ended_by_it(
    client: FlaskClient,
):
    """The order without overlap, for contrast: signed in first, then the password is set."""
    account = register_and_login(client, "asha@example.com")
    response = client.post("/api/login", json={"email": account.email, "password": PASSWORD})
    token = response.get_json()["access_token"]
    person = db.session.get(User, account.user_id)
    assert person is not None
    services.set_password(person, NEW_PASSWORD, notifications.CHANGED_BY_RESET)
    headers = {"Authorization": f"Bearer {token}"}
    assert_error(client.get("/api/me", headers=headers), 401, "token_revoked")
