"""Celery task of the accounts: the forgotten-password mail.

``POST /api/password/forgot`` only queues this task, whatever the address: the look-up and
the outbox row happen in the worker, so the answer takes as long whether or not an account
has the address (a reply that came back sooner for unknown addresses would tell).
"""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="boxoffice.auth.tasks.send_password_reset", ignore_result=True)
def send_password_reset(email: str) -> None:
    services.request_password_reset(email)
