"""flask-smorest's Blueprint as this app uses it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import flask
import flask_smorest
import marshmallow as ma
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from .schemas import utf8_length

# "\ud800" to "\udfff" written as JSON escapes: a surrogate, which is text only in a pair.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
# NUL written as a JSON escape: valid JSON, but PostgreSQL refuses it in text.
_ESCAPED_NUL = b"\\u0000"
# NUL in a query string, percent-encoded.
_ENCODED_NUL = b"%00"
NUL_REFUSED = "Remove the NUL character."
REPEAT_REFUSED = "Give this parameter once."


def _holds(value: Any, unstorable: Callable[[str], bool]) -> bool:
    """Whether a string anywhere in ``value`` (keys too) is ``unstorable``."""
    if isinstance(value, str):
        return unstorable(value)
    if isinstance(value, dict):
        return any(
            _holds(key, unstorable) or _holds(item, unstorable) for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_holds(item, unstorable) for item in value)
    return False


def _half_surrogate(text: str) -> bool:
    return utf8_length(text) is None


def _has_nul(text: str) -> bool:
    return "\x00" in text


class _RepeatedKey(ValueError):
    pass


def _one_value_per_key(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key appears twice: which value was meant is unclear, and
    a proxy or another program reading the same body may take the other one."""
    data = dict(pairs)
    if len(data) != len(pairs):
        raise _RepeatedKey("A key appears twice in one object")
    return data


def _nul_refusal(data: Any) -> ma.ValidationError:
    """The 422 naming the fields that hold a NUL (``_schema`` for a key or a whole body)."""
    if not isinstance(data, dict):
        return ma.ValidationError({"_schema": [NUL_REFUSED]})
    names = {
        "_schema" if _has_nul(key) else key
        for key, value in data.items()
        if _has_nul(key) or _holds(value, _has_nul)
    }
    return ma.ValidationError({name: [NUL_REFUSED] for name in sorted(names)})


def _repeated_single_values(req: flask.Request, schema: ma.Schema) -> list[str]:
    """Query parameters given more than once whose field takes one value, sorted."""
    if len(req.args) == sum(1 for _pair in req.args.items(multi=True)):
        return []  # the usual case: every parameter once
    single = {
        field.data_key or name
        for name, field in schema.fields.items()
        if not isinstance(field, ma.fields.List | ma.fields.Tuple)
    }
    return sorted(name for name, values in req.args.lists() if len(values) > 1 and name in single)


class BodyParser(FlaskParser):
    """Request data whose every string can be stored, refused at the door otherwise.

    Checked here once, every field of every route is covered, new ones too:

    - ``"\\ud800"`` alone is valid JSON but no text any database stores: such a body is
      refused as malformed (400), like bad JSON, and so is a number too long for Python to
      read (more than 4,300 digits), or an object with a key twice;
    - a NUL in a body or a query string is a 422 naming the field (PostgreSQL would refuse
      it; SQLite would store it and hand it on to mails and CSV files);
    - a query parameter given twice (``?show_id=1&show_id=2``) is a 422 naming it, unless
      its field takes a list: which value was meant is unclear, and a cache or proxy in
      front may read the other one.
    """

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return missing
        raw = req.get_data(cache=True)
        try:
            data = json.loads(raw.decode("utf-8"), object_pairs_hook=_one_value_per_key)
        except json.JSONDecodeError:
            raise
        # A repeated key, text that is not UTF-8, or "Exceeds the limit (4300 digits) ...".
        # (The error must carry the body: webargs reads an error without one as no body.)
        except ValueError as error:
            raise json.JSONDecodeError(str(error), raw.decode(errors="replace"), 0) from None
        if _ESCAPED_SURROGATE.search(raw) and _holds(data, _half_surrogate):
            raise json.JSONDecodeError("A string holds half a surrogate pair", raw.decode(), 0)
        if _ESCAPED_NUL in raw and _holds(data, _has_nul):
            raise _nul_refusal(data)
        return data

    def load_querystring(self, req: flask.Request, schema: ma.Schema) -> Any:
        # Decoded and searched only when the raw query string can hold a NUL at all.
        if _ENCODED_NUL in req.query_string or b"\x00" in req.query_string:
            data = req.args.to_dict(flat=False)  # every value of every parameter
            if _holds(data, _has_nul):
                raise _nul_refusal(data)
        repeated = _repeated_single_values(req, schema)
        if repeated:
            raise ma.ValidationError({name: [REPEAT_REFUSED] for name in repeated})
        return super().load_querystring(req, schema)


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
