"""Thin HTTP layer for venues, shows and search."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.typing import ResponseReturnValue

from ..auth.guards import admin_required
from ..blueprint import Blueprint
from . import services
from .listing_cache import cached_json
from .schemas import (
    DeletedSchema,
    FilterQuerySchema,
    MetaSchema,
    ShowCreateSchema,
    ShowDeleteSchema,
    ShowEnvelopeSchema,
    ShowGetSchema,
    ShowListSchema,
    ShowQuerySchema,
    ShowUpdateSchema,
    VenueCreateSchema,
    VenueDeleteSchema,
    VenueEnvelopeSchema,
    VenueGetSchema,
    VenueQuerySchema,
    VenueUpdateSchema,
)
from .search import search_shows

blp = Blueprint("catalog", __name__, url_prefix="/api", description="Venues, shows and search")


@blp.route("/filter", methods=["GET"])
@blp.arguments(FilterQuerySchema, location="query")
@blp.response(200, ShowListSchema)
def filter_shows(filters: dict[str, Any]) -> ResponseReturnValue:
    """Upcoming shows by title substring (case-insensitive) and filters."""
    # Already serialised (see catalog.listing and listing_cache); a response skips the schema.
    tz = current_app.config["BOXOFFICE"].tz
    body = cached_json(filters, lambda: search_shows(filters, tz))
    return current_app.response_class(body, mimetype="application/json")


@blp.route("/meta", methods=["GET"])
@blp.response(200, MetaSchema)
def meta() -> dict[str, Any]:
    """Values for the search filters: languages, cities and tags in use."""
    return services.catalogue_meta()


@blp.route("/venue/get", methods=["GET"])
@blp.arguments(VenueQuerySchema, location="query")
@blp.response(200, VenueGetSchema)
def get_venue(query: dict[str, Any]) -> dict[str, Any]:
    """One venue, or the list of venues.

    One venue by ``venue_id``; without it, every venue."""
    if "venue_id" in query:
        return {"venue": services.get_venue(query["venue_id"])}
    return {"venues": services.list_venues()}


@blp.route("/venue/create", methods=["POST"])
@admin_required
@blp.arguments(VenueCreateSchema)
@blp.response(201, VenueEnvelopeSchema)
def create_venue(data: dict[str, Any]) -> dict[str, Any]:
    """Create a venue with its seat layout (admins)."""
    return {"venue": services.create_venue(data)}


@blp.route("/venue/update", methods=["POST"])
@admin_required
@blp.arguments(VenueUpdateSchema)
@blp.response(200, VenueEnvelopeSchema)
def update_venue(data: dict[str, Any]) -> dict[str, Any]:
    """Change a venue; its seating only while no upcoming show has bookings (admins)."""
    venue_id = data.pop("venue_id")
    return {"venue": services.update_venue(venue_id, data)}


@blp.route("/venue/delete", methods=["POST"])
@admin_required
@blp.arguments(VenueDeleteSchema)
@blp.response(200, DeletedSchema)
def delete_venue(data: dict[str, Any]) -> dict[str, Any]:
    """Delete a venue and its shows (admins).

    409 while upcoming shows have bookings, unless ``force``."""
    cancelled = services.delete_venue(data["venue_id"], data["force"])
    return {"message": "Venue deleted.", "cancelled_bookings": cancelled}


@blp.route("/show/get", methods=["GET"])
@blp.arguments(ShowQuerySchema, location="query")
@blp.response(200, ShowGetSchema)
def get_show(query: dict[str, Any]) -> dict[str, Any]:
    """One show, or a page of every show.

    One show by ``show_id``; without it every show (optionally of one venue), past ones
    too, in order of start time, a page at a time: ``next`` is the ``after`` of the
    following page."""
    if "show_id" in query:
        return {"show": services.get_show(query["show_id"])}
    return services.list_shows(query.get("venue_id"), query["limit"], query.get("after"))


@blp.route("/show/create", methods=["POST"])
@admin_required
@blp.arguments(ShowCreateSchema)
@blp.response(201, ShowEnvelopeSchema)
def create_show(data: dict[str, Any]) -> dict[str, Any]:
    """Schedule a show in a venue (admins); 409 if it overlaps another show there."""
    return {"show": services.create_show(data)}


@blp.route("/show/update", methods=["POST"])
@admin_required
@blp.arguments(ShowUpdateSchema)
@blp.response(200, ShowEnvelopeSchema)
def update_show(data: dict[str, Any]) -> dict[str, Any]:
    """Change a show (admins)."""
    show_id = data.pop("show_id")
    return {"show": services.update_show(show_id, data)}


@blp.route("/show/delete", methods=["POST"])
@admin_required
@blp.arguments(ShowDeleteSchema)
@blp.response(200, DeletedSchema)
def delete_show(data: dict[str, Any]) -> dict[str, Any]:
    """Delete a show (admins).

    409 while it has active bookings, unless ``force`` (which cancels them)."""
    cancelled = services.delete_show(data["show_id"], data["force"])
    return {"message": "Show deleted.", "cancelled_bookings": cancelled}
