"""Redis caches that are never stale: entries live under *generation* counters.

A cached entry's key holds the current value of one or more generation counters. Whoever
changes the data behind an entry bumps a counter *after* committing (bumping before would
let a concurrent reader cache the old rows under the new number), and every entry built
from the old data becomes unreachable at once; it expires on its own later.

``lookup`` reads the counters and the entry in one round trip (a small Lua script), so a
hit costs a single Redis call.
"""

from __future__ import annotations

from typing import cast

import redis
from flask import current_app

from .per_app import shared
from .redis_client import get_redis
from .transactions import RedisStep

# KEYS: the generation counters; ARGV[1], ARGV[2]: the entry key's prefix and suffix.
_LOOKUP = """
local key = ARGV[1]
for _, counter in ipairs(KEYS) do
  key = key .. (redis.call('GET', counter) or '0') .. ':'
end
key = key .. ARGV[2]
return {key, redis.call('GET', key)}
"""
_SCRIPT = "boxoffice_cache_lookup"


def enabled() -> bool:
    # Commands such as ``seed-demo`` run without Redis; they have no cache to use or clear.
    return bool(current_app.config["BOXOFFICE"].redis_url)


def lookup(counters: list[str], prefix: str, suffix: str) -> tuple[str, str | None]:
    """(the entry's key under the current generations, the cached value or ``None``)."""
    script = shared(_SCRIPT, lambda: get_redis().register_script(_LOOKUP))
    key, value = script(keys=counters, args=[prefix, suffix])
    return str(key), cast(str | None, value)


def store(key: str, value: str, seconds: float) -> None:
    get_redis().set(key, value, px=max(1, int(seconds * 1000)))


def bump_step(counters: set[str]) -> RedisStep:
    """Make every entry under these counters unreachable, sent after the commit
    (``transactions.after_commit_redis``); ``counters`` is read when the step is sent."""

    def queue(pipe: redis.client.Pipeline) -> None:
        for counter in sorted(counters):
            pipe.incr(counter)

    def failed(error: Exception) -> None:  # entries expire on their own
        current_app.logger.warning("cache not invalidated: %s", error)

    return RedisStep(queue, failed)
