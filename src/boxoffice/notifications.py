"""What other packages call when something happened that the user should hear about.

The booking engine calls these *inside* its transaction. Each one records the mail in the
``mail_log`` outbox in that same transaction and kicks the outbox only after the commit:
a booking that rolls back sends nothing, and a booking that commits while Redis is down still
has its mail recorded, so the periodic sweep queues it later instead of losing it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from .auth.models import User
from .reports import outbox

BOOKING_CONFIRMED = "booking_confirmed"
BOOKING_CANCELLED = "booking_cancelled"
PASSWORD_RESET = "password_reset"
PASSWORD_CHANGED = "password_changed"
ACCOUNT_DELETED = "account_deleted"
# How a password changed, named in the notice (the first part of its period).
CHANGED_IN_ACCOUNT = "change"
CHANGED_BY_RESET = "reset"
# Set with `boxoffice create-admin` on an existing account, which also makes it an admin.
CHANGED_BY_OPERATOR = "admin"  # a short word: it starts the mail row's 40-character period


def booking_confirmed(bookings: Sequence[tuple[int, int]]) -> None:
    """Send each confirmation (with e-ticket and calendar file) once the bookings commit;
    ``bookings`` are (booking id, user id).

    The bookings are new in this very transaction, so their mail cannot have been recorded yet.
    """
    mails = [(outbox.booking_period(booking_id), user_id) for booking_id, user_id in bookings]
    outbox.record_new(BOOKING_CONFIRMED, mails)


def password_reset(user: User) -> None:
    """Send a link to set a new password (each request its own mail, built when it is sent)."""
    outbox.record_and_kick(PASSWORD_RESET, f"reset:{uuid.uuid4().hex}", user)


def password_changed(user_id: int, how: str) -> None:
    """Tell the person their password changed: when, how, and what to do if it was not them.

    Called in the transaction that stores the new password, so a change that rolls back or
    loses to another one sends nothing. Each change is its own mail, built when it is sent;
    the row's ``created_at`` is the moment of the change.
    """
    outbox.record_new(PASSWORD_CHANGED, [(f"{how}:{uuid.uuid4().hex}", user_id)])


def booking_cancelled(booking_id: int, user: User) -> None:
    """Send a short cancellation notice once the cancellation commits (at most once)."""
    outbox.record_and_kick(BOOKING_CANCELLED, outbox.booking_period(booking_id), user)


def account_deleted(user_id: int) -> None:
    """Tell the person their account is closed, at the address it had (the one mail that
    still goes there). Call it in the deleting transaction *before* the address is erased:
    the outbox row reads the address from the account as it is recorded."""
    outbox.record_new(ACCOUNT_DELETED, [(f"account:{user_id}", user_id)])
