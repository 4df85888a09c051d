"""HTTP layer of the booking engine: parse, call a service, serialise."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.typing import ResponseReturnValue
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt import PyJWTError

from ..auth.guards import BEARER, admin_required, caller_id, login_required
from ..blueprint import Blueprint
from ..extensions import db, limiter
from ..redis_client import get_redis
from . import events, holds, seat_orders, seatmap, services, stats, tickets
from .locking import init_debug_race
from .schemas import (
    AdmitSchema,
    BookingEnvelopeSchema,
    BookingGetSchema,
    BookingIdQuerySchema,
    BookingIdSchema,
    BookingQuerySchema,
    BookRequestSchema,
    HoldReleaseSchema,
    HoldRequestSchema,
    HoldSchema,
    ReleasedSchema,
    SeatMapSchema,
    ShowIdQuerySchema,
    StatsSchema,
    SuggestionSchema,
    SuggestQuerySchema,
    VerifyQuerySchema,
    VerifySchema,
)
from .suggest import best_seats

blp = Blueprint("bookings", __name__, url_prefix="/api", description="Seats, holds and bookings")
blp.record_once(lambda state: init_debug_race(state.app))


def _hold_limit() -> str:
    return str(current_app.config["BOXOFFICE"].hold_rate_limit)


def _caller_key() -> str:
    # Runs after login_required, so the limit is per account (a shared office IP is fine).
    return f"hold:{get_jwt_identity()}"


_limit_holds = limiter.limit(_hold_limit, key_func=_caller_key)


def _optional_caller_id() -> int | None:
    """The signed-in caller on public reads; a stale or bad token just means anonymous."""
    if (
        "Authorization" not in request.headers
        and current_app.config["JWT_ACCESS_COOKIE_NAME"] not in request.cookies
    ):
        return None  # no credentials at all: skip the token machinery
    try:
        verify_jwt_in_request(optional=True)
        identity = get_jwt_identity()
    except (JWTExtendedException, PyJWTError):
        return None
    return int(identity) if identity is not None else None


# ---- seats ------------------------------------------------------------------------------


@blp.route("/show/seats", methods=["GET"])
@blp.arguments(ShowIdQuerySchema, location="query")
@blp.response(200, SeatMapSchema)
@blp.doc(security=[{}, *BEARER])  # anyone; a bearer token marks the caller's own seats
def seats(query: dict[str, Any]) -> ResponseReturnValue:
    """Every seat of the show with status (free/held/booked), price and category.

    Signed in (Bearer or cookie), the caller's own held and booked seats are marked ``mine``
    and their hold is returned; nobody learns whose hold or booking any other seat is under.
    """
    tz = current_app.config["BOXOFFICE"].tz
    body = seatmap.seat_map_json(query["show_id"], _optional_caller_id(), tz)
    # The hottest read: rendered from cached fragments, without a schema pass over every seat.
    return Response(body, mimetype="application/json")


@blp.route("/show/suggest", methods=["GET"])
@blp.arguments(SuggestQuerySchema, location="query")
@blp.response(200, SuggestionSchema)
def suggest_seats(query: dict[str, Any]) -> dict[str, Any]:
    """The best adjacent free seats.

    The best ``count`` seats side by side; 409 ``no_adjacent_seats`` when there are none."""
    labels = best_seats(query["show_id"], query["count"])
    return {"seats": labels}


@blp.route("/show/events", methods=["GET"])
@blp.arguments(ShowIdQuerySchema, location="query")
@blp.response(200, description="text/event-stream of seat changes")
def seat_events(query: dict[str, Any]) -> ResponseReturnValue:
    """Live seat changes, as Server-Sent Events.

    ``data: {"seats": [{"seat", "status"}]}`` on every change."""
    show_id = query["show_id"]
    seatmap.show_layout(show_id)  # 404 for an unknown show
    client = get_redis()
    heartbeat = events.heartbeat_seconds(current_app.config["BOXOFFICE"].extra)
    # The stream may stay open for many minutes: give the database connection back now.
    db.session.remove()
    release = events.stream_slot()
    response = Response(events.stream(client, show_id, heartbeat), mimetype="text/event-stream")
    # The server closes the response when the stream ends or the browser goes away, even
    # if the stream never started.
    response.call_on_close(release)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response


# ---- holds ------------------------------------------------------------------------------


@blp.route("/hold", methods=["POST"])
@login_required
@_limit_holds
@blp.arguments(HoldRequestSchema)
@blp.response(201, HoldSchema)
def hold(data: dict[str, Any]) -> dict[str, Any]:
    """Hold 1-10 seats for a few minutes, all or nothing; replaces your previous hold here.

    409 ``too_many_holds`` while you hold seats of five other shows."""
    return seat_orders.hold_seats(caller_id(), data["show_id"], data["seats"])


@blp.route("/hold/release", methods=["POST"])
@login_required
@blp.arguments(HoldReleaseSchema)
@blp.response(200, ReleasedSchema)
def release(data: dict[str, Any]) -> dict[str, Any]:
    """Give the seats of your hold back at once."""
    freed = holds.release_hold(caller_id(), data["hold_id"])
    return {"message": "Hold released.", "seats": freed}


# ---- bookings ---------------------------------------------------------------------------


@blp.route("/bookticket", methods=["POST"])
@login_required
@_limit_holds
@blp.arguments(BookRequestSchema)
@blp.response(201, BookingEnvelopeSchema)
def book(data: dict[str, Any]) -> dict[str, Any]:
    """Book your hold, or seats directly.

    Your hold by ``hold_id``, or seats directly by ``show_id`` + ``seats``. The total is
    computed here from the seat prices; prices sent by the client are ignored.
    """
    return {"booking": services.book(caller_id(), data)}


@blp.route("/booking/get", methods=["GET"])
@login_required
@blp.arguments(BookingQuerySchema, location="query")
@blp.response(200, BookingGetSchema)
def get_booking(query: dict[str, Any]) -> dict[str, Any]:
    """One of your bookings, or your bookings newest first.

    One by ``booking_id``; without it, a page of your bookings, newest first."""
    if "booking_id" in query:
        booking = services.get_booking(caller_id(), query["booking_id"])
        return {"booking": services.booking_view(booking)}
    page = services.list_bookings(caller_id(), query["limit"], query["offset"])
    return page


@blp.route("/booking/cancel", methods=["POST"])
@login_required
@blp.arguments(BookingIdSchema)
@blp.response(200, BookingEnvelopeSchema)
def cancel(data: dict[str, Any]) -> dict[str, Any]:
    """Cancel your booking until the cutoff before showtime; its seats are free at once."""
    return {"booking": services.cancel_booking(caller_id(), data["booking_id"])}


def _ticket_file(booking_id: int, build: Any, mimetype: str, filename: str = "") -> Response:
    """A file made from one of the caller's bookings (404 for anyone else's); never cached."""
    booking = services.get_booking(caller_id(), booking_id)
    response = Response(build(booking), mimetype=mimetype)
    if filename:
        name = filename.format(code=booking.code)
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/booking/qr", methods=["GET"])
@login_required
@blp.arguments(BookingIdQuerySchema, location="query")
@blp.response(200, description="image/svg+xml QR code of the signed ticket reference")
def qr(query: dict[str, Any]) -> ResponseReturnValue:
    """The e-ticket's QR code (SVG); it encodes a signed reference, not the booking id."""
    return _ticket_file(query["booking_id"], tickets.qr_svg, "image/svg+xml")


