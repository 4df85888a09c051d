"""One delivery attempt of an outbox mail: build it from the database, send it, record it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from .. import mail, notifications
from ..auth.models import deleted_address
from . import outbox
from .models import MailLog

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    status: str
    retry_in: float | None = None


def _forgotten_address(row: MailLog) -> str | None:
    """What the log keeps instead of the address once this mail is done with it: the
    notice to a deleted account's address is the last use of that address."""
    if row.kind == notifications.ACCOUNT_DELETED and row.user_id is not None:
        return deleted_address(row.user_id)
    return None


def attempt(log_id: int) -> Outcome:
    from .messages import SubjectGone, build

    row = outbox.claim(log_id)
    if row is None:
        return Outcome("not_due")  # sent, failed, or another worker has it right now
    try:
        message = build(row)
    except SubjectGone as gone:
        outbox.finish(row, outbox.SKIPPED, error=str(gone), recipient=_forgotten_address(row))
        return Outcome(outbox.SKIPPED)
    except SQLAlchemyError:
        raise  # the database may come back: the lease runs out and the sweep tries again
    except Exception as error:
        # A bug in building this mail would fail the same way on every sweep: record it
        # (the operator sees it in mail_log) instead of looping, then let Celery log it.
        outbox.finish(row, outbox.FAILED, error=f"building failed: {type(error).__name__}: {error}")
        raise
    try:
        message_id = mail.deliver(message)
    except mail.TransientMailError as error:
        delays = current_app.config["BOXOFFICE"].mail_retry_delays
        if row.attempts <= len(delays):
            delay = delays[row.attempts - 1]
            log.warning(
                "mail %s attempt %s failed, retrying in %ss: %s", row.id, row.attempts, delay, error
            )
            outbox.schedule_retry(row, delay, str(error))
            return Outcome(outbox.RETRYING, retry_in=delay)
        log.error("mail %s failed after %s attempts: %s", row.id, row.attempts, error)
        outbox.finish(row, outbox.FAILED, error=str(error))
        return Outcome(outbox.FAILED)
    except mail.PermanentMailError as error:
        log.error("mail %s refused permanently: %s", row.id, error)
        outbox.finish(row, outbox.FAILED, error=str(error))
        return Outcome(outbox.FAILED)
    outbox.finish(row, outbox.SENT, message_id=message_id, recipient=_forgotten_address(row))
    return Outcome(outbox.SENT)
