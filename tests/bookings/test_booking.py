"""Booking: from a hold or directly, all or nothing, priced on the server, never twice."""

from __future__ import annotations

import json
import re

import pytest
import redis
import sqlalchemy as sa
from bookings.conftest import CAPACITY, book, hold, later, live_holds, seat_status, soon_show
from flask.testing import FlaskClient
from sqlalchemy import func, select
from support import Account, assert_error

from boxoffice.bookings import holds, records, seat_orders
from boxoffice.bookings.events import channel
from boxoffice.bookings.models import Booking, SeatClaim
from boxoffice.catalog.models import Show
from boxoffice.extensions import db
from boxoffice.reports.models import MailLog

CODE = re.compile(r"^[2-9A-HJ-NP-Z]{8}$")


def _booked_count(show_id: int) -> tuple[int, int]:
    """(shows.seats_booked, booked claims): the counter must match the rows."""
    db.session.expire_all()
    counter = db.session.get(Show, show_id).seats_booked
    rows = db.session.scalar(
        select(func.count(SeatClaim.id)).where(
            SeatClaim.show_id == show_id, SeatClaim.booking_id.is_not(None)
        )
    )
    return counter, rows or 0


def test_book_a_hold(client: FlaskClient, show, user: Account):
    held = hold(client, user, show.id, ["E3", "E4"]).get_json()
    response = book(client, user, hold_id=held["hold_id"], total="1.00", status="cancelled")
    assert response.status_code == 201, response.get_json()
    booking = response.get_json()["booking"]
    assert CODE.match(booking["code"])
    assert booking["seats"] == ["E3", "E4"]
    assert booking["total"] == "700.00"  # (200 + 150) x 2, whatever the client sent
    assert booking["status"] == "confirmed" and booking["cancelled_at"] is None
    assert booking["can_cancel"] is True
    assert booking["show"] == {
        "show_id": show.id,
        "title": "Leo",
        "starts_at": booking["show"]["starts_at"],
        "ends_at": booking["show"]["ends_at"],
        "venue": {"name": "Hall", "location": "Chennai"},
    }
    assert booking["qr_url"] == f"/api/booking/qr?booking_id={booking['booking_id']}"
    assert booking["ics_url"] == f"/api/booking/ics?booking_id={booking['booking_id']}"
    assert seat_status(client, show.id)["E3"] == "booked"
    assert live_holds() == []
    assert _booked_count(show.id) == (2, 2)
    # The same hold cannot be booked twice (say, from another tab): it is gone, not unknown.
    assert_error(book(client, user, hold_id=held["hold_id"]), 409, "hold_expired")
    assert _booked_count(show.id) == (2, 2)


def test_a_hold_is_booked_at_the_prices_it_quoted(
    client: FlaskClient, show, user: Account, other_user: Account, admin: Account
):
    """The total shown with a hold is what booking it costs, even if an admin changes the
    price meanwhile; holds made after the change are quoted the new price."""
    held = hold(client, user, show.id, ["E3", "E4"]).get_json()
    assert held["total"] == "700.00"
    update = {"show_id": show.id, "price": "999.00"}
    assert client.post("/api/show/update", json=update, headers=admin.headers).status_code == 200
    # The holder's seat map (what the confirm page reads) shows the quote, as booking charges
    # it; everybody else sees the new price.
    query = {"show_id": show.id}
    mine = client.get("/api/show/seats", query_string=query, headers=user.headers).get_json()
    prices = {seat["seat"]: seat["price"] for seat in mine["seats"]}
    assert (prices["E3"], prices["E4"], prices["E6"]) == ("350.00", "350.00", "1149.00")
    assert mine["hold"]["total"] == held["total"]
    theirs = client.get("/api/show/seats", query_string=query, headers=other_user.headers)
    assert {seat["seat"]: seat["price"] for seat in theirs.get_json()["seats"]}["E3"] == "1149.00"
    booking = book(client, user, hold_id=held["hold_id"]).get_json()["booking"]
    assert booking["total"] == held["total"]
    later_hold = hold(client, other_user, show.id, ["A1"]).get_json()
    assert later_hold["total"] == "999.00"
    later_booking = book(client, other_user, hold_id=later_hold["hold_id"]).get_json()["booking"]
    assert later_booking["total"] == "999.00"


def test_book_seats_directly(client: FlaskClient, show, user: Account):
    response = book(client, user, show_id=show.id, seats=["b1", "B2"], price="0.01")
    assert response.status_code == 201, response.get_json()
    booking = response.get_json()["booking"]
    assert booking["seats"] == ["B1", "B2"] and booking["total"] == "400.00"
    assert _booked_count(show.id) == (2, 2)


