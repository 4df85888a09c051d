from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_dump, pre_load, validate

from ..db_types import utcnow
from ..languages import FILM_LANGUAGES
from ..money import DEFAULT_CURRENCY, currency_problem
from ..schemas import (
    SANE_DATE,
    LocalDateTime,
    MoneyField,
    QueryInteger,
    QueryNumber,
    RequestSchema,
    StrictBoolean,
    StrictInteger,
    check_text,
    id_field,
    plain_number,
    query_id_field,
    validator,
)
from . import paging, services
from .layout import capacity_of, cheapest_surcharge

TAG = validate.Regexp(
    r"^[a-z0-9][a-z0-9 \-]{0,29}$",
    error="Tags are 1-30 lowercase letters, digits, spaces or dashes.",
)
# Names and titles reach mails, admin tables and CSV files: see ``schemas.text_problem``.
TITLE: list[Callable[[Any], Any]] = [validate.Length(min=1, max=200), check_text]
VENUE_NAME: list[Callable[[Any], Any]] = [validate.Length(min=1, max=120), check_text]
VENUE_LOCATION: list[Callable[[Any], Any]] = [validate.Length(min=1, max=80), check_text]
# The ISO 4217 code of money some country uses now (``money.CURRENCIES``); never XXX or XAU.
CURRENCY = validator(currency_problem)
CURRENCY_DOC = {"description": "ISO 4217 code of a currency in use; `GET /api/meta` lists them"}
# How far ahead a show may be scheduled; further out is a typo, not a programme.
SCHEDULE_AHEAD = timedelta(days=5 * 365)


def _within_schedule(value: datetime) -> None:
    if value.astimezone(UTC) > utcnow() + SCHEDULE_AHEAD:
        raise ValidationError("A show can be scheduled at most 5 years ahead.")


