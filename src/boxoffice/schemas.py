"""Schema building blocks shared by every domain package."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

NOT_TEXT = "Use only valid text."  # lone surrogates: cannot be encoded, hashed or stored
TEXT_CONTROL = "Use no control characters or line breaks."
TEXT_REORDERED = "Use no characters that reverse or reorder the text around them."
TEXT_INVISIBLE = "Use at least one visible character."

# Line and paragraph separators are not category Cc, yet break a mail header just the same.
_LINE_BREAKS = frozenset("\u2028\u2029")
# Bidirectional embeddings, overrides and isolates: they make "gpj.exe" show as "exe.jpg" in
# an admin table or a mail. (Zero-width joiners stay: Indic scripts and emoji need them.)
_REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Categories that print nothing: format characters and separators (spaces among them).
_UNSEEN = frozenset({"Cf", "Zs", "Zl", "Zp"})

# Numbers written as text, in plain spellings: ASCII digits, no sign but minus, no spaces,
# underscores or exponents, and no leading zeros in whole numbers (ids, counts). Python's
# int(), float() and Decimal() also read " +05", "5_0" or "٣", so one show would answer to
# many spellings. Amounts may keep a leading zero ("0250.00"), as the web app's forms allow.
_INTEGER_TEXT = re.compile(r"-?(0|[1-9][0-9]*)", re.ASCII)
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)


def plain_number(value: Any, integral: bool = False) -> bool:
    """Whether a JSON value is a number, or text that spells one in the one plain way."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    pattern = _INTEGER_TEXT if integral else _DECIMAL_TEXT
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def utf8_length(text: str) -> int | None:
    """The length of ``text`` in UTF-8, or None when it holds lone surrogates."""
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return None


def text_problem(text: str) -> str | None:
    """Why a (stripped) name or title may not be stored, or None when it may.

    Names and titles go into mail headers, admin tables, CSV files and the database: a line
    break would be refused by the mailer (or smuggle a header), a NUL by PostgreSQL, a lone
    surrogate by the UTF-8 encoder; reordering marks and text of blanks only mislead people.
    """
    if utf8_length(text) is None:
        return NOT_TEXT
    if any(unicodedata.category(char) == "Cc" or char in _LINE_BREAKS for char in text):
        return TEXT_CONTROL
    if any(char in _REORDERING for char in text):
        return TEXT_REORDERED
    if all(unicodedata.category(char) in _UNSEEN for char in text):
        return TEXT_INVISIBLE
    return None


def validator(problem: Callable[[str], str | None]) -> Callable[[str], None]:
    """A marshmallow validator that raises what ``problem`` finds wrong, if anything."""

    def check(text: str) -> None:
        found = problem(text)
        if found is not None:
            raise ValidationError(found)

    return check


check_text = validator(text_problem)


class RequestSchema(Schema):
    """Base for request bodies: fields the client may not set (owner, status, ...) are ignored."""

    class Meta:
        unknown = EXCLUDE


# Dates a client may send. Far outside this range date arithmetic (time zone changes,
# adding a duration or a day) overflows Python's datetime, and no real show is there.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2200, 12, 31)
SANE_DATE = validate.Range(
    min=EARLIEST_DATE,
    max=LATEST_DATE,
    error=f"Use a date between {EARLIEST_DATE} and {LATEST_DATE}.",
)


class LocalDateTime(fields.AwareDateTime):
    """Reads ISO 8601 with an offset; writes in the configured time zone with its offset."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        result: datetime = super()._deserialize(value, attr, data, **kwargs)
        # Python also reads offsets with seconds ("+05:30:15"); no time zone has used one
        # since 1972, and RFC 3339 writes hours and minutes only.
        offset = result.utcoffset()
        if offset is not None and offset % timedelta(minutes=1):
            raise ValidationError("Use a UTC offset in whole minutes, like +05:30.")
        # Checked on the local date, before any conversion that could overflow.
        if not EARLIEST_DATE <= result.date() <= LATEST_DATE:
            raise ValidationError(f"Use a date and time between {EARLIEST_DATE} and {LATEST_DATE}.")
        return result

    def _serialize(self, value: datetime | None, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        local = value.astimezone(current_app.config["BOXOFFICE"].tz)
        return local.isoformat(timespec="seconds")


class MoneyField(fields.Decimal):
    """A price: decimal with two places, non-negative, written as a string ("250.00")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=0, max=Decimal("1000000")))
        super().__init__(places=2, as_string=True, allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if not plain_number(value):
            raise ValidationError("Not a valid number.")
        # Check the places before the parent rounds the value to two of them.
        try:
            exact = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError("Not a valid number.") from None
        if exact.is_finite():
            # The range first: quantize() cannot represent huge values like 1e30.
            self._validate(exact)
            try:
                rounded = exact.quantize(Decimal("0.01"))
            except InvalidOperation:
                raise ValidationError("Not a valid amount.") from None
            if exact != rounded:
                raise ValidationError("Use at most two decimal places.")
        result: Decimal = super()._deserialize(value, attr, data, **kwargs)
        return result.copy_abs() if result.is_zero() else result  # "-0" is 0.00


class StrictInteger(fields.Integer):
    """An integer that refuses booleans and non-integral numbers like 1.5."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        result: int = super()._deserialize(value, attr, data, **kwargs)
        return result


MAX_DATABASE_ID = 2**31 - 1  # PostgreSQL's integer
ID_RANGE = validate.Range(min=1, max=MAX_DATABASE_ID)


def database_id(value: Any) -> int:
    """``value`` as a database id, or ValueError. Signed tokens carry ids too: a database
    answers an id beyond its integer type with an error of its own, not "no such row"."""
    number = int(value)
    if not 1 <= number <= MAX_DATABASE_ID:
        raise ValueError(f"not a database id: {number}")
    return number


def id_field(**kwargs: Any) -> fields.Integer:
    """A database id in a body or query: positive, and small enough for any database."""
    return StrictInteger(validate=ID_RANGE, **kwargs)


class QueryInteger(fields.Integer):
    """An integer written in a query string, in the one plain spelling (``plain_number``)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if not plain_number(value, integral=True):
            raise ValidationError("Not a valid integer.")
        result: int = super()._deserialize(value, attr, data, **kwargs)
        return result


class QueryNumber(fields.Float):
    """A number written in a query string, in the one plain spelling (``plain_number``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if not plain_number(value):
            raise ValidationError("Not a valid number.")
        result: float = super()._deserialize(value, attr, data, **kwargs)
        return result


class StrictBoolean(fields.Boolean):
    """JSON true or false only: marshmallow's Boolean also takes 1, 0, "yes" or "off", and a
    stray 1 must not confirm a forced delete."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean: use true or false.")
        return value


def query_id_field(**kwargs: Any) -> fields.Integer:
    """An id in a query string, where every value arrives as text."""
    return QueryInteger(validate=ID_RANGE, **kwargs)


class MessageSchema(Schema):
    message = fields.String()
