"""Input at the edges of what bcrypt, mail headers and the database accept: a 4xx, never a 500."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from support import PASSWORD, Account, assert_error

from boxoffice.auth.models import User
from boxoffice.auth.services import authenticate, make_admin, register_user
from boxoffice.errors import ApiError
from boxoffice.extensions import db

VALID = {"email": "meera@example.com", "name": "Meera", "password": "long-enough-1"}

BAD_NAMES = [
    pytest.param("Eve\r\nBcc: x@example.org", id="crlf"),
    pytest.param("A\u0000B", id="nul"),
    pytest.param("A\u2028B", id="line-separator"),
    pytest.param("A\u2029B", id="paragraph-separator"),
    pytest.param("A\tB", id="tab"),
    pytest.param("A\u0085B", id="next-line"),
    pytest.param("A\u202eB", id="right-to-left-override"),
    pytest.param("\u200b\u200b", id="invisible-only"),
]


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def _stored(email: str) -> User:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def _post_raw(client: FlaskClient, path: str, body: str, **kwargs: object):
    """Posts JSON text as is: lone surrogates like \\ud800 survive only as JSON escapes."""
    return client.post(path, data=body, content_type="application/json", **kwargs)


# ---- passwords and bcrypt's 72-byte limit ----------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        pytest.param("p" * 73, id="73-ascii"),
        pytest.param("é" * 40, id="40-chars-80-bytes"),
        pytest.param("x" * 129, id="129-ascii"),
    ],
)
def test_register_refuses_password_over_72_bytes(client: FlaskClient, password: str):
    response = client.post("/api/register", json={**VALID, "password": password})
    error = assert_error(response, 422, "validation_failed")
    assert set(error["details"]) == {"password"}
    assert "at most 72 letters" in error["details"]["password"][0]
    assert _user_count() == 0


@pytest.mark.parametrize(
    "password",
    [pytest.param("abcd" * 18, id="72-ascii"), pytest.param("éàüö" * 9, id="36-chars")],
)
def test_password_of_exactly_72_bytes_works_end_to_end(client: FlaskClient, password: str):
    assert len(password.encode()) == 72
    registered = client.post("/api/register", json={**VALID, "password": password})
    assert registered.status_code == 201, registered.get_json()
    login = client.post("/api/login", json={"email": VALID["email"], "password": password})
    assert login.status_code == 200, login.get_json()
    token = login.get_json()["access_token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["user"]["email"] == VALID["email"]
    # One byte less is another password.
    wrong = client.post("/api/login", json={"email": VALID["email"], "password": password[:-1]})
    assert_error(wrong, 401, "invalid_credentials")


@pytest.mark.parametrize("email", ["asha@example.com", "ghost@example.com"])
def test_login_with_password_over_72_bytes_is_wrong_credentials(
    client: FlaskClient, user: Account, email: str
):
    usual = assert_error(
        client.post("/api/login", json={"email": email, "password": "wrong-pass-1"}), 401
    )
    for password in ("p" * 100, PASSWORD + "p" * 60, "é" * 40):
        response = client.post("/api/login", json={"email": email, "password": password})
        assert assert_error(response, 401, "invalid_credentials") == usual


def test_admin_login_with_password_over_72_bytes_is_wrong_credentials(
    client: FlaskClient, admin: Account
):
    response = client.post("/api/admin/login", json={"email": admin.email, "password": "p" * 100})
    assert_error(response, 401, "invalid_credentials")


def test_long_password_logins_count_as_failed_logins(client: FlaskClient, user: Account):
    for _ in range(10):
        bad = client.post("/api/login", json={"email": user.email, "password": "p" * 100})
        assert bad.status_code == 401
    blocked = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
    assert_error(blocked, 429, "rate_limited")


def test_lone_surrogate_password_is_refused_not_a_crash(client: FlaskClient, user: Account):
    # Refused by the JSON reader (no database can store it): a 400 and no account.
    register = _post_raw(
        client,
        "/api/register",
        '{"email": "meera@example.com", "name": "Meera", "password": "long\\ud800enough"}',
    )
    assert_error(register, 400, "malformed_json")
    assert _user_count() == 1
    login = _post_raw(
        client, "/api/login", '{"email": "asha@example.com", "password": "long\\ud800enough"}'
    )
    assert_error(login, 400, "malformed_json")


def test_services_refuse_lone_surrogates(app: object, user: Account):
    with pytest.raises(ApiError) as password:
        register_user("meera@example.com", "Meera", "long\ud800enough")
    assert set(password.value.details) == {"password"}
    with pytest.raises(ApiError) as name:
        register_user("meera@example.com", "Me\ud800", "long-enough-1")
    assert set(name.value.details) == {"name"}
    with pytest.raises(ApiError) as signed_in:
        authenticate(user.email, "long\ud800enough")
    assert signed_in.value.status == 401
    assert _user_count() == 1


def test_login_with_nul_in_email_is_refused_like_any_unstorable_text(
    client: FlaskClient, user: Account
):
    """No address holds a NUL: the request is refused at the door (whoever's it is)."""
    response = client.post("/api/login", json={"email": "as\u0000ha@example.com", "password": "x"})
    assert assert_error(response, 422, "validation_failed")["details"] == {
        "email": ["Remove the NUL character."]
    }


def test_services_refuse_password_over_72_bytes(app: object, user: Account):
    with pytest.raises(ApiError) as registered:
        register_user("meera@example.com", "Meera", "p" * 73)
    assert registered.value.status == 422 and set(registered.value.details) == {"password"}

    before = _stored(user.email).password_hash
    with pytest.raises(ApiError) as promoted:
        make_admin(user.email, "Admin", "é" * 40)
    assert promoted.value.status == 422 and set(promoted.value.details) == {"password"}
    after = _stored(user.email)
    assert after.password_hash == before and after.is_admin is False

    with pytest.raises(ApiError) as signed_in:
        authenticate(user.email, "p" * 100)
    assert signed_in.value.status == 401


# ---- names: no control characters, no blank names ----------------------------------------


@pytest.mark.parametrize("name", BAD_NAMES)
def test_register_refuses_control_characters_in_name(client: FlaskClient, name: str):
    response = client.post("/api/register", json={**VALID, "name": name})
    error = assert_error(response, 422, "validation_failed")
    assert set(error["details"]) == {"name"}
    assert _user_count() == 0


@pytest.mark.parametrize("name", BAD_NAMES)
def test_profile_update_refuses_control_characters_in_name(
    client: FlaskClient, user: Account, name: str
):
    response = client.post(
        "/api/me/update", json={"name": name, "language": "hi"}, headers=user.headers
    )
    error = assert_error(response, 422, "validation_failed")
    assert set(error["details"]) == {"name"}
    stored = _stored(user.email)
    assert (stored.name, stored.language) == ("asha", "en")


def test_lone_surrogate_in_name_is_refused_not_a_crash(client: FlaskClient, user: Account):
    register = _post_raw(
        client,
        "/api/register",
        '{"email": "meera@example.com", "name": "Me\\ud800", "password": "long-enough-1"}',
    )
    assert_error(register, 400, "malformed_json")
    update = _post_raw(client, "/api/me/update", '{"name": "Me\\udfff"}', headers=user.headers)
    assert_error(update, 400, "malformed_json")
    assert _stored(user.email).name == "asha"
    assert _user_count() == 1


@pytest.mark.parametrize("name", ["   ", "\u3000", ""])
def test_profile_update_refuses_blank_name(client: FlaskClient, user: Account, name: str):
    response = client.post(
        "/api/me/update", json={"name": name, "reminders_enabled": False}, headers=user.headers
    )
    error = assert_error(response, 422, "validation_failed")
    assert set(error["details"]) == {"name"}
    stored = _stored(user.email)
    assert (stored.name, stored.reminders_enabled) == ("asha", True)


def test_profile_update_keeps_names_with_inner_spaces_and_joiners(
    client: FlaskClient, user: Account
):
    # U+200D (zero-width joiner) is format, not control: some scripts need it in names.
    name = "  Asha\u00a0K \u0d28\u0d4d\u200d  "
    response = client.post("/api/me/update", json={"name": name}, headers=user.headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["user"]["name"] == "Asha\u00a0K \u0d28\u0d4d\u200d"


def test_services_refuse_bad_names(app: object, user: Account):
    from boxoffice.auth.services import update_profile

    for name in ("   ", "Eve\r\nBcc: x@example.org"):
        with pytest.raises(ApiError) as registered:
            register_user("meera@example.com", name, "long-enough-1")
        assert set(registered.value.details) == {"name"}
        with pytest.raises(ApiError) as updated:
            update_profile(_stored(user.email), {"name": name, "language": "hi"})
        assert set(updated.value.details) == {"name"}
    stored = _stored(user.email)
    assert (stored.name, stored.language) == ("asha", "en")
    assert _user_count() == 1


@pytest.mark.parametrize("value", [0, 1, "false", "off", None])
def test_mail_switches_take_true_or_false_only(client: FlaskClient, user: Account, value):
    response = client.post(
        "/api/me/update", json={"reminders_enabled": value}, headers=user.headers
    )
    error = assert_error(response, 422, "validation_failed")
    assert "reminders_enabled" in error["details"], error
    assert client.get("/api/me", headers=user.headers).get_json()["user"]["reminders_enabled"]


@pytest.mark.parametrize(
    ("password", "why"),
    [("aaaaaaaa", "different characters"), ("abababab", "different characters"),
     ("Password123", "most common"), ("12345678", "most common")],
)  # fmt: skip
def test_weak_new_passwords_are_refused(client: FlaskClient, password: str, why: str):
    body = {"email": "weak@example.com", "name": "Weak", "password": password}
    error = assert_error(client.post("/api/register", json=body), 422, "validation_failed")
    assert why in error["details"]["password"][0], error
    assert client.post("/api/login", json=body).status_code == 401  # no account was made


@pytest.mark.parametrize("path", ["/api/login", "/api/admin/login", "/api/password/forgot"])
def test_an_address_with_half_a_surrogate_pair_is_refused_not_a_crash(
    client: FlaskClient, path: str
):
    body = b'{"email": "\\ud800@x.y", "password": "whatever-1"}'
    response = client.post(path, data=body, content_type="application/json")
    assert_error(response, 400, "malformed_json")


def test_bodies_without_an_address_share_no_one_s_rate_limit(client: FlaskClient):
    """Malformed sign-ins are counted per client, not in one bucket that everyone shares."""
    for number in range(12):
        response = client.post(
            "/api/password/forgot",
            json={"email": 5},
            environ_base={"REMOTE_ADDR": f"10.1.0.{number}"},
        )
        assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("meera@ＥＸＡＭＰＬＥ.com", id="fullwidth-domain"),
        pytest.param("meera@exam\u00adple.com", id="soft-hyphen-in-domain"),
    ],
)
def test_one_mailbox_is_one_account_whatever_the_domain_spelling(
    client: FlaskClient, spelling: str
):
    """Mail systems map a domain to its one IDNA form: these reach meera@example.com."""
    assert client.post("/api/register", json=VALID).status_code == 201
    again = {**VALID, "email": spelling}
    assert_error(client.post("/api/register", json=again), 409, "email_taken")
    login = client.post("/api/login", json={"email": spelling, "password": VALID["password"]})
    assert login.status_code == 200, login.get_json()
    assert login.get_json()["user"]["email"] == "meera@example.com"
    assert _user_count() == 1


