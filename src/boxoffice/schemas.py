"""Schema building blocks shared by every domain package."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate


class RequestSchema(Schema):
    """Base for request bodies: fields the client may not set (owner, status, ...) are ignored."""

    class Meta:
        unknown = EXCLUDE


class LocalDateTime(fields.AwareDateTime):
    """Reads ISO 8601 with an offset; writes in the configured time zone with its offset."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

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
        if isinstance(value, bool):
            raise ValidationError("Not a valid number.")
        # Check the places before the parent rounds the value to two of them.
        try:
            exact = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError("Not a valid number.") from None
        if exact.is_finite() and exact != exact.quantize(Decimal("0.01")):
            raise ValidationError("Use at most two decimal places.")
        result: Decimal = super()._deserialize(value, attr, data, **kwargs)
        return result


class StrictInteger(fields.Integer):
    """An integer that refuses booleans and non-integral numbers like 1.5."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise ValidationError("Not a valid integer.")
        result: int = super()._deserialize(value, attr, data, **kwargs)
        return result


ID_RANGE = validate.Range(min=1, max=2**31 - 1)


def id_field(**kwargs: Any) -> fields.Integer:
    """A database id in a body or query: positive, and small enough for any database."""
    return StrictInteger(validate=ID_RANGE, **kwargs)


def query_id_field(**kwargs: Any) -> fields.Integer:
    """An id in a query string, where every value arrives as text."""
    return fields.Integer(validate=ID_RANGE, **kwargs)


class MessageSchema(Schema):
    message = fields.String()
