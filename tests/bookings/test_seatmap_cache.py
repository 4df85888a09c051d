"""The cached seat map: served from Redis until something changes, and never stale."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa
from bookings.conftest import CAPACITY, book, hold, later, seat_status
from factories import make_show
from flask.testing import FlaskClient
from support import Account

from boxoffice.bookings.holds import purge_expired_holds
from boxoffice.extensions import db


def _sneak_booked_claim(show_id: int, user_id: int, seat: str) -> None:
    """Change the claims behind the application's back: no seat event, no bump."""
    booking_id = db.session.execute(
        sa.text(
            "INSERT INTO bookings (code, user_id, show_id, show_title, show_starts_at,"
            " show_ends_at, show_language, venue_name, venue_location, seats, total, currency,"
            " status, booked_at) SELECT 'SNEAKY22', :user, id, title, starts_at, starts_at,"
            " language, 'Hall', 'X', '[]', price, 'INR', 'confirmed', starts_at FROM shows"
            " WHERE id = :show"
            " RETURNING id"
        ),
        {"user": user_id, "show": show_id},
    ).scalar_one()
    db.session.execute(
        sa.text(
            "INSERT INTO seat_claims (show_id, seat, user_id, booking_id, price)"
            " VALUES (:show, :seat, :user, :booking, 200)"
        ),
        {"show": show_id, "seat": seat, "user": user_id, "booking": booking_id},
    )
    db.session.commit()


def test_the_map_is_served_from_the_cache_until_a_seat_changes(
    client: FlaskClient, show, user: Account, other_user: Account
):
    assert seat_status(client, show.id)["B2"] == "free"
    _sneak_booked_claim(show.id, other_user.user_id, "B2")
    # Nothing announced the change, so the cached map still answers: it really is cached.
    assert seat_status(client, show.id)["B2"] == "free"
    # Any real seat change retires it, and the next map shows both.
    assert hold(client, user, show.id, ["B3"]).status_code == 201
    statuses = seat_status(client, show.id)
    assert (statuses["B2"], statuses["B3"]) == ("booked", "held")


def test_every_kind_of_seat_change_shows_at_once(
    client: FlaskClient, show, user: Account, other_user: Account
):
    def status(seat: str, who: Account | None = None) -> str:
        return seat_status(client, show.id, who)[seat]

    assert status("A1") == "free"
    held = hold(client, user, show.id, ["A1"]).get_json()
    assert status("A1") == "held"
    client.post("/api/hold/release", json={"hold_id": held["hold_id"]}, headers=user.headers)
    assert status("A1") == "free"
    booked = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    assert status("A1") == "booked"
    cancel = {"booking_id": booked["booking_id"]}
    assert client.post("/api/booking/cancel", json=cancel, headers=user.headers).status_code == 200
    assert status("A1") == "free"
    hold(client, other_user, show.id, ["A2"])
    assert status("A2") == "held"
    with later(9):  # past the hold: the cached map says so without any job having run
        assert status("A2") == "free"
        purge_expired_holds()
        assert status("A2") == "free"


def test_a_holder_gets_their_own_map_and_everyone_else_the_cached_one(
    client: FlaskClient, show, user: Account, other_user: Account
):
    hold(client, user, show.id, ["C1", "C2"])
    anonymous = client.get("/api/show/seats", query_string={"show_id": show.id}).get_json()
    for _ in range(2):  # the second time from the cache
        theirs = client.get(
            "/api/show/seats", query_string={"show_id": show.id}, headers=other_user.headers
        ).get_json()
        assert theirs == anonymous and theirs["hold"] is None
        mine = client.get(
            "/api/show/seats", query_string={"show_id": show.id}, headers=user.headers
        ).get_json()
        assert mine["hold"]["seats"] == ["C1", "C2"]
        assert {s["seat"] for s in mine["seats"] if s["mine"]} == {"C1", "C2"}


def _marked_mine(client: FlaskClient, show_id: int, who: Account) -> dict[str, str]:
    """Seat -> status of the seats the map marks as ``who``'s own."""
    body = client.get(
        "/api/show/seats", query_string={"show_id": show_id}, headers=who.headers
    ).get_json()
    return {seat["seat"]: seat["status"] for seat in body["seats"] if seat["mine"]}


def test_a_booker_gets_their_own_map_after_the_shared_one_is_cached(
    client: FlaskClient, show, user: Account, other_user: Account
):
    """The shared map is cached by whoever asks first; a person with a booking must still
    get their own (their seats marked), and nobody else gets that one."""
    assert book(client, user, show_id=show.id, seats=["D1", "D2"]).status_code == 201
    anonymous = client.get("/api/show/seats", query_string={"show_id": show.id}).get_json()
    assert not any(seat["mine"] for seat in anonymous["seats"])
    for _ in range(2):  # the second time the shared map is a cache hit for the others
        assert _marked_mine(client, show.id, user) == {"D1": "booked", "D2": "booked"}
        theirs = client.get(
            "/api/show/seats", query_string={"show_id": show.id}, headers=other_user.headers
        ).get_json()
        assert theirs == anonymous


def test_a_booking_retires_the_map_of_its_own_show_only(
    client: FlaskClient, show, user: Account, other_user: Account, admin: Account
):
    """A rush on one show must not empty the cache of every other map; search, which
    shows free seats, changes at once all the same."""
    other = make_show(show.venue, title="Other", starts_in=timedelta(days=3))
    assert seat_status(client, other.id)["B2"] == "free"
    _sneak_booked_claim(other.id, other_user.user_id, "B2")
    assert book(client, user, show_id=show.id, seats=["A1"]).status_code == 201
    assert seat_status(client, show.id)["A1"] == "booked"
    assert seat_status(client, other.id)["B2"] == "free"  # still the cached map
    listing = client.get("/api/filter", query_string={"q": "Leo"}).get_json()
    assert [s["free_seats"] for s in listing["shows"] if s["show_id"] == show.id] == [CAPACITY - 1]
    # A catalogue edit (here of the venue) retires every map of it.
    edit = {"venue_id": show.venue_id, "name": "Hall 2"}
    assert client.post("/api/venue/update", json=edit, headers=admin.headers).status_code == 200
    assert seat_status(client, other.id)["B2"] == "booked"


def test_a_price_change_shows_at_once(client: FlaskClient, show, admin: Account):
    def price() -> str:
        body = client.get("/api/show/seats", query_string={"show_id": show.id}).get_json()
        return next(seat["price"] for seat in body["seats"] if seat["seat"] == "A1")

    assert price() == "200.00"
    update = {"show_id": show.id, "price": "250.00"}
    assert client.post("/api/show/update", json=update, headers=admin.headers).status_code == 200
    assert price() == "250.00"


def test_maps_and_search_work_while_redis_is_unreachable(
    settings, client: FlaskClient, show, second_app
):
    """The caches step aside: the answer comes from the database, only slower."""
    expected = client.get("/api/show/seats", query_string={"show_id": show.id}).get_json()
    broken = second_app(replace(settings, redis_url="redis://127.0.0.1:1/0"))
    with broken.test_client() as other:
        seats = other.get("/api/show/seats", query_string={"show_id": show.id})
        assert seats.status_code == 200 and seats.get_json() == expected
        found = other.get("/api/filter", query_string={"q": show.title})
        assert found.status_code == 200
        assert [card["show_id"] for card in found.get_json()["shows"]] == [show.id]
