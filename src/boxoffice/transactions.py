"""Run side effects (queueing mail, publishing seat events) only after a commit.

A task queued inside a transaction that later rolls back would mail a booking that does not
exist; a task queued before the commit is visible could read nothing. So callbacks wait for
the commit, and are dropped on rollback.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db

_KEY = "boxoffice_after_commit"


def after_commit(callback: Callable[[], object]) -> None:
    """Call ``callback`` once the current transaction of ``db.session`` has committed."""
    db.session().info.setdefault(_KEY, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_callbacks(session: Session) -> None:
    for callback in session.info.pop(_KEY, []):
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _drop_callbacks(session: Session, _previous_transaction: object) -> None:
    if not session.in_transaction():
        session.info.pop(_KEY, None)
