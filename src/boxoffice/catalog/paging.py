"""Pages of search results that neither skip nor repeat a show.

Results are ordered by (start time, show id). A page ends with a cursor naming that pair for
its last show, and the next page starts strictly after it: shows that start, are added or
are deleted between two pages do not shift the rest, as they would with an offset. The
cursor is opaque to clients (URL-safe base64), so its format may change.

A cursor is taken only in exactly the form ``encode`` gives, with a time and an id in the
ranges any other input must respect: an edited cursor is a 422, never a query that
overflows the database's integer or Python's dates.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_

from ..schemas import EARLIEST_DATE, ID_RANGE, LATEST_DATE
from .models import Show

# Far above any real cursor (about 50 characters), far below a URL's limits.
MAX_LENGTH = 100
_ID = re.compile(r"[1-9][0-9]{0,9}")
# Anything with ``starts_at`` and ``id``: a Show, or a row of its columns.
Row = TypeVar("Row", bound=Any)


def encode(starts_at: datetime, show_id: int) -> str:
    raw = f"{starts_at.astimezone(UTC).isoformat()}|{show_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    """The (start time, show id) a cursor names; ValueError for anything else."""
    if len(cursor) > MAX_LENGTH:
        raise ValueError("too long for a cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        moment, show_id = raw.split("|")
        starts_at = datetime.fromisoformat(moment)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor") from None
    if (
        not _ID.fullmatch(show_id)
        or int(show_id) > (ID_RANGE.max or 0)
        or starts_at.tzinfo is None
        or not EARLIEST_DATE <= starts_at.date() <= LATEST_DATE
        # Only the exact form ``encode`` writes: no junk that lenient base64 would drop.
        or encode(starts_at, int(show_id)) != cursor
    ):
        raise ValueError("not a cursor")
    return starts_at, int(show_id)


def split(rows: Sequence[Row], limit: int) -> tuple[list[Row], str | None]:
    """The page in ``rows`` (queried with one row more than ``limit``, which says whether
    another page follows) and the cursor of the next page, or None on the last."""
    page = list(rows[:limit])
    return page, encode(page[-1].starts_at, page[-1].id) if len(rows) > limit else None


def after(position: tuple[datetime, int]) -> ColumnElement[bool]:
    """Shows that come after ``position`` in the results' order."""
    starts_at, show_id = position
    return or_(Show.starts_at > starts_at, and_(Show.starts_at == starts_at, Show.id > show_id))
