"""The live seat map of a show: every seat of the layout with its status and price.

This is the busiest read of the product (every open seat map, every refresh), so it is one
SQL query (show + venue + claims, no ORM objects) and a cached layout; nothing else. The
anonymous map is also cached in Redis (``boxoffice.cache``) under the catalogue generation
(edits of shows and venues, see ``listing_cache``) and the show's seat generation (every
seat change, see ``events``), until the earliest live hold on it expires. Callers who
hold or have booked seats of the show get their own map (their seats marked ``mine``)
from the database; everyone else, and every anonymous caller, gets the cached one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import redis
from flask import current_app
from sqlalchemy import (
    Engine,
    String,
    and_,
    bindparam,
    case,
    cast,
    create_engine,
    event,
    null,
    select,
)
from sqlalchemy.exc import DBAPIError

from .. import cache
from ..catalog.layout import Seat, seats_of
from ..catalog.listing_cache import CATALOGUE_KEY
from ..catalog.models import Show, Venue
from ..db_types import utcnow
from ..errors import ApiError, NotFound
from ..extensions import db
from ..per_app import shared
from .events import generation_key
from .models import Hold, SeatClaim

FREE, HELD, BOOKED = "free", "held", "booked"
CACHE_PREFIX = "boxoffice:seatmap:"
CACHE_SECONDS = 60.0


@lru_cache(maxsize=512)
def _layout_seats(rows: int, seats_per_row: int, layout_json: str) -> tuple[Seat, ...]:
    return tuple(seats_of(rows, seats_per_row, json.loads(layout_json)))


def layout_seats(rows: int, seats_per_row: int, layout: dict[str, Any] | None) -> tuple[Seat, ...]:
    """Every seat of a layout, front row first; computed once per distinct layout."""
    return _layout_seats(rows, seats_per_row, json.dumps(layout or {}, sort_keys=True))


@lru_cache(maxsize=512)
def _by_label(rows: int, seats_per_row: int, layout_json: str) -> dict[str, Seat]:
    return {seat.label: seat for seat in _layout_seats(rows, seats_per_row, layout_json)}


def seats_by_label(rows: int, seats_per_row: int, layout: dict[str, Any] | None) -> dict[str, Seat]:
    """Label -> seat for a layout (cached: treat the result as read-only)."""
    return _by_label(rows, seats_per_row, json.dumps(layout or {}, sort_keys=True))


def check_labels(labels: list[str], seats: dict[str, Seat]) -> list[Seat]:
    """The seats for these labels; 422 naming any label that is not a seat of the layout."""
    unknown = [label for label in labels if label not in seats]
    if unknown:
        raise ApiError(
            422,
            "validation_failed",
            "Some seats do not exist in this venue.",
            {"seats": [f"Not a seat of this venue: {', '.join(unknown)}."], "unknown": unknown},
        )
    return [seats[label] for label in labels]


@dataclass(frozen=True)
class ClaimState:
    seat: str
    booked: bool
    expires_at: datetime | None
    user_id: int
    hold_id: str | None

    def status(self, now: datetime) -> str:
        if self.booked:
            return BOOKED
        if self.expires_at is not None and self.expires_at > now:
            return HELD
        return FREE  # an expired hold simply does not count


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


@dataclass(frozen=True)
class RenderedSeat:
    """One seat's JSON, rendered once per layout and price, in its five possible states."""

    label: str
    price: Decimal
    free: str
    held: str
    mine: str
    booked: str
    booked_mine: str

    def mine_at(self, price: Decimal) -> str:
        """``mine`` with another price: what the caller's hold quoted for the seat."""
        return self.mine.replace(f'"price":"{_money(self.price)}"', f'"price":"{_money(price)}"', 1)


@lru_cache(maxsize=512)
def _rendered(
    rows: int, per_row: int, layout_json: str, price: Decimal
) -> tuple[RenderedSeat, ...]:
    rendered = []
    for seat in _layout_seats(rows, per_row, layout_json):
        seat_price = price + seat.surcharge
        fixed = json.dumps(
            {
                "seat": seat.label,
                "row": seat.row,
                "number": seat.number,
                "price": _money(seat_price),
                "category": seat.category,
            },
            separators=(",", ":"),
        )[:-1]
        rendered.append(
            RenderedSeat(
                seat.label,
                seat_price,
                f'{fixed},"status":"free","mine":false}}',
                f'{fixed},"status":"held","mine":false}}',
                f'{fixed},"status":"held","mine":true}}',
                f'{fixed},"status":"booked","mine":false}}',
                f'{fixed},"status":"booked","mine":true}}',
            )
        )
    return tuple(rendered)


