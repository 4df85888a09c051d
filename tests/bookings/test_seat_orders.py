"""Holds and bookings, several orders in one transaction (``seat_orders.place``).

Over HTTP one request at a time every batch holds one order (the concurrency tests make
real batches); here batches are built directly, to pin down how the orders of one batch
are decided against each other.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from bookings.conftest import book, hold, live_holds, seat_status
from flask.testing import FlaskClient
from sqlalchemy import select
from support import Account

from boxoffice.bookings import holds, seat_orders
from boxoffice.bookings.models import Booking, Hold, SeatClaim
from boxoffice.bookings.seat_orders import BOOK, HOLD, SeatOrder, place
from boxoffice.catalog.models import Show
from boxoffice.db_types import utcnow
from boxoffice.errors import ApiError
from boxoffice.extensions import db
from boxoffice.reports.models import MailLog


def _order(account: Account, *labels: str) -> SeatOrder:
    return SeatOrder(account.user_id, list(labels))


def _status(outcome: object) -> tuple[int, str, list[str]]:
    if isinstance(outcome, ApiError):
        return outcome.status, outcome.code, outcome.details.get("seats", [])
    assert isinstance(outcome, dict)
    return 201, outcome["status"], outcome["seats"]


def _counter(show_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Show, show_id).seats_booked


def test_orders_of_one_batch_are_decided_in_order_of_arrival(
    client: FlaskClient, show, user: Account, other_user: Account
):
    assert hold(client, other_user, show.id, ["B1", "B2"]).status_code == 201
    orders = [
        _order(user, "A1", "A2"),
        _order(other_user, "A2", "A3"),  # A2 is promised to the first order
        _order(user, "B1"),  # held by someone else
        _order(other_user, "B1"),  # their own hold: replaced by the booking
        _order(user, "Z9"),  # no such seat
        _order(other_user, "C1"),
    ]
    outcomes = place(BOOK, show.id, orders)
    assert [_status(outcome) for outcome in outcomes] == [
        (201, "confirmed", ["A1", "A2"]),
        (409, "seat_taken", ["A2"]),
        (409, "seat_taken", ["B1"]),
        (201, "confirmed", ["B1"]),
        (422, "validation_failed", ["Not a seat of this venue: Z9."]),
        (201, "confirmed", ["C1"]),
    ]
    assert outcomes[0]["total"] == outcomes[3]["total"] * 2
    booked = db.session.execute(select(Booking.user_id, Booking.seats).order_by(Booking.id)).all()
    assert [tuple(row) for row in booked] == [
        (user.user_id, ["A1", "A2"]),
        (other_user.user_id, ["B1"]),
        (other_user.user_id, ["C1"]),
    ]
    assert _counter(show.id) == 4
    # The replaced hold is gone with its other seat, which is free again.
    assert live_holds() == []
    statuses = seat_status(client, show.id)
    assert [statuses[seat] for seat in ("A1", "A2", "A3", "B1", "B2", "C1")] == [
        "booked", "booked", "free", "booked", "free", "booked",
    ]  # fmt: skip
    mails = db.session.execute(select(MailLog.recipient, MailLog.period).order_by(MailLog.id))
    assert [tuple(row) for row in mails] == [
        (user.email, f"booking:{outcomes[0]['booking_id']}"),
        (other_user.email, f"booking:{outcomes[3]['booking_id']}"),
        (other_user.email, f"booking:{outcomes[5]['booking_id']}"),
    ]


def test_an_order_of_a_person_whose_account_is_gone_fails_alone(
    client: FlaskClient, show, user: Account, other_user: Account
):
    """The batch trusts the tokens' user ids; the database refuses the one that names no
    account (its foreign key), and the other orders of the batch still go through."""
    for kind in (HOLD, BOOK):
        orders = [
            _order(user, "A1"),
            SeatOrder(987_654, ["A2"]),
            _order(other_user, "A3"),
        ]
        outcomes = place(kind, show.id, orders)
        assert _status(outcomes[1]) == (401, "invalid_token", [])
        assert not isinstance(outcomes[0], ApiError) and not isinstance(outcomes[2], ApiError)
    assert _counter(show.id) == 2
    claimed = db.session.execute(select(SeatClaim.seat, SeatClaim.booking_id.is_not(None)))
    assert sorted(claimed) == [("A1", True), ("A3", True)]


def test_holds_of_one_batch_behave_as_if_made_one_after_the_other(
    client: FlaskClient, show, user: Account, other_user: Account, admin: Account
):
    assert hold(client, other_user, show.id, ["B1", "B2"]).status_code == 201
    orders = [
        _order(user, "A1", "A2"),
        _order(other_user, "A2"),  # promised to the first order
        _order(user, "A2", "A3"),  # the same person again: replaces their first hold
        _order(other_user, "A1"),  # free again; and replaces their hold on B1, B2
        _order(admin, "B2"),  # so B2 is free for whoever comes next
    ]
    outcomes = place(HOLD, show.id, orders)
    assert [
        outcome.status if isinstance(outcome, ApiError) else outcome["seats"]
        for outcome in outcomes
    ] == [["A1", "A2"], 409, ["A2", "A3"], ["A1"], ["B2"]]
    assert outcomes[0]["total"] == outcomes[2]["total"]
    assert sorted(live_holds()) == sorted(
        [
            (outcomes[2]["hold_id"], user.user_id),
            (outcomes[3]["hold_id"], other_user.user_id),
            (outcomes[4]["hold_id"], admin.user_id),
        ]
    )
    statuses = seat_status(client, show.id)
    assert [statuses[seat] for seat in ("A1", "A2", "A3", "B1", "B2")] == [
        "held", "held", "held", "free", "held",
    ]  # fmt: skip
    assert _counter(show.id) == 0  # held seats are not sold
    # The hold replaced within the batch ended at once: booking it says so.
    stale = {"hold_id": outcomes[0]["hold_id"]}
    refused = client.post("/api/bookticket", json=stale, headers=user.headers)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "hold_expired")
    fresh = {"hold_id": outcomes[2]["hold_id"]}
    booked = client.post("/api/bookticket", json=fresh, headers=user.headers)
    assert booked.get_json()["booking"]["seats"] == ["A2", "A3"]


def _count_transactions(monkeypatch) -> list[int]:
    """Count the seat-change transactions ``place`` runs from now on (one entry each)."""
    runs: list[int] = []
    real = seat_orders.run_locked

    def counted(work, on_conflict):
        runs.append(1)
        return real(work, on_conflict)

    monkeypatch.setattr(seat_orders, "run_locked", counted)
    return runs


def _miss_every_claim(monkeypatch) -> None:
    """As if every read missed the claims already made (claims still in flight in another
    process): only the unique constraint sees them."""
    monkeypatch.setattr(seat_orders, "claims_among", lambda *_args: [])


def test_a_seat_taken_behind_the_read_takes_out_only_the_order_that_lost_it(
    client: FlaskClient, show, user: Account, other_user: Account, admin: Account, monkeypatch
):
    assert place(BOOK, show.id, [_order(other_user, "C6")])[0]["seats"] == ["C6"]
    _miss_every_claim(monkeypatch)
    runs = _count_transactions(monkeypatch)
    outcomes = place(
        BOOK,
        show.id,
        [
            _order(user, "D1"),
            _order(user, "C6", "C7"),  # C6 is booked already: this order loses it
            _order(admin, "C7"),  # refused: C7 was promised to the order before
            _order(other_user, "D2"),
        ],
    )
    assert [_status(outcome) for outcome in outcomes] == [
        (201, "confirmed", ["D1"]),
        (409, "seat_taken", ["C6"]),
        (201, "confirmed", ["C7"]),  # tried again on its own once the loser was out
        (201, "confirmed", ["D2"]),
    ]
    # The batch committed with D1 and D2; then the loser alone (and, the database saying
    # the seat is taken, once more: perhaps its own request of a moment ago), then C7 alone.
    assert len(runs) == 4
    assert _counter(show.id) == 4
    booked = db.session.execute(select(Booking.user_id, Booking.seats).order_by(Booking.id)).all()
    assert [tuple(row) for row in booked] == [
        (other_user.user_id, ["C6"]),
        (user.user_id, ["D1"]),
        (other_user.user_id, ["D2"]),
        (admin.user_id, ["C7"]),
    ]
    claimed = db.session.execute(select(SeatClaim.seat, SeatClaim.user_id).order_by(SeatClaim.seat))
    assert [tuple(row) for row in claimed] == [
        ("C6", other_user.user_id),
        ("C7", admin.user_id),
        ("D1", user.user_id),
        ("D2", other_user.user_id),
    ]
    # No confirmation for the order taken out: one mail per booking that stands.
    periods = db.session.scalars(select(MailLog.period).order_by(MailLog.id)).all()
    assert sorted(periods) == sorted(f"booking:{booking_id}" for booking_id in _booking_ids())


def _booking_ids() -> list[int]:
    return list(db.session.scalars(select(Booking.id)))


def test_a_hold_that_lost_a_seat_behind_the_read_is_taken_out_of_its_batch(
    client: FlaskClient, show, user: Account, other_user: Account, admin: Account, monkeypatch
):
    assert place(BOOK, show.id, [_order(other_user, "C6")])[0]["seats"] == ["C6"]
    _miss_every_claim(monkeypatch)
    outcomes = place(HOLD, show.id, [_order(user, "C6", "C7"), _order(admin, "D1")])
    assert _status(outcomes[0]) == (409, "seat_taken", ["C6"])
    assert outcomes[1]["seats"] == ["D1"]
    holds_now = db.session.execute(select(Hold.id, Hold.user_id)).all()
    assert holds_now == [(outcomes[1]["hold_id"], admin.user_id)]
    statuses = seat_status(client, show.id)
    assert [statuses[seat] for seat in ("C6", "C7", "D1")] == ["booked", "free", "held"]


def test_a_loser_whose_old_hold_the_batch_cleared_rolls_the_whole_batch_back(
    client: FlaskClient, show, user: Account, other_user: Account, admin: Account, monkeypatch
):
    """Taking the loser out could not give its person their old hold back: the batch is
    undone, every order is tried on its own, and the failed booking leaves the hold be."""
    assert place(BOOK, show.id, [_order(other_user, "C6")])[0]["seats"] == ["C6"]
    held = hold(client, user, show.id, ["A1", "A2"])
    assert held.status_code == 201
    real_claims_among = seat_orders.claims_among

    def miss_the_booking(*args):  # sees the user's hold, misses the booking of C6
        return [claim for claim in real_claims_among(*args) if claim.seat != "C6"]

    monkeypatch.setattr(seat_orders, "claims_among", miss_the_booking)
    runs = _count_transactions(monkeypatch)
    outcomes = place(BOOK, show.id, [_order(user, "C6", "C7"), _order(admin, "D1")])
    assert _status(outcomes[0]) == (409, "seat_taken", ["C6"])
    assert _status(outcomes[1]) == (201, "confirmed", ["D1"])
    assert len(runs) == 4  # the batch, then the loser twice and the other order alone
    holds_now = db.session.execute(select(Hold.id, Hold.user_id)).all()
    assert holds_now == [(held.get_json()["hold_id"], user.user_id)]
    statuses = seat_status(client, show.id)
    assert [statuses[seat] for seat in ("A1", "A2", "C7", "D1")] == [
        "held", "held", "free", "booked",
    ]  # fmt: skip


def test_a_batch_for_a_show_that_does_not_exist_fails_as_a_whole(
    app, user: Account, other_user: Account
):
    try:
        place(BOOK, 10_000, [_order(user, "A1"), _order(other_user, "A2")])
    except ApiError as error:
        assert (error.status, error.code) == (404, "not_found")
    else:
        raise AssertionError("no error")


def _claims(show_id: int, user_id: int, other_id: int) -> None:
    """One claim of every kind on row A: booked; held, live and expired, by each person."""
    now = utcnow()
    kinds = {
        "A1": (user_id, None),
        "A2": (user_id, now + timedelta(minutes=5)),
        "A3": (other_id, now + timedelta(minutes=5)),
        "A4": (user_id, now - timedelta(minutes=1)),
        "A6": (other_id, now - timedelta(minutes=1)),
    }
    booking = Booking(
        code="TESTCODE", user_id=user_id, show_id=show_id, show_title="Leo",
        show_starts_at=now, show_ends_at=now, show_language="en", venue_name="Hall",
        venue_location="Pune", seats=["A1"], total=200, currency="INR", booked_at=now,
    )  # fmt: skip
    db.session.add(booking)
    db.session.flush()
    for seat, (owner, expires_at) in kinds.items():
        hold_id = None
        if expires_at is not None:
            hold_id = str(uuid.uuid4())
            db.session.add(
                Hold(
                    id=hold_id,
                    show_id=show_id,
                    user_id=owner,
                    expires_at=expires_at,
                    currency="INR",
                )
            )
            db.session.flush()
        db.session.add(
            SeatClaim(
                show_id=show_id,
                seat=seat,
                user_id=owner,
                hold_id=hold_id,
                price=200,
                booking_id=None if hold_id else booking.id,
                expires_at=expires_at,
            )  # fmt: skip
        )
    db.session.commit()


def test_the_claim_rules_on_every_kind_of_claim(show, user: Account, other_user: Account):
    """``is_taken_from`` (Python, for batches) says what ``holds._taken`` (SQL, for the
    seats named in a late 409) says; ``is_reusable_by`` clears one's own holds and
    expired ones."""
    _claims(show.id, user.user_id, other_user.user_id)
    labels = ["A1", "A2", "A3", "A4", "A6", "A7"]
    now = utcnow()
    expected = {
        # caller: (taken, reusable); A1 booked, A2/A4 the user's live/expired hold, A3/A6
        # the other person's live/expired hold.
        user.user_id: ({"A1", "A3"}, {"A2", "A4", "A6"}),
        other_user.user_id: ({"A1", "A2"}, {"A3", "A4", "A6"}),
    }
    for caller, (taken, reusable) in expected.items():
        in_sql = set(
            db.session.scalars(
                select(SeatClaim.seat).where(holds._taken(show.id, caller, labels, now))
            )
        )
        rows = holds.claims_among(db.session.connection(), show.id, set(labels), {caller}, now)
        assert {row.seat for row in rows if holds.is_taken_from(row, caller)} == taken == in_sql
        assert {row.seat for row in rows if holds.is_reusable_by(row, caller, labels)} == reusable


def _book_the_hold_behind_the_read(
    monkeypatch: pytest.MonkeyPatch, show_id: int, booking_id: int
) -> None:
    """The next order's claims read is followed by another transaction that books the
    person's held A1 into ``booking_id`` (its claim becomes a booked one) and commits."""
    real = seat_orders.claims_among

    def read_then_book_the_hold(connection: Any, *args: Any) -> Any:
        claims = real(connection, *args)
        with db.engine.begin() as other:
            other.execute(
                sa.text(
                    "UPDATE seat_claims SET booking_id = :booking, hold_id = NULL,"
                    " expires_at = NULL WHERE show_id = :show AND seat = 'A1'"
                ),
                {"booking": booking_id, "show": show_id},
            )
        return claims

    monkeypatch.setattr(seat_orders, "claims_among", read_then_book_the_hold)


