"""Booking seats given directly: the bookings of one show that arrive together are written
in one transaction (``group_commit``).

Each order (one person, 1-10 seats) is still all or nothing and is refused on its own:

1. One read: the show, then every claim on the seats asked for and every held claim of the
   people asking, with what the database says each claim is (booked, held, expired).
2. Orders are decided in order of arrival. An order is refused with 409 when a seat is
   booked, held by someone else, or promised to an earlier order of the same batch; with
   422 when a seat does not exist. The others win.
3. For the winners, in bulk: their old holds on this show and expired holds on their seats
   are cleared, the bookings and their confirmation mails are inserted, the claims are
   inserted (``ON CONFLICT DO NOTHING``, as in ``holds.claim_seats``), and the show's
   counter moves once, last before the commit (see ``locking``).

The unique constraint on (show, seat) still has the last word. If the claims insert skips a
seat, a transaction the read could not see took it meanwhile, and only the database knows
which order that hurts: the batch is rolled back and every order is tried again on its own,
each with the single-order rules (one more try, then 409 naming the seats).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from flask import current_app
from sqlalchemy import bindparam
from sqlalchemy.orm import Session

from .. import notifications
from ..auth.models import User
from ..catalog.layout import Seat
from ..db_types import utcnow
from ..errors import ApiError, Conflict
from . import events
from .group_commit import GroupCommit
from .holds import (
    CLAIMS,
    CLAIMS_TABLE,
    check_open,
    claims_among,
    insert_skipping_taken,
    is_reusable_by,
    is_taken_from,
    price_of,
    seat_taken,
    seats_for,
    taken_now,
)
from .locking import count_booked, debug_race, race_pause, read_show, run_locked
from .models import Booking, Hold
from .records import INSERT_BOOKINGS, booking_values, booking_view
from .seatmap import BOOKED, FREE

# At most this many orders share a transaction; more wait for the next one.
MAX_BATCH = 32
_GROUPS = "boxoffice_seat_orders"

DELETE_CLAIMS = CLAIMS_TABLE.delete().where(CLAIMS.id.in_(bindparam("ids", expanding=True)))
_HOLDS = Hold.__table__.c
DELETE_HOLDS = Hold.__table__.delete().where(
    _HOLDS.show_id == bindparam("target_show"),
    _HOLDS.user_id.in_(bindparam("users", expanding=True)),
)

Outcome = dict[str, Any] | ApiError


@dataclass(frozen=True)
class SeatOrder:
    # A detached copy of the caller: another thread's transaction may use it.
    user: User
    labels: list[str]


# An order that won its seats: its place in the batch, the order, its seats.
Winner = tuple[int, SeatOrder, list[Seat]]


def book_seats(user: User, show_id: int, labels: list[str]) -> dict[str, Any]:
    """Book these seats of the show for the caller, all or nothing (module docstring)."""
    groups: GroupCommit[SeatOrder, dict[str, Any]] = current_app.extensions.setdefault(
        _GROUPS, GroupCommit()
    )
    caller = User(id=user.id, email=user.email, name=user.name, language=user.language)
    # The test-only control runs of the concurrency tests keep one order per transaction.
    limit = 1 if debug_race().disable_lock else MAX_BATCH
    order = SeatOrder(caller, labels)
    # A refused order's ApiError is raised in its own thread.
    return groups.run(show_id, order, lambda batch: book_together(show_id, batch), limit)


def book_together(show_id: int, orders: list[SeatOrder], retry: bool = True) -> list[Outcome]:
    """One outcome per order, from as few transactions as the seats allow."""
    try:
        return run_locked(
            lambda session: _book(session, show_id, orders), lambda: _refused(show_id, orders)
        )
    except Conflict as conflict:  # raised for the whole batch: a claim the read did not see
        if conflict.code != "seat_taken":
            raise
        if len(orders) == 1:
            if not retry:
                raise
            # Perhaps the caller's own request of a moment ago (a double click), which the
            # next read counts as theirs to replace.
            return book_together(show_id, orders, retry=False)
    return [_alone(show_id, order) for order in orders]


def _alone(show_id: int, order: SeatOrder) -> Outcome:
    try:
        return book_together(show_id, [order])[0]
    except ApiError as refusal:
        return refusal


def _refused(show_id: int, orders: list[SeatOrder]) -> Conflict:
    """The 409 for a batch that hit the seat constraint itself (see ``locking.run_locked``)."""
    if len(orders) == 1:
        return taken_now(show_id, orders[0].user.id, orders[0].labels)
    return seat_taken([])  # which order hit it is unknown: each one is tried alone


def _book(session: Session, show_id: int, orders: list[SeatOrder]) -> list[Outcome]:
    now = utcnow()
    show = read_show(session, show_id)
    check_open(show, now)
    labels = {label for order in orders for label in order.labels}
    claims = claims_among(session, show_id, labels, {order.user.id for order in orders}, now)
    early = not debug_race().disable_lock  # the control runs rely on the constraint alone

    outcomes: list[Outcome | None] = []
    winners: list[Winner] = []
    promised: set[str] = set()
    for order in orders:
        try:
            seats = seats_for(show, order.labels)
            taken = promised.intersection(order.labels)
            if early:
                taken.update(
                    claim.seat
                    for claim in claims
                    if claim.seat in order.labels and is_taken_from(claim, order.user.id)
                )
            if taken:
                raise seat_taken(sorted(taken))
        except ApiError as refusal:
            outcomes.append(refusal)
            continue
        promised.update(order.labels)
        winners.append((len(outcomes), order, seats))
        outcomes.append(None)
    if not winners:
        return cast(list[Outcome], outcomes)  # all refused

    freed = _clear_reusable(session, show_id, claims, [order for _, order, _ in winners], promised)
    values = [
        booking_values(order.user, show, order.labels, price_of(show, seats), now)
        for _, order, seats in winners
    ]
    ids = session.scalars(INSERT_BOOKINGS, values).all()
    notifications.booking_confirmed(
        [(booking_id, order.user) for booking_id, (_, order, _) in zip(ids, winners, strict=True)]
    )
    _claim(session, show, winners, ids)
    count_booked(session, show_id, sum(len(order.labels) for _, order, _ in winners))
    booked = [(label, BOOKED) for _, order, _ in winners for label in order.labels]
    events.publish_after_commit(show_id, [(seat, FREE) for seat in freed] + booked)
    for booking_id, row, (index, _, _) in zip(ids, values, winners, strict=True):
        outcomes[index] = booking_view(Booking(id=booking_id, **row), now)
    return cast(list[Outcome], outcomes)  # every order has its outcome now


def _clear_reusable(
    session: Session,
    show_id: int,
    claims: Sequence[Any],
    winners: list[SeatOrder],
    promised: set[str],
) -> list[str]:
    """Delete what the winners may reuse (``holds.is_reusable_by``): their own held seats on
    this show (a booking replaces one's hold) and expired holds on their seats. Returns the
    seats the winners gave up."""
    reusable = {
        claim.id: claim
        for order in winners
        for claim in claims
        if is_reusable_by(claim, order.user.id, order.labels)
    }
    if not reusable:
        return []
    session.execute(DELETE_CLAIMS, {"ids": list(reusable)})
    buyers = {order.user.id for order in winners}
    own = [claim for claim in reusable.values() if claim.user_id in buyers]
    if own:
        holders = sorted({claim.user_id for claim in own})
        session.execute(DELETE_HOLDS, {"target_show": show_id, "users": holders})
    return sorted(claim.seat for claim in own if claim.seat not in promised)


def _claim(session: Session, show: Any, winners: list[Winner], ids: Sequence[int]) -> None:
    """Insert the winners' claims; a seat skipped here was taken since the read."""
    # One order for everyone (row, then number): two transactions waiting on each other's
    # seats cannot deadlock.
    in_order = sorted(
        ((seat.row, seat.number), booking_id, order.user.id, seat)
        for booking_id, (_, order, seats) in zip(ids, winners, strict=True)
        for seat in seats
    )
    rows = [
        {
            "show_id": show.id,
            "seat": seat.label,
            "user_id": user_id,
            "hold_id": None,
            "booking_id": booking_id,
            "expires_at": None,
            "price": show.price + seat.surcharge,
        }
        for _, booking_id, user_id, seat in in_order
    ]
    claimed = set(session.scalars(insert_skipping_taken(session), rows))
    if len(claimed) != len(rows):
        raise seat_taken([row["seat"] for row in rows if row["seat"] not in claimed])
    race_pause()
