"""One Redis connection pool per process, for the token blocklist, limits and seat events."""

from __future__ import annotations

import redis
from flask import current_app

from .errors import ApiError
from .per_app import shared


def _client() -> redis.Redis:
    url = current_app.config["BOXOFFICE"].redis_url
    if not url:
        raise ApiError(503, "redis_unavailable", "Redis is not configured or not running.")
    return redis.Redis.from_url(
        url, decode_responses=True, socket_connect_timeout=2, health_check_interval=30
    )


def get_redis() -> redis.Redis:
    return shared("boxoffice_redis", _client)
