"""E-tickets: the signed reference in the QR code, its check at the door, the calendar file.

The QR code carries ``BX:<booking code>`` signed with the app secret (itsdangerous), never the
database id: a ticket cannot be guessed or altered, and door staff can check it offline-safe
against the database by scanning.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import segno
from flask import current_app
from icalendar import Calendar, Event, vText
from itsdangerous import BadSignature, Signer
from sqlalchemy import select, update

from ..database import write_transaction
from ..db_types import utcnow
from ..extensions import db
from ..money import format_money
from .cancellation import CANCELLED
from .models import Booking
from .records import CODE_ALPHABET, CODE_LENGTH

REF_PREFIX = "BX:"
# Doors open this long before a show: a ticket for another day (or for later today) lets
# nobody in yet, so a mix-up at the door cannot use it up.
DOORS_OPEN = timedelta(hours=2)
SALT = "boxoffice.ticket"


def _signer() -> Signer:
    return Signer(current_app.config["BOXOFFICE"].secret_key, salt=SALT)


def ticket_ref(booking: Booking) -> str:
    """The signed reference printed in the QR code: ``BX:<code>.<signature>``."""
    return _signer().sign(f"{REF_PREFIX}{booking.code}").decode()


def _qr(booking: Booking, kind: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    segno.make(ticket_ref(booking), error="m").save(buffer, kind=kind, scale=6, border=2, **options)
    return buffer.getvalue()


def qr_svg(booking: Booking) -> bytes:
    """The e-ticket QR code for the web page."""
    return _qr(booking, "svg", title=f"Ticket {booking.code}")


def ticket_qr_png(booking: Booking) -> bytes:
    """The same QR code as PNG, for mail clients that do not show SVG."""
    return _qr(booking, "png")


def _typed_code(text: str) -> str | None:
    """A booking code as printed on the ticket, typed in when the QR will not scan: in any
    case, and with the spaces or dashes people put in to keep their place ("KZUW-TL4J")."""
    code = "".join(text.upper().replace("-", " ").split())
    if len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code):
        return code
    return None


def _booking_of(ref: str) -> tuple[Booking | None, str]:
    """The booking a scanned or typed reference names, or None and why not."""
    text = ref.strip()
    code = _typed_code(text)
    if code is None:
        if not text.upper().startswith(REF_PREFIX):
            return None, "unknown"  # typed, not scanned: a mistyped code, not a forgery
        try:
            value = _signer().unsign(text).decode()
        except (BadSignature, UnicodeDecodeError):
            return None, "forged"
        if not value.startswith(REF_PREFIX):
            return None, "forged"
        code = value.removeprefix(REF_PREFIX)
    booking = db.session.scalar(select(Booking).where(Booking.code == code))
    return booking, "ok" if booking is not None else "unknown"


def _summary(booking: Booking) -> dict[str, Any]:
    return {
        "code": booking.code,
        "status": booking.status,
        "title": booking.show_title,
        "starts_at": booking.show_starts_at,
        "venue": {"name": booking.venue_name, "location": booking.venue_location},
        "seats": list(booking.seats),
        "holder": booking.user.name,
        "admitted_at": booking.admitted_at,
    }


def _refusal(booking: Booking) -> str | None:
    """Why this ticket may not let anyone in now, or None when it may."""
    if booking.status == CANCELLED:
        return "cancelled"
    if booking.admitted_at is not None:
        return "already_admitted"
    now = utcnow()
    if booking.show_ends_at < now:
        return "show_over"
    if now < booking.show_starts_at - DOORS_OPEN:
        return "too_early"
    return None


def verify_ref(ref: str) -> dict[str, Any]:
    """What door staff see after scanning: is this a real ticket that may still be used,
    and for what. Only looks; ``admit_ref`` lets the holder in.

    Staff (admins, signed in) may also type the booking code printed on the ticket; the
    signature only matters for what a scanner reads off a customer's screen.
    """
    booking, reason = _booking_of(ref)
    if booking is None:
        return {"valid": False, "reason": reason, "booking": None}
    refusal = _refusal(booking)
    return {"valid": refusal is None, "reason": refusal or "ok", "booking": _summary(booking)}


def admit_ref(ref: str) -> dict[str, Any]:
    """Let the holder in: the ticket is valid and is now used, once.

    The UPDATE only matches a confirmed booking nobody was admitted on yet, so two scans of
    one ticket at two doors at the same moment admit one person.
    """
    # One write transaction for the look and the mark (on SQLite it takes the write lock
    # first, so a booking elsewhere cannot make the mark fail half way).
    with write_transaction():
        checked = verify_ref(ref)
        if not checked["valid"]:
            return checked
        now = utcnow()
        admitted = db.session.execute(
            update(Booking)
            .where(
                Booking.code == checked["booking"]["code"],
                Booking.status != CANCELLED,
                Booking.admitted_at.is_(None),
            )
            .values(admitted_at=now)
        )
    if admitted.rowcount != 1:  # type: ignore[attr-defined]
        return verify_ref(ref)  # admitted (or cancelled) at this very moment elsewhere
    return {**checked, "reason": "admitted", "booking": {**checked["booking"], "admitted_at": now}}


def booking_calendar(booking: Booking) -> bytes:
    """An iCalendar file with one event for the booked show (also attached to the mail)."""
    calendar = Calendar()
    calendar.add("prodid", "-//BoxOffice//Tickets//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{booking.code}@boxoffice")
    event.add("dtstamp", utcnow())
    event.add("dtstart", booking.show_starts_at)
    event.add("dtend", booking.show_ends_at)
    event.add("summary", f"{booking.show_title} — {booking.venue_name}")
    event["location"] = vText(f"{booking.venue_name}, {booking.venue_location}")
    seats = ", ".join(booking.seats)
    event.add(
        "description",
        f"Booking {booking.code}\nSeats: {seats}\n"
        f"Total: {format_money(booking.total, booking.currency)}\n"
        "Show the QR code of your e-ticket at the entrance.",
    )
    event.add("status", "CANCELLED" if booking.status == CANCELLED else "CONFIRMED")
    event.add("url", f"{current_app.config['BOXOFFICE'].public_url}/bookings/{booking.id}")
    calendar.add_component(event)
    return bytes(calendar.to_ical())