def test_direct_booking_replaces_own_hold(client: FlaskClient, show, user: Account):
    held = hold(client, user, show.id, ["C1", "C2"]).get_json()
    assert book(client, user, show_id=show.id, seats=["C2", "C3"]).status_code == 201
    statuses = seat_status(client, show.id)
    assert (statuses["C1"], statuses["C2"], statuses["C3"]) == ("free", "booked", "booked")
    assert live_holds() == []
    assert_error(book(client, user, hold_id=held["hold_id"]), 409, "hold_expired")
    assert _booked_count(show.id) == (2, 2)


def test_seats_held_or_booked_by_others_are_409(
    client: FlaskClient, show, user: Account, other_user: Account
):
    hold(client, other_user, show.id, ["A1"])
    book(client, other_user, show_id=show.id, seats=["A8"])  # replaces their hold on A1
    hold(client, other_user, show.id, ["A2"])
    error = assert_error(
        book(client, user, show_id=show.id, seats=["A2", "A3", "A8"]), 409, "seat_taken"
    )
    assert error["details"]["seats"] == ["A2", "A8"]
    assert "A2" in error["message"] and "A8" in error["message"]
    assert seat_status(client, show.id)["A3"] == "free"
    assert db.session.scalar(select(func.count(Booking.id))) == 1


def test_someone_elses_hold_is_404(client: FlaskClient, show, user: Account, other_user):
    held = hold(client, other_user, show.id, ["D1"]).get_json()
    assert_error(book(client, user, hold_id=held["hold_id"]), 404, "not_found")
    assert_error(book(client, user, hold_id="00000000-0000-0000-0000-000000000000"), 404)


def test_expired_hold_is_409(client: FlaskClient, show, user: Account):
    held = hold(client, user, show.id, ["D2"]).get_json()
    with later(8.5):
        assert_error(book(client, user, hold_id=held["hold_id"]), 409, "hold_expired")
    assert _booked_count(show.id) == (0, 0)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"hold_id": "abc", "seats": ["A1"]},
        {"seats": ["A1"]},
        {"show_id": 1},
        {"show_id": 1, "seats": []},
        {"show_id": 1, "seats": ["A1", "A1"]},
        {"show_id": 1, "seats": ["A1", "A2", "A3", "A4", "A6", "A7", "A8", "B1", "B2", "B3", "B4"]},
        {"show_id": 1, "seats": ["Q1"]},
        {"show_id": 1, "seats": ["A5"]},
        {"show_id": -5, "seats": ["A1"]},
        {"show_id": 2**40, "seats": ["A1"]},
        {"hold_id": ""},
        {"hold_id": 12},
    ],
)
def test_invalid_booking_requests_are_422(client: FlaskClient, show, user: Account, body):
    body = {**body, "show_id": show.id} if body.get("show_id") == 1 else body
    assert_error(book(client, user, **body), 422, "validation_failed")
    assert db.session.scalar(select(func.count(Booking.id))) == 0


def test_a_flood_of_seat_labels_is_refused_for_its_count_before_anything_else(
    client: FlaskClient, show, user: Account
):
    """Tens of thousands of labels (repeated ones too) fit in a 1 MiB body; they are refused
    by their count, before any check that goes label by label (repeats took minutes)."""
    flood = ["A1", "A2"] * 40_000
    error = assert_error(book(client, user, show_id=show.id, seats=flood), 422)
    assert error["details"]["seats"] == ["Length must be between 1 and 10."]
    repeated = assert_error(book(client, user, show_id=show.id, seats=["A1", " a1", "A2"]), 422)
    assert repeated["details"]["seats"] == ["Each seat only once; repeated: A1."]


def test_unknown_show_is_404(client: FlaskClient, user: Account):
    assert_error(book(client, user, show_id=4242, seats=["A1"]), 404, "not_found")


def test_started_show_is_422(client: FlaskClient, user: Account):
    show = soon_show(minutes=20)
    held = hold(client, user, show.id, ["A1"]).get_json()
    with later(21):
        assert_error(book(client, user, show_id=show.id, seats=["A2"]), 422, "show_started")
        assert_error(book(client, user, hold_id=held["hold_id"]), 422, "show_started")


def test_anonymous_cannot_book(client: FlaskClient, show):
    assert_error(client.post("/api/bookticket", json={"show_id": show.id, "seats": ["A1"]}), 401)


def test_sold_out_show(client: FlaskClient, user: Account, other_user: Account):
    show = soon_show(minutes=600)  # 2 x 4 seats
    assert book(client, user, show_id=show.id, seats=["A1", "A2", "A3", "A4"]).status_code == 201
    assert book(client, user, show_id=show.id, seats=["B1", "B2", "B3", "B4"]).status_code == 201
    assert_error(book(client, other_user, show_id=show.id, seats=["B4"]), 409, "seat_taken")
    assert _booked_count(show.id) == (8, 8)


