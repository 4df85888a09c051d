"""The admin dashboard's figures."""

from __future__ import annotations

from datetime import date, timedelta

from bookings.conftest import CAPACITY, book
from flask.testing import FlaskClient
from support import Account, assert_error

from boxoffice.db_types import utcnow


def test_stats_per_venue_show_and_day(
    client: FlaskClient, app, show, user: Account, other_user: Account, admin: Account
):
    book(client, user, show_id=show.id, seats=["E1", "E2"])  # 350 each
    book(client, other_user, show_id=show.id, seats=["A1"])  # 200
    cancelled = book(client, other_user, show_id=show.id, seats=["A2"]).get_json()["booking"]
    client.post("/api/booking/cancel", json={"booking_id": cancelled["booking_id"]},
                headers=other_user.headers)  # fmt: skip

    response = client.get("/api/admin/stats", headers=admin.headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["totals"] == {"revenue": "900.00", "tickets": 3, "bookings": 2}
    [venue] = body["venues"]
    assert (venue["name"], venue["capacity"]) == ("Hall", CAPACITY)
    [row] = venue["shows"]
    assert row["show_id"] == show.id and row["booked"] == 3 and row["capacity"] == CAPACITY
    assert row["revenue"] == "900.00"
    assert row["occupancy"] == round(3 / CAPACITY, 4)

    days = body["bookings_per_day"]
    tz = app.config["BOXOFFICE"].tz
    today = utcnow().astimezone(tz).date()
    assert [d["date"] for d in days] == [(today + timedelta(days=n)).isoformat() for n in range(14)]
    show_day = show.starts_at.astimezone(tz).date().isoformat()
    assert {d["date"]: (d["bookings"], d["tickets"]) for d in days}[show_day] == (2, 3)
    assert sum(d["bookings"] for d in days) == 2
    assert date.fromisoformat(days[0]["date"]) == today


def test_stats_are_for_admins(client: FlaskClient, user: Account):
    assert_error(client.get("/api/admin/stats", headers=user.headers), 403, "admin_only")
    assert_error(client.get("/api/admin/stats"), 401)


def test_empty_stats(client: FlaskClient, admin: Account):
    body = client.get("/api/admin/stats", headers=admin.headers).get_json()
    assert body["venues"] == [] and body["totals"] == {
        "revenue": "0.00",
        "tickets": 0,
        "bookings": 0,
    }
