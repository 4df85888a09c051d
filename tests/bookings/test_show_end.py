"""Every booking says when its show ends: the ticket admits at the door until then, so the
owner's page keeps its QR code until then too. The booking keeps its own copy of the end
(a show can be deleted), kept in step when an admin changes the show's length."""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from bookings.conftest import book, hold, later, soon_show
from factories import make_show, make_venue
from flask.testing import FlaskClient
from support import Account

from boxoffice.bookings import locking, seat_orders, services, tickets
from boxoffice.bookings.models import Booking
from boxoffice.catalog.models import Show
from boxoffice.db_types import utcnow
from boxoffice.extensions import db
from boxoffice.reports.models import MailLog


def _booking(client: FlaskClient, who: Account, booking_id: int) -> dict[str, Any]:
    query = {"booking_id": booking_id}
    response = client.get("/api/booking/get", query_string=query, headers=who.headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["booking"]


def _times(booking: dict[str, Any]) -> tuple[datetime, datetime]:
    show = booking["show"]
    return datetime.fromisoformat(show["starts_at"]), datetime.fromisoformat(show["ends_at"])


def _update(client: FlaskClient, admin: Account, show: Show, **changes: Any) -> None:
    body = {"show_id": show.id, **changes}
    response = client.post("/api/show/update", json=body, headers=admin.headers)
    assert response.status_code == 200, response.get_json()


def _door(booking: dict[str, Any]) -> str:
    ref = tickets.ticket_ref(db.session.get(Booking, booking["booking_id"]))
    return str(tickets.verify_ref(ref)["reason"])


def test_every_booking_says_when_its_show_ends(client: FlaskClient, show: Show, user: Account):
    made = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    starts_at, ends_at = _times(made)
    assert ends_at - starts_at == timedelta(minutes=120)  # the show's length, not a default
    assert ends_at.utcoffset() == starts_at.utcoffset()  # local time, like the start
    assert _booking(client, user, made["booking_id"]) == made
    listed = client.get("/api/booking/get", headers=user.headers).get_json()["bookings"]
    assert [b["show"]["ends_at"] for b in listed] == [made["show"]["ends_at"]]
    cancelled = client.post(
        "/api/booking/cancel", json={"booking_id": made["booking_id"]}, headers=user.headers
    ).get_json()["booking"]
    assert cancelled["show"]["ends_at"] == made["show"]["ends_at"]


def test_a_booked_hold_says_when_its_show_ends(client: FlaskClient, user: Account):
    show = make_show(duration_minutes=95)
    held = hold(client, user, show.id, ["B2"]).get_json()
    made = book(client, user, hold_id=held["hold_id"]).get_json()["booking"]
    starts_at, ends_at = _times(made)
    assert ends_at - starts_at == timedelta(minutes=95)


def test_the_door_admits_a_late_comer_until_the_end_the_booking_says(
    client: FlaskClient, user: Account
):
    show = soon_show(minutes=30, duration_minutes=100)
    made = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    _, ends_at = _times(made)
    with later(31):  # the show has started
        assert _door(made) == "ok"
    with time_machine.travel(ends_at - timedelta(seconds=1), tick=False):
        assert _door(made) == "ok"
    with time_machine.travel(ends_at + timedelta(seconds=1), tick=False):
        assert _door(made) == "show_over"


def test_a_longer_show_moves_the_end_of_its_bookings_and_the_door_follows(
    client: FlaskClient, show: Show, user: Account, other_user: Account, admin: Account
):
    mine = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    theirs = book(client, other_user, show_id=show.id, seats=["A2"]).get_json()["booking"]
    client.post("/api/booking/cancel", json={"booking_id": theirs["booking_id"]},
                headers=other_user.headers)  # fmt: skip
    elsewhere = make_show(make_venue(name="Other"), title="Elsewhere")
    untouched = book(client, user, show_id=elsewhere.id, seats=["A1"]).get_json()["booking"]

    _update(client, admin, show, duration_minutes=165)

    for who, booking in ((user, mine), (other_user, theirs)):
        starts_at, ends_at = _times(_booking(client, who, booking["booking_id"]))
        assert ends_at - starts_at == timedelta(minutes=165)
    assert _booking(client, user, untouched["booking_id"])["show"] == untouched["show"]
    starts_at, _ = _times(mine)
    # 150 minutes in, past the old end: the door admits, as the page shows the QR code.
    with time_machine.travel(starts_at + timedelta(minutes=150), tick=False):
        assert _door(mine) == "ok"
    with time_machine.travel(starts_at + timedelta(minutes=166), tick=False):
        assert _door(mine) == "show_over"

    _update(client, admin, show, duration_minutes=90, title="Leo (short cut)")
    starts_at, ends_at = _times(_booking(client, user, mine["booking_id"]))
    assert ends_at - starts_at == timedelta(minutes=90)


def test_a_rescheduled_show_leaves_bookings_cancelled_before_at_their_own_times(
    client: FlaskClient, show: Show, user: Account, admin: Account
):
    """A show can only move while no booking of it is confirmed; one cancelled before keeps
    the start it was booked for, and the end that goes with that start."""
    old = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    client.post("/api/booking/cancel", json={"booking_id": old["booking_id"]},
                headers=user.headers)  # fmt: skip
    moved_to = show.starts_at + timedelta(days=1)
    _update(client, admin, show, starts_at=moved_to.isoformat(), duration_minutes=100)

    assert _booking(client, user, old["booking_id"])["show"] == old["show"]
    new = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    starts_at, ends_at = _times(new)
    assert starts_at == moved_to.replace(microsecond=0)
    assert ends_at - starts_at == timedelta(minutes=100)


def test_a_deleted_show_leaves_its_bookings_their_end(
    client: FlaskClient, user: Account, admin: Account
):
    """Deleted once it is over: the booking stays confirmed and past. Its end is the show's
    (90 minutes), not a guess, so the ticket does not come back to life at the door."""
    show = soon_show(minutes=30, duration_minutes=90)
    made = book(client, user, show_id=show.id, seats=["A1"]).get_json()["booking"]
    with later(121):  # the show ended a minute ago
        response = client.post("/api/show/delete", json={"show_id": show.id},
                               headers=admin.headers)  # fmt: skip
        assert response.status_code == 200, response.get_json()
        kept = _booking(client, user, made["booking_id"])
        assert (kept["show_id"], kept["status"]) == (None, "confirmed")
        assert kept["show"] == {**made["show"], "show_id": None}
        assert _door(made) == "show_over"


def test_the_history_reads_no_show_rows(client: FlaskClient, user: Account):
    """The end is the booking's own: listing bookings of many shows reads no show."""
    venue = make_venue(name="Many")
    for index in range(3):
        show = make_show(venue, starts_in=timedelta(days=index + 1))
        book(client, user, show_id=show.id, seats=["A1"])
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.lower())

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        listed = client.get("/api/booking/get", headers=user.headers).get_json()["bookings"]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert len({b["show"]["ends_at"] for b in listed}) == 3
    assert statements and not [s for s in statements if " shows" in s], statements


