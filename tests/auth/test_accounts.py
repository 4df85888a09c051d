"""Registration, sign-in, sign-out and the profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest
import time_machine
from factories import make_show
from flask import Flask
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select
from support import PASSWORD, Account, assert_error, register_and_login

from boxoffice.auth import devices
from boxoffice.auth.models import User
from boxoffice.bookings.models import Booking, Hold, SeatClaim
from boxoffice.extensions import db
from boxoffice.redis_client import get_redis

VALID = {"email": "meera@example.com", "name": "Meera", "password": "long-enough-1"}


def test_register_returns_user_without_password(client: FlaskClient):
    response = client.post("/api/register", json={**VALID, "language": "ta"})
    assert response.status_code == 201
    user = response.get_json()["user"]
    assert user["email"] == "meera@example.com"
    assert user["language"] == "ta"
    assert user["is_admin"] is False
    assert "password" not in user and "password_hash" not in user
    assert user["created_at"].endswith("+05:30")


def test_password_is_stored_only_as_bcrypt_hash(client: FlaskClient):
    client.post("/api/register", json=VALID)
    stored = db.session.scalar(select(User).where(User.email == VALID["email"]))
    assert stored is not None
    assert stored.password_hash.startswith("$2b$")
    assert VALID["password"] not in stored.password_hash


def test_email_is_normalised_and_duplicates_conflict(client: FlaskClient):
    assert client.post("/api/register", json=VALID).status_code == 201
    again = {**VALID, "email": "  MEERA@Example.com "}
    error = assert_error(client.post("/api/register", json=again), 409, "email_taken")
    assert "email" in error["details"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"password": "short7!"}, "password"),
        ({"password": "x" * 129}, "password"),
        ({"password": "meera@example.com"}, "password"),
        ({"password": "        "}, "password"),
        ({"language": "klingon"}, "language"),
        ({"email": 12}, "email"),
        ({"email": "meera@localhost"}, "email"),
        ({"email": "meera@[127.0.0.1]"}, "email"),
        ({"email": "meera@example.123"}, "email"),
    ],
)
def test_register_validation(client: FlaskClient, changes: dict, field: str):
    error = assert_error(
        client.post("/api/register", json={**VALID, **changes}), 422, "validation_failed"
    )
    assert field in error["details"]
    assert db.session.scalar(select(User)) is None


def test_register_ignores_fields_a_client_may_not_set(client: FlaskClient):
    response = client.post("/api/register", json={**VALID, "is_admin": True})
    assert response.status_code == 201
    assert response.get_json()["user"]["is_admin"] is False


def test_login_sets_httponly_cookie_and_csrf_cookie(client: FlaskClient):
    client.post("/api/register", json=VALID)
    response = client.post(
        "/api/login", json={"email": VALID["email"], "password": VALID["password"]}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["access_token"] and body["user"]["email"] == VALID["email"]
    cookies = response.headers.getlist("Set-Cookie")
    token_cookie = next(c for c in cookies if c.startswith("access_token_cookie="))
    assert "HttpOnly" in token_cookie and "SameSite=Lax" in token_cookie
    csrf_cookie = next(c for c in cookies if c.startswith("csrf_access_token="))
    assert "HttpOnly" not in csrf_cookie  # the SPA must read it to send X-CSRF-TOKEN
    # Both live as long as the token (12 hours), not a year beyond it.
    assert "Max-Age=43200" in token_cookie and "Max-Age=43200" in csrf_cookie


def test_cookie_session_needs_csrf_header_for_writes(client: FlaskClient):
    client.post("/api/register", json=VALID)
    client.post("/api/login", json={"email": VALID["email"], "password": VALID["password"]})
    assert client.get("/api/me").status_code == 200  # reads need no CSRF token
    assert_error(client.post("/api/me/update", json={"name": "New"}), 403, "csrf_failed")
    csrf = client.get_cookie("csrf_access_token")
    assert csrf is not None
    ok = client.post("/api/me/update", json={"name": "New"}, headers={"X-CSRF-TOKEN": csrf.value})
    assert ok.status_code == 200 and ok.get_json()["user"]["name"] == "New"


def test_a_refused_session_cookie_is_cleared_but_not_beside_a_header(
    client: FlaskClient, user: Account
):
    login = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
    token = login.get_json()["access_token"]
    assert (
        client.post("/api/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    client.set_cookie("access_token_cookie", token, path="/")  # what the browser still has
    # The header's token is refused; the cookie beside it is not this response's business.
    beside = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert_error(beside, 401, "token_revoked")
    assert beside.headers.getlist("Set-Cookie") == []
    refused = client.get("/api/me")
    assert_error(refused, 401, "token_revoked")
    cleared = refused.headers.getlist("Set-Cookie")
    assert any(c.startswith("access_token_cookie=;") for c in cleared), cleared
    assert any(c.startswith("csrf_access_token=;") for c in cleared), cleared
    assert client.get_cookie("access_token_cookie") is None
    assert_error(client.get("/api/me"), 401, "not_signed_in")


def test_a_remembered_token_is_still_checked_for_csrf_expiry_and_revocation(
    client: FlaskClient, user: Account
):
    """Each process verifies a token's signature once (``auth.token_cache``); what can
    change with time or with the request is checked on every use."""
    login = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
    csrf = client.get_cookie("csrf_access_token")
    assert login.status_code == 200 and csrf is not None
    right, wrong = {"X-CSRF-TOKEN": csrf.value}, {"X-CSRF-TOKEN": csrf.value[::-1]}
    for _ in range(2):  # the second time from what the first one remembered
        assert client.post("/api/me/update", json={"name": "A"}, headers=right).status_code == 200
        assert_error(client.post("/api/me/update", json={"name": "B"}, headers=wrong), 403)
        assert client.get("/api/me", headers=user.headers).status_code == 200
    later = datetime.now(UTC) + timedelta(hours=13)  # tokens last 12 hours
    with time_machine.travel(later, tick=False):
        assert_error(client.get("/api/me", headers=user.headers), 401, "token_expired")
        assert_error(client.get("/api/me"), 401, "token_expired")
    assert client.post("/api/logout", headers=user.headers).status_code == 200
    assert_error(client.get("/api/me", headers=user.headers), 401, "token_revoked")
    forged = user.token[:-2] + ("AA" if not user.token.endswith("AA") else "BB")
    assert_error(client.get("/api/me", headers={"Authorization": f"Bearer {forged}"}), 401)


@pytest.mark.parametrize(
    ("claim", "value"),
    [("exp", None), ("jti", None), ("jti", ""), ("jti", " "), ("jti", 7), ("exp", "")],
)
def test_a_signed_token_without_an_expiry_or_an_id_is_refused(
    app: Flask, client: FlaskClient, user: Account, claim: str, value: object
):
    """Made with the signing key but not by this app: it would never expire, or could not
    be revoked by signing out (an empty id names no token of its own: signing it out would
    sign out every other token with an empty id)."""
    claims = pyjwt.decode(user.token, options={"verify_signature": False})
    if value is None:
        del claims[claim]
    else:
        claims[claim] = value
    token = pyjwt.encode(claims, app.config["JWT_SECRET_KEY"], algorithm="HS256")
    headers = {"Authorization": f"Bearer {token}"}
    for method, path in (("GET", "/api/me"), ("POST", "/api/logout")):
        assert_error(client.open(path, method=method, headers=headers), 401, "invalid_token")
    assert client.get("/api/me", headers=user.headers).status_code == 200


def test_wrong_password_and_unknown_email_look_the_same(client: FlaskClient):
    client.post("/api/register", json=VALID)
    wrong = assert_error(
        client.post("/api/login", json={"email": VALID["email"], "password": "nope-nope-1"}), 401
    )
    unknown = assert_error(
        client.post("/api/login", json={"email": "ghost@example.com", "password": "nope-nope-1"}),
        401,
    )
    assert wrong == unknown


def test_admin_login_refuses_normal_users(client: FlaskClient, user: Account):
    response = client.post("/api/admin/login", json={"email": user.email, "password": PASSWORD})
    assert_error(response, 403, "not_admin")


def test_admin_login_works_for_admins(client: FlaskClient, admin: Account):
    response = client.post("/api/admin/login", json={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 200
    assert response.get_json()["user"]["is_admin"] is True


def test_me_requires_sign_in(client: FlaskClient):
    assert_error(client.get("/api/me"), 401, "not_signed_in")


@pytest.mark.parametrize("user_id", [987_654, 2**40, 10**30, 0, -5])
def test_a_token_that_outlived_its_account_gets_401_and_changes_nothing(
    client: FlaskClient, user_id: int
):
    """A validly signed token whose account does not exist (a database restored from an
    older backup, say): 401 wherever it is used, also where the row is never read. Ids no
    database can hold (only a holder of the secret key could sign them) are no account
    either, not a database error."""
    headers = {"Authorization": f"Bearer {create_access_token(identity=User(id=user_id))}"}
    show = make_show()
    seats = {"show_id": show.id, "seats": ["A1"]}
    assert_error(client.get("/api/me", headers=headers), 401, "invalid_token")
    assert_error(client.get("/api/admin/stats", headers=headers), 401, "invalid_token")
    assert_error(client.post("/api/hold", json=seats, headers=headers), 401, "invalid_token")
    assert_error(client.post("/api/bookticket", json=seats, headers=headers), 401, "invalid_token")
    assert db.session.scalars(select(Booking.id)).all() == []
    assert db.session.scalars(select(Hold.id)).all() == []
    assert db.session.scalars(select(SeatClaim.id)).all() == []


def test_logout_revokes_the_token_everywhere(client: FlaskClient, user: Account):
    assert client.get("/api/me", headers=user.headers).status_code == 200
    response = client.post("/api/logout", headers=user.headers)
    assert response.status_code == 200
    assert_error(client.get("/api/me", headers=user.headers), 401, "token_revoked")
    assert_error(client.post("/api/logout", headers=user.headers), 401, "token_revoked")
    # A fresh sign-in gets a new, working token.
    login = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200


def test_profile_update(client: FlaskClient, user: Account):
    response = client.post(
        "/api/me/update",
        json={"name": " Asha K ", "language": "hi", "reminders_enabled": False, "email": "x@y.z"},
        headers=user.headers,
    )
    assert response.status_code == 200
    updated = response.get_json()["user"]
    assert updated["name"] == "Asha K"
    assert updated["language"] == "hi"
    assert updated["reminders_enabled"] is False
    assert updated["email"] == user.email  # email is not changeable here


def test_profile_update_validation(client: FlaskClient, user: Account):
    error = assert_error(
        client.post("/api/me/update", json={"language": "xx", "name": ""}, headers=user.headers),
        422,
    )
    assert set(error["details"]) == {"language", "name"}


def _guess(browser: FlaskClient, email: str, address: str = "127.0.0.1", path: str = "/api/login"):
    body = {"email": email, "password": "wrong-pass-1"}
    return browser.post(path, json=body, environ_base={"REMOTE_ADDR": address})


def _sign_in(browser: FlaskClient, email: str, address: str = "127.0.0.1"):
    body = {"email": email, "password": PASSWORD}
    return browser.post("/api/login", json=body, environ_base={"REMOTE_ADDR": address})


def test_failed_logins_are_rate_limited_per_account(app: Flask, user: Account):
    stranger = app.test_client()  # has never signed in to the account
    for _ in range(10):
        assert _guess(stranger, user.email).status_code == 401
    assert_error(_sign_in(stranger, user.email), 429, "rate_limited")


def test_rate_limit_per_account_holds_across_addresses(app: Flask, user: Account):
    stranger = app.test_client()
    for number in range(10):
        assert _guess(stranger, user.email, f"10.0.0.{number}").status_code == 401
    assert_error(_sign_in(app.test_client(), user.email, "10.0.1.1"), 429, "rate_limited")


def test_spellings_of_one_address_share_the_account_limit(app: Flask, user: Account):
    """Every spelling that signs in to the account counts against it: spellings do not
    multiply the guesses."""
    local, domain = user.email.split("@")
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isalpha() else c for c in domain)
    spellings = [
        f" {local}@{domain.upper()} ",
        f"{local}@{full_width}",
        f"{local}@{domain[:2]}\u00ad{domain[2:]}",  # a soft hyphen
    ]
    stranger = app.test_client()
    for number in range(10):
        email = spellings[number % len(spellings)]
        assert _guess(stranger, email, f"10.0.0.{number}").status_code == 401
    assert_error(_sign_in(app.test_client(), user.email, "10.0.1.1"), 429, "rate_limited")


def test_strangers_guessing_cannot_lock_a_person_out_of_their_own_browser(
    app: Flask, client: FlaskClient, user: Account
):
    """``client`` signed in to the account before (the fixture did): a known device."""
    attacker = app.test_client()
    register_and_login(attacker, "mallory@example.com")  # known, but for her own account
    for number in range(10):
        assert _guess(attacker, user.email, f"10.0.0.{number}").status_code == 401
    assert_error(_sign_in(attacker, user.email, "10.0.1.1"), 429, "rate_limited")
    # The person's own browser gets in, even from the attacker's address.
    assert _sign_in(client, user.email, "10.0.0.1").status_code == 200
    # A device cookie with a forged signature counts for nothing.
    genuine = client.get_cookie(devices.COOKIE, path="/api")
    assert genuine is not None
    payload, signature = genuine.value.rsplit(".", 1)
    forged = f"{payload}.{'B' if signature[0] != 'B' else 'C'}{signature[1:]}"
    attacker.set_cookie(devices.COOKIE, forged, path="/api")
    assert_error(_sign_in(attacker, user.email, "10.0.2.2"), 429, "rate_limited")


def test_guesses_from_a_known_device_meet_a_limit_of_their_own(
    app: Flask, client: FlaskClient, user: Account
):
    for number in range(10):
        assert _guess(client, user.email, f"10.0.0.{number}").status_code == 401
    assert_error(_sign_in(client, user.email, "10.0.1.1"), 429, "rate_limited")
    # They were not counted against the account: another browser may still try.
    assert _sign_in(app.test_client(), user.email).status_code == 200


def _guesses_count_against_the_account(app: Flask, browser: FlaskClient, email: str) -> bool:
    """Whether ``browser``'s wrong guesses fill the account's bucket (a stranger's do; a
    known device's do not)."""
    for number in range(10):
        assert _guess(browser, email, f"10.0.0.{number}").status_code == 401
    return _sign_in(app.test_client(), email, "10.0.1.1").status_code == 429


def test_a_new_password_ends_the_trust_of_devices_that_signed_in_before_it(
    app: Flask, client: FlaskClient, user: Account
):
    """A password is changed because someone else may have it: their browser must not keep a
    guess budget of its own. ``client`` signed in before the change, elsewhere."""
    elsewhere = app.test_client()
    assert _sign_in(elsewhere, user.email, "10.0.3.3").status_code == 200
    body = {"current_password": PASSWORD, "new_password": "a-new-secret-42"}
    changed = elsewhere.post("/api/me/password", json=body, headers=user.headers)
    assert changed.status_code == 200, changed.get_json()

    assert _guesses_count_against_the_account(app, client, user.email)


def test_the_browser_that_set_the_new_password_stays_known(
    app: Flask, client: FlaskClient, user: Account
):
    body = {"current_password": PASSWORD, "new_password": "a-new-secret-42"}
    changed = client.post("/api/me/password", json=body, headers=user.headers)
    assert changed.status_code == 200, changed.get_json()

    assert not _guesses_count_against_the_account(app, client, user.email)


def test_a_sign_in_older_than_a_cookie_lives_is_not_carried_on_past_a_new_password(
    app: Flask, client: FlaskClient, user: Account
):
    """``client`` signed in before the password changed. Signing in to another account
    half a year later renews its cookie, which still names that first sign-in; once the
    mark of the new password has expired from Redis, that sign-in must not be trusted
    again."""
    body = {"current_password": PASSWORD, "new_password": "a-new-secret-42"}
    changed = app.test_client().post("/api/me/password", json=body, headers=user.headers)
    assert changed.status_code == 200, changed.get_json()
    mark = devices.FORGOTTEN_PREFIX + devices.account_digest(user.email)
    assert 0 < get_redis().ttl(mark) <= devices.LIFETIME_SECONDS

    with time_machine.travel(timedelta(days=170)):
        register_and_login(client, "kiran@example.com")  # the same browser, another account
    with time_machine.travel(timedelta(days=190)):
        get_redis().delete(mark)  # what its expiry has done by now
        assert _guesses_count_against_the_account(app, client, user.email)


def test_a_device_cookie_of_the_older_kind_counts_for_nothing(
    app: Flask, client: FlaskClient, user: Account
):
    """Cookies that named accounts without the time of their sign-in (the first kind) are
    read as naming none."""
    writer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=devices.SALT)
    older = {"device": "a-device", "accounts": [devices.account_digest(user.email)]}
    client.set_cookie(devices.COOKIE, writer.dumps(older), path="/api")

    assert _guesses_count_against_the_account(app, client, user.email)


