"""Deleting one's account (POST /api/me/delete): given the current password, upcoming
bookings are cancelled and held seats released, the person's data is erased while past
bookings keep counting for the cinema, every session ends, and the address is free again.
A refusal changes nothing."""

from __future__ import annotations

import csv
import json
import threading
from datetime import timedelta
from typing import Any

import time_machine
from factories import make_show, make_venue
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from support import PASSWORD, Account, assert_error, register_and_login

from boxoffice import notifications
from boxoffice.auth import deletion, reset
from boxoffice.auth.models import DELETED_NAME, User, deleted_address
from boxoffice.bookings import events
from boxoffice.bookings import services as booking_services
from boxoffice.bookings.models import Booking, Hold, SeatClaim
from boxoffice.catalog.models import Show
from boxoffice.db_types import utcnow
from boxoffice.extensions import bcrypt, db
from boxoffice.redis_client import get_redis
from boxoffice.reports import export, monthly, outbox, reminders
from boxoffice.reports.models import MailLog


def _delete(client: FlaskClient, who: Account, password: str = PASSWORD, **kwargs: Any):
    return client.post(
        "/api/me/delete", json={"current_password": password}, headers=who.headers, **kwargs
    )


def _book(who: Account, show: Show, seats: list[str]) -> Booking:
    view = booking_services.book(who.user_id, {"show_id": show.id, "seats": seats})
    booking = db.session.get(Booking, view["booking_id"])
    assert booking is not None
    return booking


def _hold(client: FlaskClient, who: Account, show: Show, seats: list[str]) -> str:
    response = client.post(
        "/api/hold", json={"show_id": show.id, "seats": seats}, headers=who.headers
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["hold_id"])


def _seat_states(client: FlaskClient, show: Show, seats: list[str]) -> dict[str, str]:
    states = client.get(f"/api/show/seats?show_id={show.id}").get_json()["seats"]
    return {seat["seat"]: seat["status"] for seat in states if seat["seat"] in seats}


def _signs_in(client: FlaskClient, email: str, password: str = PASSWORD) -> bool:
    response = client.post("/api/login", json={"email": email, "password": password})
    client.delete_cookie("access_token_cookie")
    client.delete_cookie("csrf_access_token")
    return response.status_code == 200


def _fresh(model: type, ident: Any) -> Any:
    db.session.commit()  # a new snapshot: SQLite keeps the old one inside a transaction
    return db.session.get(model, ident, populate_existing=True)


def _past_booking(who: Account) -> Booking:
    """A booking of a show that was over two days ago."""
    with time_machine.travel(utcnow() - timedelta(days=5), tick=False):
        show = make_show(make_venue(name="Old Hall"), starts_in=timedelta(days=2))
        return _book(who, show, ["E1", "E2"])


