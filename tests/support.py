"""Helpers for tests: accounts with tokens, and the error-envelope assertion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient

PASSWORD = "correct-horse-42"


@dataclass
class Account:
    """A registered user with a Bearer token, for tests."""

    user_id: int
    email: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def register_and_login(
    client: FlaskClient, email: str, admin: bool = False, **extra: Any
) -> Account:
    response = client.post(
        "/api/register",
        json={"email": email, "name": email.split("@")[0], "password": PASSWORD, **extra},
    )
    assert response.status_code == 201, response.get_json()
    if admin:
        from boxoffice.auth.services import make_admin

        make_admin(email, "Admin", PASSWORD)
    path = "/api/admin/login" if admin else "/api/login"
    login = client.post(path, json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.get_json()
    body = login.get_json()
    client.delete_cookie("access_token_cookie")
    client.delete_cookie("csrf_access_token")
    return Account(body["user"]["user_id"], email, body["access_token"])


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is the one error envelope with this status (and code)."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code, body
    return dict(body["error"])
