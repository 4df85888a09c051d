"""flask-smorest's Blueprint as this app uses it."""

from __future__ import annotations

import json
import re
from typing import Any

import flask
import flask_smorest
from webargs.flaskparser import FlaskParser

# "\ud800" to "\udfff" written as JSON escapes: a surrogate, which is text only in a pair.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def _lone_surrogate(value: Any) -> bool:
    """Whether a string in ``value`` holds half a surrogate pair (no UTF-8 for it)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_lone_surrogate(key) or _lone_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_lone_surrogate(item) for item in value)
    return False


class BodyParser(FlaskParser):
    """JSON bodies whose every string can be stored: ``"\\ud800"`` alone is valid JSON but
    no database can store it, so it is refused as malformed (400), like bad JSON."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        data = super()._raw_load_json(req)
        raw = req.get_data(cache=True)
        if _ESCAPED_SURROGATE.search(raw) and _lone_surrogate(data):
            raise json.JSONDecodeError("A string holds half a surrogate pair", raw.decode(), 0)
        return data


class Blueprint(flask_smorest.Blueprint):
    """Argument schemas are built once, when the route is declared.

    Given a schema class, webargs builds a new instance (copying every field) on each
    request; given an instance, it reuses it. Loading keeps no state on the instance, so one
    per route is safe across threads.
    """

    ARGUMENTS_PARSER = BodyParser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(schema, type):
            schema = schema()
        return super().arguments(schema, *args, **kwargs)