def _seat_map_query(signed_in: bool) -> Any:
    """The show, its venue and its claims, one row per claim, by ``:show_id``.

    For a signed-in caller (``:caller_id``) each of their own held claims also carries its
    hold's currency (``holds.currency``): the hold quoted its prices in it, and booking it
    charges them in it, even after the venue changed currency. The CASE runs the lookup for
    those rows alone; for anonymous callers the column is a plain NULL.
    """
    own_hold = and_(SeatClaim.user_id == bindparam("caller_id"), SeatClaim.hold_id.is_not(None))
    quoted_currency = select(Hold.currency).where(Hold.id == SeatClaim.hold_id).scalar_subquery()
    hold_currency = case((own_hold, quoted_currency)) if signed_in else null()
    return (
        select(
            Show.price,
            Venue.rows,
            Venue.seats_per_row,
            # The layout as its stored JSON text: it is the cache key of the rendered seats, so
            # the per-request work is one query and a loop over pre-rendered strings.
            cast(Venue.layout, String),
            SeatClaim.seat,
            SeatClaim.booking_id,
            SeatClaim.expires_at,
            SeatClaim.user_id,
            SeatClaim.hold_id,
            # What a hold quoted for the seat: the price booking the hold charges.
            SeatClaim.price,
            hold_currency,
            # Last, so that the claim columns keep their places: the currency of every price.
            Venue.currency,
        )
        .join(Venue, Venue.id == Show.venue_id)
        .outerjoin(SeatClaim, SeatClaim.show_id == Show.id)
        .where(Show.id == bindparam("show_id"))
    )


# By whether the caller is signed in.
SEAT_MAP_QUERIES = {signed_in: _seat_map_query(signed_in) for signed_in in (False, True)}


def _reader() -> Engine:
    """PostgreSQL: a small autocommit pool for the seat map, without a ping per checkout.

    The app's pool pings the server on every checkout (one extra round trip per request);
    for the busiest read that doubles the database time, so this pool skips it and instead
    retries once when a connection turns out to be dead (after a database restart).
    """
    return shared(_READER, _make_reader)


_READER = "boxoffice_seat_reader"


def _make_reader() -> Engine:
    engine = create_engine(
        db.engine.url,
        pool_size=4,
        max_overflow=8,
        pool_recycle=1800,
        isolation_level="AUTOCOMMIT",
    )
    extensions = current_app.extensions

    @event.listens_for(db.engine, "engine_disposed")
    def _dispose_too(_engine: Engine) -> None:  # the app's pool goes, so does this one
        if extensions.pop(_READER, None) is not None:
            engine.dispose()

    return engine


def _read_only_rows(show_id: int, caller_id: int | None) -> list[tuple[Any, ...]]:
    query = SEAT_MAP_QUERIES[caller_id is not None]
    params = {"show_id": show_id, "caller_id": caller_id}
    if db.engine.dialect.name == "sqlite":
        return [tuple(row) for row in db.session.execute(query, params)]
    for attempt in range(2):
        try:
            with _reader().connect() as connection:
                return [tuple(row) for row in connection.execute(query, params)]
        except DBAPIError as error:
            if not error.connection_invalidated or attempt:
                raise
    raise AssertionError("unreachable")


def seat_map_json(show_id: int, caller_id: int | None, tz: ZoneInfo) -> str:
    """The seat map as the API's JSON; ``caller_id`` marks the caller's own held and booked
    seats."""
    now = utcnow()
    now_ts = now.timestamp()
    key = None
    if cache.enabled():
        try:
            counters = [CATALOGUE_KEY, generation_key(show_id)]
            key, cached = cache.lookup(counters, f"{CACHE_PREFIX}{show_id}:", "map")
        except redis.exceptions.RedisError as error:
            current_app.logger.warning("seat map cache unavailable: %s", error)
            cached = None
        if cached is not None:
            valid_until, owners, body = cached.split("\n", 2)
            # Anonymous callers never own a seat: they skip the (show-sized) owner list.
            if now_ts < float(valid_until) and (
                caller_id is None or str(caller_id) not in owners.split(",")
            ):
                return body
    result = _read_only_rows(show_id, caller_id)
    if not result:
        raise NotFound("Show")
    body, owners_now, valid_until_now = _render(show_id, result, caller_id, tz, now)
    if key is not None and caller_id not in owners_now:  # the map everybody else sees
        until = min(valid_until_now, now_ts + CACHE_SECONDS)
        if until > now_ts:
            owners_csv = ",".join(str(owner) for owner in sorted(owners_now))
            try:
                cache.store(key, f"{until}\n{owners_csv}\n{body}", until - now_ts)
            except redis.exceptions.RedisError as error:
                current_app.logger.warning("seat map not cached: %s", error)
    return body


