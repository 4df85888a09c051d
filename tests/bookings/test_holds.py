"""Holds: all or nothing, replaced by the next hold, released, expiring without any job."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from bookings.conftest import book, hold, later, live_holds, seat_status, soon_show
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from support import Account, assert_error

from boxoffice.bookings import seat_orders
from boxoffice.bookings.holds import MAX_HELD_SHOWS
from boxoffice.bookings.models import Hold, SeatClaim
from boxoffice.bookings.tasks import purge_expired_holds
from boxoffice.db_types import utcnow
from boxoffice.extensions import db


def _claims() -> int:
    return db.session.scalar(select(func.count(SeatClaim.id))) or 0


def test_hold_returns_id_expiry_seats_and_server_total(client: FlaskClient, show, user: Account):
    response = client.post(
        "/api/hold",
        json={"show_id": show.id, "seats": ["E1", "a2"], "total": "1.00", "price": "0"},
        headers=user.headers,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["seats"] == ["E1", "A2"]
    assert body["total"] == "550.00"  # 200 + 150 premium, 200; the client's total is ignored
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() is not None
    assert abs(expires - (utcnow() + timedelta(minutes=8))) < timedelta(seconds=5)
    assert seat_status(client, show.id)["E1"] == "held"


def test_all_or_nothing(client: FlaskClient, show, user: Account, other_user: Account):
    assert hold(client, other_user, show.id, ["B2"]).status_code == 201
    error = assert_error(hold(client, user, show.id, ["B1", "B2", "B3"]), 409, "seat_taken")
    assert error["details"]["seats"] == ["B2"]
    statuses = seat_status(client, show.id)
    assert statuses["B1"] == statuses["B3"] == "free"
    assert _claims() == 1


def test_new_hold_replaces_previous_one_for_that_show(client: FlaskClient, show, user: Account):
    first = hold(client, user, show.id, ["A1", "A2"]).get_json()
    second = hold(client, user, show.id, ["A2", "A3"])  # may overlap one's own hold
    assert second.status_code == 201
    assert second.get_json()["hold_id"] != first["hold_id"]
    statuses = seat_status(client, show.id)
    assert statuses["A1"] == "free" and statuses["A2"] == statuses["A3"] == "held"
    assert live_holds() == [(second.get_json()["hold_id"], user.user_id)]
    # Gone, and its owner is told so (a hold that was never theirs is a 404).
    assert_error(book(client, user, hold_id=first["hold_id"]), 409, "hold_expired")
    assert seat_status(client, show.id)["A1"] == "free"


def test_holds_on_other_shows_are_kept(client: FlaskClient, show, user: Account):
    other = soon_show(minutes=600)
    hold(client, user, show.id, ["A1"])
    hold(client, user, other.id, ["A1"])
    assert seat_status(client, show.id)["A1"] == "held"
    assert seat_status(client, other.id)["A1"] == "held"


@pytest.mark.parametrize(
    "seats, field",
    [
        ([], "seats"),
        ([f"A{n}" for n in (1, 2, 3, 4, 6, 7, 8)] + ["B1", "B2", "B3", "B4"], "seats"),  # 11
        (["A1", "A1"], "seats"),
        (["A1", "a1"], "seats"),  # the same seat in two spellings
        (["Z9"], "seats"),
        (["A9"], "seats"),  # past the end of the row
        (["A5"], "seats"),  # a removed seat (aisle)
        (["A0"], "seats"),
        (["1A"], "seats"),
        ([""], "seats"),
        ([7], "seats"),
        ("A1", "seats"),
        (None, "seats"),
    ],
)
def test_bad_seat_lists_are_422(client: FlaskClient, show, user: Account, seats, field):
    response = client.post(
        "/api/hold", json={"show_id": show.id, "seats": seats}, headers=user.headers
    )
    error = assert_error(response, 422, "validation_failed")
    assert field in error["details"]
    assert _claims() == 0


@pytest.mark.parametrize("show_id", [-1, 0, 2**31, "1", 1.5, True, None])
def test_bad_show_ids_are_422(client: FlaskClient, user: Account, show_id):
    response = client.post(
        "/api/hold", json={"show_id": show_id, "seats": ["A1"]}, headers=user.headers
    )
    assert_error(response, 422, "validation_failed")


def test_unknown_show_is_404_and_anonymous_is_401(client: FlaskClient, show, user: Account):
    assert_error(hold(client, user, 9999, ["A1"]), 404, "not_found")
    response = client.post("/api/hold", json={"show_id": show.id, "seats": ["A1"]})
    assert_error(response, 401)


def test_started_show_cannot_be_held(client: FlaskClient, user: Account):
    show = soon_show(minutes=30)
    with later(31):
        error = assert_error(hold(client, user, show.id, ["A1"]), 422, "show_started")
    assert "show_id" in error["details"]


def test_expired_hold_frees_seats_without_any_job(
    client: FlaskClient, show, user: Account, other_user: Account
):
    mine = hold(client, user, show.id, ["C1", "C2"]).get_json()
    with later(7.9):
        assert_error(hold(client, other_user, show.id, ["C2"]), 409, "seat_taken")
    with later(8.1):
        taken = hold(client, other_user, show.id, ["C2", "C3"])
        assert taken.status_code == 201, taken.get_json()
        assert_error(book(client, user, hold_id=mine["hold_id"]), 409, "hold_expired")
        statuses = seat_status(client, show.id)
    assert statuses["C1"] == "free" and statuses["C2"] == "held"


def test_release_frees_seats_for_owner_only(
    client: FlaskClient, show, user: Account, other_user: Account
):
    held = hold(client, user, show.id, ["D3", "D4"]).get_json()
    body = {"hold_id": held["hold_id"]}
    assert_error(client.post("/api/hold/release", json=body, headers=other_user.headers), 404)
    assert seat_status(client, show.id)["D3"] == "held"
    response = client.post("/api/hold/release", json=body, headers=user.headers)
    assert response.status_code == 200
    assert response.get_json()["seats"] == ["D3", "D4"]
    assert seat_status(client, show.id)["D3"] == "free"
    assert_error(client.post("/api/hold/release", json=body, headers=user.headers), 404)
    unknown = {"hold_id": "no-such-hold"}
    assert_error(client.post("/api/hold/release", json=unknown, headers=user.headers), 404)
    too_long = {"hold_id": "x" * 37}
    assert_error(client.post("/api/hold/release", json=too_long, headers=user.headers), 422)


def test_purge_task_deletes_only_expired_holds_and_is_idempotent(
    client: FlaskClient, show, user: Account, other_user: Account
):
    hold(client, user, show.id, ["A1", "A2"])
    assert book(client, other_user, show_id=show.id, seats=["B1"]).status_code == 201
    with later(5):
        hold(client, other_user, show.id, ["C1"])
    with later(9):
        assert purge_expired_holds.run() == 1
        assert purge_expired_holds.run() == 0
    remaining = set(db.session.scalars(select(SeatClaim.seat)))
    assert remaining == {"B1", "C1"}
    # The ended hold's row stays a while, so that booking it still says it expired.
    assert db.session.scalar(select(func.count(Hold.id))) == 2
    with later(8 + 60):
        assert purge_expired_holds.run() == 1  # C1's hold ended at 13 min
        assert db.session.scalar(select(func.count(Hold.id))) == 1
    with later(13 + 60):
        assert purge_expired_holds.run() == 0
        assert db.session.scalar(select(func.count(Hold.id))) == 0


class TestRateLimit:
    @pytest.fixture
    def settings(self, settings):
        return replace(settings, hold_rate_limit="3 per minute")

    def test_holds_are_rate_limited_per_account(
        self, client: FlaskClient, show, user: Account, other_user: Account
    ):
        for seat in ("A1", "A2", "A3"):
            assert hold(client, user, show.id, [seat]).status_code == 201
        assert_error(hold(client, user, show.id, ["A4"]), 429, "rate_limited")
        assert hold(client, other_user, show.id, ["B1"]).status_code == 201


def test_one_person_holds_seats_of_at_most_five_shows_at_once(
    client: FlaskClient, user: Account, other_user: Account
):
    shows = [soon_show(minutes=600 + n) for n in range(MAX_HELD_SHOWS + 1)]
    *held, sixth = shows
    for show in held:
        assert hold(client, user, show.id, ["A1"]).status_code == 201
    error = assert_error(hold(client, user, sixth.id, ["A1"]), 409, "too_many_holds")
    assert error["details"]["show_ids"] == sorted(show.id for show in held)
    assert "8 min" in error["message"]
    assert seat_status(client, sixth.id)["A1"] == "free"  # nothing was held
    # Changing the seats of a show already held is not a new show; others are not limited.
    assert hold(client, user, held[0].id, ["A2"]).status_code == 201
    assert hold(client, other_user, sixth.id, ["A1"]).status_code == 201
    # Booking one of the held shows frees a place.
    first = hold(client, user, held[1].id, ["A3"]).get_json()
    assert book(client, user, hold_id=first["hold_id"]).status_code == 201
    assert hold(client, user, sixth.id, ["A2"]).status_code == 201
    # Once the holds have ended the limit no longer applies, without any job running.
    with later(9):
        assert hold(client, user, shows[1].id, ["A4"]).status_code == 201


def _waits_for_a_lock() -> bool:
    with db.engine.connect() as connection:
        return bool(
            connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
            )
        )


@pytest.mark.postgres_only
def test_holds_of_one_person_on_two_shows_at_once_are_counted_one_after_the_other(
    app: Flask, client: FlaskClient, user: Account, monkeypatch: pytest.MonkeyPatch
):
    """PostgreSQL, for real: with four shows held, holds on a fifth and a sixth show run at
    the same moment in two transactions. The sixth's may not pass the limit by reading
    before the fifth's commits: it waits for it and is refused."""
    shows = [soon_show(minutes=600 + n).id for n in range(MAX_HELD_SHOWS + 1)]
    *earlier, fifth, sixth = shows
    for show_id in earlier:
        assert hold(client, user, show_id, ["A1"]).status_code == 201
    replies: list[Any] = []
    other = threading.Thread(
        target=lambda: replies.append(hold(app.test_client(), user, sixth, ["A1"]))
    )
    real = seat_orders.HOLD.limits

    def limits_then_the_other_hold(connection: Any, show_id: int, *args: Any) -> Any:
        refusals = real(connection, show_id, *args)
        if show_id == fifth:  # read; the fifth's hold is not committed yet
            other.start()
            deadline = time.monotonic() + 10
            while other.is_alive() and not _waits_for_a_lock() and time.monotonic() < deadline:
                time.sleep(0.01)
        return refusals

    monkeypatch.setattr(
        seat_orders, "HOLD", replace(seat_orders.HOLD, limits=limits_then_the_other_hold)
    )
    assert hold(client, user, fifth, ["A1"]).status_code == 201
    other.join(timeout=30)
    (reply,) = replies
    error = assert_error(reply, 409, "too_many_holds")
    assert error["details"]["show_ids"] == sorted([*earlier, fifth])
    assert seat_status(client, sixth)["A1"] == "free"