_claims_among = holds.claims_among  # the real one, as tests patch it


def _stale_once(reads: list[set[str]]):
    """``claims_among`` that misses everything the first time, as if it had run just
    before the last change to the seats; ``reads`` records every call."""

    def read(connection, show_id, labels, user_ids, now):
        reads.append(labels)
        if len(reads) == 1:
            return []
        return _claims_among(connection, show_id, labels, user_ids, now)

    return read


def _plain_insert(_connection):
    """The claims insert as if someone had dropped its ON CONFLICT clause by mistake."""
    table = SeatClaim.__table__
    return table.insert().returning(table.c.seat)


@pytest.mark.parametrize("plain_insert", [False, True], ids=["in-flight", "buggy-insert"])
def test_seats_taken_past_the_early_check_are_refused_by_the_database(
    client: FlaskClient, show, user: Account, other_user: Account, monkeypatch, plain_insert
):
    """A claim the early read cannot see yet is skipped by the conflict-aware insert; and
    even if that insert had a bug, the unique constraint refuses the seat: 409, not 500."""
    assert book(client, other_user, show_id=show.id, seats=["C6"]).status_code == 201
    # As if the read had missed a claim still in flight.
    monkeypatch.setattr(seat_orders, "claims_among", lambda *_args: [])
    if plain_insert:
        monkeypatch.setattr(seat_orders, "insert_skipping_taken", _plain_insert)
    error = assert_error(book(client, user, show_id=show.id, seats=["C6", "C7"]), 409, "seat_taken")
    assert error["details"]["seats"] == ["C6"]
    assert _booked_count(show.id) == (1, 1)
    assert db.session.scalar(select(func.count(Booking.id))) == 1


def test_a_hold_that_expired_since_the_read_is_reused(
    client: FlaskClient, show, user: Account, other_user: Account, monkeypatch
):
    """The booking's read misses the expired hold on C2 (as if the hold had still been
    live then and expired since), so the insert skips C2: the booking is tried again."""
    reads: list[set[str]] = []
    assert hold(client, other_user, show.id, ["C2"]).status_code == 201
    with later(9):
        monkeypatch.setattr(seat_orders, "claims_among", _stale_once(reads))
        response = book(client, user, show_id=show.id, seats=["C2", "C3"])
        assert response.status_code == 201, response.get_json()
    assert len(reads) == 2
    assert _booked_count(show.id) == (2, 2)


def test_ones_own_hold_committed_since_the_read_is_replaced(
    client: FlaskClient, show, user: Account, monkeypatch
):
    """A double click: the second hold of the same seats replaces the first, no 409, even
    when its read ran before the first one committed."""
    first = hold(client, user, show.id, ["D2", "D3"]).get_json()
    reads: list[set[str]] = []
    monkeypatch.setattr(seat_orders, "claims_among", _stale_once(reads))
    second = hold(client, user, show.id, ["D2", "D3"])
    assert second.status_code == 201, second.get_json()
    assert live_holds() == [(second.get_json()["hold_id"], user.user_id)]
    assert second.get_json()["hold_id"] != first["hold_id"]
    assert seat_status(client, show.id, user)["D2"] == "held"
    assert len(reads) == 2


def test_colliding_booking_code_is_drawn_again(
    client: FlaskClient, show, user: Account, monkeypatch
):
    codes = iter(["AAAA2222", "AAAA2222", "BBBB3333"])
    monkeypatch.setattr(records, "new_code", lambda: next(codes))
    first = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    second = book(client, user, show_id=show.id, seats=["A2"]).get_json()["booking"]
    assert (first["code"], second["code"]) == ("AAAA2222", "BBBB3333")


def test_confirmation_is_recorded_only_for_committed_bookings(
    client: FlaskClient, show, user: Account, other_user: Account
):
    booking = book(client, user, show_id=show.id, seats=["D6"]).get_json()["booking"]
    assert_error(book(client, other_user, show_id=show.id, seats=["D6"]), 409)
    rows = db.session.execute(
        select(MailLog.kind, MailLog.period, MailLog.recipient, MailLog.status)
    ).all()
    assert rows == [("booking_confirmed", f"booking:{booking['booking_id']}", user.email, "queued")]
    row = db.session.scalars(select(MailLog)).one()
    assert row.created_at is not None and row.next_attempt_at is not None


def test_seat_events_are_published_after_commit_only(
    client: FlaskClient, app, show, user: Account, other_user: Account
):
    server = redis.Redis.from_url(app.config["BOXOFFICE"].redis_url)
    pubsub = server.pubsub()
    pubsub.subscribe(channel(show.id, server))
    assert pubsub.get_message(timeout=1)["type"] == "subscribe"
    hold(client, user, show.id, ["B6"])
    book(client, user, show_id=show.id, seats=["B7"])
    assert_error(book(client, other_user, show_id=show.id, seats=["B7", "B8"]), 409)
    messages = []
    while (message := pubsub.get_message(timeout=0.5)) is not None:
        messages.append(json.loads(message["data"]))
    pubsub.close()
    assert messages == [
        {"seats": [{"seat": "B6", "status": "held"}]},
        {"seats": [{"seat": "B6", "status": "free"}, {"seat": "B7", "status": "booked"}]},
    ]