def _render(
    show_id: int, result: list[tuple[Any, ...]], caller_id: int | None, tz: ZoneInfo, now: datetime
) -> tuple[str, set[int], float]:
    """(the JSON, who holds or booked seats now, until when (epoch seconds) this map stays
    true). Those people get a map of their own, never the shared one."""
    price, rows, per_row, layout_json = result[0][:4]
    currency = result[0][-1]
    claims = {row[4]: row for row in result if row[4] is not None}
    parts: list[str] = []
    hold_seats: list[str] = []
    hold: dict[str, Any] | None = None
    hold_total = Decimal("0.00")
    owners: set[int] = set()
    valid_until = float("inf")
    for seat in _rendered(rows, per_row, layout_json or "{}", price):
        claim = claims.get(seat.label)
        if claim is None:
            parts.append(seat.free)
        elif claim[5] is not None:
            # A seat's claim exists only while its booking is confirmed (cancelling deletes
            # it), and its user is the person who booked.
            owners.add(claim[7])
            if caller_id is not None and claim[7] == caller_id:
                parts.append(seat.booked_mine)
            else:
                parts.append(seat.booked)
        elif claim[6] is None or claim[6] <= now:
            parts.append(seat.free)  # an expired hold simply does not count
        else:
            owners.add(claim[7])
            valid_until = min(valid_until, claim[6].timestamp())
            if caller_id is not None and claim[7] == caller_id:
                # The holder sees the prices their hold quoted, which booking it charges,
                # also after an admin changed the show's price meanwhile.
                quoted = seat.price if claim[9] is None else claim[9]
                parts.append(seat.mine if quoted == seat.price else seat.mine_at(quoted))
                hold_seats.append(seat.label)
                hold_total += quoted
                hold = {"hold_id": claim[8], "expires_at": claim[6], "currency": claim[10]}
            else:
                parts.append(seat.held)
    hold_part = "null"
    if hold is not None:
        expires = hold["expires_at"].astimezone(tz).isoformat(timespec="seconds")
        hold_part = json.dumps(
            {
                "hold_id": hold["hold_id"],
                "expires_at": expires,
                "seats": hold_seats,
                "total": _money(hold_total),
                "currency": hold["currency"] or currency,
            }
        )
    body = (
        f'{{"show_id":{show_id},"rows":{rows},"seats_per_row":{per_row},'
        f'"currency":{json.dumps(currency)},"seats":[{",".join(parts)}],"hold":{hold_part}}}'
    )
    return body, owners, valid_until


@dataclass(frozen=True)
class ShowLayout:
    rows: int
    seats_per_row: int
    seats: tuple[Seat, ...]
    starts_at: datetime


def show_layout(show_id: int) -> ShowLayout:
    """The seats of a show's venue; 404 for an unknown show."""
    row = db.session.execute(
        select(Venue.rows, Venue.seats_per_row, Venue.layout, Show.starts_at)
        .join(Show, Show.venue_id == Venue.id)
        .where(Show.id == show_id)
    ).first()
    if row is None:
        raise NotFound("Show")
    seats = layout_seats(row.rows, row.seats_per_row, row.layout)
    return ShowLayout(row.rows, row.seats_per_row, seats, row.starts_at)


def free_labels(show_id: int, seats: tuple[Seat, ...]) -> set[str]:
    now = utcnow()
    claims = claim_states(show_id)
    return {
        seat.label
        for seat in seats
        if seat.label not in claims or claims[seat.label].status(now) == FREE
    }


def claim_states(show_id: int) -> dict[str, ClaimState]:
    """Every claim on a show's seats (for suggestions)."""
    query = select(
        SeatClaim.seat,
        SeatClaim.booking_id,
        SeatClaim.expires_at,
        SeatClaim.user_id,
        SeatClaim.hold_id,
    ).where(SeatClaim.show_id == show_id)
    return {
        row.seat: ClaimState(row.seat, row.booking_id is not None, *row[2:5])
        for row in db.session.execute(query)
    }