@blp.route("/booking/ics", methods=["GET"])
@login_required
@blp.arguments(BookingIdQuerySchema, location="query")
@blp.response(200, description="text/calendar file for the booked show")
def ics(query: dict[str, Any]) -> ResponseReturnValue:
    """The booking as a calendar event (.ics)."""
    return _ticket_file(
        query["booking_id"], tickets.booking_calendar, "text/calendar", "boxoffice-{code}.ics"
    )


@blp.route("/ticket/verify", methods=["GET"])
@admin_required
@blp.arguments(VerifyQuerySchema, location="query")
@blp.response(200, VerifySchema)
def verify(query: dict[str, Any]) -> dict[str, Any]:
    """Door check (admins): may this ticket still be used, and for what?

    Reads the scanned reference and changes nothing."""
    return tickets.verify_ref(query["ref"])


@blp.route("/ticket/admit", methods=["POST"])
@admin_required
@blp.arguments(AdmitSchema)
@blp.response(200, VerifySchema)
def admit(body: dict[str, Any]) -> dict[str, Any]:
    """Door (admins): let the holder of a valid ticket in.

    A ticket admits once (``already_admitted`` after that)."""
    return tickets.admit_ref(body["ref"])


@blp.route("/admin/stats", methods=["GET"])
@admin_required
@blp.response(200, StatsSchema)
def admin_stats() -> dict[str, Any]:
    """Occupancy and revenue of upcoming shows per venue; bookings per day by show date."""
    return stats.admin_stats(current_app.config["BOXOFFICE"].tz)