def test_the_device_cookie_is_httponly_strict_and_names_no_address(
    app: Flask, client: FlaskClient, user: Account
):
    response = _sign_in(client, user.email)
    (cookie,) = [
        header
        for header in response.headers.getlist("Set-Cookie")
        if header.startswith(f"{devices.COOKIE}=")
    ]
    assert "HttpOnly" in cookie and "Path=/api" in cookie and "SameSite=Strict" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    reader = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=devices.SALT)
    ((digest, signed_in_ms),) = reader.loads(value)["accounts"]
    assert digest == devices.account_digest(user.email)
    assert abs(signed_in_ms / 1000 - datetime.now(UTC).timestamp()) < 60


def test_successful_logins_are_not_counted(client: FlaskClient, user: Account):
    for _ in range(12):
        ok = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
        assert ok.status_code == 200


def test_user_and_admin_sign_ins_share_the_failed_attempts(app: Flask, user: Account):
    stranger = app.test_client()
    for path in ["/api/login", "/api/admin/login"] * 5:
        assert _guess(stranger, user.email, path=path).status_code == 401
    for path in ("/api/login", "/api/admin/login"):
        blocked = stranger.post(path, json={"email": user.email, "password": PASSWORD})
        assert_error(blocked, 429, "rate_limited")


def test_sign_ups_are_limited_per_address_but_form_mistakes_are_not_counted(
    client: FlaskClient,
):
    def sign_up(email: str, password: str = PASSWORD) -> int:
        body = {"email": email, "name": "Fan", "password": password}
        return client.post("/api/register", json=body).status_code

    assert [sign_up(f"fan{n}@example.com", "short") for n in range(5)] == [422] * 5
    # Taken addresses count: they answer whether an account exists.
    statuses = [sign_up(f"fan{n % 15}@example.com") for n in range(20)]
    assert statuses == [201] * 15 + [409] * 5
    assert_error(client.post("/api/register", json={
        "email": "one-more@example.com", "name": "Fan", "password": PASSWORD,
    }), 429, "rate_limited")  # fmt: skip
    other_address = client.post(
        "/api/register",
        json={"email": "one-more@example.com", "name": "Fan", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other_address.status_code == 201


def _change(client: FlaskClient, who: Account, current: str, new: str):
    body = {"current_password": current, "new_password": new}
    return client.post("/api/me/password", json=body, headers=who.headers)


def _signs_in(client: FlaskClient, email: str, password: str) -> bool:
    response = client.post("/api/login", json={"email": email, "password": password})
    client.delete_cookie("access_token_cookie")
    client.delete_cookie("csrf_access_token")
    return response.status_code == 200


def test_changing_the_password_ends_every_other_session(client: FlaskClient, user: Account):
    other_device = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
    other = Account(user.user_id, user.email, other_device.get_json()["access_token"])
    client.delete_cookie("access_token_cookie")
    client.delete_cookie("csrf_access_token")

    response = _change(client, user, PASSWORD, "a-new-secret-42")
    assert response.status_code == 200, response.get_json()
    here = Account(user.user_id, user.email, response.get_json()["access_token"])
    assert "access_token_cookie" in response.headers.get("Set-Cookie", "")
    # Every token issued before the change is refused, on every device; the new one works.
    for old in (user, other):
        assert_error(client.get("/api/me", headers=old.headers), 401, "token_revoked")
    assert client.get("/api/me", headers=here.headers).status_code == 200
    assert _signs_in(client, user.email, "a-new-secret-42")
    assert not _signs_in(client, user.email, PASSWORD)
    # Sessions started after the change are fine too.
    fresh = client.post("/api/login", json={"email": user.email, "password": "a-new-secret-42"})
    token = fresh.get_json()["access_token"]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [
        ("wrong-pass-1", "a-new-secret-42", "current_password"),
        (PASSWORD, PASSWORD, "new_password"),
        (PASSWORD, "short", "new_password"),
        (PASSWORD, "asha@example.com", "new_password"),
    ],
    ids=["wrong current", "same again", "too short", "the email"],
)
def test_a_refused_password_change_changes_nothing(
    client: FlaskClient, user: Account, current: str, new: str, field: str
):
    error = assert_error(_change(client, user, current, new), 422, "validation_failed")
    assert field in error["details"], error
    assert client.get("/api/me", headers=user.headers).status_code == 200
    assert _signs_in(client, user.email, PASSWORD)


def test_guessing_the_current_password_is_rate_limited(client: FlaskClient, user: Account):
    for _ in range(10):
        assert _change(client, user, "wrong-pass-1", "a-new-secret-42").status_code == 422
    assert_error(_change(client, user, PASSWORD, "a-new-secret-42"), 429, "rate_limited")
    assert _signs_in(client, user.email, PASSWORD)


def test_guesses_from_many_addresses_count_for_the_account(client: FlaskClient, user: Account):
    body = {"current_password": "wrong-pass-1", "new_password": "a-new-secret-42"}
    for number in range(10):
        guess = client.post(
            "/api/me/password",
            json=body,
            headers=user.headers,
            environ_base={"REMOTE_ADDR": f"10.2.0.{number}"},
        )
        assert guess.status_code == 422
    elsewhere = client.post(
        "/api/me/password",
        json={**body, "current_password": PASSWORD},
        headers=user.headers,
        environ_base={"REMOTE_ADDR": "10.3.0.1"},
    )
    assert_error(elsewhere, 429, "rate_limited")


def test_changing_the_password_needs_a_session(client: FlaskClient):
    body = {"current_password": PASSWORD, "new_password": "a-new-secret-42"}
    assert_error(client.post("/api/me/password", json=body), 401)