def test_an_international_domain_is_stored_in_its_ascii_form(client: FlaskClient):
    unicode_form = {**VALID, "email": "meera@bücher.example"}
    response = client.post("/api/register", json=unicode_form)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["user"]["email"] == "meera@xn--bcher-kva.example"
    ascii_form = {**VALID, "email": "Meera@XN--BCHER-KVA.example"}
    assert_error(client.post("/api/register", json=ascii_form), 409, "email_taken")
    for spelling in ("meera@BÜCHER.example", "meera@xn--bcher-kva.example"):
        login = client.post("/api/login", json={"email": spelling, "password": VALID["password"]})
        assert login.status_code == 200, (spelling, login.get_json())


def test_a_domain_with_no_idna_form_is_refused_not_a_crash(client: FlaskClient):
    body = {**VALID, "email": "meera@exa\u200emple.com"}  # a direction mark: not in any domain
    error = assert_error(client.post("/api/register", json=body), 422, "validation_failed")
    assert "email" in error["details"]
    assert _user_count() == 0


def test_accounts_stored_before_domains_were_normalised_still_sign_in(app: object):
    """Rows written with the Unicode form of a domain are found by either spelling."""
    user = register_user("meera@example.com", "Meera", VALID["password"])
    with db.session.begin():
        db.session.get(User, user.id).email = "meera@bücher.example"  # type: ignore[union-attr]
    assert authenticate("meera@bücher.example", VALID["password"]).id == user.id
    assert authenticate("meera@BÜCHER.example", VALID["password"]).id == user.id
    with pytest.raises(ApiError) as taken:
        register_user("meera@xn--bcher-kva.example", "Meera", VALID["password"])
    assert taken.value.code == "email_taken"
