"""The admin dashboard's figures."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import time_machine
from bookings.conftest import CAPACITY, book, later, soon_show
from factories import make_show, make_venue
from flask.testing import FlaskClient
from support import Account, assert_error, register_and_login

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
    rupees = [{"currency": "INR", "amount": "900.00"}]
    assert body["totals"] == {"revenue": "900.00", "revenues": rupees, "tickets": 3, "bookings": 2}
    assert body["upcoming"] == {
        "revenue": "900.00", "revenues": rupees, "tickets": 3, "bookings": 2, "shows": 1,
    }  # fmt: skip
    [venue] = body["venues"]
    assert (venue["name"], venue["capacity"], venue["currency"]) == ("Hall", CAPACITY, "INR")
    [row] = venue["shows"]
    assert row["show_id"] == show.id and row["booked"] == 3 and row["capacity"] == CAPACITY
    assert (row["revenue"], row["revenues"]) == ("900.00", rupees)
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
        "revenues": [],
        "tickets": 0,
        "bookings": 0,
    }
    assert body["upcoming"] == {
        "revenue": "0.00", "revenues": [], "tickets": 0, "bookings": 0, "shows": 0,
    }  # fmt: skip


def test_upcoming_figures_agree_and_totals_keep_the_past(client: FlaskClient, app):
    # At 10:00 local time, so the shows below start and end on the same day.
    tz = app.config["BOXOFFICE"].tz
    morning = datetime.combine(utcnow().astimezone(tz).date() + timedelta(days=1), time(10), tz)
    with time_machine.travel(morning, tick=False):
        # Signed in at that time, so the tokens are valid then.
        user = register_and_login(client, "asha@example.com")
        admin = register_and_login(client, "boss@example.com", admin=True)
        ended = soon_show(minutes=30, title="Kantara", duration_minutes=120)
        running = soon_show(minutes=60, title="Vikram", duration_minutes=180)
        coming = make_show(make_venue(name="Hall"), title="Leo", starts_in=timedelta(days=2))
        far = make_show(make_venue(name="Far Hall"), title="Dune", starts_in=timedelta(days=20))
        book(client, user, show_id=ended.id, seats=["A1", "A2"])  # 200 each
        book(client, user, show_id=running.id, seats=["B1"])
        book(client, user, show_id=coming.id, seats=["A1"])
        book(client, user, show_id=far.id, seats=["A1", "A2", "A3"])  # beyond the 14 days

        with later(30 + 120 + 1):  # Kantara has ended, Vikram is on
            body = client.get("/api/admin/stats", headers=admin.headers).get_json()

    assert body["totals"] == {
        "revenue": "1400.00", "revenues": [{"currency": "INR", "amount": "1400.00"}],
        "tickets": 7, "bookings": 4,
    }  # fmt: skip
    assert body["upcoming"] == {
        "revenue": "400.00", "revenues": [{"currency": "INR", "amount": "400.00"}],
        "tickets": 2, "bookings": 2, "shows": 2,
    }  # fmt: skip
    listed = [s for venue in body["venues"] for s in venue["shows"]]
    assert sorted(s["show_id"] for s in listed) == sorted([coming.id, running.id])
    # The chart, the upcoming figures and the venues' lists count the same shows.
    days = body["bookings_per_day"]
    assert sum(d["bookings"] for d in days) == body["upcoming"]["bookings"]
    assert sum(d["tickets"] for d in days) == sum(s["booked"] for s in listed) == 2
    assert sum(Decimal(s["revenue"]) for s in listed) == Decimal(body["upcoming"]["revenue"])


def test_revenue_is_summed_per_currency_never_across(
    client: FlaskClient, user: Account, admin: Account
):
    """Rupees and euros are not added up; a venue that changes its currency keeps the
    revenue it already made in the old one."""
    chennai = make_show(make_venue(name="Sathyam"), title="Leo", price="200.00")
    paris = make_venue(name="Rex", location="Paris", currency="EUR")
    rex = make_show(paris, title="Amelie", price="12.50")
    book(client, user, show_id=chennai.id, seats=["A1", "A2"])
    book(client, user, show_id=rex.id, seats=["A1"])
    changed = client.post(
        "/api/venue/update", json={"venue_id": paris.id, "currency": "GBP"}, headers=admin.headers
    )
    assert changed.status_code == 200, changed.get_json()
    book(client, user, show_id=rex.id, seats=["A2"])

    body = client.get("/api/admin/stats", headers=admin.headers).get_json()
    per_currency = [
        {"currency": "EUR", "amount": "12.50"},
        {"currency": "GBP", "amount": "12.50"},
        {"currency": "INR", "amount": "400.00"},
    ]
    assert body["totals"]["revenues"] == per_currency
    assert body["upcoming"]["revenues"] == per_currency
    venues = {venue["name"]: venue for venue in body["venues"]}
    assert venues["Rex"]["currency"] == "GBP"
    [rex_row] = venues["Rex"]["shows"]
    assert rex_row["revenues"] == per_currency[:2]
    [chennai_row] = venues["Sathyam"]["shows"]
    assert chennai_row["revenues"] == per_currency[2:]
