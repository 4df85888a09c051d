"""flask-smorest's Blueprint as this app uses it."""

from __future__ import annotations

from typing import Any

import flask_smorest


class Blueprint(flask_smorest.Blueprint):
    """Argument schemas are built once, when the route is declared.

    Given a schema class, webargs builds a new instance (copying every field) on each
    request; given an instance, it reuses it. Loading keeps no state on the instance, so one
    per route is safe across threads.
    """

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