def test_deleting_cancels_upcoming_bookings_releases_holds_and_erases_the_person(
    client: FlaskClient, user: Account, other_user: Account
) -> None:
    first, second, third = (make_show(starts_in=timedelta(days=days)) for days in (2, 3, 4))
    mine = [_book(user, first, ["A1", "A2"]), _book(user, second, ["B1"])]
    theirs = _book(other_user, first, ["C1"])
    _hold(client, user, third, ["D1", "D2"])
    past = _past_booking(user)
    seats_events = get_redis().pubsub()
    seats_events.subscribe(*(events.channel(show.id, get_redis()) for show in (first, third)))
    for _ in range(2):
        assert seats_events.get_message(timeout=2)["type"] == "subscribe"

    response = _delete(client, user)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert sorted(body["cancelled_bookings"]) == sorted(booking.code for booking in mine)
    for booking in mine:
        booking = _fresh(Booking, booking.id)
        assert booking.status == "cancelled" and booking.cancel_reason == "account_deleted"
    # Seats are free at once, in the map and in the counters; everyone else's stay theirs.
    assert _seat_states(client, first, ["A1", "A2", "C1"]) == {
        "A1": "free",
        "A2": "free",
        "C1": "booked",
    }
    assert _seat_states(client, third, ["D1", "D2"]) == {"D1": "free", "D2": "free"}
    assert _fresh(Show, first.id).seats_booked == 1
    assert _fresh(Show, second.id).seats_booked == 0
    assert _fresh(Booking, theirs.id).status == "confirmed"
    assert db.session.scalar(select(func.count()).select_from(Hold)) == 0
    assert db.session.scalar(select(func.count()).where(SeatClaim.user_id == user.user_id)) == len(
        past.seats
    )  # only the past booking's claims remain
    # Open seat maps hear of it (the stream relays these messages).
    freed: set[str] = set()
    for _ in range(10):
        message = seats_events.get_message(timeout=2)
        if message is None:
            break
        freed |= {change["seat"] for change in json.loads(message["data"])["seats"]}
    seats_events.close()
    assert {"A1", "A2", "D1", "D2"} <= freed
    # The past booking stays, the row no longer names anyone.
    assert _fresh(Booking, past.id).status == "confirmed"
    row = _fresh(User, user.user_id)
    assert row.email == deleted_address(user.user_id) and row.name == DELETED_NAME
    assert not row.is_admin and not row.reminders_enabled and not row.monthly_report_enabled
    assert row.password_hash.startswith("$2b$")  # a hash of a secret nobody has
    assert not _signs_in(client, user.email)
    other = _fresh(User, other_user.user_id)
    assert other.email == other_user.email and other.name == "ravi"
    assert client.get("/api/me", headers=other_user.headers).status_code == 200


def test_every_session_ends_and_the_cookies_are_cleared(client: FlaskClient, user: Account):
    elsewhere = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
    assert elsewhere.status_code == 200
    other_device = Account(user.user_id, user.email, elsewhere.get_json()["access_token"])
    assert client.get_cookie("boxoffice_device", path="/api") is not None

    response = _delete(client, user)

    assert response.status_code == 200
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("access_token_cookie=;") for c in cookies), cookies
    assert any(c.startswith("boxoffice_device=;") for c in cookies), cookies
    for token in (user, other_device):
        assert_error(client.get("/api/me", headers=token.headers), 401, "token_revoked")
    assert_error(_delete(client, user), 401, "token_revoked")


def test_the_address_can_sign_up_again_as_a_new_account(client: FlaskClient, user: Account):
    booked = _past_booking(user)
    assert _delete(client, user).status_code == 200

    again = register_and_login(client, user.email)

    assert again.user_id != user.user_id
    me = client.get("/api/me", headers=again.headers).get_json()["user"]
    assert me["email"] == user.email and me["name"] == "asha"
    history = client.get("/api/booking/get", headers=again.headers).get_json()
    assert history["total"] == 0  # the old account's bookings are not the new one's
    assert_error(client.get(f"/api/booking/get?booking_id={booked.id}", headers=again.headers), 404)


def test_admin_figures_and_exports_still_count_the_past_bookings(
    client: FlaskClient, user: Account, admin: Account
):
    past = _past_booking(user)
    show_id = past.show_id
    before = client.get("/api/admin/stats", headers=admin.headers).get_json()["totals"]
    assert before["tickets"] == 2

    assert _delete(client, user).status_code == 200

    after = client.get("/api/admin/stats", headers=admin.headers).get_json()["totals"]
    assert after == before
    show = _fresh(Show, show_id)
    job = export.start(show.venue_id, _fresh(User, admin.user_id))
    assert export.run(job.id) == export.DONE
    job = _fresh(type(job), job.id)
    with export.file_path(job).open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = next(index for index, row in enumerate(rows) if row and row[0] == "Date")
    (show_row,) = rows[header + 1 :]
    columns = dict(zip(rows[header], show_row, strict=False))
    assert columns["Booked"] == "2" and columns["Revenue"] == "400.00"


