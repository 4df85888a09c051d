"""E-tickets: QR code with a signed reference, the door check, the calendar file."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import time_machine
from bookings.conftest import HALL_LAYOUT, book
from factories import make_show, make_venue
from flask.testing import FlaskClient
from icalendar import Calendar
from support import Account, assert_error

from boxoffice.bookings import tickets
from boxoffice.bookings.models import Booking
from boxoffice.catalog.models import Show
from boxoffice.extensions import db


@pytest.fixture
def tonight(app) -> Show:
    """A show in 90 minutes: its doors are open, and its tickets can still be cancelled."""
    venue = make_venue(name="Hall", rows=5, seats_per_row=8, layout=HALL_LAYOUT)
    return make_show(venue, title="Leo", starts_in=timedelta(minutes=90))


@pytest.fixture
def booking(client: FlaskClient, tonight: Show, user: Account) -> dict:
    return book(client, user, show_id=tonight.id, seats=["B1", "B2"]).get_json()["booking"]


def _ref(booking: dict) -> str:
    return tickets.ticket_ref(db.session.get(Booking, booking["booking_id"]))


def _verify(client: FlaskClient, who: Account | None, ref: str) -> object:
    headers = who.headers if who else {}
    return client.get("/api/ticket/verify", query_string={"ref": ref}, headers=headers)


def test_qr_is_svg_for_the_owner_only(client, booking, user: Account, other_user: Account):
    response = client.get(booking["qr_url"], headers=user.headers)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data and b"Ticket " + booking["code"].encode() in response.data
    assert response.headers["Cache-Control"] == "private, no-store"
    assert_error(client.get(booking["qr_url"], headers=other_user.headers), 404)
    assert_error(client.get(booking["qr_url"]), 401)


def test_reference_is_signed_code_not_database_id(booking: dict):
    ref = _ref(booking)
    assert ref.startswith(f"BX:{booking['code']}.")
    png = tickets.ticket_qr_png(db.session.get(Booking, booking["booking_id"]))
    assert png.startswith(b"\x89PNG")


def _tampered_signature(ref: str) -> str:
    """``ref`` with the first character of its signature changed. (Changing the last ones
    can leave the signature as it was: a final base64 character carries only a few bits.)"""
    start = ref.rindex(".") + 1
    other = "A" if ref[start] != "A" else "B"
    return ref[:start] + other + ref[start + 1 :]


def test_door_check(client: FlaskClient, booking: dict, user: Account, admin: Account):
    body = _verify(client, admin, _ref(booking)).get_json()
    assert body["valid"] is True and body["reason"] == "ok"
    assert body["booking"]["code"] == booking["code"]
    assert body["booking"]["seats"] == ["B1", "B2"]
    assert body["booking"]["holder"] == "asha"

    code = booking["code"]
    forged = [
        f"BX:{code}",  # no signature
        _ref(booking).replace(code, "ZZZZZZZZ"),  # another code, same signature
        _tampered_signature(_ref(booking)),
        "BX:garbage",
    ]
    for ref in forged:
        assert _verify(client, admin, ref).get_json() == {
            "valid": False,
            "reason": "forged",
            "booking": None,
        }

    client.post("/api/booking/cancel", json={"booking_id": booking["booking_id"]},
                headers=user.headers)  # fmt: skip
    cancelled = _verify(client, admin, _ref(booking)).get_json()
    assert (cancelled["valid"], cancelled["reason"]) == (False, "cancelled")


def test_door_check_by_the_code_printed_on_the_ticket(
    client: FlaskClient, booking: dict, admin: Account
):
    """When the QR will not scan, staff type the booking code instead."""
    code = booking["code"]
    for typed in (code, f" {code.lower()} ", f"{code[:4]}-{code[4:]}", f"{code[:4]} {code[4:]}"):
        body = _verify(client, admin, typed).get_json()
        assert (body["valid"], body["booking"]["code"]) == (True, booking["code"])
    other = "ZZZZZZZZ" if booking["code"] != "ZZZZZZZZ" else "YYYYYYYY"
    assert _verify(client, admin, other).get_json() == {
        "valid": False,
        "reason": "unknown",
        "booking": None,
    }


def test_door_check_is_for_admins(client: FlaskClient, booking: dict, user: Account):
    assert_error(_verify(client, user, _ref(booking)), 403, "admin_only")
    assert_error(_verify(client, None, _ref(booking)), 401)


def test_door_check_needs_a_reference(client: FlaskClient, admin: Account):
    assert_error(client.get("/api/ticket/verify", headers=admin.headers), 422)
    assert_error(_verify(client, admin, "x" * 201), 422)


def test_calendar_file(client: FlaskClient, tonight: Show, booking: dict, user: Account):
    response = client.get(booking["ics_url"], headers=user.headers)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="boxoffice-{booking["code"]}.ics"'
    event = next(iter(Calendar.from_ical(response.data).walk("VEVENT")))
    assert event["UID"] == f"booking-{booking['code']}@boxoffice"
    assert str(event["SUMMARY"]).startswith("Leo")
    assert event.decoded("DTSTART") == tonight.starts_at.replace(microsecond=0)
    assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == 120 * 60
    assert "B1, B2" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"


def test_calendar_of_someone_elses_booking_is_404(client, booking: dict, other_user: Account):
    assert_error(client.get(booking["ics_url"], headers=other_user.headers), 404)


def test_booking_calendar_works_without_the_show(booking: dict):
    row = db.session.get(Booking, booking["booking_id"])
    row.show = None
    text = tickets.booking_calendar(row).decode()
    assert "BEGIN:VEVENT" in text and booking["code"] in text


def _admit(client: FlaskClient, who: Account | None, ref: str) -> object:
    headers = who.headers if who else {}
    return client.post("/api/ticket/admit", json={"ref": ref}, headers=headers)


def test_a_ticket_admits_once(client: FlaskClient, booking: dict, user: Account, admin: Account):
    ref = _ref(booking)
    first = _admit(client, admin, ref).get_json()
    assert (first["valid"], first["reason"]) == (True, "admitted")
    assert first["booking"]["admitted_at"] is not None
    # A second scan (a screenshot of the same QR code, or the code typed in) lets nobody in.
    for again in (ref, booking["code"]):
        second = _admit(client, admin, again).get_json()
        assert (second["valid"], second["reason"]) == (False, "already_admitted")
        assert second["booking"]["admitted_at"] == first["booking"]["admitted_at"]
    # Checking without admitting says so too, and changes nothing.
    looked = _verify(client, admin, ref).get_json()
    assert (looked["valid"], looked["reason"]) == (False, "already_admitted")
    # A used ticket can no longer be cancelled for a refund.
    cancel = client.post(
        "/api/booking/cancel", json={"booking_id": booking["booking_id"]}, headers=user.headers
    )
    assert_error(cancel, 409, "already_admitted")
    mine = client.get(
        "/api/booking/get", query_string={"booking_id": booking["booking_id"]}, headers=user.headers
    ).get_json()["booking"]
    assert (mine["status"], mine["can_cancel"]) == ("confirmed", False)
    assert mine["admitted_at"] is not None  # the owner sees the ticket was used


def test_looking_at_a_ticket_does_not_use_it(client: FlaskClient, booking: dict, admin: Account):
    for _ in range(2):
        assert _verify(client, admin, _ref(booking)).get_json()["reason"] == "ok"
    assert _admit(client, admin, _ref(booking)).get_json()["reason"] == "admitted"


def test_a_cancelled_or_forged_ticket_admits_nobody(
    client: FlaskClient, booking: dict, user: Account, admin: Account
):
    assert _admit(client, admin, "BX:garbage").get_json() == {
        "valid": False,
        "reason": "forged",
        "booking": None,
    }
    client.post("/api/booking/cancel", json={"booking_id": booking["booking_id"]},
                headers=user.headers)  # fmt: skip
    refused = _admit(client, admin, _ref(booking)).get_json()
    assert (refused["valid"], refused["reason"]) == (False, "cancelled")
    assert db.session.get(Booking, booking["booking_id"]).admitted_at is None


def test_admitting_is_for_admins(client: FlaskClient, booking: dict, user: Account):
    assert_error(_admit(client, user, _ref(booking)), 403, "admin_only")
    assert_error(_admit(client, None, _ref(booking)), 401)
    assert_error(client.post("/api/ticket/admit", json={}, headers=user.headers), 403)
    db.session.expire_all()
    assert db.session.get(Booking, booking["booking_id"]).admitted_at is None


def test_a_mistyped_code_is_unknown_not_forged(client: FlaskClient, booking: dict, admin: Account):
    for typed in (booking["code"][:7], booking["code"] + "X", "garbage"):
        assert _verify(client, admin, typed).get_json()["reason"] == "unknown"


def test_doors_open_two_hours_before_the_show(client: FlaskClient, show, user: Account, admin):
    """A ticket for another day (or later today) lets nobody in yet and stays unused."""
    later = book(client, user, show_id=show.id, seats=["C1"]).get_json()["booking"]
    ref = _ref(later)
    early = _admit(client, admin, ref).get_json()
    assert (early["valid"], early["reason"]) == (False, "too_early")
    assert db.session.get(Booking, later["booking_id"]).admitted_at is None
    # (Called directly: two days on, the test's sign-in tokens have expired.)
    with time_machine.travel(show.starts_at - timedelta(minutes=119)):
        assert tickets.admit_ref(ref)["reason"] == "admitted"


def test_admitting_while_others_book_on_sqlite_or_postgresql(
    app, client: FlaskClient, booking: dict, tonight: Show, user: Account, admin: Account
):
    """Admitting is one write transaction: bookings going on meanwhile in other threads do
    not make it fail (on SQLite a read-then-write transaction would lose the write lock)."""
    show_id = tonight.id
    refs = [_ref(booking)]
    for seats in (["C1"], ["C2"], ["C3"]):
        made = book(client, user, show_id=show_id, seats=seats).get_json()["booking"]
        refs.append(_ref(made))

    def admit(ref: str) -> str:
        with app.test_client() as door:
            return door.post(
                "/api/ticket/admit", json={"ref": ref}, headers=admin.headers
            ).get_json()["reason"]

    def buy(seat: str) -> int:
        with app.test_client() as web:
            body = {"show_id": show_id, "seats": [seat]}
            return web.post("/api/bookticket", json=body, headers=user.headers).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        admitted = list(pool.map(admit, refs * 2))
        sold = list(pool.map(buy, [f"D{n}" for n in (1, 2, 3, 4, 6, 7, 8)]))
    assert sorted(admitted) == ["admitted"] * 4 + ["already_admitted"] * 4
    assert sold == [201] * 7
