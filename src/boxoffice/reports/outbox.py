"""The mail outbox: one ``mail_log`` row per mail we decided to send.

The row is the idempotency record (UNIQUE(kind, period, recipient)) and the state machine of
delivery: queued -> sending -> sent, or -> retrying -> ... -> failed. ``next_attempt_at`` says
when the row is next due; a row whose time has long passed without progress (its task was
never queued because Redis was down, or its worker died mid-send) is queued again by the
periodic sweep, so no mail is lost silently.

Whoever records mail *kicks* the outbox after the commit instead of publishing one Celery
task per mail: a booking then pays one Redis ``SET NX`` instead of a Celery publish, and a
busy show's confirmations leave in batches. The kick key lets one dispatch task through
while another is pending; ``dispatch_due`` deletes the key *before* it reads the due rows,
so a row committed after that read finds the key gone and kicks a dispatch of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import redis
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..celery_app import BROKER_UNREACHABLE
from ..database import write_transaction
from ..db_types import utcnow
from ..extensions import db
from ..redis_client import get_redis
from ..transactions import RedisStep, after_commit_redis
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
STATES = (*PENDING_STATES, SENT, FAILED, SKIPPED)
# How long one delivery attempt may hold a row before another worker may take it over.
LEASE = timedelta(minutes=5)
# A due row untouched for this long has no task in flight; the sweep queues it again.
STALE_AFTER = timedelta(minutes=2)
KICK_KEY = "boxoffice:outbox:kick"
# A dispatch task lost on the way stops holding kicks back after this long.
KICK_SECONDS = 60
DISPATCH_BATCH = 500
# A new row for a person known only by id (the booking engine never reads the person's
# row): the address is read by the INSERT itself.
INSERT_FOR_PERSON = MailLog.__table__.insert().values(
    user_id=bindparam("person"),
    recipient=select(User.email).where(User.id == bindparam("person")).scalar_subquery(),
)


def booking_period(booking_id: int) -> str:
    return f"booking:{booking_id}"


def _due_now(kind: str, period: str) -> dict[str, Any]:
    """The columns of a new outbox row, due now, but for its recipient."""
    return {
        "kind": kind,
        "period": period,
        "status": QUEUED,
        "attempts": 0,
        "next_attempt_at": utcnow(),
    }


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
    row = MailLog(**_due_now(kind, period), recipient=user.email, user_id=user.id)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    return row


def record_and_kick(kind: str, period: str, user: User) -> bool:
    """Record the mail in the caller's transaction and kick the outbox after the commit."""
    if record(kind, period, user) is None:
        return False
    after_commit_redis(KICK)
    return True


def record_new(kind: str, mails: Sequence[tuple[str, int]]) -> None:
    """Record mails (period, recipient's user id) about things created in the caller's
    transaction; kick after commit.

    For a subject that did not exist before this transaction (a new booking), no row can
    exist yet: plain INSERTs, without the look-up and savepoint of ``record``.
    """
    if mails:
        rows = [_due_now(kind, period) | {"person": user_id} for period, user_id in mails]
        db.session.connection().execute(INSERT_FOR_PERSON, rows)
        after_commit_redis(KICK)


def _queue_kick(pipe: redis.client.Pipeline) -> None:
    pipe.set(KICK_KEY, "1", nx=True, ex=KICK_SECONDS)


def _kicked(replies: list[Any]) -> None:
    if not replies[0]:
        return  # a dispatch is pending already and will take this commit's mail along
    from .tasks import dispatch_mail

    try:
        dispatch_mail.delay()
    except BROKER_UNREACHABLE as error:
        _not_kicked(error)


def _not_kicked(error: Exception) -> None:
    # The caller's work has committed and its mail stays queued for the periodic sweep.
    log.warning("outbox not kicked (broker unreachable, the sweep retries): %s", error)


# Sent after the commit that recorded mail, with the commit's other Redis commands.
KICK = RedisStep(_queue_kick, failed=_not_kicked, done=_kicked)


def dispatch_due() -> int:
    """Queue one send task per mail that is due and not yet handed out; returns how many.

    Handing a row out moves its ``next_attempt_at`` on by ``STALE_AFTER``, so the next
    dispatch skips it and only the sweep queues it again if its task is lost.
    """
    get_redis().delete(KICK_KEY)  # first: later commits must kick again (module docstring)
    handed_out = 0
    while True:
        now = utcnow()
        is_due = (MailLog.status == QUEUED, MailLog.next_attempt_at <= now)
        batch = select(MailLog.id).where(*is_due).order_by(MailLog.id).limit(DISPATCH_BATCH)
        with write_transaction() as session:
            # ``is_due`` once more at the top: PostgreSQL re-checks only those conditions
            # on a row that a concurrent dispatch changed meanwhile, so it is handed out once.
            ids = session.scalars(
                update(MailLog)
                .where(MailLog.id.in_(batch), *is_due)
                .values(next_attempt_at=now + STALE_AFTER)
                .returning(MailLog.id)
                .execution_options(synchronize_session=False)
            ).all()
        for log_id in sorted(ids):
            queue(log_id)
        handed_out += len(ids)
        if len(ids) < DISPATCH_BATCH:
            return handed_out


def queue(log_id: int) -> bool:
    """Hand one mail to Celery; a broker outage is logged and left to the sweep."""
    from .tasks import send_mail

    try:
        send_mail.delay(log_id)
    except BROKER_UNREACHABLE as error:
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


def finish(
    row: MailLog,
    status: str,
    *,
    message_id: str | None = None,
    error: str = "",
    recipient: str | None = None,
) -> None:
    """Record how the delivery ended; ``recipient`` replaces the address kept in the log."""
    values: dict[str, Any] = {"status": status, "next_attempt_at": None}
    if recipient is not None:
        values["recipient"] = recipient
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


def requeue_failed(log_id: int) -> bool:
    """Put a failed mail back in the queue, due now, and kick the outbox after the commit;
    whether the mail was failed (only a failed mail goes back).

    From here it is an ordinary queued mail: the next dispatch hands it to a worker, and the
    sweep covers a lost kick. Its error stays until the next attempt replaces or clears it.
    ``attempts`` starts again from 0: the retry delays are indexed by it, so the mail gets
    the whole retry schedule once more instead of failing for good at its first transient
    refusal (an admin retries after fixing the mail server, which may still be settling).
    """
    with write_transaction() as session:
        result = session.execute(
            update(MailLog)
            .where(MailLog.id == log_id, MailLog.status == FAILED)
            .values(status=QUEUED, attempts=0, next_attempt_at=utcnow())
        )
        requeued = bool(result.rowcount == 1)  # type: ignore[attr-defined]
        if requeued:
            after_commit_redis(KICK, session)
    return requeued
