"""Closing an account: the person's data is erased on request (GDPR art. 17, India's DPDP
Act 2023), given their current password.

The row itself stays, anonymised: past bookings keep counting in the cinema's occupancy,
revenue and exports, but no longer name anyone. The address becomes a placeholder on a
reserved domain (``models.deleted_address``), so the real one can sign up again as a new
account; the name becomes "Deleted account", the password one nobody knows, admin rights
and optional mails are switched off. Every session ends, and browsers stop being trusted
for the address (``devices``). The outbox forgets the address: mails still pending are
skipped, and only the notice that the account was deleted goes there.

Upcoming bookings that can still be cancelled are cancelled, their seats free at once (with
the seat map's live events), and held seats are released. One that can no longer be
cancelled (past the cutoff, or used at the door) is a ticket the person still holds: the
account is not deleted until that show is over (409 ``tickets_still_valid``). Neither is the
last administrator's (409 ``last_admin``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .. import notifications
from ..bookings import events
from ..bookings.cancellation import CONFIRMED, release_booking
from ..bookings.holds import announce_freed
from ..bookings.locking import run_locked
from ..bookings.models import Booking, Hold, SeatClaim
from ..bookings.records import can_cancel
from ..bookings.seatmap import FREE
from ..db_types import utcnow
from ..errors import Conflict
from ..extensions import bcrypt, db
from ..reports import outbox
from ..reports.models import MailLog
from . import devices
from .models import DELETED_NAME, User, deleted_address
from .services import check_current_password
from .tokens import end_all_sessions

CANCEL_REASON = "account_deleted"


@dataclass(frozen=True)
class Deleted:
    email: str  # the address the account had
    cancelled: list[str]  # codes of the upcoming bookings that were cancelled


def delete_account(user: User, current_password: str) -> Deleted:
    """Close the account of ``user``, given their current password; see the module."""
    check_current_password(user, current_password)
    user_id, email, checked_hash = user.id, user.email, user.password_hash
    # Refused before anything changes, so a refusal does not sign the person out either.
    _bookings_to_cancel(db.session(), user, utcnow(), lock=False)
    # Ended first as well as after: a seat change trusts its token without reading the
    # person's row, so a hold or booking sent from another device at this moment could
    # otherwise land on the account just after its bookings were swept. (A refusal that
    # only the transaction finds, after a change made meanwhile, leaves them signed out.)
    end_all_sessions(user_id)
    # Hashed before the write lock: bcrypt is slow on purpose. Nobody ever learns it.
    unusable = bcrypt.generate_password_hash(secrets.token_urlsafe(32)).decode()

    def work(session: Session) -> list[str]:
        now = utcnow()
        me = session.scalars(
            select(User)
            .where(User.id == user_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if me is None or me.is_deleted:
            raise Conflict("account_deleted", "This account is deleted already.")
        if me.password_hash != checked_hash:
            raise Conflict("password_changed", "The password was changed meanwhile; try again.")
        bookings = _bookings_to_cancel(session, me, now, lock=True)
        _release_holds(session, user_id)
        for booking in bookings:  # in show order: each moves its show's counter
            release_booking(booking, reason=CANCEL_REASON)
            if booking.show_id is not None:
                events.publish_after_commit(booking.show_id, [(s, FREE) for s in booking.seats])
        _forget_mail(session, user_id)
        notifications.account_deleted(user_id)  # reads the address: before it is erased
        session.execute(
            update(User)
            .where(User.id == user_id)
            .values(
                email=deleted_address(user_id),
                name=DELETED_NAME,
                password_hash=unusable,
                is_admin=False,
                reminders_enabled=False,
                monthly_report_enabled=False,
            )
        )
        return [booking.code for booking in bookings]

    cancelled = run_locked(work, lambda: Conflict("conflict", "Please try again."))
    # A sign-in whose password check ran meanwhile may have been given a token since.
    end_all_sessions(user_id)
    devices.forget_devices(email)
    return Deleted(email, cancelled)


def _bookings_to_cancel(session: Session, me: User, now: datetime, lock: bool) -> list[Booking]:
    """The person's bookings of shows not yet over, all of which must be cancellable; or
    the 409 that keeps the account. Also the 409 for the last administrator."""
    if me.is_admin and _is_last_admin(session, me.id, lock):
        raise Conflict(
            "last_admin",
            "You are the only administrator. Make someone else an administrator first.",
        )
    query = (
        select(Booking)
        .where(
            Booking.user_id == me.id,
            Booking.status == CONFIRMED,
            Booking.show_ends_at > now,
        )
        .order_by(Booking.show_id, Booking.id)
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    bookings = list(session.scalars(query))
    kept = [booking for booking in bookings if not can_cancel(booking, now)]
    if kept:
        raise _tickets_still_valid(kept)
    return bookings


def _tickets_still_valid(kept: list[Booking]) -> Conflict:
    tz = current_app.config["BOXOFFICE"].tz
    last = max(kept, key=lambda booking: booking.show_ends_at)
    over = last.show_ends_at.astimezone(tz)
    # Details are objects, not text: clients read text details of a 409 as field messages.
    tickets = [
        {
            "booking_id": booking.id,
            "code": booking.code,
            "title": booking.show_title,
            "ends_at": booking.show_ends_at.astimezone(tz).isoformat(),
        }
        for booking in kept
    ]
    return Conflict(
        "tickets_still_valid",
        f"Your ticket {last.code} for {last.show_title} can no longer be cancelled. You can"
        f" delete your account once the show is over, after {over:%H:%M} on {over:%d %b %Y}.",
        {"tickets": tickets},
    )


def _is_last_admin(session: Session, user_id: int, lock: bool) -> bool:
    # Locked, so that two administrators deleting their accounts at the same moment are
    # counted one after the other and one of them stays.
    query = select(User.id).where(User.is_admin.is_(True)).order_by(User.id)
    admins = list(session.scalars(query.with_for_update() if lock else query))
    return admins == [user_id]


def _release_holds(session: Session, user_id: int) -> None:
    freed = session.execute(
        delete(SeatClaim)
        .where(SeatClaim.user_id == user_id, SeatClaim.booking_id.is_(None))
        .returning(SeatClaim.show_id, SeatClaim.seat)
    ).all()
    session.execute(delete(Hold).where(Hold.user_id == user_id))
    announce_freed((show_id, seat) for show_id, seat in freed)


def _forget_mail(session: Session, user_id: int) -> None:
    """Mails not yet sent are not sent, and the log keeps no address of the person."""
    session.execute(
        update(MailLog)
        .where(MailLog.user_id == user_id, MailLog.status.in_(outbox.PENDING_STATES))
        .values(status=outbox.SKIPPED, error="the account was deleted", next_attempt_at=None)
    )
    session.execute(
        update(MailLog).where(MailLog.user_id == user_id).values(recipient=deleted_address(user_id))
    )
