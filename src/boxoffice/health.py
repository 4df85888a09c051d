"""``/api/health``: is the database, Redis and a worker reachable?"""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields
from sqlalchemy import text

from .blueprint import Blueprint
from .extensions import db
from .redis_client import get_redis

blp = Blueprint("health", __name__, url_prefix="/api", description="Service health")


class HealthSchema(Schema):
    status = fields.String(metadata={"description": "ok when every part answered"})
    db = fields.String()
    redis = fields.String()
    worker = fields.String()


def _check_db() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:  # noqa: BLE001 - health reports any failure as a state
        current_app.logger.warning("health: database check failed: %s", error)
        db.session.rollback()
        return "down"


def _check_redis() -> str:
    try:
        get_redis().ping()
        return "ok"
    except Exception as error:  # noqa: BLE001
        current_app.logger.warning("health: redis check failed: %s", error)
        return "down"


def _check_worker() -> str:
    celery = current_app.extensions.get("celery")
    if celery is None:
        return "unknown"
    try:
        # limit=1: one answering worker is enough, so a healthy check returns at once
        # instead of always waiting out the timeout for more replies.
        replies = celery.control.ping(timeout=0.5, limit=1)
    except Exception as error:  # noqa: BLE001
        current_app.logger.warning("health: worker ping failed: %s", error)
        return "down"
    return "ok" if replies else "down"


@blp.route("/health", methods=["GET"])
@blp.response(200, HealthSchema)
def health() -> dict[str, Any]:
    """Whether the database, Redis and a Celery worker answer."""
    states = {"db": _check_db(), "redis": _check_redis()}
    # Workers are reached through Redis; with Redis down the ping could only hang and fail.
    states["worker"] = _check_worker() if states["redis"] == "ok" else "down"
    states["status"] = "ok" if all(v == "ok" for v in states.values()) else "degraded"
    return states
