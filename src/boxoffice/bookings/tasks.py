"""Celery tasks of the booking engine."""

from __future__ import annotations

from celery import shared_task

from .holds import purge_expired_holds as _purge


@shared_task(name="boxoffice.bookings.tasks.purge_expired_holds", ignore_result=True)
def purge_expired_holds() -> int:
    """Delete expired holds (every minute, from beat). Idempotent: a second run finds nothing.

    Expired holds already count as free seats; this only keeps the tables small and tells
    open seat maps that those seats are free.
    """
    return _purge()
