"""Shows in any language films are commonly screened in, not only the languages of mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import make_venue
from flask.testing import FlaskClient
from sqlalchemy import func, select
from support import Account, assert_error

from boxoffice.catalog.models import Show
from boxoffice.extensions import db


def _body(venue_id: int, **changes) -> dict:
    starts = (datetime.now(UTC) + timedelta(days=3)).replace(hour=12, minute=0, second=0)
    return {
        "venue_id": venue_id,
        "title": "Past Lives",
        "starts_at": starts.isoformat(),
        "price": "12.00",
        **changes,
    }


def test_a_show_in_korean_is_created_found_and_named(client: FlaskClient, admin: Account):
    venue = make_venue()
    created = client.post(
        "/api/show/create", json=_body(venue.id, language="ko"), headers=admin.headers
    )
    assert created.status_code == 201, created.get_json()
    show_id = created.get_json()["show"]["show_id"]
    assert created.get_json()["show"]["language"] == "ko"

    found = client.get("/api/filter", query_string={"language": "ko"}).get_json()["shows"]
    assert [show["show_id"] for show in found] == [show_id]
    assert client.get("/api/filter", query_string={"language": "fr"}).get_json()["shows"] == []
    meta = client.get("/api/meta").get_json()
    assert meta["show_languages"] == ["ko"]
    assert meta["languages"]["ko"] == "Korean"

    updated = client.post(
        "/api/show/update", json={"show_id": show_id, "language": "fr"}, headers=admin.headers
    )
    assert updated.status_code == 200, updated.get_json()
    assert updated.get_json()["show"]["language"] == "fr"
    found = client.get("/api/filter", query_string={"language": "fr"}).get_json()["shows"]
    assert [show["show_id"] for show in found] == [show_id]


def test_an_unknown_language_is_refused_and_changes_nothing(client: FlaskClient, admin: Account):
    venue = make_venue()
    for code in ("zz", "kor", "KO", "fr-FR", ""):
        error = assert_error(
            client.post(
                "/api/show/create", json=_body(venue.id, language=code), headers=admin.headers
            ),
            422,
            "validation_failed",
        )
        assert set(error["details"]) == {"language"}, error
    assert db.session.scalar(select(func.count()).select_from(Show)) == 0

    show_id = client.post(
        "/api/show/create", json=_body(venue.id, language="de"), headers=admin.headers
    ).get_json()["show"]["show_id"]
    assert_error(
        client.post(
            "/api/show/update", json={"show_id": show_id, "language": "xx"}, headers=admin.headers
        ),
        422,
        "validation_failed",
    )
    shown = client.get("/api/show/get", query_string={"show_id": show_id}).get_json()["show"]
    assert shown["language"] == "de"
    assert_error(
        client.get("/api/filter", query_string={"language": "xx"}), 422, "validation_failed"
    )


def test_meta_names_every_film_language_and_says_which_mail_is_written_in(client: FlaskClient):
    meta = client.get("/api/meta").get_json()
    films, names = meta["film_languages"], meta["languages"]
    # Every code a show may have has a name to show; no name without a film language.
    assert set(names) == set(films)
    assert {"ko", "fr", "es", "ja", "zh", "ar", "pa", "gu", "ur"} <= set(films)
    assert names["ko"] == "Korean" and names["zh"] == "Chinese" and names["bn"] == "Bengali"
    # The languages of the cinemas here first, then the rest by name.
    common = ["en", "hi", "ta", "te", "ml", "kn", "bn", "mr"]
    assert films[:8] == common
    rest = [names[code] for code in films[8:]]
    assert rest == sorted(rest)
    assert meta["mail_languages"] == common
    assert meta["mail_translations"] == ["en", "hi", "ta"]
