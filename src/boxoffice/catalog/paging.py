"""Pages of search results that neither skip nor repeat a show.

Results are ordered by (start time, show id). A page ends with a cursor naming that pair for
its last show, and the next page starts strictly after it: shows that start, are added or
are deleted between two pages do not shift the rest, as they would with an offset. The
cursor is opaque to clients (URL-safe base64), so its format may change.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, or_

from .models import Show


def encode(starts_at: datetime, show_id: int) -> str:
    raw = f"{starts_at.astimezone(UTC).isoformat()}|{show_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    """The (start time, show id) a cursor names; ValueError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, show_id = raw.split("|")
        starts_at = datetime.fromisoformat(moment)
        if starts_at.tzinfo is None or not show_id.isdigit():
            raise ValueError(cursor)
        return starts_at, int(show_id)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError):
        raise ValueError("not a cursor of this search") from None


def after(position: tuple[datetime, int]) -> ColumnElement[bool]:
    """Shows that come after ``position`` in the results' order."""
    starts_at, show_id = position
    return or_(Show.starts_at > starts_at, and_(Show.starts_at == starts_at, Show.id > show_id))
