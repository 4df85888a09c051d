"""Celery tasks: thin wrappers that take ids, re-read the database and are safe to run twice.

Every task runs inside a Flask app context (``celery_app.FlaskTask``) and is acknowledged only
when it finishes (``task_acks_late``), so a task cut off by a dying worker runs again.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task

from . import delivery, export, monthly, outbox, reminders

log = logging.getLogger(__name__)


# Fire-and-forget tasks keep their state in the database and ignore Celery results: a caller
# that asks for a result subscribes to the result backend first, which blocks a web request
# for a long time when Redis is down.
@shared_task(
    bind=True, name="boxoffice.reports.tasks.send_mail", max_retries=None, ignore_result=True
)
def send_mail(self: Task, log_id: int) -> str:
    """Deliver one outbox mail; transient SMTP failures come back here with growing delays."""
    outcome = delivery.attempt(log_id)
    if outcome.retry_in is not None:
        # The attempt count lives in the database, not in Celery, so it survives restarts.
        raise self.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.status


@shared_task(name="boxoffice.reports.tasks.dispatch_mail", ignore_result=True)
def dispatch_mail() -> int:
    """Queue every due outbox mail (the web requests only kick this; see ``outbox``)."""
    return outbox.dispatch_due()


@shared_task(name="boxoffice.reports.tasks.send_reminders")
def send_reminders() -> dict[str, int]:
    summary = reminders.run()
    return {"show_reminders": summary.show_reminders, "miss_you": summary.miss_you}


@shared_task(name="boxoffice.reports.tasks.send_monthly_reports")
def send_monthly_reports(month: str | None = None) -> dict[str, Any]:
    """The report for ``month`` ("YYYY-MM"), by default the month before today (local time)."""
    done_month, queued = monthly.run(monthly.Month.parse(month) if month else None)
    return {"month": str(done_month), "queued": len(queued)}


@shared_task(name="boxoffice.reports.tasks.run_export", ignore_result=True)
def run_export(job_id: str) -> str:
    try:
        return export.run(job_id)
    except Exception:
        # A task, not a request: record the failure for the admin polling the status, then
        # let Celery log the traceback.
        log.exception("export %s failed", job_id)
        export.fail(job_id, "The export failed unexpectedly; please try again.")
        raise


@shared_task(name="boxoffice.reports.tasks.requeue_stale_mail")
def requeue_stale_mail() -> int:
    """Queue outbox mails whose task was lost (broker down at commit, worker killed)."""
    stale = outbox.stale_ids()
    for log_id in stale:
        outbox.queue(log_id)
    if stale:
        log.warning("requeued %s stale outbox mails", len(stale))
    return len(stale)


@shared_task(name="boxoffice.reports.tasks.purge_old_exports")
def purge_old_exports() -> int:
    return export.purge_old()
