"""Holding and booking seats: the orders for one show that arrive together are written in
one transaction (``group_commit``).

An order is one person asking for 1-10 seats of a show, to hold them for a few minutes
(``hold_seats``) or to book them at once (``book_seats``). Each is all or nothing and is
decided on its own, as if the orders of a batch had come one after the other:

1. One read: the show; for holds, the people asking (their rows locked on PostgreSQL) and
   the other shows they hold; then every claim on the seats asked for and every held claim
   of the people asking, with what the database says each claim is (booked, held,
   expired). Holds of one person on one show through two web processes so run one after
   the other: the second reads the first's claims and replaces them.
2. Orders are decided in order of arrival. An order is refused with 409 when a seat is
   booked, held by someone else, or promised to an earlier order of the batch; with 422
   when a seat does not exist; a hold with 409 when its person already holds seats of five
   other shows (``holds.over_hold_limit``, read in the same transaction). A person's new
   hold or booking replaces their hold on the show: the seats of their old hold are free
   for anyone after them, and a hold replaces the same person's hold from earlier in the
   batch (which is then never written).
3. For the winners, in bulk: their old holds and expired holds on their seats are cleared;
   the new holds, or the bookings and their confirmation mails, are inserted; then the
   claims, ``ON CONFLICT DO NOTHING``; for bookings the show's counter moves once, last
   before the commit (see ``locking``).

The unique constraint on (show, seat) still has the last word. If the claims insert skips a
seat, a transaction the read could not see (another web process's batch) took it meanwhile.
The orders that lost a seat are taken out again: what was written for them is deleted, the
rest of the batch commits, and each loser (with any order that its seats were promised to
before it) is tried again on its own, which then refuses it with 409 naming the seats or,
should the seat have been freed meanwhile, places it. Only when taking a loser out cannot
undo everything the batch did for its person (their old hold on the show is gone, or a
hold of theirs earlier in the batch was replaced) is the whole batch rolled back and every
order tried on its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import Connection, bindparam, or_
from sqlalchemy.orm import Session

from .. import notifications
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
    end_holds,
    insert_skipping_taken,
    is_reusable_by,
    is_taken_from,
    over_hold_limit,
    price_of,
    seat_taken,
    seats_for,
    taken_now,
)
from .locking import count_booked, debug_race, race_pause, read_show, run_locked
from .models import Booking, Hold
from .records import booking_view, insert_bookings
from .seatmap import BOOKED, FREE, HELD

# At most this many orders share a transaction; more wait for the next one.
MAX_BATCH = 32
_GROUPS = "boxoffice_seat_orders"

INSERT_HOLD = Hold.__table__.insert()
# What the winners reuse: the expired claims read on their seats (by id), and every held
# claim of theirs on the show, also one committed since the read (on PostgreSQL, a hold of
# theirs sent at the same moment through another web process), which their new hold or
# booking replaces. Only claims still held: a hold read as such may have been booked since,
# and a booked seat's claim is never reusable. The rows deleted say which seats were
# freed, so that the seat event names those and no others.
CLEAR_CLAIMS = (
    CLAIMS_TABLE.delete()
    .where(
        CLAIMS.show_id == bindparam("target_show"),
        CLAIMS.booking_id.is_(None),
        or_(
            CLAIMS.id.in_(bindparam("ids", expanding=True)),
            CLAIMS.user_id.in_(bindparam("people", expanding=True)),
        ),
    )
    .returning(CLAIMS.seat, CLAIMS.user_id, CLAIMS.hold_id)
)
_HOLDS = Hold.__table__.c
# Taking the orders that lost a seat back out of a batch (by hold or booking id).
DROP_HELD_CLAIMS = CLAIMS_TABLE.delete().where(CLAIMS.hold_id.in_(bindparam("ids", expanding=True)))
DROP_HOLDS = Hold.__table__.delete().where(_HOLDS.id.in_(bindparam("ids", expanding=True)))
DROP_BOOKED_CLAIMS = CLAIMS_TABLE.delete().where(
    CLAIMS.booking_id.in_(bindparam("ids", expanding=True))
)
DROP_BOOKINGS = Booking.__table__.delete().where(
    Booking.__table__.c.id.in_(bindparam("ids", expanding=True))
)

Outcome = dict[str, Any] | ApiError


@dataclass(frozen=True)
class SeatOrder:
    user_id: int  # the caller's id from their token: their row is never read here
    labels: list[str]


@dataclass(frozen=True)
class Winner:
    position: int  # in the batch
    order: SeatOrder
    seats: list[Seat]


@dataclass(frozen=True)
class Kind:
    """What winning orders become: holds or bookings."""

    name: str
    # Records the winners (``replaced``: holds that a later order of the same person
    # replaced, answered but never written); returns each one's outcome by position, the
    # extra columns of each winner's claims, and the seats' new status for the event.
    record: Callable[
        [Connection, Any, list[Winner], list[Winner], datetime],
        tuple[dict[int, Outcome], list[dict[str, Any]], str],
    ]
    # Deletes what ``record`` wrote for orders that lost a seat, given their claim columns.
    drop: Callable[[Connection, list[dict[str, Any]]], None]
    # The last statements of the transaction, for the orders that got all their seats
    # (with their claim columns), given the show as read.
    finish: Callable[[Session, Any, list[Winner], list[dict[str, Any]]], None]
    # Whether a person's later order replaces their earlier one of the same batch.
    replaces_own: bool
    # The refusal, by person, of those whose orders of this kind are over a limit, read in
    # the batch's transaction before its claims are read (see ``_place``). A factory: each
    # refused order gets an exception of its own, raised in its own request's thread.
    limits: Callable[[Connection, int, set[int], datetime], dict[int, Callable[[], ApiError]]]


def hold_seats(user_id: int, show_id: int, labels: list[str]) -> dict[str, Any]:
    """Hold 1-10 seats for the caller, all or nothing; replaces their previous hold here."""
    return _submit(HOLD, user_id, show_id, labels)


def book_seats(user_id: int, show_id: int, labels: list[str]) -> dict[str, Any]:
    """Book these seats of the show for the caller, all or nothing."""
    return _submit(BOOK, user_id, show_id, labels)


def _submit(kind: Kind, user_id: int, show_id: int, labels: list[str]) -> dict[str, Any]:
    groups: GroupCommit[SeatOrder, dict[str, Any]] = current_app.extensions.setdefault(
        _GROUPS, GroupCommit()
    )
    # The test-only control runs of the concurrency tests keep one order per transaction.
    limit = 1 if debug_race().disable_lock else MAX_BATCH
    order = SeatOrder(user_id, labels)
    # A refused order's ApiError is raised in its own thread.
    return groups.run((kind.name, show_id), order, lambda batch: place(kind, show_id, batch), limit)


def place(kind: Kind, show_id: int, orders: list[SeatOrder], retry: bool = True) -> list[Outcome]:
    """One outcome per order, from as few transactions as the seats allow."""
    try:
        outcomes, again = run_locked(
            lambda session: _place(session, kind, show_id, orders),
            lambda: _refused(show_id, orders),
        )
    except ApiError as refusal:
        # Raised for the whole batch by the database: a claim the read did not see (409),
        # or a person whose account is gone (401). Which order it concerns is unknown.
        if refusal.code not in ("seat_taken", "invalid_token"):
            raise
        if len(orders) == 1:
            if not retry or refusal.code != "seat_taken":
                raise
            # Perhaps the caller's own request of a moment ago (a double click), which the
            # next read counts as theirs to replace.
            return place(kind, show_id, orders, retry=False)
        return [_alone(kind, show_id, order) for order in orders]
    for position in sorted(again):
        outcomes[position] = _alone(kind, show_id, orders[position])
    return cast(list[Outcome], outcomes)  # every order has its outcome now


def _alone(kind: Kind, show_id: int, order: SeatOrder) -> Outcome:
    try:
        return place(kind, show_id, [order])[0]
    except ApiError as refusal:
        return refusal


def _refused(show_id: int, orders: list[SeatOrder]) -> Conflict:
    """The 409 for a batch that hit the seat constraint itself (see ``locking.run_locked``)."""
    if len(orders) == 1:
        return taken_now(show_id, orders[0].user_id, orders[0].labels)
    return seat_taken([])  # which order hit it is unknown: each one is tried alone


def _place(
    session: Session, kind: Kind, show_id: int, orders: list[SeatOrder]
) -> tuple[list[Outcome | None], set[int]]:
    """The outcome of each order (``None`` for those to be tried again on their own after
    the commit) and the positions of those."""
    now = utcnow()
    connection = session.connection()
    show = read_show(connection, show_id)
    check_open(show, now)
    labels = {label for order in orders for label in order.labels}
    people = {order.user_id for order in orders}
    # Before the claims are read: a hold's limits lock its people's rows (PostgreSQL), so
    # that a hold of theirs on this show committed by another web process a moment ago is
    # read, and replaced, even when they held nothing here before it.
    refusals = kind.limits(connection, show_id, people, now)
    claims = claims_among(connection, show_id, labels, people, now)
    outcomes, winners, replaced = _decide(kind, show, claims, orders, refusals)
    again: set[int] = set()
    if winners:
        given_up = _clear_reusable(connection, show_id, claims, winners, now)
        views, columns, status = kind.record(connection, show, winners, replaced, now)
        lost = _claim(connection, show, winners, columns)
        if lost:
            losers = _losers(orders, winners, replaced, given_up, lost)
            kind.drop(connection, [columns[index] for index in losers])
            again = _to_try_again(orders, outcomes, [winners[index] for index in losers])
            columns = [column for index, column in enumerate(columns) if index not in losers]
            winners = [winner for index, winner in enumerate(winners) if index not in losers]
        claimed = {label for winner in winners for label in winner.order.labels}
        if winners:
            kind.finish(session, show, winners, columns)
        freed = sorted({claim.seat for claim in given_up} - claimed)
        changes = [(seat, FREE) for seat in freed] + [(seat, status) for seat in sorted(claimed)]
        events.publish_after_commit(show_id, changes)
        for position, view in views.items():
            if position not in again:
                outcomes[position] = view
    return outcomes, again


def _losers(
    orders: list[SeatOrder],
    winners: list[Winner],
    replaced: list[Winner],
    given_up: list[Any],
    lost: set[str],
) -> set[int]:
    """The indexes (in ``winners``) of the orders that did not get every seat.

    Raises the 409 that rolls the whole batch back when taking them out is not enough: a
    single order (``place`` tries it once more), or a loser whose person this batch also
    took an old hold from or replaced an earlier hold of (their failed order must leave
    those as they were)."""
    losers = {
        index for index, winner in enumerate(winners) if not lost.isdisjoint(winner.order.labels)
    }
    people = {winners[index].order.user_id for index in losers}
    touched = {claim.user_id for claim in given_up} | {winner.order.user_id for winner in replaced}
    if len(orders) == 1 or not people.isdisjoint(touched):
        raise seat_taken(sorted(lost))
    return losers


def _to_try_again(
    orders: list[SeatOrder], outcomes: list[Outcome | None], losers: list[Winner]
) -> set[int]:
    """The losers, and the orders refused because they asked for a seat promised to one."""
    seats = {label for loser in losers for label in loser.order.labels}
    refused = {
        position
        for position, outcome in enumerate(outcomes)
        if isinstance(outcome, Conflict) and not seats.isdisjoint(orders[position].labels)
    }
    return {loser.position for loser in losers} | refused


def _decide(
    kind: Kind,
    show: Any,
    claims: Sequence[Any],
    orders: list[SeatOrder],
    refusals: dict[int, Callable[[], ApiError]],
) -> tuple[list[Outcome | None], list[Winner], list[Winner]]:
    """Refusals by position (``None`` for winners), the winners, and the replaced holds."""
    early = not debug_race().disable_lock  # the control runs rely on the constraint alone
    outcomes: list[Outcome | None] = []
    winners: list[Winner] = []
    replaced: list[Winner] = []
    promised: dict[str, Winner] = {}  # seat -> the winning order it is promised to
    renewing: set[int] = set()  # people whose old hold this batch replaces
    for position, order in enumerate(orders):
        person = order.user_id
        try:
            seats = seats_for(show, order.labels)
            if person in refusals:
                raise refusals[person]()
            taken = {
                label
                for label in order.labels
                if label in promised
                and not (kind.replaces_own and promised[label].order.user_id == person)
            }
            if early:
                taken.update(
                    claim.seat
                    for claim in claims
                    if claim.seat in order.labels
                    and is_taken_from(claim, person)
                    and (claim.booked or claim.user_id not in renewing)
                )
            if taken:
                raise seat_taken(sorted(taken))
        except ApiError as refusal:
            outcomes.append(refusal)
            continue
        if kind.replaces_own:
            for earlier in [winner for winner in winners if winner.order.user_id == person]:
                winners.remove(earlier)
                replaced.append(earlier)
                promised = {seat: w for seat, w in promised.items() if w is not earlier}
        winner = Winner(position, order, seats)
        winners.append(winner)
        promised.update((label, winner) for label in order.labels)
        renewing.add(person)
        outcomes.append(None)
    return outcomes, winners, replaced


def _clear_reusable(
    connection: Connection,
    show_id: int,
    claims: Sequence[Any],
    winners: list[Winner],
    now: datetime,
) -> list[Any]:
    """Delete what the winners may reuse (``holds.is_reusable_by``): their own held seats on
    this show (a new hold or booking replaces one's hold, which ends now) and expired holds
    on their seats. Returns the deleted claims of the winners' old holds (seat, user id,
    hold id), which they gave up."""
    reusable = {
        claim.id: claim
        for winner in winners
        for claim in claims
        if is_reusable_by(claim, winner.order.user_id, winner.order.labels)
    }
    if not reusable:
        return []
    people = {winner.order.user_id for winner in winners}
    params = {"target_show": show_id, "ids": sorted(reusable), "people": sorted(people)}
    cleared = connection.execute(CLEAR_CLAIMS, params).all()
    own = [claim for claim in cleared if claim.user_id in people]
    end_holds(connection, {claim.hold_id for claim in own}, now)
    return own


def _claim(
    connection: Connection, show: Any, winners: list[Winner], columns: list[dict[str, Any]]
) -> set[str]:
    """Insert the winners' claims; returns the seats skipped, taken since the read."""
    # One order for everyone (row, then number): two transactions waiting on each other's
    # seats cannot deadlock.
    in_order = sorted(
        ((seat.row, seat.number), index, seat)
        for index, winner in enumerate(winners)
        for seat in winner.seats
    )
    rows = [
        {
            "show_id": show.id,
            "seat": seat.label,
            "user_id": winners[index].order.user_id,
            "price": show.price + seat.surcharge,
            **columns[index],
        }
        for _, index, seat in in_order
    ]
    claimed = set(connection.scalars(insert_skipping_taken(connection), rows))
    race_pause()
    return {row["seat"] for row in rows} - claimed


