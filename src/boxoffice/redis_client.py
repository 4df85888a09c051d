"""One Redis connection pool per process, for the token blocklist, limits and seat events."""

from __future__ import annotations

import redis
from flask import current_app

from .errors import ApiError


def get_redis() -> redis.Redis:
    client: redis.Redis | None = current_app.extensions.get("boxoffice_redis")
    if client is None:
        url = current_app.config["BOXOFFICE"].redis_url
        if not url:
            raise ApiError(503, "redis_unavailable", "Redis is not configured or not running.")
        client = redis.Redis.from_url(
            url, decode_responses=True, socket_connect_timeout=2, health_check_interval=30
        )
        current_app.extensions["boxoffice_redis"] = client
    return client
