"""Booking history, one booking, and cancellation: only ever the owner's."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from bookings.conftest import book, later, seat_status, soon_show
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from support import Account, assert_error

from boxoffice.catalog.models import Show
from boxoffice.extensions import db
from boxoffice.reports.models import MailLog


def _get(client: FlaskClient, who: Account | None, **query) -> object:
    headers = who.headers if who else {}
    return client.get("/api/booking/get", query_string=query, headers=headers)


def _cancel(client: FlaskClient, who: Account, booking_id: object) -> object:
    return client.post("/api/booking/cancel", json={"booking_id": booking_id}, headers=who.headers)


@pytest.fixture
def booking(client: FlaskClient, show, user: Account) -> dict:
    response = book(client, user, show_id=show.id, seats=["C3", "C4"])
    assert response.status_code == 201
    return response.get_json()["booking"]


def test_owner_reads_one_booking(client: FlaskClient, user: Account, booking: dict):
    response = _get(client, user, booking_id=booking["booking_id"])
    assert response.status_code == 200
    assert response.get_json() == {"booking": booking}


def test_nobody_else_sees_a_booking(
    client: FlaskClient, booking: dict, other_user: Account, admin: Account
):
    for who in (other_user, admin):
        assert_error(_get(client, who, booking_id=booking["booking_id"]), 404, "not_found")
        assert_error(_cancel(client, who, booking["booking_id"]), 404, "not_found")
    assert_error(_get(client, None, booking_id=booking["booking_id"]), 401)


@pytest.mark.parametrize("bad", ["-1", "0", "x", str(2**31), "1e3", "1;DROP TABLE bookings"])
def test_forged_booking_ids(client: FlaskClient, user: Account, booking: dict, bad: str):
    assert_error(_get(client, user, booking_id=bad), 422, "validation_failed")


def test_unknown_booking_id_is_404(client: FlaskClient, user: Account, booking: dict):
    assert_error(_get(client, user, booking_id=booking["booking_id"] + 1), 404)
    assert_error(_cancel(client, user, 99999), 404)


@pytest.mark.parametrize("bad", [-1, 0, "1", 2**31, None, True, 1.5])
def test_cancel_bad_ids_are_422(client: FlaskClient, user: Account, bad):
    assert_error(_cancel(client, user, bad), 422, "validation_failed")


def test_history_is_own_newest_first_and_paged(
    client: FlaskClient, show, user: Account, other_user: Account
):
    ids = []
    for seat in ("A1", "A2", "A3"):
        with later(len(ids)):  # booked a minute apart
            response = book(client, user, show_id=show.id, seats=[seat])
            ids.append(response.get_json()["booking"]["booking_id"])
    book(client, other_user, show_id=show.id, seats=["B1"])
    body = _get(client, user).get_json()
    assert [b["booking_id"] for b in body["bookings"]] == ids[::-1]
    assert (body["total"], body["limit"], body["offset"]) == (3, 50, 0)
    page = _get(client, user, limit=2, offset=2).get_json()
    assert [b["booking_id"] for b in page["bookings"]] == [ids[0]]
    assert_error(_get(client, user, limit=101), 422)
    assert_error(_get(client, user, limit=0), 422)
    assert_error(_get(client, user, offset=-1), 422)
    assert _get(client, other_user).get_json()["total"] == 1


def test_cancel_frees_seats_at_once(
    client: FlaskClient, show, user: Account, other_user: Account, booking: dict
):
    response = _cancel(client, user, booking["booking_id"])
    assert response.status_code == 200, response.get_json()
    cancelled = response.get_json()["booking"]
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"]
    assert cancelled["can_cancel"] is False
    assert seat_status(client, show.id)["C3"] == "free"
    db.session.expire_all()
    assert db.session.get(Show, show.id).seats_booked == 0
    assert book(client, other_user, show_id=show.id, seats=["C3"]).status_code == 201
    kinds = sorted(db.session.scalars(select(MailLog.kind)))
    assert kinds == ["booking_cancelled", "booking_confirmed", "booking_confirmed"]
    assert_error(_cancel(client, user, booking["booking_id"]), 409, "already_cancelled")
    listed = _get(client, user).get_json()["bookings"]
    assert [b["status"] for b in listed] == ["cancelled"]


def test_cancel_is_refused_within_the_cutoff(client: FlaskClient, user: Account):
    show = soon_show(minutes=90)  # the default cutoff is 60 minutes
    booking = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    assert booking["can_cancel"] is True
    with later(31):
        assert (
            _get(client, user, booking_id=booking["booking_id"]).get_json()["booking"]["can_cancel"]
            is False
        )
        error = assert_error(_cancel(client, user, booking["booking_id"]), 409, "cancel_too_late")
    assert error["details"] == {"cutoff_minutes": 60}
    assert seat_status(client, show.id)["A1"] == "booked"


def test_booking_says_when_cancelling_closes(app: Flask, client: FlaskClient, user: Account):
    # Not the default 60, so a 60 assumed anywhere on the way would show up here.
    app.config["BOXOFFICE"] = replace(app.config["BOXOFFICE"], cancel_cutoff_minutes=20)
    show = soon_show(minutes=90)
    booking = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    assert booking["cancel_cutoff_minutes"] == 20
    until = datetime.fromisoformat(booking["cancel_until"])
    assert until == datetime.fromisoformat(booking["show"]["starts_at"]) - timedelta(minutes=20)
    assert until.utcoffset() == datetime.fromisoformat(booking["show"]["starts_at"]).utcoffset()
    booking_id = booking["booking_id"]
    with later(69):
        assert _get(client, user, booking_id=booking_id).get_json()["booking"]["can_cancel"]
    with later(70):  # the cutoff itself is too late
        late = _get(client, user, booking_id=booking_id).get_json()["booking"]
        assert late["can_cancel"] is False
        error = assert_error(_cancel(client, user, booking_id), 409, "cancel_too_late")
    assert error["details"] == {"cutoff_minutes": 20}


def test_deleting_a_show_cancels_its_bookings(
    client: FlaskClient, show, user: Account, admin: Account, booking: dict
):
    response = client.post(
        "/api/show/delete", json={"show_id": show.id, "force": True}, headers=admin.headers
    )
    assert response.status_code == 200
    kept = _get(client, user, booking_id=booking["booking_id"]).get_json()["booking"]
    assert kept["status"] == "cancelled" and kept["show_id"] is None
    assert kept["show"]["title"] == "Leo"  # the ticket keeps its facts
    assert_error(_cancel(client, user, booking["booking_id"]), 409, "already_cancelled")