class RatingField(fields.Float):
    """A rating from 0 to 10 in tenths, as the pages show it ("★ 7.4").

    Like a price (``MoneyField``), a finer number is refused rather than rounded unseen:
    1e-320 would be stored as a subnormal float and shown as 0.0. A rating of "-0" is 0; the
    float -0.0 would be stored with its sign and handed back as -0.0.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, validate=validate.Range(min=0, max=10), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if not plain_number(value):
            raise ValidationError("Not a valid number.")
        try:
            exact = Decimal(str(value))  # str: the float's shortest spelling, "7.4"
        except InvalidOperation:
            raise ValidationError("Not a valid number.") from None
        if exact.is_finite():
            self._validate(exact)  # the range first: quantize() cannot represent 1e30
            if exact != exact.quantize(Decimal("0.1")):
                raise ValidationError("Use at most one decimal place.")
        result: float = super()._deserialize(value, attr, data, **kwargs)
        return 0.0 if result == 0 else result


def _strip_strings(data: Any, names: tuple[str, ...]) -> Any:
    if not isinstance(data, dict):
        return data
    return {k: (v.strip() if k in names and isinstance(v, str) else v) for k, v in data.items()}


# ---- venues -----------------------------------------------------------------------------


class VenueSchema(Schema):
    venue_id = fields.Integer(attribute="id")
    name = fields.String()
    location = fields.String()
    rows = fields.Integer()
    seats_per_row = fields.Integer()
    capacity = fields.Method("_capacity")
    currency = fields.String()
    layout = fields.Dict()
    created_at = LocalDateTime()

    def _capacity(self, venue: Any) -> int:
        return capacity_of(venue.rows, venue.seats_per_row, venue.layout)


class _VenueWithLock:
    """A venue and the refusal a change of its seating would get now (one read for both)."""

    def __init__(self, venue: Any) -> None:
        self._venue = venue
        lock = services.seating_lock(venue)
        self.seating_locked = lock is not None
        self.seating_locked_reason = lock.message if lock is not None else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._venue, name)


class VenueDetailSchema(VenueSchema):
    """One venue, as the editor loads it: also whether its seating may change now."""

    seating_locked = fields.Boolean(
        dump_only=True,
        metadata={
            "description": "True while upcoming shows have bookings: an update that changes "
            "`rows`, `seats_per_row` or `layout` is then refused with 409 `venue_has_bookings`"
        },
    )
    seating_locked_reason = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Why the seating is locked, to show to the admin; else null"},
    )

    @pre_dump
    def _with_lock(self, venue: Any, **_kwargs: Any) -> Any:
        return _VenueWithLock(venue)


class VenueBriefSchema(Schema):
    venue_id = fields.Integer(attribute="id")
    name = fields.String()
    location = fields.String()


class VenueFieldsSchema(RequestSchema):
    name = fields.String(validate=VENUE_NAME)
    location = fields.String(validate=VENUE_LOCATION)
    rows = StrictInteger(validate=validate.Range(min=1, max=26))
    seats_per_row = StrictInteger(validate=validate.Range(min=1, max=60))
    layout = fields.Dict(load_default=None, allow_none=True)
    currency = fields.String(validate=CURRENCY, metadata=CURRENCY_DOC)

    @pre_load
    def _strip(self, data: Any, **_kwargs: Any) -> Any:
        return _strip_strings(data, ("name", "location", "currency"))


class VenueCreateSchema(VenueFieldsSchema):
    name = fields.String(required=True, validate=VENUE_NAME)
    location = fields.String(required=True, validate=VENUE_LOCATION)
    rows = StrictInteger(required=True, validate=validate.Range(min=1, max=26))
    seats_per_row = StrictInteger(required=True, validate=validate.Range(min=1, max=60))
    currency = fields.String(
        load_default=DEFAULT_CURRENCY, validate=CURRENCY, metadata=CURRENCY_DOC
    )


class VenueUpdateSchema(VenueFieldsSchema):
    venue_id = id_field(required=True)
    layout = fields.Dict(allow_none=True)


class VenueDeleteSchema(RequestSchema):
    venue_id = id_field(required=True)
    force = StrictBoolean(load_default=False)


class VenueQuerySchema(Schema):
    venue_id = query_id_field()


class VenueEnvelopeSchema(Schema):
    venue = fields.Nested(VenueDetailSchema)


class VenueGetSchema(Schema):
    """``venue`` when a venue_id was given, else ``venues`` (without ``seating_locked``)."""

    venue = fields.Nested(VenueDetailSchema)
    venues = fields.List(fields.Nested(VenueSchema))


# ---- shows ------------------------------------------------------------------------------


class ShowSchema(Schema):
    show_id = fields.Integer(attribute="id")
    venue_id = fields.Integer()
    venue = fields.Nested(VenueBriefSchema)
    title = fields.String()
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    price = MoneyField()
    price_from = fields.Method("_price_from")
    currency = fields.Function(
        lambda show: show.venue.currency,
        metadata={"description": "ISO 4217 code of the prices: the venue's currency"},
    )
    language = fields.String()
    rating = fields.Float(allow_none=True)
    tags = fields.List(fields.String())
    duration_minutes = fields.Integer()
    capacity = fields.Integer()
    free_seats = fields.Integer()

    def _price_from(self, show: Any) -> str:
        cheapest = show.price + cheapest_surcharge(show.venue.rows, show.venue.layout)
        return f"{cheapest:.2f}"


# The choices are too many to list in the message.
FILM_LANGUAGE = validate.OneOf(
    FILM_LANGUAGES,
    error="Not a language we list films in; give its ISO 639-1 code, such as hi, fr or ko.",
)


class ShowFieldsSchema(RequestSchema):
    venue_id = id_field()
    title = fields.String(validate=TITLE)
    starts_at = LocalDateTime(validate=_within_schedule)
    price = MoneyField()
    language = fields.String(validate=FILM_LANGUAGE)
    rating = RatingField(allow_none=True)
    tags = fields.List(fields.String(validate=TAG), validate=validate.Length(max=10))
    duration_minutes = StrictInteger(validate=validate.Range(min=1, max=600))

    @pre_load
    def _strip(self, data: Any, **_kwargs: Any) -> Any:
        data = _strip_strings(data, ("title",))
        if isinstance(data, dict) and isinstance(data.get("tags"), list):
            data = {
                **data,
                "tags": [t.strip().lower() if isinstance(t, str) else t for t in data["tags"]],
            }
        return data


class ShowCreateSchema(ShowFieldsSchema):
    venue_id = id_field(required=True)
    title = fields.String(required=True, validate=TITLE)
    starts_at = LocalDateTime(required=True, validate=_within_schedule)
    price = MoneyField(required=True)
    language = fields.String(load_default="en", validate=FILM_LANGUAGE)
    tags = fields.List(
        fields.String(validate=TAG), load_default=list, validate=validate.Length(max=10)
    )
    duration_minutes = StrictInteger(load_default=150, validate=validate.Range(min=1, max=600))


class ShowUpdateSchema(ShowFieldsSchema):
    show_id = id_field(required=True)


class ShowDeleteSchema(RequestSchema):
    show_id = id_field(required=True)
    force = StrictBoolean(load_default=False)


class PageCursor(fields.String):
    """A page's ``next``, read back as the position it names (``catalog.paging``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return paging.decode(text)  # checks the length before decoding anything
        except ValueError:
            raise ValidationError(
                "This is not a page of these results; start again from the first page."
            ) from None


