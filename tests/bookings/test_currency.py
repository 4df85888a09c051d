"""A booking is charged in its venue's currency, says so, and keeps saying so after the
venue changes currency; shows and seat maps say which currency their prices are in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from bookings.conftest import HALL_LAYOUT, book, hold
from factories import make_show, make_venue
from flask.testing import FlaskClient
from support import Account

from boxoffice.catalog.models import Show


@pytest.fixture
def euro_show(app) -> Show:
    venue = make_venue(name="Rex", location="Paris", layout=HALL_LAYOUT, currency="EUR")
    return make_show(venue, title="Amelie", price="12.50", starts_in=timedelta(days=2))


def _get(client: FlaskClient, path: str, who: Account | None = None, **query: Any) -> Any:
    response = client.get(path, query_string=query, headers=who.headers if who else {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _change_currency(client: FlaskClient, admin: Account, venue_id: int, currency: str) -> None:
    response = client.post(
        "/api/venue/update",
        json={"venue_id": venue_id, "currency": currency},
        headers=admin.headers,
    )
    assert response.status_code == 200, response.get_json()


def test_shows_and_seat_maps_carry_their_venues_currency(
    client: FlaskClient, euro_show: Show, user: Account
):
    assert _get(client, "/api/show/get", show_id=euro_show.id)["show"]["currency"] == "EUR"
    [listed] = _get(client, "/api/show/get", venue_id=euro_show.venue_id)["shows"]
    assert listed["currency"] == "EUR"
    [found] = _get(client, "/api/filter", q="Amelie")["shows"]
    assert found["currency"] == "EUR"
    assert _get(client, "/api/show/seats", show_id=euro_show.id)["currency"] == "EUR"

    held = hold(client, user, euro_show.id, ["A1", "E1"])
    assert held.status_code == 201, held.get_json()
    assert (held.get_json()["total"], held.get_json()["currency"]) == ("175.00", "EUR")
    # The seat map hands the caller's hold back with its total, in the same currency.
    mine = _get(client, "/api/show/seats", user, show_id=euro_show.id)["hold"]
    assert (mine["total"], mine["currency"]) == ("175.00", "EUR")


def test_a_booking_keeps_the_currency_it_was_charged_in(
    client: FlaskClient, euro_show: Show, user: Account, other_user: Account, admin: Account
):
    booked = book(client, user, show_id=euro_show.id, seats=["A1", "A2"])
    assert booked.status_code == 201, booked.get_json()
    booking = booked.get_json()["booking"]
    assert (booking["total"], booking["currency"]) == ("25.00", "EUR")

    _change_currency(client, admin, euro_show.venue_id, "GBP")

    again = _get(client, "/api/booking/get", user, booking_id=booking["booking_id"])["booking"]
    assert (again["total"], again["currency"]) == ("25.00", "EUR")
    [listed] = _get(client, "/api/booking/get", user)["bookings"]
    assert listed["currency"] == "EUR"
    # The venue sells in its new currency from now on.
    assert _get(client, "/api/show/seats", show_id=euro_show.id)["currency"] == "GBP"
    assert _get(client, "/api/show/get", show_id=euro_show.id)["show"]["currency"] == "GBP"
    newer = book(client, other_user, show_id=euro_show.id, seats=["B1"]).get_json()["booking"]
    assert newer["currency"] == "GBP"


def test_a_booked_hold_is_charged_what_it_was_quoted_in_the_currency_it_was_quoted_in(
    client: FlaskClient, euro_show: Show, user: Account, other_user: Account, admin: Account
):
    """A hold keeps the prices it was quoted (on its claims), and with them their currency:
    booking it after the venue switched to francs (and its prices to francs) charges the
    quoted euros, not the euro amount written as francs."""
    held = hold(client, user, euro_show.id, ["C1", "E1"]).get_json()
    assert (held["total"], held["currency"]) == ("175.00", "EUR")
    _change_currency(client, admin, euro_show.venue_id, "CHF")
    repriced = client.post(
        "/api/show/update",
        json={"show_id": euro_show.id, "price": "11.70"},
        headers=admin.headers,
    )
    assert repriced.status_code == 200, repriced.get_json()

    booked = book(client, user, hold_id=held["hold_id"]).get_json()["booking"]
    assert (booked["total"], booked["currency"]) == ("175.00", "EUR")
    again = _get(client, "/api/booking/get", user, booking_id=booked["booking_id"])["booking"]
    assert (again["total"], again["currency"]) == ("175.00", "EUR")
    # A hold made after the change is quoted, and booked, in francs.
    later = hold(client, other_user, euro_show.id, ["A1"]).get_json()
    assert (later["total"], later["currency"]) == ("11.70", "CHF")
    newer = book(client, other_user, hold_id=later["hold_id"]).get_json()["booking"]
    assert (newer["total"], newer["currency"]) == ("11.70", "CHF")


def test_the_holders_seat_map_states_the_currency_their_hold_quoted_and_charges(
    client: FlaskClient, euro_show: Show, user: Account, other_user: Account, admin: Account
):
    held = hold(client, user, euro_show.id, ["C1", "E1"]).get_json()
    _change_currency(client, admin, euro_show.venue_id, "CHF")
    seat_map = _get(client, "/api/show/seats", user, show_id=euro_show.id)
    # The seats are now offered in francs; the caller's own seats and total as quoted.
    assert seat_map["currency"] == "CHF"
    mine = seat_map["hold"]
    assert (mine["seats"], mine["total"], mine["currency"]) == (["C1", "E1"], "175.00", "EUR")
    prices = {seat["seat"]: seat["price"] for seat in seat_map["seats"] if seat["mine"]}
    assert prices == {"C1": "12.50", "E1": "162.50"}
    booked = book(client, user, hold_id=held["hold_id"]).get_json()["booking"]
    assert (booked["total"], booked["currency"]) == (mine["total"], mine["currency"])
    # Anyone else's map, and a hold made now, are in francs.
    assert _get(client, "/api/show/seats", other_user, show_id=euro_show.id)["hold"] is None
    hold(client, other_user, euro_show.id, ["A1"])
    theirs = _get(client, "/api/show/seats", other_user, show_id=euro_show.id)["hold"]
    assert (theirs["total"], theirs["currency"]) == ("12.50", "CHF")


def test_a_hold_on_a_show_moved_to_a_venue_of_another_currency_books_as_quoted(
    client: FlaskClient, euro_show: Show, user: Account, admin: Account
):
    pounds = make_venue(name="Prince", location="London", layout=HALL_LAYOUT, currency="GBP")
    held = hold(client, user, euro_show.id, ["A1"]).get_json()
    moved = client.post(
        "/api/show/update",
        json={"show_id": euro_show.id, "venue_id": pounds.id},
        headers=admin.headers,
    )
    assert moved.status_code == 200, moved.get_json()
    assert _get(client, "/api/show/get", show_id=euro_show.id)["show"]["currency"] == "GBP"

    booked = book(client, user, hold_id=held["hold_id"]).get_json()["booking"]
    assert (booked["total"], booked["currency"]) == ("12.50", "EUR")


def test_rupees_stay_the_default(client: FlaskClient, show: Show, user: Account):
    booking = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    assert booking["currency"] == "INR"
    assert _get(client, "/api/show/get", show_id=show.id)["show"]["currency"] == "INR"