# ---- a show changed while a booking of it is under way ----------------------------------


def _read_before_a_change(module: Any, monkeypatch: pytest.MonkeyPatch, reads: list[int]) -> None:
    """``read_show`` that the first time returns the show as it was before an admin made it
    120 minutes long: as if the admin's change had committed just after the read."""
    real = module.read_show

    def read(connection: Any, show_id: int) -> Any:
        row = real(connection, show_id)
        reads.append(row.duration_minutes)
        if len(reads) == 1:
            return SimpleNamespace(**{**row._asdict(), "duration_minutes": 45})
        return row

    monkeypatch.setattr(module, "read_show", read)


@pytest.mark.parametrize("way", ["seats", "hold"])
def test_a_booking_that_read_the_show_before_a_change_copies_the_new_end(
    client: FlaskClient, show: Show, user: Account, monkeypatch: pytest.MonkeyPatch, way: str
):
    """It would copy the old end, after the admin brought the show's bookings in step: its
    counter update finds the show changed, and the booking is made again from a new read."""
    body: dict[str, Any] = {"show_id": show.id, "seats": ["C1"]}
    if way == "hold":
        body = {"hold_id": hold(client, user, show.id, ["C1"]).get_json()["hold_id"]}
    reads: list[int] = []
    _read_before_a_change(seat_orders if way == "seats" else services, monkeypatch, reads)
    response = book(client, user, **body)
    assert response.status_code == 201, response.get_json()
    starts_at, ends_at = _times(response.get_json()["booking"])
    assert ends_at - starts_at == timedelta(minutes=120)
    assert reads == [120, 120]
    stored = db.session.scalars(sa.select(Booking)).one()
    assert stored.show_ends_at - stored.show_starts_at == timedelta(minutes=120)
    db.session.expire_all()
    assert db.session.get(Show, show.id).seats_booked == 1
    # The first try's confirmation mail went with its rollback: one mail, for the booking made.
    assert db.session.scalars(sa.select(MailLog.period)).all() == [f"booking:{stored.id}"]


