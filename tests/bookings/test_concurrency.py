"""Many people, one show, the same seats, the same instant: never a seat sold twice.

Real HTTP against a real multi-process gunicorn server (several gthread workers) on a fresh
database, 40 threads released together by a barrier. Following pretix's tests, some runs widen
the race window on purpose (``BOXOFFICE_DEBUG_RACE_DELAY_MS``: a sleep after the claims are
inserted, so contenders wait on them for longer) and control runs switch the application's own
defences off (``BOXOFFICE_DEBUG_DISABLE_LOCK``: no ``BEGIN IMMEDIATE`` on SQLite, no early
availability read, a plain INSERT instead of the conflict-aware one):

* defences on: losers get a clean 409 naming the seats.
* defences off, constraint on: proves the UNIQUE(show_id, seat) constraint alone stops a double
  sale (the loser's insert fails in the database and becomes a 409, not a 500).
* defences off, constraint dropped (PostgreSQL): proves the checks of this test *can* see a
  double sale, so the green runs above mean something. On SQLite this control is left out:
  SQLite has one writer at a time and a stale reader cannot commit a write
  (SQLITE_BUSY_SNAPSHOT), so even without defences and constraint it does not oversell -
  there is nothing to detect.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from factories import make_show, make_venue
from flask_jwt_extended import create_access_token
from live_server import LiveServer, live_server
from sqlalchemy import select

from boxoffice.auth.models import User
from boxoffice.bookings.models import Booking, SeatClaim
from boxoffice.catalog.models import Show
from boxoffice.config import Settings
from boxoffice.extensions import db

pytestmark = pytest.mark.slow

USERS = 40
ROWS, PER_ROW = 4, 10
CAPACITY = ROWS * PER_ROW


@dataclass
class Outcome:
    user_id: int
    wanted: list[str]
    status: int
    body: dict[str, Any]


def _wants(index: int) -> list[str]:
    """Overlapping requests, all in row C: pairs C1-C2 ... C9-C10, some of three seats."""
    start = index % 9 + 1
    size = 3 if index % 5 == 0 and start <= 8 else 2
    return [f"C{start + n}" for n in range(size)]


def _setup(server: LiveServer) -> tuple[int, list[tuple[int, str]]]:
    with server.app.app_context():
        venue = make_venue(name="Race Hall", rows=ROWS, seats_per_row=PER_ROW)
        show = make_show(venue, title="Opening Night", starts_in=timedelta(days=3))
        users = [
            User(email=f"fan{n}@example.com", name=f"Fan {n}", password_hash="!")
            for n in range(USERS)
        ]
        db.session.add_all(users)
        db.session.commit()
        accounts = [(user.id, create_access_token(identity=user)) for user in users]
        return show.id, accounts


def _race(server: LiveServer, show_id: int, accounts: list[tuple[int, str]]) -> list[Outcome]:
    barrier = threading.Barrier(len(accounts))
    outcomes: list[Outcome | None] = [None] * len(accounts)
    errors: list[BaseException] = []

    def person(index: int, user_id: int, token: str) -> None:
        wanted = _wants(index)
        try:
            with server.client(headers={"Authorization": f"Bearer {token}"}) as http:
                http.get("/api/meta")  # connect before the start line
                barrier.wait(timeout=60)
                if index % 2:  # half hold first, then book the hold
                    response = http.post("/api/hold", json={"show_id": show_id, "seats": wanted})
                    if response.status_code == 201:
                        hold_id = response.json()["hold_id"]
                        response = http.post("/api/bookticket", json={"hold_id": hold_id})
                else:
                    body = {"show_id": show_id, "seats": wanted}
                    response = http.post("/api/bookticket", json=body)
                outcomes[index] = Outcome(user_id, wanted, response.status_code, response.json())
        except BaseException as error:  # reported below, with the thread's context
            errors.append(error)
            barrier.abort()

    threads = [
        threading.Thread(target=person, args=(index, user_id, token))
        for index, (user_id, token) in enumerate(accounts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass
class Sold:
    oversold: dict[str, int]  # seat -> how many confirmed bookings contain it
    bookings: dict[int, Booking]
    claims: dict[str, int | None]  # seat -> booking id of its (booked) claim
    seats_booked: int


def _sold(server: LiveServer, show_id: int) -> Sold:
    with server.app.app_context():
        bookings = {
            b.id: b
            for b in db.session.scalars(
                select(Booking).where(Booking.show_id == show_id, Booking.status == "confirmed")
            )
        }
        for booking in bookings.values():
            db.session.expunge(booking)
        counts = Counter(seat for booking in bookings.values() for seat in booking.seats)
        claims = dict(
            db.session.execute(
                select(SeatClaim.seat, SeatClaim.booking_id).where(SeatClaim.show_id == show_id)
            ).all()
        )
        seats_booked = db.session.get(Show, show_id).seats_booked
        db.session.remove()
    oversold = {seat: n for seat, n in counts.items() if n > 1}
    return Sold(oversold, bookings, claims, seats_booked)


def _seat_map(server: LiveServer, show_id: int) -> Counter[str]:
    with server.client() as http:
        response = http.get("/api/show/seats", params={"show_id": show_id})
    assert response.status_code == 200
    return Counter(seat["status"] for seat in response.json()["seats"])


def _assert_sold_at_most_once(
    server: LiveServer, show_id: int, outcomes: list[Outcome], allow_busy: bool = False
) -> None:
    sold = _sold(server, show_id)
    assert sold.oversold == {}, f"seats sold more than once: {sold.oversold}"

    statuses = Counter(outcome.status for outcome in outcomes)
    winners = [o for o in outcomes if o.status == 201]
    busy = [o for o in outcomes if o.status == 503 and allow_busy]
    losers = [o for o in outcomes if o.status != 201 and o not in busy]
    assert winners, statuses
    assert all(o.status == 409 for o in losers), statuses
    assert all(o.body["error"]["code"] == "busy" for o in busy)

    # Every 201 is a booking of exactly the requested seats, by that user, really booked.
    for outcome in winners:
        booking = sold.bookings[outcome.body["booking"]["booking_id"]]
        assert booking.user_id == outcome.user_id
        assert booking.seats == outcome.wanted == outcome.body["booking"]["seats"]
        assert all(sold.claims[seat] == booking.id for seat in booking.seats)
    assert len(sold.bookings) == len(winners)

    # Every 409 names seats it asked for that somebody else really has.
    for outcome in losers:
        assert outcome.body["error"]["code"] == "seat_taken", outcome.body
        named = outcome.body["error"]["details"]["seats"]
        assert named and set(named) <= set(outcome.wanted)
        for seat in named:
            booking_id = sold.claims.get(seat)
            if booking_id is None:
                # Only possible when a two-step user's booking gave up busy: their hold stays.
                assert allow_busy and seat in sold.claims
                continue
            assert sold.bookings[booking_id].user_id != outcome.user_id

    # The counter, the claim rows and the live map agree: free + booked = capacity.
    booked_seats = sum(len(b.seats) for b in sold.bookings.values())
    held = sum(1 for booking_id in sold.claims.values() if booking_id is None)
    assert sold.seats_booked == booked_seats == len(sold.claims) - held
    seat_map = _seat_map(server, show_id)
    assert seat_map["booked"] == booked_seats and seat_map["held"] == held
    assert held == 0 or allow_busy
    assert seat_map["free"] + seat_map["booked"] + seat_map["held"] == CAPACITY


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({}, id="defended"),
        pytest.param({"BOXOFFICE_DEBUG_RACE_DELAY_MS": "25"}, id="defended-wide-window"),
        pytest.param(
            {"BOXOFFICE_DEBUG_RACE_DELAY_MS": "25", "BOXOFFICE_DEBUG_DISABLE_LOCK": "true"},
            id="constraint-only",
        ),
    ],
)
def test_concurrent_bookings_never_sell_a_seat_twice(
    base_settings: Settings, tmp_path: Path, env: dict[str, str]
):
    with live_server(base_settings, tmp_path, **env) as server:
        show_id, accounts = _setup(server)
        outcomes = _race(server, show_id, accounts)
        # SQLite without BEGIN IMMEDIATE: a transaction that read before another committed
        # cannot write (SQLITE_BUSY_SNAPSHOT); after its retries it answers 503 "busy".
        lockless_sqlite = base_settings.is_sqlite and "BOXOFFICE_DEBUG_DISABLE_LOCK" in env
        _assert_sold_at_most_once(server, show_id, outcomes, allow_busy=lockless_sqlite)
        print(f"{env}: {Counter(o.status for o in outcomes)}")


# SQLite serialises writers itself; see the module docstring.
@pytest.mark.postgres_only
def test_control_without_defences_and_constraint_detects_double_sale(
    base_settings: Settings, tmp_path: Path
):
    """The checks above can fail: remove both defences and they see seats sold twice."""
    env = {"BOXOFFICE_DEBUG_RACE_DELAY_MS": "50", "BOXOFFICE_DEBUG_DISABLE_LOCK": "true"}
    with live_server(base_settings, tmp_path, **env) as server:
        with server.app.app_context():
            db.session.execute(
                sa.text("ALTER TABLE seat_claims DROP CONSTRAINT uq_seat_claims_show_seat")
            )
            db.session.commit()
        show_id, accounts = _setup(server)
        outcomes = _race(server, show_id, accounts)
        oversold = _sold(server, show_id).oversold
        # The very checks that pass above must fail here.
        with pytest.raises(AssertionError, match="sold more than once"):
            _assert_sold_at_most_once(server, show_id, outcomes)
    print(f"control run oversold: {oversold}")
    assert oversold