def test_a_wrong_password_changes_nothing(client: FlaskClient, user: Account):
    show = make_show()
    booking = _book(user, show, ["A1"])
    _hold(client, user, make_show(starts_in=timedelta(days=3)), ["B1"])

    error = assert_error(_delete(client, user, "not-my-password"), 422, "validation_failed")

    assert error["details"] == {"current_password": ["This is not your current password."]}
    assert _fresh(Booking, booking.id).status == "confirmed"
    assert db.session.scalar(select(func.count()).select_from(Hold)) == 1
    assert _fresh(User, user.user_id).email == user.email
    assert client.get("/api/me", headers=user.headers).status_code == 200
    assert _signs_in(client, user.email)
    assert outbox_rows(notifications.ACCOUNT_DELETED) == []


def test_deleting_needs_a_session_and_a_password(client: FlaskClient, user: Account):
    assert_error(client.post("/api/me/delete", json={"current_password": PASSWORD}), 401)
    error = assert_error(
        client.post("/api/me/delete", json={}, headers=user.headers), 422, "validation_failed"
    )
    assert "current_password" in error["details"]
    assert_error(
        client.post("/api/me/delete", json={"current_password": 7}, headers=user.headers), 422
    )
    assert _fresh(User, user.user_id).email == user.email


def test_guesses_share_the_limit_of_the_password_change(client: FlaskClient, user: Account):
    for _ in range(10):
        assert _delete(client, user, "wrong-pass-1").status_code == 422
    assert_error(_delete(client, user), 429, "rate_limited")
    change = {"current_password": PASSWORD, "new_password": "a-new-secret-42"}
    assert_error(
        client.post("/api/me/password", json=change, headers=user.headers), 429, "rate_limited"
    )
    assert _fresh(User, user.user_id).email == user.email


def test_a_ticket_past_the_cutoff_keeps_the_account_until_its_show_is_over(
    client: FlaskClient, user: Account
):
    # Booked 80 minutes ago for a show starting in 30: too late to cancel (60 minutes).
    with time_machine.travel(utcnow() - timedelta(minutes=80), tick=False):
        soon = make_show(starts_in=timedelta(minutes=110), duration_minutes=90)
        too_late = _book(user, soon, ["A1"])
    later = _book(user, make_show(starts_in=timedelta(days=2)), ["B1"])
    _hold(client, user, make_show(starts_in=timedelta(days=3)), ["C1"])

    error = assert_error(_delete(client, user), 409, "tickets_still_valid")

    (ticket,) = error["details"]["tickets"]
    assert (ticket["booking_id"], ticket["code"]) == (too_late.id, too_late.code)
    assert ticket["ends_at"].endswith("+05:30")
    assert too_late.code in error["message"] and "once the show is over" in error["message"]
    assert _fresh(Booking, later.id).status == "confirmed"  # nothing was cancelled
    assert db.session.scalar(select(func.count()).select_from(Hold)) == 1
    assert _fresh(User, user.user_id).email == user.email
    assert client.get("/api/me", headers=user.headers).status_code == 200  # still signed in
    assert outbox_rows(notifications.ACCOUNT_DELETED) == []

    # Once that show is over, the account can go; the later booking is cancelled then.
    with time_machine.travel(utcnow() + timedelta(hours=2, minutes=1), tick=False):
        login = client.post("/api/login", json={"email": user.email, "password": PASSWORD})
        token = Account(user.user_id, user.email, login.get_json()["access_token"])
        response = _delete(client, token)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["cancelled_bookings"] == [later.code]
    assert _fresh(Booking, too_late.id).status == "confirmed"  # its show took place


def test_the_last_administrator_cannot_delete_their_account(
    client: FlaskClient, admin: Account, user: Account
):
    assert_error(_delete(client, admin), 409, "last_admin")
    assert _fresh(User, admin.user_id).is_admin
    assert client.get("/api/me", headers=admin.headers).status_code == 200

    second = register_and_login(client, "second-admin@example.com", admin=True)
    assert _delete(client, admin).status_code == 200
    assert not _fresh(User, admin.user_id).is_admin
    # The one left is the last now.
    assert_error(_delete(client, second), 409, "last_admin")