def test_a_show_that_keeps_changing_is_a_503_not_a_stale_end(
    client: FlaskClient, show: Show, user: Account, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(
        seat_orders,
        "read_show",
        lambda connection, show_id: SimpleNamespace(
            **{**locking.read_show(connection, show_id)._asdict(), "duration_minutes": 45}
        ),
    )
    response = book(client, user, show_id=show.id, seats=["C1"])
    assert (response.status_code, response.get_json()["error"]["code"]) == (503, "busy")
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0


@pytest.mark.postgres_only
def test_an_admin_change_committed_during_a_booking_reaches_it(
    client: FlaskClient, show: Show, user: Account, monkeypatch: pytest.MonkeyPatch
):
    """PostgreSQL, for real: the booking reads the show without a lock, another connection
    lengthens the show and commits, and only then does the booking write."""
    real = seat_orders.read_show
    reads: list[int] = []

    def read_then_change(connection: Any, show_id: int) -> Any:
        row = real(connection, show_id)
        reads.append(row.duration_minutes)
        if len(reads) == 1:
            with db.engine.begin() as admin:
                admin.execute(
                    sa.text("UPDATE shows SET duration_minutes = 150 WHERE id = :id"),
                    {"id": show_id},
                )
        return row

    monkeypatch.setattr(seat_orders, "read_show", read_then_change)
    response = book(client, user, show_id=show.id, seats=["C1"])
    assert response.status_code == 201, response.get_json()
    starts_at, ends_at = _times(response.get_json()["booking"])
    assert ends_at - starts_at == timedelta(minutes=150)
    assert reads == [120, 150]


@pytest.mark.postgres_only
@pytest.mark.parametrize("change", ["moved", "reseated", "same_capacity"])
def test_a_booking_never_keeps_seats_of_a_venue_its_show_left_meanwhile(
    client: FlaskClient, show: Show, user: Account, monkeypatch: pytest.MonkeyPatch, change: str
):
    """PostgreSQL, for real: the booking reads the show and its venue without a lock; an
    admin moves the show to another venue (or changes its venue's seating, even to as many
    seats in another shape) and commits before the booking writes. The booking must not
    copy the old venue or keep a seat that is gone: it is made again from a new read, which
    refuses E8 as not a seat any more. The admin's statements are those of
    ``catalog.services`` (``test_a_new_seating_counts_up_the_seating_version`` checks them)."""
    other = make_venue(name="Annexe", location="Madurai", rows=2, seats_per_row=4)
    real = seat_orders.read_show
    reads: list[str] = []  # the venue and its rows, as each try read them
    new_seating = {"reseated": (2, 8), "same_capacity": (7, 5)}  # 35 seats, as now

    def read_then_change(connection: Any, show_id: int) -> Any:
        row = real(connection, show_id)
        reads.append(f"{row.venue_name} {row.rows}")
        if len(reads) == 1:
            with db.engine.begin() as admin:
                if change == "moved":
                    admin.execute(
                        sa.text(
                            "UPDATE shows SET venue_id = :v, capacity = 8,"
                            " seating_version = seating_version + 1 WHERE id = :id"
                        ),
                        {"v": other.id, "id": show_id},
                    )
                else:
                    rows, per_row = new_seating[change]
                    venue_id = admin.scalar(
                        sa.text("SELECT venue_id FROM shows WHERE id = :id"), {"id": show_id}
                    )
                    admin.execute(
                        sa.text(
                            "UPDATE venues SET rows = :r, seats_per_row = :s, layout = '{}'"
                            " WHERE id = :v"
                        ),
                        {"r": rows, "s": per_row, "v": venue_id},
                    )
                    admin.execute(
                        sa.text(
                            "UPDATE shows SET capacity = :c,"
                            " seating_version = seating_version + 1 WHERE id = :id"
                        ),
                        {"c": rows * per_row, "id": show_id},
                    )
        return row

    monkeypatch.setattr(seat_orders, "read_show", read_then_change)
    response = book(client, user, show_id=show.id, seats=["E8"])
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["details"]["unknown"] == ["E8"]
    expected = {"moved": "Annexe 2", "reseated": "Hall 2", "same_capacity": "Hall 7"}
    assert reads == ["Hall 5", expected[change]]
    assert db.session.scalar(sa.select(sa.func.count(Booking.id))) == 0
    db.session.expire_all()
    assert db.session.get(Show, show.id).seats_booked == 0


def test_a_new_seating_counts_up_the_seating_version(show: Show):
    """What a booking that read the old seating checks before it commits (see above)."""
    from boxoffice.catalog import services as catalog

    started = make_show(show.venue, starts_in=timedelta(minutes=30))
    db.session.execute(
        sa.update(Show)
        .where(Show.id == started.id)
        .values(starts_at=utcnow() - timedelta(minutes=10))
    )
    db.session.commit()
    other = make_venue(name="Annexe", location="Madurai", rows=2, seats_per_row=4)
    moving = make_show(show.venue, starts_in=timedelta(days=5))

    def versions() -> tuple[int, int, int]:
        db.session.expire_all()
        return tuple(db.session.get(Show, s.id).seating_version for s in (show, started, moving))

    assert versions() == (0, 0, 0)
    catalog.update_venue(show.venue_id, {"name": "Renamed"})  # not the seating
    assert versions() == (0, 0, 0)
    # As many seats as before, in another shape: the seats are not the same ones.
    catalog.update_venue(show.venue_id, {"rows": 7, "seats_per_row": 5, "layout": {}})
    assert versions() == (1, 0, 1)  # a show that has started keeps the seating it had
    catalog.update_show(moving.id, {"venue_id": other.id})
    assert versions() == (1, 0, 2)
