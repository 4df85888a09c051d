"""Request and response schemas of the booking engine (they are also the API documentation)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..schemas import (
    LocalDateTime,
    MoneyField,
    QueryInteger,
    RequestSchema,
    id_field,
    query_id_field,
)

MAX_SEATS = 10
HOLD_ID = validate.Length(min=1, max=36)


class SeatLabels(fields.List):
    """1 to 10 seat labels like "C7"; each trimmed and upper-cased ("c7" means C7)."""

    count_limit = validate.Length(min=1, max=MAX_SEATS)

    def __init__(self, **kwargs: Any) -> None:
        label = fields.String(validate=validate.Length(min=1, max=4))
        super().__init__(label, validate=self.count_limit, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[Any]:
        # The count first: a body may hold many thousands of labels, and each check below
        # is per label.
        if isinstance(value, list):
            self.count_limit(value)
        labels = super()._deserialize(value, attr, data, **kwargs)
        cleaned = [str(label).strip().upper() for label in labels]
        repeated = sorted(label for label, times in Counter(cleaned).items() if times > 1)
        if repeated:
            raise ValidationError(f"Each seat only once; repeated: {', '.join(repeated)}.")
        return cleaned


# ---- requests ---------------------------------------------------------------------------


class ShowIdQuerySchema(Schema):
    show_id = query_id_field(required=True)


class SuggestQuerySchema(ShowIdQuerySchema):
    count = QueryInteger(required=True, validate=validate.Range(min=1, max=MAX_SEATS))


class HoldRequestSchema(RequestSchema):
    show_id = id_field(required=True)
    seats = SeatLabels(required=True)


class HoldReleaseSchema(RequestSchema):
    hold_id = fields.String(required=True, validate=HOLD_ID)


class BookRequestSchema(RequestSchema):
    """Either ``hold_id``, or ``show_id`` with ``seats``."""

    hold_id = fields.String(validate=HOLD_ID)
    show_id = id_field()
    seats = SeatLabels()

    @validates_schema
    def _one_way(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if "hold_id" in data:
            if "seats" in data:
                raise ValidationError("Send hold_id or seats, not both.", "seats")
            return
        missing = {name: ["Required without hold_id."] for name in ("show_id", "seats")}
        for name in list(missing):
            if name in data:
                del missing[name]
        if missing:
            raise ValidationError(missing)


class BookingIdSchema(RequestSchema):
    booking_id = id_field(required=True)


class BookingQuerySchema(Schema):
    booking_id = query_id_field()
    limit = QueryInteger(load_default=50, validate=validate.Range(min=1, max=100))
    offset = QueryInteger(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class BookingIdQuerySchema(Schema):
    booking_id = query_id_field(required=True)


class VerifyQuerySchema(Schema):
    ref = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AdmitSchema(RequestSchema):
    ref = fields.String(required=True, validate=validate.Length(min=1, max=200))


# ---- responses --------------------------------------------------------------------------


class SeatSchema(Schema):
    seat = fields.String(metadata={"example": "C7"})
    row = fields.String()
    number = fields.Integer()
    status = fields.String(metadata={"enum": ["free", "held", "booked"]})
    mine = fields.Boolean(
        metadata={"description": "held by the caller, or booked by them (a confirmed booking)"}
    )
    price = MoneyField()
    category = fields.String()


class HoldSchema(Schema):
    hold_id = fields.String()
    expires_at = LocalDateTime()
    seats = fields.List(fields.String())
    total = MoneyField()
    currency = fields.String(
        metadata={
            "description": "ISO 4217 code of the total and of the prices of the hold's seats:"
            " the venue's currency when the hold was made, which booking it charges"
        }
    )


class SeatMapSchema(Schema):
    show_id = fields.Integer()
    rows = fields.Integer()
    seats_per_row = fields.Integer()
    currency = fields.String(
        metadata={
            "description": "ISO 4217 code of the seat prices: the venue's currency. The"
            " caller's own held seats are priced as their hold quoted them, in"
            " ``hold.currency``"
        }
    )
    seats = fields.List(fields.Nested(SeatSchema))
    hold = fields.Nested(HoldSchema, allow_none=True)


class SuggestionSchema(Schema):
    seats = fields.List(fields.String())


class VenueRefSchema(Schema):
    name = fields.String()
    location = fields.String()


class BookedShowSchema(Schema):
    show_id = fields.Integer(allow_none=True)
    title = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime(
        metadata={"description": "when the show ends: the ticket admits at the door until then"}
    )
    venue = fields.Nested(VenueRefSchema)


class BookingSchema(Schema):
    booking_id = fields.Integer()
    code = fields.String(metadata={"example": "K7QX4MZA"})
    show_id = fields.Integer(allow_none=True)
    show = fields.Nested(BookedShowSchema)
    seats = fields.List(fields.String())
    total = MoneyField()
    currency = fields.String(
        metadata={
            "description": "ISO 4217 code of the total: the venue's currency when booked",
            "example": "INR",
        }
    )
    status = fields.String(metadata={"enum": ["confirmed", "cancelled"]})
    booked_at = LocalDateTime()
    cancelled_at = LocalDateTime(allow_none=True)
    admitted_at = LocalDateTime(allow_none=True, metadata={"description": "used at the door"})
    can_cancel = fields.Boolean()
    cancel_until = LocalDateTime(metadata={"description": "cancelling closes at this moment"})
    cancel_cutoff_minutes = fields.Integer(
        metadata={"description": "how many minutes before the show cancelling closes"}
    )
    qr_url = fields.String()
    ics_url = fields.String()


class BookingEnvelopeSchema(Schema):
    booking = fields.Nested(BookingSchema)


class BookingListSchema(Schema):
    bookings = fields.List(fields.Nested(BookingSchema))
    limit = fields.Integer()
    offset = fields.Integer()
    total = fields.Integer(metadata={"description": "how many bookings the caller has in all"})


class BookingGetSchema(BookingListSchema):
    """``{booking}`` for one booking, or the paged ``{bookings, limit, offset, total}``."""

    booking = fields.Nested(BookingSchema)


class ReleasedSchema(Schema):
    message = fields.String()
    seats = fields.List(fields.String())


class TicketSummarySchema(Schema):
    code = fields.String()
    status = fields.String()
    title = fields.String()
    starts_at = LocalDateTime()
    venue = fields.Nested(VenueRefSchema)
    seats = fields.List(fields.String())
    holder = fields.String()
    admitted_at = LocalDateTime(allow_none=True, metadata={"description": "when let in"})


class VerifySchema(Schema):
    valid = fields.Boolean()
    reason = fields.String(
        metadata={
            "enum": [
                "ok",
                "admitted",
                "forged",
                "unknown",
                "cancelled",
                "already_admitted",
                "too_early",
                "show_over",
            ]
        }
    )
    booking = fields.Nested(TicketSummarySchema, allow_none=True)


class AmountSchema(Schema):
    currency = fields.String(metadata={"example": "INR"})
    amount = MoneyField()


class RevenueSchema(Schema):
    """Revenue of confirmed bookings, each counted in the currency it was charged in."""

    revenue = MoneyField(
        metadata={
            "description": "the plain sum of the amounts of revenues: right only while there "
            "is one currency (kept for clients from before venues had other currencies)"
        }
    )
    revenues = fields.List(
        fields.Nested(AmountSchema),
        metadata={"description": "revenue per currency, one entry each, ordered by code"},
    )


class StatsShowSchema(RevenueSchema):
    show_id = fields.Integer()
    title = fields.String()
    starts_at = LocalDateTime()
    capacity = fields.Integer()
    booked = fields.Integer()
    occupancy = fields.Float()


class StatsVenueSchema(Schema):
    venue_id = fields.Integer()
    name = fields.String()
    location = fields.String()
    currency = fields.String(metadata={"description": "ISO 4217 code of its prices now"})
    capacity = fields.Integer()
    shows = fields.List(fields.Nested(StatsShowSchema))


class StatsDaySchema(Schema):
    date = fields.String(metadata={"example": "2026-11-25"})
    bookings = fields.Integer()
    tickets = fields.Integer()


class StatsTotalsSchema(RevenueSchema):
    tickets = fields.Integer()
    bookings = fields.Integer()


class StatsUpcomingSchema(StatsTotalsSchema):
    shows = fields.Integer()


class StatsSchema(Schema):
    venues = fields.List(fields.Nested(StatsVenueSchema))
    bookings_per_day = fields.List(fields.Nested(StatsDaySchema))
    upcoming = fields.Nested(
        StatsUpcomingSchema,
        metadata={
            "description": "the shows listed under venues (not ended, next 14 days): the sums "
            "of bookings_per_day, and of their revenue"
        },
    )
    totals = fields.Nested(
        StatsTotalsSchema,
        metadata={"description": "every confirmed booking ever made, past shows included"},
    )
