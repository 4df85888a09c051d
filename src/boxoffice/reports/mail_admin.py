"""What admins see of the mail outbox: mails by delivery state, and sending a failed one again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from ..errors import ApiError, NotFound
from ..extensions import db
from . import outbox
from .models import MailLog


def page(status: str, limit: int, before: int | None = None) -> dict[str, Any]:
    """Mails in ``status``, newest first, ``limit`` at a time below the id ``before``."""
    in_state = MailLog.status == status
    query = select(MailLog).where(in_state).order_by(MailLog.id.desc()).limit(limit + 1)
    if before is not None:
        query = query.where(MailLog.id < before)
    rows = list(db.session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "mails": [view(row) for row in rows],
        "total": db.session.scalar(select(func.count(MailLog.id)).where(in_state)),
        "next_before": rows[-1].id if more else None,
    }


def retry(mail_id: int) -> dict[str, Any]:
    """Queue a failed mail again (see ``outbox.requeue_failed``); 404 / 409 otherwise."""
    requeued = outbox.requeue_failed(mail_id)
    row = db.session.get(MailLog, mail_id, populate_existing=True)
    if row is None:
        raise NotFound("That mail")
    if not requeued:
        raise ApiError(
            409,
            "not_failed",
            f"Only a failed mail can be sent again; this one is {row.status}.",
            {"status": row.status},
        )
    return view(row)


def view(row: MailLog) -> dict[str, Any]:
    return {
        "mail_id": row.id,
        "kind": row.kind,
        "period": row.period,
        "recipient": row.recipient,
        "status": row.status,
        "attempts": row.attempts,
        "error": row.error,
        "created_at": row.created_at,
        "next_attempt_at": row.next_attempt_at,
        "sent_at": row.sent_at,
    }