@pytest.mark.postgres_only
@pytest.mark.parametrize("kind", ["hold", "book"])
def test_a_hold_booked_behind_the_read_keeps_its_seats(
    client: FlaskClient, show: Show, user: Account, monkeypatch: pytest.MonkeyPatch, kind: str
):
    """PostgreSQL, for real: a person's hold of A1 is booked (its claim becomes a booked
    one, in another transaction) after a new hold or booking of theirs on the show read
    the claims and before it clears their old hold. The new order must not delete the now
    booked claim and take A1 again: the seat would be booked and free (or held) at once,
    and sold to the next person."""
    first = book(client, user, show_id=show.id, seats=["B1"]).get_json()["booking"]
    assert hold(client, user, show.id, ["A1"]).status_code == 201
    _book_the_hold_behind_the_read(monkeypatch, show.id, first["booking_id"])
    body = {"show_id": show.id, "seats": ["A1"]}
    if kind == "hold":
        response = hold(client, user, show.id, ["A1"])
    else:
        response = book(client, user, **body)
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["details"]["seats"] == ["A1"]
    db.session.expire_all()
    claims = db.session.scalars(select(SeatClaim).where(SeatClaim.show_id == show.id)).all()
    assert sorted((claim.seat, claim.booking_id) for claim in claims) == [
        ("A1", first["booking_id"]),
        ("B1", first["booking_id"]),
    ]


