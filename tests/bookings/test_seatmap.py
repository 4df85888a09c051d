"""The seat map: every seat with status and price; one's own held and booked seats
marked, nobody else's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from bookings.conftest import CAPACITY, book, hold, later
from flask.testing import FlaskClient
from support import PASSWORD, Account, assert_error


def _map(client: FlaskClient, show_id: int, headers: dict[str, str] | None = None) -> dict:
    response = client.get("/api/show/seats", query_string={"show_id": show_id}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_anonymous_map_lists_every_seat_of_the_layout(client: FlaskClient, show):
    body = _map(client, show.id)
    assert body["show_id"] == show.id and body["rows"] == 5 and body["seats_per_row"] == 8
    labels = [seat["seat"] for seat in body["seats"]]
    assert len(labels) == CAPACITY == len(set(labels))
    assert "A5" not in labels and "E5" not in labels  # the aisle
    assert labels[:5] == ["A1", "A2", "A3", "A4", "A6"]
    first = body["seats"][0]
    assert first == {
        "seat": "A1",
        "row": "A",
        "number": 1,
        "status": "free",
        "mine": False,
        "price": "200.00",
        "category": "Standard",
    }
    premium = next(seat for seat in body["seats"] if seat["seat"] == "E8")
    assert (premium["price"], premium["category"]) == ("350.00", "Premium")
    assert body["hold"] is None


def test_statuses_and_own_hold(client: FlaskClient, show, user: Account, other_user: Account):
    held = hold(client, user, show.id, ["C3", "C4"]).get_json()
    assert book(client, other_user, show_id=show.id, seats=["A1"]).status_code == 201

    mine = _map(client, show.id, user.headers)
    by_label = {seat["seat"]: seat for seat in mine["seats"]}
    assert by_label["C3"]["status"] == "held" and by_label["C3"]["mine"] is True
    assert by_label["A1"]["status"] == "booked" and by_label["A1"]["mine"] is False
    assert by_label["B1"]["status"] == "free"
    assert mine["hold"]["hold_id"] == held["hold_id"]
    assert mine["hold"]["seats"] == ["C3", "C4"]
    assert mine["hold"]["expires_at"] == held["expires_at"]
    assert mine["hold"]["total"] == "400.00"

    for headers in (other_user.headers, None):
        theirs = _map(client, show.id, headers)
        c3 = next(seat for seat in theirs["seats"] if seat["seat"] == "C3")
        assert c3["status"] == "held" and c3["mine"] is False
        assert theirs["hold"] is None
        # Nothing in the answer says who holds or booked a seat.
        assert "user" not in str(theirs) and str(user.user_id) not in str(c3)


def _mine(body: dict) -> dict[str, str]:
    """Seat -> status of every seat the map marks as the caller's."""
    return {seat["seat"]: seat["status"] for seat in body["seats"] if seat["mine"]}


def test_own_booked_seats_are_marked_and_nobody_elses(
    client: FlaskClient, show, user: Account, other_user: Account
):
    assert book(client, user, show_id=show.id, seats=["A1", "A2"]).status_code == 201
    held = hold(client, user, show.id, ["C3"]).get_json()
    assert book(client, user, hold_id=held["hold_id"]).status_code == 201  # booked via a hold
    assert book(client, other_user, show_id=show.id, seats=["B1"]).status_code == 201
    hold(client, user, show.id, ["D4"])

    mine = _map(client, show.id, user.headers)
    assert _mine(mine) == {"A1": "booked", "A2": "booked", "C3": "booked", "D4": "held"}
    assert next(s for s in mine["seats"] if s["seat"] == "B1")["status"] == "booked"
    # The hold lists only what is still held; booked seats are not part of it.
    assert mine["hold"]["seats"] == ["D4"]

    assert _mine(_map(client, show.id, other_user.headers)) == {"B1": "booked"}
    anonymous = _map(client, show.id)
    assert _mine(anonymous) == {}
    statuses = {seat["seat"]: seat["status"] for seat in anonymous["seats"]}
    assert [statuses[label] for label in ("A1", "A2", "C3", "B1")] == ["booked"] * 4
    assert statuses["D4"] == "held"


