"""A person's language is one mail can be sent in, whatever languages films are shown in."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from support import Account, assert_error

from boxoffice.auth.models import User
from boxoffice.extensions import db

NEW = {"email": "meera@example.com", "name": "Meera", "password": "long-enough-1"}


def _stored_language(email: str) -> str:
    db.session.expire_all()
    return db.session.scalars(select(User.language).where(User.email == email)).one()


def test_a_film_language_without_mail_is_refused_at_sign_up(client: FlaskClient):
    error = assert_error(
        client.post("/api/register", json={**NEW, "language": "ko"}), 422, "validation_failed"
    )
    assert set(error["details"]) == {"language"}
    assert db.session.scalars(select(User).where(User.email == NEW["email"])).first() is None
    # A language of the cinemas here is still a choice, mail or no translation yet.
    created = client.post("/api/register", json={**NEW, "language": "te"})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["user"]["language"] == "te"


def test_a_film_language_without_mail_is_refused_in_the_profile(client: FlaskClient, user: Account):
    assert_error(
        client.post("/api/me/update", json={"language": "fr"}, headers=user.headers),
        422,
        "validation_failed",
    )
    assert _stored_language(user.email) == "en"


def test_an_account_on_a_language_outside_the_list_still_loads_and_saves(
    client: FlaskClient, user: Account
):
    # An account stored with a language no longer offered (or written by another client).
    db.session.execute(db.update(User).where(User.email == user.email).values(language="ko"))
    db.session.commit()
    me = client.get("/api/me", headers=user.headers)
    assert me.status_code == 200 and me.get_json()["user"]["language"] == "ko"
    saved = client.post("/api/me/update", json={"name": "Asha K"}, headers=user.headers)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["user"]["language"] == "ko"
    assert _stored_language(user.email) == "ko"
