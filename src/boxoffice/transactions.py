"""Run side effects (queueing mail, publishing seat events) only after a commit.

A task queued inside a transaction that later rolls back would mail a booking that does not
exist; a task queued before the commit is visible could read nothing. So side effects wait
for the commit, and are dropped on rollback.

The side effects are Redis commands: the seat event, the cache generations, the outbox kick.
``after_commit_redis`` collects them, and they leave in one pipeline after the commit: a
booking pays one Redis round trip for all of them instead of one each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from sqlalchemy import event
from sqlalchemy.orm import Session

from .errors import ApiError
from .extensions import db
from .redis_client import get_redis

_REDIS_KEY = "boxoffice_after_commit_redis"


def _ignore(_replies: list[Any]) -> None:
    """For steps whose commands answer nothing they act on."""


@dataclass(frozen=True)
class RedisStep:
    """Commands to send after the commit, and what to do with their replies."""

    queue: Callable[[redis.client.Pipeline], object]  # adds this step's commands
    # Redis unreachable or a command refused: the commit stands, so this only reports it.
    failed: Callable[[Exception], object]
    done: Callable[[list[Any]], object] = _ignore  # gets their replies, in order


def after_commit_redis(step: RedisStep, session: Session | None = None) -> None:
    """Send ``step``'s commands once the transaction has committed, with every other step
    of the same commit in one pipeline."""
    (session or db.session()).info.setdefault(_REDIS_KEY, []).append(step)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    steps: list[RedisStep] = session.info.pop(_REDIS_KEY, [])
    if steps:
        _send(steps)


def _send(steps: list[RedisStep]) -> None:
    spans: list[tuple[int, int]] = []
    try:
        with get_redis().pipeline(transaction=False) as pipe:
            for step in steps:
                start = len(pipe)
                step.queue(pipe)
                spans.append((start, len(pipe)))
            replies = pipe.execute(raise_on_error=False)
    except (redis.RedisError, OSError, ApiError) as error:  # ApiError: no Redis configured
        for step in steps:
            step.failed(error)
        return
    for step, (start, end) in zip(steps, spans, strict=True):
        own = replies[start:end]
        refused = next((reply for reply in own if isinstance(reply, Exception)), None)
        if refused is not None:
            step.failed(refused)
        else:
            step.done(own)


@event.listens_for(Session, "after_soft_rollback")
def _drop_callbacks(session: Session, _previous_transaction: object) -> None:
    if not session.in_transaction():
        session.info.pop(_REDIS_KEY, None)