def _behind_the_read(show_id: int, monkeypatch: pytest.MonkeyPatch, send: Any) -> Any:
    """Has ``send`` (a request through another web process: its own app, its own batches)
    run once the next seat order for ``show_id`` has read the claims, before it writes; it
    runs to its end, or until it waits for a lock that order holds. Returns the reply."""
    replies: list[Any] = []
    other = threading.Thread(target=lambda: replies.append(send()))
    real = seat_orders.claims_among

    def read_then_the_other(connection: Any, show: int, *args: Any) -> Any:
        claims = real(connection, show, *args)
        if show == show_id and threading.current_thread() is not other and not other.ident:
            other.start()
            deadline = time.monotonic() + 10
            while other.is_alive() and not _waits_for_a_lock() and time.monotonic() < deadline:
                time.sleep(0.01)
        return claims

    monkeypatch.setattr(seat_orders, "claims_among", read_then_the_other)

    def reply() -> Any:
        other.join(timeout=30)
        (answer,) = replies
        return answer

    return reply


@pytest.mark.postgres_only
def test_two_first_holds_of_one_person_at_once_leave_only_the_last(
    app: Flask,
    client: FlaskClient,
    settings: Any,
    second_app: Any,
    show,
    user: Account,
    monkeypatch: pytest.MonkeyPatch,
):
    """PostgreSQL, for real: a person holding nothing on the show sends two holds at once
    (two tabs, a double click) that reach two web processes. The second one's read misses
    the first; it must still replace it, as if the two had come one after the other, and
    not leave two holds that the seat map merges and the hold limit counts twice."""
    elsewhere = second_app(settings).test_client()
    other_reply = _behind_the_read(
        show.id, monkeypatch, lambda: hold(elsewhere, user, show.id, ["A2"])
    )
    first = hold(client, user, show.id, ["A1"])
    second = other_reply()
    assert (first.status_code, second.status_code) == (201, 201)
    # The other waited for the first to commit, then replaced it.
    assert live_holds() == [(second.get_json()["hold_id"], user.user_id)]
    statuses = seat_status(client, show.id)
    assert (statuses["A1"], statuses["A2"]) == ("free", "held")
    assert_error(book(client, user, hold_id=first.get_json()["hold_id"]), 409, "hold_expired")


