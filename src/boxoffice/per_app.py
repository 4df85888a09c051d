"""Objects made once per app and process, on first use, and shared by its threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")

# When a fresh worker's threads all ask at once, a second object made in a race would
# replace the first, and a replaced client or engine closes its pool: connections other
# threads are in the middle of using ("Bad file descriptor").
_making = threading.RLock()  # re-entrant: one shared object may be made from another


def shared(key: str, make: Callable[[], T]) -> T:
    """``current_app.extensions[key]``, made by ``make()`` the first time, exactly once."""
    value: T | None = current_app.extensions.get(key)
    if value is None:
        with _making:
            value = current_app.extensions.get(key)
            if value is None:
                value = current_app.extensions[key] = make()
    return value