def test_a_bookings_redis_commands_leave_in_one_round_trip_after_commit(
    client: FlaskClient, app, show, user: Account, monkeypatch
):
    """Seat event, cache generations and outbox kick: one pipeline, sent after the commit."""
    from boxoffice.catalog.listing_cache import GENERATION_KEY
    from boxoffice.reports.outbox import KICK_KEY

    server = redis.Redis.from_url(app.config["BOXOFFICE"].redis_url, decode_responses=True)
    server.set(KICK_KEY, "1")  # a dispatch is pending: the kick queues no Celery task
    listings = int(server.get(GENERATION_KEY) or 0)
    sent: list[list[str]] = []
    execute = redis.client.Pipeline.execute

    def counted(pipe: redis.client.Pipeline, raise_on_error: bool = True) -> list:
        sent.append(sorted(str(args[0]) for args, _options in pipe.command_stack))
        return execute(pipe, raise_on_error)

    monkeypatch.setattr(redis.client.Pipeline, "execute", counted)
    assert book(client, user, show_id=show.id, seats=["B7"]).status_code == 201
    # The sign-in check (revoked token? sessions ended?) before; then one after the commit.
    assert sent == [["EXISTS", "GET"], ["INCRBY", "INCRBY", "PUBLISH", "SET"]]  # INCR: INCRBY
    assert int(server.get(GENERATION_KEY)) == listings + 1


def test_a_refused_redis_command_costs_only_its_own_side_effect(
    client: FlaskClient, app, show, user: Account, caplog
):
    """The booking has committed: a seat event Redis refuses is logged, and the cache
    generation and outbox kick of the same round trip still happen."""
    from boxoffice.bookings.events import generation_key
    from boxoffice.catalog.listing_cache import GENERATION_KEY
    from boxoffice.reports.outbox import KICK_KEY

    server = redis.Redis.from_url(app.config["BOXOFFICE"].redis_url, decode_responses=True)
    server.set(generation_key(show.id), "not a number")  # INCR is refused
    server.set(KICK_KEY, "1")
    listings = int(server.get(GENERATION_KEY) or 0)
    response = book(client, user, show_id=show.id, seats=["B7"])
    assert response.status_code == 201, response.get_json()
    assert "Could not publish seat changes" in caplog.text
    assert server.get(generation_key(show.id)) == "not a number"
    assert int(server.get(GENERATION_KEY)) == listings + 1
    assert server.ttl(KICK_KEY) == -1  # untouched: SET NX found the pending dispatch's key
    assert seat_status(client, show.id)["B7"] == "booked"


def test_capacity_invariant_after_many_operations(client: FlaskClient, show, user, other_user):
    book(client, user, show_id=show.id, seats=["A1", "A2"])
    second = book(client, other_user, show_id=show.id, seats=["A3"]).get_json()["booking"]
    cancel = {"booking_id": second["booking_id"]}
    client.post("/api/booking/cancel", json=cancel, headers=other_user.headers)
    book(client, other_user, show_id=show.id, seats=["A3", "A4"])
    statuses = seat_status(client, show.id)
    booked = sum(1 for status in statuses.values() if status == "booked")
    free = sum(1 for status in statuses.values() if status == "free")
    assert booked + free == CAPACITY and booked == 4
    assert _booked_count(show.id) == (4, 4)
    assert db.session.get(Show, show.id).free_seats == CAPACITY - 4


# SQLite waits on BEGIN IMMEDIATE with its busy timeout instead.
@pytest.mark.postgres_only
def test_show_lock_timeout_is_a_503_busy_not_a_500(
    client: FlaskClient, show, user: Account, monkeypatch
):
    """PostgreSQL: a booking stuck behind a lock on the show row (its booked-seat counter)
    gives up and says "try again"."""
    from boxoffice.bookings import locking

    monkeypatch.setattr(locking, "LOCK_TIMEOUT", "50ms")
    monkeypatch.setattr(locking, "_backoff", lambda attempt: None)
    with db.engine.connect() as other:
        other.execute(sa.text("SELECT id FROM shows WHERE id = :id FOR UPDATE"), {"id": show.id})
        assert_error(book(client, user, show_id=show.id, seats=["A1"]), 503, "busy")
        other.rollback()
    assert book(client, user, show_id=show.id, seats=["A1"]).status_code == 201
    assert _booked_count(show.id) == (1, 1)