def test_reset_links_and_reset_requests_stop_working(app: Flask, client: FlaskClient, user):
    link_token = reset.make_token(_fresh(User, user.user_id))
    assert _delete(client, user).status_code == 200

    response = client.post(
        "/api/password/reset", json={"token": link_token, "password": "a-new-secret-42"}
    )
    assert_error(response, 400, "invalid_token")
    from boxoffice.auth import services

    for address in (user.email, deleted_address(user.user_id)):
        services.request_password_reset(address)
    assert outbox_rows(notifications.PASSWORD_RESET) == []


def test_sign_up_refuses_the_addresses_of_deleted_accounts(client: FlaskClient, user: Account):
    assert _delete(client, user).status_code == 200
    for address in (deleted_address(user.user_id), "someone@else.invalid"):
        body = {"email": address, "name": "X", "password": "long-enough-1"}
        error = assert_error(client.post("/api/register", json=body), 422, "validation_failed")
        assert "email" in error["details"]
    assert not _signs_in(client, deleted_address(user.user_id))


def test_mail_jobs_and_pending_mail_leave_the_deleted_account_alone(
    client: FlaskClient, user: Account
):
    booking = _past_booking(user)  # would earn a monthly report and a "we miss you"
    pending = outbox_rows()
    assert pending and all(row.status == outbox.QUEUED for row in pending)  # its confirmation

    assert _delete(client, user).status_code == 200

    rows = outbox_rows()
    kept = {row.kind: row for row in rows}
    assert kept[notifications.BOOKING_CONFIRMED].status == outbox.SKIPPED
    assert kept[notifications.ACCOUNT_DELETED].recipient == user.email  # the one mail left
    assert {row.recipient for row in rows if row.kind != notifications.ACCOUNT_DELETED} == {
        deleted_address(user.user_id)
    }
    booked_month = monthly.Month.parse(f"{booking.booked_at:%Y-%m}")
    with time_machine.travel(utcnow() + timedelta(days=40), tick=False):
        reminders.run()
        monthly.run(booked_month)
    assert [row.id for row in outbox_rows()] == [row.id for row in rows]


def outbox_rows(kind: str | None = None) -> list[MailLog]:
    db.session.commit()
    query = select(MailLog).order_by(MailLog.id)
    if kind is not None:
        query = query.where(MailLog.kind == kind)
    return list(db.session.scalars(query))


def test_the_endpoint_is_documented(client: FlaskClient):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/me/delete"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/AccountDelete")
    assert "current_password" in spec["components"]["schemas"]["AccountDelete"]["required"]
    assert "cancelled_bookings" in spec["components"]["schemas"]["AccountDeleted"]["properties"]


def test_two_administrators_deleting_at_once_leave_one(
    app: Flask, client: FlaskClient, admin: Account, monkeypatch
):
    """The second administrator's deletion commits while the first one's is past its
    first check: the first is refused in its own transaction, and one administrator stays."""
    other = register_and_login(client, "second-admin@example.com", admin=True)
    real_hash = bcrypt.generate_password_hash
    armed = [True]

    def delete_other_meanwhile(password: str) -> bytes:
        if armed:
            armed.clear()

            def run() -> None:
                with app.app_context():
                    deletion.delete_account(db.session.get(User, other.user_id), PASSWORD)
                    db.session.remove()

            thread = threading.Thread(target=run)
            thread.start()
            thread.join()
        return bytes(real_hash(password))

    monkeypatch.setattr(bcrypt, "generate_password_hash", delete_other_meanwhile)

    assert_error(_delete(client, admin), 409, "last_admin")

    assert not armed  # the other deletion did run in between
    assert _fresh(User, other.user_id).email == deleted_address(other.user_id)
    me = _fresh(User, admin.user_id)
    assert me.is_admin and me.email == admin.email
