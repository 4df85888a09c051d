"""The mail outbox: one ``mail_log`` row per mail we decided to send.

The row is the idempotency record (UNIQUE(kind, period, recipient)) and the state machine of
delivery: queued -> sending -> sent, or -> retrying -> ... -> failed. ``next_attempt_at`` says
when the row is next due; a row whose time has long passed without progress (its task was
never queued because Redis was down, or its worker died mid-send) is queued again by the
periodic sweep, so no mail is lost silently.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import redis
from kombu.exceptions import OperationalError
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..database import write_transaction
from ..db_types import utcnow
from ..extensions import db
from ..transactions import after_commit
from .models import MailLog

log = logging.getLogger(__name__)

QUEUED, SENDING, RETRYING, SENT, FAILED, SKIPPED = (
    "queued",
    "sending",
    "retrying",
    "sent",
    "failed",
    "skipped",
)
PENDING_STATES = (QUEUED, SENDING, RETRYING)
# How long one delivery attempt may hold a row before another worker may take it over.
LEASE = timedelta(minutes=5)
# A due row untouched for this long has no task in flight; the sweep queues it again.
STALE_AFTER = timedelta(minutes=2)


def booking_period(booking_id: int) -> str:
    return f"booking:{booking_id}"


def record(kind: str, period: str, user: User) -> MailLog | None:
    """Add the outbox row for one mail; ``None`` when this mail was already recorded.

    Inside a savepoint so that the unique-key race (two job runs at once) only loses the
    duplicate row and never the caller's transaction.
    """
    existing = db.session.scalar(
        select(MailLog.id).where(
            MailLog.kind == kind, MailLog.period == period, MailLog.recipient == user.email
        )
    )
    if existing is not None:
        return None
    row = MailLog(
        kind=kind,
        period=period,
        recipient=user.email,
        user_id=user.id,
        status=QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def record_and_queue(kind: str, period: str, user: User) -> int | None:
    """Record the mail in the caller's transaction and queue it after the commit."""
    row = record(kind, period, user)
    if row is None:
        return None
    db.session.flush()
    log_id = row.id
    after_commit(lambda: queue(log_id))
    return log_id


def queue(log_id: int) -> bool:
    """Hand the mail to Celery; a broker outage is logged and left to the sweep."""
    from .tasks import send_mail

    try:
        send_mail.delay(log_id)
    except (OperationalError, redis.exceptions.RedisError, OSError) as error:
        # Usually called after a commit: the booking stands, and the row stays queued for
        # the sweep, so a broker outage must not turn into an error for the user.
        log.warning("mail %s not queued (broker unreachable, the sweep retries): %s", log_id, error)
        return False
    return True


def _update(log_id: int, *conditions: Any, **values: Any) -> bool:
    """One UPDATE in its own write transaction; whether it matched the row.

    A fresh transaction that takes the write lock first: on SQLite a transaction that has
    read (the row, the booking for the mail) cannot later write once another connection
    has committed meanwhile, which the worker's SMTP round trip makes likely.
    """
    with write_transaction() as session:
        result = session.execute(
            update(MailLog).where(MailLog.id == log_id, *conditions).values(**values)
        )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def claim(log_id: int) -> MailLog | None:
    """Take the row for one delivery attempt, or ``None`` if it is sent, failed or busy."""
    now = utcnow()
    taken = _update(
        log_id,
        or_(
            MailLog.status.in_((QUEUED, RETRYING)),
            # A worker that died mid-send leaves SENDING behind; its lease runs out.
            (MailLog.status == SENDING) & (MailLog.next_attempt_at < now),
        ),
        status=SENDING,
        next_attempt_at=now + LEASE,
        attempts=MailLog.attempts + 1,
    )
    return db.session.get(MailLog, log_id) if taken else None


def finish(row: MailLog, status: str, *, message_id: str | None = None, error: str = "") -> None:
    values: dict[str, Any] = {"status": status, "next_attempt_at": None}
    if status == SENT:
        values.update(sent_at=utcnow(), message_id=message_id, error=None)
    else:
        values.update(error=error[:2000] or None)
    _update(row.id, **values)


def schedule_retry(row: MailLog, delay: float, error: str) -> None:
    _update(
        row.id,
        status=RETRYING,
        error=error[:2000],
        next_attempt_at=utcnow() + timedelta(seconds=delay),
    )


def stale_ids(now: datetime | None = None) -> list[int]:
    """Pending rows whose due time passed long ago: their task was lost or never queued."""
    cutoff = (now or utcnow()) - STALE_AFTER
    return list(
        db.session.scalars(
            select(MailLog.id)
            .where(MailLog.status.in_(PENDING_STATES), MailLog.next_attempt_at < cutoff)
            .order_by(MailLog.id)
            .limit(500)
        )
    )
