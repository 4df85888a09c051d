"""Show CRUD: scheduling rules, admin-only writes, deletes that keep bookings honest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from factories import make_show, make_venue
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from support import Account, assert_error

from boxoffice.bookings.models import Booking, SeatClaim
from boxoffice.catalog.models import Show
from boxoffice.db_types import utcnow
from boxoffice.extensions import db
from boxoffice.reports.models import MailLog


def _future(days: int = 3, hour: int = 12) -> str:
    moment = datetime.now(UTC) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat()


def _show_body(venue_id: int, **changes) -> dict:
    return {
        "venue_id": venue_id,
        "title": "Leo",
        "starts_at": _future(),
        "price": "180.50",
        "language": "ta",
        "rating": 7.4,
        "tags": ["Action", "crime "],
        "duration_minutes": 164,
        **changes,
    }


def test_create_show(client: FlaskClient, admin: Account):
    venue = make_venue(rows=4, seats_per_row=5, layout={"removed": ["A1"]})
    response = client.post("/api/show/create", json=_show_body(venue.id), headers=admin.headers)
    assert response.status_code == 201
    show = response.get_json()["show"]
    assert show["title"] == "Leo"
    assert show["price"] == "180.50"
    assert show["tags"] == ["action", "crime"]
    assert show["capacity"] == 19 and show["free_seats"] == 19
    assert show["venue"] == {"venue_id": venue.id, "name": venue.name, "location": venue.location}
    assert show["starts_at"].endswith("+05:30")


def test_client_cannot_set_capacity_or_bookings(client: FlaskClient, admin: Account):
    venue = make_venue(rows=2, seats_per_row=5)
    body = _show_body(venue.id, capacity=1000, seats_booked=-50, free_seats=7)
    show = client.post("/api/show/create", json=body, headers=admin.headers).get_json()["show"]
    assert show["capacity"] == 10 and show["free_seats"] == 10


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "Leo\r\nPart 2"}, "title"),
        ({"title": "Leo \u202e2 traP"}, "title"),
        ({"title": "\u2060"}, "title"),
        ({"title": "Leo\u0000"}, "title"),
        ({"price": "-1"}, "price"),
        ({"price": "12.345"}, "price"),
        ({"price": "NaN"}, "price"),
        ({"price": True}, "price"),
        ({"rating": 11}, "rating"),
        ({"language": "fr-xx"}, "language"),
        ({"tags": ["<script>"]}, "tags"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"starts_at": "2030-01-01T10:00:00"}, "starts_at"),  # no offset: ambiguous
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": "2020-01-01T10:00:00+05:30"}, "starts_at"),  # in the past
        ({"venue_id": -4}, "venue_id"),
    ],
)
def test_create_show_validation(client: FlaskClient, admin: Account, changes: dict, field: str):
    venue = make_venue()
    body = {**_show_body(venue.id), **changes}
    response = client.post("/api/show/create", json=body, headers=admin.headers)
    error = assert_error(response, 422, "validation_failed")
    assert field in error["details"]
    assert db.session.scalar(select(func.count(Show.id))) == 0


def test_create_show_in_unknown_venue(client: FlaskClient, admin: Account):
    assert_error(client.post("/api/show/create", json=_show_body(777), headers=admin.headers), 404)


def test_overlapping_shows_in_one_venue_conflict(client: FlaskClient, admin: Account):
    venue = make_venue()
    first = client.post(
        "/api/show/create",
        json=_show_body(venue.id, starts_at=_future(hour=10)),
        headers=admin.headers,
    )
    assert first.status_code == 201
    # 164 minutes from 10:00 plus changeover ends after 13:00.
    clash = _show_body(venue.id, title="Other", starts_at=_future(hour=12))
    assert_error(
        client.post("/api/show/create", json=clash, headers=admin.headers), 409, "show_overlap"
    )
    later = _show_body(venue.id, title="Other", starts_at=_future(hour=14))
    assert client.post("/api/show/create", json=later, headers=admin.headers).status_code == 201
    elsewhere = _show_body(make_venue(name="Other hall").id, starts_at=_future(hour=12))
    assert client.post("/api/show/create", json=elsewhere, headers=admin.headers).status_code == 201


def test_get_show_and_list_by_venue(client: FlaskClient):
    venue = make_venue()
    show = make_show(venue)
    make_show(make_venue(name="Elsewhere"))
    one = client.get("/api/show/get", query_string={"show_id": show.id}).get_json()["show"]
    assert one["show_id"] == show.id
    listed = client.get("/api/show/get", query_string={"venue_id": venue.id}).get_json()["shows"]
    assert [s["show_id"] for s in listed] == [show.id]
    assert len(client.get("/api/show/get").get_json()["shows"]) == 2
    assert_error(client.get("/api/show/get", query_string={"show_id": 9999}), 404)


def test_the_show_list_comes_a_page_at_a_time_in_start_order(client: FlaskClient):
    venue = make_venue()
    # Made out of order on purpose; the last one is already over.
    shows = [make_show(venue, starts_in=timedelta(hours=h)) for h in (30, 5, 50, 10, 70)]
    db.session.execute(
        update(Show).where(Show.id == shows[-1].id).values(starts_at=utcnow() - timedelta(days=3))
    )
    db.session.commit()
    make_show(make_venue(name="Elsewhere"))
    expected = [show.id for show in sorted(shows, key=lambda show: (show.starts_at, show.id))]

    def page(**query) -> tuple[list[int], str | None]:
        response = client.get("/api/show/get", query_string={"venue_id": venue.id, **query})
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        return [show["show_id"] for show in body["shows"]], body["next"]

    first, after = page(limit=2)
    second, after_second = page(limit=2, after=after)
    third, last = page(limit=2, after=after_second)
    assert first + second + third == expected and last is None
    assert page() == (expected, None)  # a page holds 100 by default
    for bad in ({"limit": 0}, {"limit": 201}, {"after": "not-a-cursor"}):
        assert_error(client.get("/api/show/get", query_string=bad), 422)


def test_update_show(client: FlaskClient, admin: Account):
    show = make_show()
    response = client.post(
        "/api/show/update",
        json={"show_id": show.id, "price": 99, "tags": ["drama"], "rating": None},
        headers=admin.headers,
    )
    assert response.status_code == 200
    body = response.get_json()["show"]
    assert body["price"] == "99.00" and body["tags"] == ["drama"] and body["rating"] is None


def test_update_show_cannot_move_into_the_past(client: FlaskClient, admin: Account):
    show = make_show()
    response = client.post(
        "/api/show/update",
        json={"show_id": show.id, "starts_at": "2001-01-01T10:00:00+00:00"},
        headers=admin.headers,
    )
    assert_error(response, 422)


def test_show_with_bookings_cannot_be_rescheduled(
    client: FlaskClient, admin: Account, user: Account, book
):
    show = make_show()
    book(show, user.user_id, ["A1"])
    response = client.post(
        "/api/show/update",
        json={"show_id": show.id, "starts_at": _future(days=9)},
        headers=admin.headers,
    )
    assert_error(response, 409, "show_has_bookings")


def test_delete_show_with_bookings_needs_force(
    client: FlaskClient, admin: Account, user: Account, book
):
    show = make_show()
    booking = book(show, user.user_id, ["A1", "A2"])
    refused = client.post("/api/show/delete", json={"show_id": show.id}, headers=admin.headers)
    error = assert_error(refused, 409, "show_has_bookings")
    assert error["details"] == {"active_bookings": 1}
    assert db.session.get(Show, show.id) is not None

    forced = client.post(
        "/api/show/delete", json={"show_id": show.id, "force": True}, headers=admin.headers
    )
    assert forced.status_code == 200
    assert forced.get_json()["cancelled_bookings"] == 1
    db.session.expire_all()
    kept = db.session.get(Booking, booking.id)
    # The booking stays in the person's history, cancelled, with what the ticket said.
    assert kept is not None and kept.status == "cancelled" and kept.show_id is None
    assert kept.show_title == show.title and kept.cancel_reason == "show_deleted"
    assert db.session.scalar(select(func.count(SeatClaim.id))) == 0
    # ...and the customer is told.
    notices = db.session.scalars(select(MailLog).where(MailLog.kind == "booking_cancelled"))
    assert [n.recipient for n in notices] == [user.email]


def test_delete_venue_with_bookings_needs_force(
    client: FlaskClient, admin: Account, user: Account, book
):
    venue = make_venue()
    show = make_show(venue)
    booking = book(show, user.user_id, ["B3"])
    refused = client.post("/api/venue/delete", json={"venue_id": venue.id}, headers=admin.headers)
    assert_error(refused, 409, "venue_has_bookings")
    forced = client.post(
        "/api/venue/delete", json={"venue_id": venue.id, "force": True}, headers=admin.headers
    )
    assert forced.status_code == 200 and forced.get_json()["cancelled_bookings"] == 1
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "cancelled"
    assert (
        db.session.scalar(select(func.count(MailLog.id)).where(MailLog.kind == "booking_cancelled"))
        == 1
    )


def test_layout_change_refused_while_upcoming_show_has_bookings(
    client: FlaskClient, admin: Account, user: Account, book
):
    venue = make_venue()
    book(make_show(venue), user.user_id, ["A1"])
    response = client.post(
        "/api/venue/update", json={"venue_id": venue.id, "rows": 3}, headers=admin.headers
    )
    assert_error(response, 409, "venue_has_bookings")
    renamed = client.post(
        "/api/venue/update", json={"venue_id": venue.id, "name": "New name"}, headers=admin.headers
    )
    assert renamed.status_code == 200


def test_free_seats_can_never_go_negative_in_the_database(app):
    show = make_show(make_venue(rows=1, seats_per_row=2))
    show.seats_booked = 3
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
