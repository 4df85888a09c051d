"""Finding upcoming shows by title and filters."""

from __future__ import annotations

import string
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, cast, func

from ..db_types import utcnow
from ..extensions import db
from . import paging
from .listing import listing_query, show_cards
from .models import Show, Venue


def _day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def _words(text: str) -> list[str]:
    """The lower-cased words of a search, without the punctuation around them (a word of
    punctuation only, such as "%", stays as it is)."""
    return [word.strip(string.punctuation) or word for word in text.lower().split()]


def search_shows(filters: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """One page of the upcoming shows matching every given filter, soonest first, as
    result cards; ``next`` is the cursor of the following page, or None on the last."""
    limit = filters.get("limit", 100)
    # One row more than the page says whether there is a next page.
    query = (
        listing_query()
        .where(Show.starts_at > utcnow())
        .order_by(Show.starts_at, Show.id)
        .limit(limit + 1)
    )
    if position := filters.get("after"):
        query = query.where(paging.after(position))
    # Every word of the query, in any order and whatever the punctuation between them:
    # "dune part" finds "Dune: Part Two".
    for word in _words(filters.get("q") or ""):
        query = query.where(func.lower(Show.title).contains(word, autoescape=True))
    if location := (filters.get("location") or "").strip():
        query = query.where(func.lower(Venue.location) == location.lower())
    if language := filters.get("language"):
        query = query.where(Show.language == language)
    if tag := (filters.get("tag") or "").strip().lower():
        # Tags are stored as a JSON list of simple words (no quotes allowed by the schema),
        # so matching the quoted word in its text works the same on SQLite and PostgreSQL.
        query = query.where(cast(Show.tags, String).contains(f'"{tag}"', autoescape=True))
    if (min_rating := filters.get("min_rating")) is not None:
        query = query.where(Show.rating >= min_rating)
    if day := filters.get("date"):
        start, end = _day_bounds(day, tz)
        query = query.where(Show.starts_at >= start, Show.starts_at < end)
    if venue_id := filters.get("venue_id"):
        query = query.where(Show.venue_id == venue_id)
    connection = db.session.connection()
    page, cursor = paging.split(connection.execute(query).all(), limit)
    return {"shows": show_cards(connection, page, tz), "next": cursor}
