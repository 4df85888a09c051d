"""Venue CRUD and seat layouts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_show, make_venue
from flask.testing import FlaskClient
from sqlalchemy import func, select
from support import Account, assert_error

from boxoffice.catalog.models import Show, Venue
from boxoffice.extensions import db

VENUE = {"name": "Sathyam", "location": "Chennai", "rows": 6, "seats_per_row": 10}


def test_create_venue_with_layout(client: FlaskClient, admin: Account):
    layout = {
        "removed": ["a5", "A6", "B5"],
        "categories": [{"name": "Premium", "rows": ["e", "F"], "surcharge": 100}],
    }
    response = client.post(
        "/api/venue/create", json={**VENUE, "layout": layout}, headers=admin.headers
    )
    assert response.status_code == 201
    venue = response.get_json()["venue"]
    assert venue["capacity"] == 60 - 3
    assert venue["layout"] == {
        "removed": ["A5", "A6", "B5"],
        "categories": [{"name": "Premium", "rows": ["E", "F"], "surcharge": "100.00"}],
    }
    assert venue["currency"] == "INR"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rows": 0}, "rows"),
        ({"rows": 27}, "rows"),
        ({"seats_per_row": 61}, "seats_per_row"),
        ({"seats_per_row": -3}, "seats_per_row"),
        ({"rows": "6"}, "rows"),
        ({"rows": 2.5}, "rows"),
        ({"name": ""}, "name"),
        ({"location": "x" * 81}, "location"),
        # Text that would spoof or break admin tables, mails and CSV files.
        ({"name": "Hall\nBcc: x@example.org"}, "name"),
        ({"name": "Hall \u0007"}, "name"),
        ({"name": "Hall \u202egpj.exe"}, "name"),
        ({"name": "\u200b\u200b"}, "name"),
        ({"location": "\u2066Chennai"}, "location"),
        ({"name": "Hall\u0000"}, "name"),  # PostgreSQL refuses a NUL: a 422, not a 500
        ({"layout": {"removed": ["K1"]}}, "layout.removed"),
        ({"layout": {"removed": ["A11"]}}, "layout.removed"),
        ({"layout": {"removed": "A1"}}, "layout.removed"),
        (
            {"layout": {"categories": [{"name": "P", "rows": ["Z"], "surcharge": 1}]}},
            "layout.categories",
        ),
        (
            {"layout": {"categories": [{"name": "P", "rows": ["A"], "surcharge": -1}]}},
            "layout.categories",
        ),
        (
            {"layout": {"categories": [{"name": "P", "rows": ["A"], "surcharge": "abc"}]}},
            "layout.categories",
        ),
        (
            {
                "layout": {
                    "categories": [{"name": "P", "rows": ["A"]}, {"name": "Q", "rows": ["A"]}]
                }
            },
            "layout.categories",
        ),
        ({"layout": "wide"}, "layout"),
        # Names and rows are text, not objects or numbers turned into text.
        (
            {"layout": {"categories": [{"name": {"a": 1}, "rows": ["A"], "surcharge": 1}]}},
            "layout.categories",
        ),
        (
            {"layout": {"categories": [{"name": "P", "rows": [["A"]], "surcharge": 1}]}},
            "layout.categories",
        ),
    ],
)
def test_create_venue_validation(client: FlaskClient, admin: Account, changes: dict, field: str):
    response = client.post("/api/venue/create", json={**VENUE, **changes}, headers=admin.headers)
    error = assert_error(response, 422, "validation_failed")
    assert field in error["details"], error
    assert db.session.scalar(select(func.count(Venue.id))) == 0


def test_venue_needs_at_least_one_seat(client: FlaskClient, admin: Account):
    layout = {"removed": ["A1", "A2"]}
    response = client.post(
        "/api/venue/create",
        json={**VENUE, "rows": 1, "seats_per_row": 2, "layout": layout},
        headers=admin.headers,
    )
    assert_error(response, 422, "validation_failed")


def test_get_venue_one_and_list(client: FlaskClient):
    first = make_venue(name="A", location="Pune")
    make_venue(name="B", location="Agra")
    one = client.get("/api/venue/get", query_string={"venue_id": first.id})
    assert one.status_code == 200 and one.get_json()["venue"]["name"] == "A"
    listing = client.get("/api/venue/get").get_json()["venues"]
    assert [v["location"] for v in listing] == ["Agra", "Pune"]


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "99999999999", "1.5"])
def test_get_venue_bad_ids(client: FlaskClient, bad: str):
    response = client.get("/api/venue/get", query_string={"venue_id": bad})
    assert_error(response, 422)


def test_get_unknown_venue(client: FlaskClient):
    assert_error(client.get("/api/venue/get", query_string={"venue_id": 4242}), 404, "not_found")


def test_update_venue_changes_capacity_of_its_shows(client: FlaskClient, admin: Account):
    venue = make_venue(rows=5, seats_per_row=8)
    show = make_show(venue)
    response = client.post(
        "/api/venue/update",
        json={
            "venue_id": venue.id,
            "name": "Renamed",
            "seats_per_row": 10,
            "layout": {"removed": ["A1"]},
        },
        headers=admin.headers,
    )
    assert response.status_code == 200
    body = response.get_json()["venue"]
    assert body["name"] == "Renamed" and body["capacity"] == 49
    assert db.session.get(Show, show.id).capacity == 49


def test_update_venue_keeps_layout_valid(client: FlaskClient, admin: Account):
    venue = make_venue(rows=5, seats_per_row=8, layout={"removed": ["E8"]})
    response = client.post(
        "/api/venue/update", json={"venue_id": venue.id, "rows": 4}, headers=admin.headers
    )
    # E8 no longer exists once the venue has four rows.
    assert_error(response, 422, "validation_failed")
    assert db.session.get(Venue, venue.id).rows == 5


def test_update_unknown_venue(client: FlaskClient, admin: Account):
    response = client.post(
        "/api/venue/update", json={"venue_id": 999, "name": "X"}, headers=admin.headers
    )
    assert_error(response, 404)


def test_delete_venue_without_bookings(client: FlaskClient, admin: Account):
    venue = make_venue()
    make_show(venue)
    response = client.post("/api/venue/delete", json={"venue_id": venue.id}, headers=admin.headers)
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(Venue.id))) == 0
    assert db.session.scalar(select(func.count(Show.id))) == 0


def test_delete_unknown_venue(client: FlaskClient, admin: Account):
    assert_error(client.post("/api/venue/delete", json={"venue_id": 5}, headers=admin.headers), 404)


def test_shows_without_bookings_do_not_block_layout_changes(client: FlaskClient, admin: Account):
    venue = make_venue()
    make_show(venue, starts_in=timedelta(days=1))
    response = client.post(
        "/api/venue/update", json={"venue_id": venue.id, "rows": 6}, headers=admin.headers
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("category", "why"),
    [
        ({"name": "Premium", "rows": ["BC"], "surcharge": "50"}, "not in this venue"),
        ({"name": "Premium", "rows": [""], "surcharge": "50"}, "not in this venue"),
        ({"name": "Premium", "rows": ["ABC"], "surcharge": "50"}, "not in this venue"),
        ({"name": "P\r\nX", "rows": ["B"], "surcharge": "50"}, "line breaks"),
        ({"name": "Premium", "rows": ["B"], "surcharge": "5_0"}, "not a number"),
        ({"name": "Premium", "rows": ["B"], "surcharge": "١٢"}, "not a number"),
        ({"name": "Premium", "rows": ["B"], "surcharge": " 5"}, "not a number"),
        ({"name": "Premium", "rows": ["B"], "surcharge": True}, "not a number"),
    ],
)
def test_price_categories_name_real_rows_and_plain_surcharges(
    client: FlaskClient, admin: Account, category: dict, why: str
):
    """A category on a row the venue does not have would never be charged."""
    layout = {"categories": [category]}
    response = client.post(
        "/api/venue/create", json={**VENUE, "rows": 3, "layout": layout}, headers=admin.headers
    )
    error = assert_error(response, 422, "validation_failed")
    assert why in str(error["details"]), error
    assert db.session.scalar(select(func.count(Venue.id))) == 0


def test_a_surcharge_of_minus_zero_is_zero(client: FlaskClient, admin: Account):
    layout = {"categories": [{"name": "Front", "rows": ["A"], "surcharge": "-0"}]}
    response = client.post(
        "/api/venue/create", json={**VENUE, "layout": layout}, headers=admin.headers
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["venue"]["layout"]["categories"][0]["surcharge"] == "0.00"


@pytest.mark.parametrize("force", [1, 0, "true", "yes", None])
def test_a_forced_delete_takes_true_only(client: FlaskClient, admin: Account, force):
    venue = make_venue()
    make_show(venue)
    response = client.post(
        "/api/venue/delete", json={"venue_id": venue.id, "force": force}, headers=admin.headers
    )
    assert_error(response, 422, "validation_failed")
    assert db.session.get(Venue, venue.id) is not None


def test_a_venue_charges_in_a_country_s_currency(client: FlaskClient, admin: Account):
    created = client.post(
        "/api/venue/create", json={**VENUE, "currency": "CHF"}, headers=admin.headers
    )
    assert created.status_code == 201
    venue = created.get_json()["venue"]
    assert venue["currency"] == "CHF"
    updated = client.post(
        "/api/venue/update",
        json={"venue_id": venue["venue_id"], "currency": " AUD "},
        headers=admin.headers,
    )
    assert updated.status_code == 200 and updated.get_json()["venue"]["currency"] == "AUD"


# Three capitals that are no country's money: none, test, gold, a fund, made up, replaced.
NOT_CURRENCIES = ["XXX", "XTS", "XAU", "BOV", "ABC", "DEM"]


@pytest.mark.parametrize("code", [*NOT_CURRENCIES, "inr", "RUPEE", 356])
def test_a_venue_cannot_charge_in_what_is_no_currency(
    client: FlaskClient, admin: Account, code: object
):
    response = client.post(
        "/api/venue/create", json={**VENUE, "currency": code}, headers=admin.headers
    )
    error = assert_error(response, 422, "validation_failed")
    assert list(error["details"]) == ["currency"]
    assert db.session.scalar(select(func.count(Venue.id))) == 0


@pytest.mark.parametrize("code", NOT_CURRENCIES)
def test_a_venue_keeps_its_currency_when_given_no_currency(
    client: FlaskClient, admin: Account, code: str
):
    venue = make_venue()
    response = client.post(
        "/api/venue/update",
        json={"venue_id": venue.id, "name": "Renamed", "currency": code},
        headers=admin.headers,
    )
    error = assert_error(response, 422, "validation_failed")
    assert error["details"] == {
        "currency": [
            f"{code} is not a currency in use; give the ISO 4217 code of a country's money, "
            "such as INR, EUR or USD."
        ]
    }
    db.session.expire_all()
    kept = db.session.get(Venue, venue.id)
    assert kept is not None and (kept.currency, kept.name) == ("INR", venue.name)
