"""Catalogue rules: venues, their layouts, and the shows in them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError

from .. import mail
from ..bookings.cancellation import cancel_active_bookings, count_active_bookings
from ..bookings.records import cancel_cutoff_minutes, follow_show
from ..database import write_transaction
from ..db_types import utcnow
from ..errors import ApiError, Conflict, NotFound
from ..extensions import db
from ..languages import FILM_LANGUAGES, LANGUAGES, MAIL_LANGUAGES
from ..money import CURRENCIES, DEFAULT_CURRENCY
from . import paging
from .layout import LayoutError, capacity_of, normalise_layout
from .models import Show, Venue

# Time between two shows in one hall for cleaning and the audience to change over.
CHANGEOVER = timedelta(minutes=15)


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_failed", "Some fields are invalid.", {field: [message]})


def get_venue(venue_id: int, lock: bool = False) -> Venue:
    """The venue; with ``lock``, its row is locked until the transaction ends (PostgreSQL)."""
    query = select(Venue).where(Venue.id == venue_id)
    venue = db.session.scalar(query.with_for_update() if lock else query)
    if venue is None:
        raise NotFound("Venue")
    return venue


def get_show(show_id: int, lock: bool = False) -> Show:
    """The show; with ``lock``, bookings of it wait until the transaction ends.

    Bookings lock the show row too, so an admin change and a booking never interleave
    between counting a show's bookings and acting on that count.
    """
    query = select(Show).where(Show.id == show_id)
    show = db.session.scalar(query.with_for_update() if lock else query)
    if show is None:
        raise NotFound("Show")
    return show


def list_venues() -> list[Venue]:
    return list(db.session.scalars(select(Venue).order_by(Venue.location, Venue.name)))


def _checked_layout(rows: int, seats_per_row: int, layout: dict[str, Any] | None) -> dict[str, Any]:
    try:
        return normalise_layout(rows, seats_per_row, layout)
    except LayoutError as error:
        raise _invalid(error.field, error.message) from None


def create_venue(data: dict[str, Any]) -> Venue:
    layout = _checked_layout(data["rows"], data["seats_per_row"], data.get("layout"))
    venue = Venue(
        name=data["name"],
        location=data["location"],
        rows=data["rows"],
        seats_per_row=data["seats_per_row"],
        layout=layout,
        currency=data.get("currency", DEFAULT_CURRENCY),
    )
    with write_transaction() as session:
        session.add(venue)
    return venue


def _upcoming_shows(venue: Venue, lock: bool = False) -> list[Show]:
    query = select(Show).where(Show.venue_id == venue.id)
    shows = db.session.scalars(query.with_for_update() if lock else query)
    return [show for show in shows if show.ends_at > utcnow()]


def _booked(shows: list[Show]) -> list[Show]:
    return [show for show in shows if count_active_bookings(show) > 0]


def _seating_conflict(upcoming: list[Show]) -> Conflict | None:
    """Why the seating cannot change, or None: shows not yet over keep the seats they sold."""
    booked = _booked(upcoming)
    if not booked:
        return None
    return Conflict(
        "venue_has_bookings",
        "The seating cannot change while upcoming shows have bookings.",
        {"show_ids": [s.id for s in booked]},
    )


def seating_lock(venue: Venue) -> Conflict | None:
    """The refusal a change of the venue's seating would get now, or None.

    Read without locks, for the venue editor to say so before anything is typed; the
    update itself decides again under its locks (``_change_seating``).
    """
    return _seating_conflict(_upcoming_shows(venue))


def _is_free_seats_violation(error: IntegrityError) -> bool:
    return "free_seats" in str(error.orig)


def update_venue(venue_id: int, data: dict[str, Any]) -> Venue:
    try:
        with write_transaction():
            venue = get_venue(venue_id, lock=True)
            for field in ("name", "location", "currency"):
                if field in data:
                    setattr(venue, field, data[field])
            if any(field in data for field in ("rows", "seats_per_row", "layout")):
                _change_seating(venue, data)
    except IntegrityError as error:
        # The database refused a show capacity below its bookings: the seating no longer
        # fits what was sold, which is a conflict with the current state, not a crash.
        if not _is_free_seats_violation(error):
            raise
        raise Conflict(
            "venue_has_bookings",
            "The new seating has fewer seats than some shows have bookings.",
        ) from None
    return venue


def _change_seating(venue: Venue, data: dict[str, Any]) -> None:
    rows = data.get("rows", venue.rows)
    per_row = data.get("seats_per_row", venue.seats_per_row)
    layout = _checked_layout(rows, per_row, data.get("layout", venue.layout))
    if (rows, per_row, layout) == (venue.rows, venue.seats_per_row, venue.layout):
        return
    upcoming = _upcoming_shows(venue, lock=True)
    conflict = _seating_conflict(upcoming)
    if conflict is not None:
        raise conflict
    venue.rows, venue.seats_per_row, venue.layout = rows, per_row, layout
    capacity = capacity_of(rows, per_row, layout)
    now = utcnow()
    # Shows that have started keep the seating they were sold with: it is history, and
    # their bookings may exceed the new capacity.
    for show in upcoming:
        if show.starts_at > now:
            show.capacity = capacity
            show.seating_version += 1


def delete_venue(venue_id: int, force: bool) -> int:
    """Delete a venue and its shows; returns how many bookings were cancelled."""
    with write_transaction() as session:
        venue = get_venue(venue_id, lock=True)
        upcoming = _upcoming_shows(venue, lock=True)
        booked = _booked(upcoming)
        if booked and not force:
            raise Conflict(
                "venue_has_bookings",
                "Upcoming shows in this venue have bookings; deleting it anyway cancels them.",
                {"show_ids": [s.id for s in booked]},
            )
        cancelled = sum(cancel_active_bookings(show, reason="venue_deleted") for show in booked)
        session.delete(venue)
    return cancelled


# ---- shows ------------------------------------------------------------------------------


def _check_schedule(
    venue: Venue, starts_at: datetime, duration: int, ignore_id: int | None
) -> None:
    if starts_at <= utcnow():
        raise _invalid("starts_at", "A show must start in the future.")
    ends_at = starts_at + timedelta(minutes=duration)
    # Two shows overlap when each starts before the other ends (plus changeover time).
    candidates = db.session.scalars(
        select(Show).where(
            and_(
                Show.venue_id == venue.id,
                Show.starts_at < ends_at + CHANGEOVER,
                Show.starts_at > starts_at - timedelta(hours=12),
            )
        )
    )
    for other in candidates:
        if other.id == ignore_id:
            continue
        if other.starts_at < ends_at + CHANGEOVER and starts_at < other.ends_at + CHANGEOVER:
            raise Conflict(
                "show_overlap",
                f"{venue.name} already has {other.title!r} at that time.",
                {"show_id": other.id},
            )


def create_show(data: dict[str, Any]) -> Show:
    with write_transaction() as session:
        # Locking the venue serialises schedule checks, so two admins cannot both slot a
        # show into the same free hour.
        venue = get_venue(data["venue_id"], lock=True)
        _check_schedule(venue, data["starts_at"], data["duration_minutes"], ignore_id=None)
        show = _new_show(venue, data)
        session.add(show)
    return show


def _new_show(venue: Venue, data: dict[str, Any]) -> Show:
    return Show(
        venue=venue,
        title=data["title"],
        language=data["language"],
        rating=data.get("rating"),
        tags=sorted(set(data["tags"])),
        duration_minutes=data["duration_minutes"],
        starts_at=data["starts_at"],
        price=data["price"],
        capacity=capacity_of(venue.rows, venue.seats_per_row, venue.layout),
        seats_booked=0,
    )


def update_show(show_id: int, data: dict[str, Any]) -> Show:
    with write_transaction():
        show = get_show(show_id, lock=True)
        has_bookings = count_active_bookings(show) > 0
        if "venue_id" in data and data["venue_id"] != show.venue_id:
            if has_bookings:
                raise Conflict(
                    "show_has_bookings", "A show with bookings cannot move to another venue."
                )
            venue = get_venue(data["venue_id"], lock=True)
            show.venue = venue
            show.capacity = capacity_of(venue.rows, venue.seats_per_row, venue.layout)
            show.seating_version += 1
        if "starts_at" in data or "duration_minutes" in data or "venue_id" in data:
            starts_at = data.get("starts_at", show.starts_at)
            if starts_at != show.starts_at and has_bookings:
                raise Conflict("show_has_bookings", "A show with bookings cannot be rescheduled.")
            get_venue(show.venue_id, lock=True)
            duration = data.get("duration_minutes", show.duration_minutes)
            _check_schedule(show.venue, starts_at, duration, ignore_id=show.id)
            show.starts_at = starts_at
        for field in ("title", "language", "rating", "duration_minutes", "price"):
            if field in data:
                setattr(show, field, data[field])
        if "tags" in data:
            show.tags = sorted(set(data["tags"]))
        if "starts_at" in data or "duration_minutes" in data:
            # Its bookings copy the end: a longer show lets late comers in for longer.
            follow_show(show)
    return show


def delete_show(show_id: int, force: bool) -> int:
    with write_transaction() as session:
        show = get_show(show_id, lock=True)
        active = count_active_bookings(show) if show.ends_at > utcnow() else 0
        if active and not force:
            raise Conflict(
                "show_has_bookings",
                f"This show has {active} active booking(s); deleting it anyway cancels them.",
                {"active_bookings": active},
            )
        cancelled = cancel_active_bookings(show, reason="show_deleted") if active else 0
        session.delete(show)
    return cancelled


def list_shows(
    venue_id: int | None, limit: int, after: tuple[datetime, int] | None
) -> dict[str, Any]:
    """A page of shows in order of start time, and the cursor of the next page (or None)."""
    # One row more than the page says whether there is a next page.
    query = select(Show).order_by(Show.starts_at, Show.id).limit(limit + 1)
    if venue_id is not None:
        query = query.where(Show.venue_id == venue_id)
    if after is not None:
        query = query.where(paging.after(after))
    page, cursor = paging.split(db.session.scalars(query).all(), limit)
    return {"shows": page, "next": cursor}


def catalogue_meta() -> dict[str, Any]:
    locations = db.session.scalars(select(Venue.location).distinct().order_by(Venue.location))
    tags: set[str] = set()
    upcoming = Show.starts_at > utcnow()
    upcoming_tags = db.session.scalars(select(Show.tags).where(upcoming))
    for show_tags in upcoming_tags:
        tags.update(show_tags or [])
    show_languages = db.session.scalars(
        select(Show.language).where(upcoming).distinct().order_by(Show.language)
    )
    return {
        "languages": LANGUAGES,
        "film_languages": FILM_LANGUAGES,
        "mail_languages": MAIL_LANGUAGES,
        # Read from the translations there are, so that adding one is all it takes.
        "mail_translations": [
            code for code in MAIL_LANGUAGES if mail.supported_language(code) == code
        ],
        # The search offers only these: a language without upcoming shows finds nothing.
        "show_languages": list(show_languages),
        "locations": list(locations),
        "tags": sorted(tags),
        # Shows are scheduled in the cinema's local time, whatever the admin's browser says.
        "timezone": current_app.config["BOXOFFICE"].timezone,
        # Pages before a booking exists (the confirm page) say whether it could be cancelled.
        "cancel_cutoff_minutes": cancel_cutoff_minutes(),
        # The venue editor offers exactly the codes the API accepts.
        "currencies": sorted(CURRENCIES),
    }
