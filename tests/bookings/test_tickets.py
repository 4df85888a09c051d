"""E-tickets: QR code with a signed reference, the door check, the calendar file."""

from __future__ import annotations

import pytest
from bookings.conftest import book
from flask.testing import FlaskClient
from icalendar import Calendar
from support import Account, assert_error

from boxoffice.bookings import tickets
from boxoffice.bookings.models import Booking
from boxoffice.extensions import db


@pytest.fixture
def booking(client: FlaskClient, show, user: Account) -> dict:
    return book(client, user, show_id=show.id, seats=["B1", "B2"]).get_json()["booking"]


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
        _ref(booking)[:-2] + "xx",
        "garbage",
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
    for typed in (booking["code"], f" {booking['code'].lower()} "):
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


def test_calendar_file(client: FlaskClient, show, booking: dict, user: Account):
    response = client.get(booking["ics_url"], headers=user.headers)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="boxoffice-{booking["code"]}.ics"'
    event = next(iter(Calendar.from_ical(response.data).walk("VEVENT")))
    assert event["UID"] == f"booking-{booking['code']}@boxoffice"
    assert str(event["SUMMARY"]).startswith("Leo")
    assert event.decoded("DTSTART") == show.starts_at.replace(microsecond=0)
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


def test_looking_at_a_ticket_does_not_use_it(client: FlaskClient, booking: dict, admin: Account):
    for _ in range(2):
        assert _verify(client, admin, _ref(booking)).get_json()["reason"] == "ok"
    assert _admit(client, admin, _ref(booking)).get_json()["reason"] == "admitted"


def test_a_cancelled_or_forged_ticket_admits_nobody(
    client: FlaskClient, booking: dict, user: Account, admin: Account
):
    assert _admit(client, admin, "garbage").get_json() == {
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
