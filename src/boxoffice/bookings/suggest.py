"""Best N seats together: the centre of the middle rows first, never stranding a single seat.

Candidates are windows of N consecutive free seats in one row. Seats are adjacent only when
their numbers are consecutive, so a removed seat (an aisle) or a taken seat breaks a block.
A window that leaves exactly one free seat between itself and the end of its block strands
that seat (nobody books a lone seat between strangers); such windows are chosen only when
every possible window strands one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..catalog.layout import Seat
from ..db_types import utcnow
from ..errors import Conflict
from .holds import check_open
from .seatmap import free_labels, show_layout

# A row further from the middle costs more than a seat further from the centre of a row:
# people would rather sit one seat off-centre than a whole row nearer the screen.
ROW_WEIGHT = 1.0
SEAT_WEIGHT = 0.5


@dataclass(frozen=True)
class Choice:
    strands: int
    cost: float
    row_index: int
    start: int
    labels: tuple[str, ...]

    @property
    def key(self) -> tuple[int, float, int, int]:
        return (self.strands, self.cost, self.row_index, self.start)


def _blocks(row_seats: Sequence[Seat], free: set[str]) -> list[list[Seat]]:
    """Runs of free seats with consecutive numbers."""
    blocks: list[list[Seat]] = []
    current: list[Seat] = []
    for seat in row_seats:
        if seat.label not in free:
            if current:
                blocks.append(current)
            current = []
            continue
        if current and seat.number != current[-1].number + 1:  # an aisle in between
            blocks.append(current)
            current = []
        current.append(seat)
    if current:
        blocks.append(current)
    return blocks


def suggest(
    seats: Sequence[Seat], free: set[str], count: int, rows: int, seats_per_row: int
) -> list[str]:
    """The best ``count`` adjacent free seats; 409 ``no_adjacent_seats`` when there are none."""
    by_row: dict[str, list[Seat]] = {}
    for seat in seats:
        by_row.setdefault(seat.row, []).append(seat)
    middle_row = (rows - 1) / 2
    middle_seat = (seats_per_row + 1) / 2
    best: Choice | None = None
    for row_seats in by_row.values():
        row_seats.sort(key=lambda s: s.number)
        row_index = ord(row_seats[0].row) - ord("A")
        for block in _blocks(row_seats, free):
            for start in range(len(block) - count + 1):
                window = block[start : start + count]
                left, right = start, len(block) - start - count
                centre = (window[0].number + window[-1].number) / 2
                choice = Choice(
                    strands=(left == 1) + (right == 1),
                    cost=ROW_WEIGHT * abs(row_index - middle_row)
                    + SEAT_WEIGHT * abs(centre - middle_seat),
                    row_index=row_index,
                    start=window[0].number,
                    labels=tuple(seat.label for seat in window),
                )
                if best is None or choice.key < best.key:
                    best = choice
    if best is None:
        raise Conflict(
            "no_adjacent_seats",
            f"There are no {count} free seats together for this show.",
            {"count": count},
        )
    return list(best.labels)


def best_seats(show_id: int, count: int) -> list[str]:
    """Suggestion for a show as it is now (expired holds count as free); 422 once it has
    started, as holding or booking would be."""
    show = show_layout(show_id)
    check_open(show, utcnow())
    free = free_labels(show_id, show.seats)
    return suggest(show.seats, free, count, show.rows, show.seats_per_row)