def _seat_events(app: Any, show_id: int) -> Any:
    """Subscribe to the show's seat events; returns a function that collects them so far."""
    import json

    import redis

    from boxoffice.bookings.events import channel

    server = redis.Redis.from_url(app.config["BOXOFFICE"].redis_url)
    pubsub = server.pubsub()
    pubsub.subscribe(channel(show_id, server))
    assert pubsub.get_message(timeout=1)["type"] == "subscribe"

    def collect() -> dict[str, str]:
        changes: dict[str, str] = {}
        while (message := pubsub.get_message(timeout=0.5)) is not None:
            for change in json.loads(message["data"])["seats"]:
                changes[change["seat"]] = change["status"]
        pubsub.close()
        server.close()  # referenced here: once collected, the client closes the pub/sub too
        return changes

    return collect


@pytest.mark.postgres_only
def test_a_hold_booked_behind_the_read_is_not_announced_free(
    app, client: FlaskClient, show: Show, user: Account, monkeypatch: pytest.MonkeyPatch
):
    """PostgreSQL, for real: the person's hold of A1 is booked in another transaction after
    their new hold of A3 read the claims. The new hold replaces what is left of the old one,
    which is nothing: A1 is booked, and open seat maps must not be told it is free."""
    first = book(client, user, show_id=show.id, seats=["B1"]).get_json()["booking"]
    assert hold(client, user, show.id, ["A1"]).status_code == 201
    _book_the_hold_behind_the_read(monkeypatch, show.id, first["booking_id"])
    collect = _seat_events(app, show.id)
    assert hold(client, user, show.id, ["A3"]).status_code == 201
    assert collect() == {"A3": "held"}
    statuses = seat_status(client, show.id)
    assert (statuses["A1"], statuses["A3"]) == ("booked", "held")


