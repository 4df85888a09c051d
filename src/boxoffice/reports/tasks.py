"""Celery tasks: thin wrappers that take ids, re-read the database and are safe to run twice."""

from __future__ import annotations

from celery import Task, shared_task

from . import delivery


@shared_task(bind=True, name="boxoffice.reports.tasks.send_mail", max_retries=None)
def send_mail(self: Task, log_id: int) -> str:
    """Deliver one outbox mail; transient SMTP failures come back here with growing delays."""
    outcome = delivery.attempt(log_id)
    if outcome.retry_in is not None:
        # The attempt count lives in the database, not in Celery, so it survives restarts.
        raise self.retry(countdown=outcome.retry_in, max_retries=None)
    return outcome.status