@pytest.mark.postgres_only
@pytest.mark.parametrize("first_kind", ["hold", "book"])
def test_a_booking_and_a_first_hold_of_one_person_at_once_stand_as_if_booked_first(
    app: Flask,
    client: FlaskClient,
    settings: Any,
    second_app: Any,
    show,
    user: Account,
    monkeypatch: pytest.MonkeyPatch,
    first_kind: str,
):
    """PostgreSQL, for real: a direct booking and the person's first hold on the show reach
    two web processes at once, either one reading before the other commits. Neither sees
    the other, and both stand: the outcome of the booking coming first (a later hold never
    replaces a booking), with one hold, counted once."""
    elsewhere = second_app(settings).test_client()

    def send(kind: str, to: FlaskClient, seat: str) -> Any:
        if kind == "hold":
            return hold(to, user, show.id, [seat])
        return book(to, user, show_id=show.id, seats=[seat])

    other_kind = "book" if first_kind == "hold" else "hold"
    other_reply = _behind_the_read(show.id, monkeypatch, lambda: send(other_kind, elsewhere, "A2"))
    first = send(first_kind, client, "A1")
    replies = {first_kind: first, other_kind: other_reply()}
    assert [replies[kind].status_code for kind in ("hold", "book")] == [201, 201]
    held, booked = (replies["hold"].get_json(), replies["book"].get_json()["booking"])
    assert live_holds() == [(held["hold_id"], user.user_id)]
    statuses = seat_status(client, show.id)
    assert statuses[held["seats"][0]] == "held"
    assert statuses[booked["seats"][0]] == "booked"
    assert book(client, user, hold_id=held["hold_id"]).status_code == 201