class PageQuerySchema(Schema):
    """One page of a list ordered by start time: at most ``limit`` shows after ``after``."""

    limit = QueryInteger(load_default=100, validate=validate.Range(min=1, max=200))
    after = PageCursor(
        metadata={
            "description": "Omit for the first page; for the page after one, that page's `next`",
            "maxLength": paging.MAX_LENGTH,
        },
    )


class ShowQuerySchema(PageQuerySchema):
    show_id = query_id_field()
    venue_id = query_id_field()


class ShowEnvelopeSchema(Schema):
    show = fields.Nested(ShowSchema)


class ShowListSchema(Schema):
    shows = fields.List(fields.Nested(ShowSchema))
    next = fields.String(
        allow_none=True,
        metadata={"description": "Pass as `after` for the next page; null on the last page"},
    )


class ShowGetSchema(ShowListSchema):
    """``show`` when a show_id was given, else a page of ``shows`` and the ``next`` one."""

    show = fields.Nested(ShowSchema)


class FilterQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(max=200))
    location = fields.String(validate=validate.Length(max=80))
    language = fields.String(validate=FILM_LANGUAGE)
    tag = fields.String(validate=validate.Length(max=30))
    min_rating = QueryNumber(validate=validate.Range(min=0, max=10))
    date = fields.Date(format="%Y-%m-%d", validate=SANE_DATE)
    venue_id = query_id_field()


class MetaSchema(Schema):
    languages = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "English name of every language code a show or user may have"},
    )
    film_languages = fields.List(
        fields.String(),
        metadata={
            "description": "Codes a show may have, in the order to offer them: the languages "
            "of the cinemas here, then the rest by name"
        },
    )
    mail_languages = fields.List(
        fields.String(),
        metadata={"description": "Codes a person may choose for their mail, in the order to offer"},
    )
    mail_translations = fields.List(
        fields.String(),
        metadata={
            "description": "Codes of `mail_languages` that mail is written in; a person on "
            "another gets mail in English"
        },
    )
    show_languages = fields.List(
        fields.String(), metadata={"description": "Codes of the languages of upcoming shows"}
    )
    locations = fields.List(fields.String())
    tags = fields.List(fields.String())
    timezone = fields.String(metadata={"description": "IANA zone of show times, e.g. Asia/Kolkata"})
    cancel_cutoff_minutes = fields.Integer(
        metadata={"description": "A booking can be cancelled until this long before its show"}
    )
    currencies = fields.List(
        fields.String(),
        metadata={"description": "ISO 4217 codes a venue may charge in, in order of code"},
    )


class DeletedSchema(Schema):
    message = fields.String()
    cancelled_bookings = fields.Integer()