# ---- what winners become ------------------------------------------------------------------


def _record_holds(
    connection: Connection, show: Any, winners: list[Winner], replaced: list[Winner], now: datetime
) -> tuple[dict[int, Outcome], list[dict[str, Any]], str]:
    expires_at = now + timedelta(minutes=current_app.config["BOXOFFICE"].hold_minutes)
    views: dict[int, Outcome] = {}
    hold_ids: dict[int, str] = {}
    for winner in [*winners, *replaced]:
        hold_ids[winner.position] = str(uuid.uuid4())
        views[winner.position] = {
            "hold_id": hold_ids[winner.position],
            "expires_at": expires_at,
            "seats": list(winner.order.labels),
            "total": price_of(show, winner.seats),
            "currency": show.currency,
        }
    # A hold replaced within the batch is written as one that ended at once, as if it had
    # been made and replaced one after the other (see ``holds.ENDED_HOLDS_KEPT``).
    rows = [
        {
            "id": hold_ids[winner.position],
            "show_id": show.id,
            "user_id": winner.order.user_id,
            "expires_at": expires_at if live else now,
            "currency": show.currency,
            "created_at": now,
        }
        for live, batch in ((True, winners), (False, replaced))
        for winner in batch
    ]
    connection.execute(INSERT_HOLD, rows)
    columns = [
        {"hold_id": hold_ids[winner.position], "booking_id": None, "expires_at": expires_at}
        for winner in winners
    ]
    return views, columns, HELD


