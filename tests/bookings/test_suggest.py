"""Best seats together: centre of the middle rows, no stranded single seats, aisles respected."""

from __future__ import annotations

import pytest
from bookings.conftest import book, hold, later, soon_show
from flask.testing import FlaskClient
from support import Account, assert_error

from boxoffice.bookings.suggest import suggest
from boxoffice.catalog.layout import seats_of
from boxoffice.errors import ApiError

ROW_C = {f"C{n}" for n in range(1, 11)}
ALL = {f"{r}{n}" for r in "ABCDE" for n in range(1, 11)}


def _suggest(rows, per_row, count, taken=(), removed=()):
    seats = seats_of(rows, per_row, {"removed": list(removed)})
    free = {seat.label for seat in seats} - set(taken)
    return suggest(seats, free, count, rows, per_row)


def test_empty_hall_gives_centre_of_middle_row():
    assert _suggest(5, 10, 2) == ["C5", "C6"]
    assert _suggest(5, 10, 3) == ["C4", "C5", "C6"]
    assert _suggest(5, 9, 1) == ["C5"]


def test_never_strands_a_single_seat_when_avoidable():
    # Only row C is open and C3 is taken: C5-C6 is the most central pair but would leave C4
    # alone between C3 and the pair; C4-C5 is as central as C6-C7 and strands nothing.
    taken = (ALL - ROW_C) | {"C3"}
    assert _suggest(5, 10, 2, taken=taken) == ["C4", "C5"]


def test_strands_only_when_nothing_else_is_possible():
    taken = ALL - {"C1", "C2", "C3"}
    assert _suggest(5, 10, 2, taken=taken) == ["C2", "C3"]


def test_middle_rows_before_front_and_back():
    taken = ROW_C
    assert _suggest(5, 10, 2, taken=taken)[0][0] in "BD"


def test_aisles_break_adjacency():
    removed = [f"{r}{n}" for r in "ABC" for n in (4, 7)]  # blocks 1-3, 5-6, 8-10
    with pytest.raises(ApiError) as error:
        _suggest(3, 10, 4, removed=removed)
    assert error.value.code == "no_adjacent_seats"
    assert _suggest(3, 10, 2, removed=removed) == ["B5", "B6"]
    assert _suggest(3, 10, 3, removed=removed) == ["B1", "B2", "B3"]


def test_api_suggests_around_holds_and_bookings(
    client: FlaskClient, show, user: Account, other_user: Account
):
    # The fixture hall: 5 rows of 1-4 | aisle | 6-8.
    query = {"show_id": show.id, "count": 2}
    response = client.get("/api/show/suggest", query_string=query)
    assert response.status_code == 200
    assert response.get_json() == {"seats": ["C3", "C4"]}
    hold(client, user, show.id, ["C3", "C4"])
    assert client.get("/api/show/suggest", query_string=query).get_json()["seats"] != [
        "C3",
        "C4",
    ]
    book(client, other_user, show_id=show.id, seats=["C1", "C2", "C6", "C7", "C8"])
    row_c_gone = client.get("/api/show/suggest", query_string=query).get_json()["seats"]
    assert row_c_gone[0][0] in "BD"


def test_api_errors(client: FlaskClient, show):
    for count in ("0", "11", "x", ""):
        query = {"show_id": show.id, "count": count}
        assert_error(client.get("/api/show/suggest", query_string=query), 422)
    assert_error(client.get("/api/show/suggest", query_string={"show_id": show.id}), 422)
    missing = {"show_id": 999, "count": 2}
    assert_error(client.get("/api/show/suggest", query_string=missing), 404)
    five = {"show_id": show.id, "count": 5}  # the aisle splits every row into 4 + 3
    assert_error(client.get("/api/show/suggest", query_string=five), 409, "no_adjacent_seats")


def test_no_suggestions_once_the_show_has_started(client: FlaskClient):
    """Like holding and booking: its seats are no longer on offer."""
    show = soon_show(minutes=30)
    query = {"show_id": show.id, "count": 2}
    assert client.get("/api/show/suggest", query_string=query).status_code == 200
    with later(31):
        assert_error(client.get("/api/show/suggest", query_string=query), 422, "show_started")