def test_a_signed_out_caller_sees_no_seat_marked(client: FlaskClient, show, user: Account):
    login = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200
    csrf = {"X-CSRF-TOKEN": client.get_cookie("csrf_access_token").value}
    booked = client.post(
        "/api/bookticket", json={"show_id": show.id, "seats": ["B2"]}, headers=csrf
    )
    assert booked.status_code == 201, booked.get_json()
    assert _mine(_map(client, show.id)) == {"B2": "booked"}  # the session cookie

    assert client.post("/api/logout", headers=csrf).status_code == 200
    body = _map(client, show.id)
    assert _mine(body) == {} and body["hold"] is None
    assert next(s for s in body["seats"] if s["seat"] == "B2")["status"] == "booked"

    # A revoked Bearer token, still sent, counts for nobody either.
    assert _mine(_map(client, show.id, user.headers)) == {"B2": "booked"}
    assert client.post("/api/logout", headers=user.headers).status_code == 200
    assert _mine(_map(client, show.id, user.headers)) == {}


def test_a_cancelled_bookings_seats_are_free_and_not_mine(client: FlaskClient, show, user: Account):
    assert book(client, user, show_id=show.id, seats=["A1"]).status_code == 201
    gone = book(client, user, show_id=show.id, seats=["A2", "A3"]).get_json()["booking"]
    assert _mine(_map(client, show.id, user.headers)) == {
        "A1": "booked",
        "A2": "booked",
        "A3": "booked",
    }
    cancel = {"booking_id": gone["booking_id"]}
    assert client.post("/api/booking/cancel", json=cancel, headers=user.headers).status_code == 200

    body = _map(client, show.id, user.headers)
    assert _mine(body) == {"A1": "booked"}
    statuses = {seat["seat"]: seat["status"] for seat in body["seats"]}
    assert (statuses["A2"], statuses["A3"]) == ("free", "free")


def test_cookie_session_marks_own_hold(client: FlaskClient, show, user: Account):
    hold(client, user, show.id, ["B2"])
    login = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
    assert login.status_code == 200
    body = _map(client, show.id)  # the httpOnly cookie, no Authorization header
    assert body["hold"]["seats"] == ["B2"]


def test_bad_token_is_treated_as_anonymous(client: FlaskClient, show):
    body = _map(client, show.id, {"Authorization": "Bearer not.a.token"})
    assert body["hold"] is None


def test_expired_hold_shows_free(client: FlaskClient, show, user: Account):
    hold(client, user, show.id, ["D1"])
    with later(9):
        body = _map(client, show.id, user.headers)
    d1 = next(seat for seat in body["seats"] if seat["seat"] == "D1")
    assert d1["status"] == "free" and d1["mine"] is False and body["hold"] is None


def test_unknown_show_and_bad_ids(client: FlaskClient):
    assert_error(client.get("/api/show/seats", query_string={"show_id": 999}), 404, "not_found")
    for bad in ("-1", "0", "abc", str(2**31), "1.5", ""):
        response = client.get("/api/show/seats", query_string={"show_id": bad})
        assert_error(response, 422, "validation_failed")
    assert_error(client.get("/api/show/seats"), 422, "validation_failed")


# The separate reader pool exists on PostgreSQL only.
@pytest.mark.postgres_only
def test_seat_map_survives_a_dropped_database_connection(client: FlaskClient, show):
    """PostgreSQL: the seat map's own pool does not ping; a dead connection is retried once."""
    from boxoffice.extensions import db

    _map(client, show.id)
    db.session.execute(
        sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    )
    db.session.commit()
    assert len(_map(client, show.id)["seats"]) == CAPACITY