def _record_bookings(
    connection: Connection, show: Any, winners: list[Winner], _replaced: list[Winner], now: datetime
) -> tuple[dict[int, Outcome], list[dict[str, Any]], str]:
    bookings = insert_bookings(
        connection,
        show,
        [(w.order.user_id, w.order.labels, price_of(show, w.seats)) for w in winners],
        now,
    )
    views: dict[int, Outcome] = {
        winner.position: booking_view(booking, now)
        for winner, booking in zip(winners, bookings, strict=True)
    }
    columns = [
        {"hold_id": None, "booking_id": booking.id, "expires_at": None} for booking in bookings
    ]
    return views, columns, BOOKED


def _drop_holds(connection: Connection, columns: list[dict[str, Any]]) -> None:
    ids = [column["hold_id"] for column in columns]
    connection.execute(DROP_HELD_CLAIMS, {"ids": ids})
    connection.execute(DROP_HOLDS, {"ids": ids})


def _drop_bookings(connection: Connection, columns: list[dict[str, Any]]) -> None:
    ids = [column["booking_id"] for column in columns]
    connection.execute(DROP_BOOKED_CLAIMS, {"ids": ids})
    connection.execute(DROP_BOOKINGS, {"ids": ids})


def _holds_done(
    _session: Session, _show: Any, _winners: list[Winner], _columns: list[dict[str, Any]]
) -> None:
    """Held seats are not counted as sold, and no mail is sent for a hold."""


def _bookings_done(
    session: Session, show: Any, winners: list[Winner], columns: list[dict[str, Any]]
) -> None:
    """Record each booking's confirmation mail; move the show's counter last (if the show's
    start, length, venue and seating are still those the bookings read)."""
    people = [winner.order.user_id for winner in winners]
    ids = [column["booking_id"] for column in columns]
    notifications.booking_confirmed(list(zip(ids, people, strict=True)))
    seats = sum(len(winner.order.labels) for winner in winners)
    count_booked(session, show.id, seats, as_read=show)


def _no_limits(*_: Any) -> dict[int, Callable[[], ApiError]]:
    """Booking seats directly keeps no hold: nothing to limit beyond the seats themselves."""
    return {}


HOLD = Kind("hold", _record_holds, _drop_holds, _holds_done, True, over_hold_limit)
BOOK = Kind("book", _record_bookings, _drop_bookings, _bookings_done, False, _no_limits)