@pytest.mark.postgres_only
def test_a_hold_of_the_same_person_committed_behind_the_read_is_replaced_and_announced(
    app, client: FlaskClient, show: Show, user: Account, monkeypatch: pytest.MonkeyPatch
):
    """PostgreSQL, for real: two holds of one person on one show through two web processes.
    The second one's read sees their hold of A1 but not the hold of A2 that the first one
    commits right after. Both old holds are replaced, and both freed seats are announced;
    before, A2 went with its hold (ON DELETE CASCADE) while open maps kept it held."""
    assert hold(client, user, show.id, ["A1"]).status_code == 201
    real = seat_orders.claims_among

    def read_then_hold_elsewhere(connection: Any, *args: Any) -> Any:
        claims = real(connection, *args)
        hold_id, until = str(uuid.uuid4()), utcnow() + timedelta(minutes=8)
        with db.engine.begin() as other:
            other.execute(
                Hold.__table__.insert(),
                {"id": hold_id, "show_id": show.id, "user_id": user.user_id,
                 "expires_at": until, "currency": "INR", "created_at": utcnow()},
            )  # fmt: skip
            other.execute(
                SeatClaim.__table__.insert(),
                {"show_id": show.id, "seat": "A2", "user_id": user.user_id,
                 "hold_id": hold_id, "expires_at": until, "price": show.price},
            )  # fmt: skip
        return claims

    monkeypatch.setattr(seat_orders, "claims_among", read_then_hold_elsewhere)
    collect = _seat_events(app, show.id)
    assert hold(client, user, show.id, ["A3"]).status_code == 201
    assert collect() == {"A2": "free", "A1": "free", "A3": "held"}
    statuses = seat_status(client, show.id)
    assert [statuses[seat] for seat in ("A1", "A2", "A3")] == ["free", "free", "held"]
