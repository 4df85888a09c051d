"""CSV export of one venue: its details, then one row per show with sales figures (a show
summary; it lists no individual bookings). Languages are written by name.

Prices and the Revenue column are in the venue's currency of now (its "Currency" line). A
venue that changed currency has also sold in others: each such currency gets a column of its
own after the usual ones ("Revenue (EUR)"), as bookings keep the currency they were charged in;
amounts in different currencies are never added up.

The file is written by a Celery task under ``instance/exports/`` with a name we generate (never
one from the request), and mailed to the admin who asked. Every cell goes through defusedcsv,
which prefixes cells starting with ``= + - @ | %`` with a quote so spreadsheets do not run them
as formulas (a show titled ``=HYPERLINK(...)`` is just text). defusedcsv leaves a leading tab,
carriage return or line feed alone, which OWASP also lists (some spreadsheets skip them and
then see the formula), so those are quoted here first. OWASP also warns that a cell can start
inside ours: a spreadsheet whose list separator is ``;`` (many European locales) splits this
comma-separated file on semicolons, and reads ``x;=cmd`` as ``x`` and the formula ``=cmd``; a
line break does the same once such a reader's quotes are out of step with ours. So a formula
character after a ``;``, tab or line break (and any quotes or blanks before it) gets the quote
too: ``x;'=cmd``. OWASP's other remedy, a quote before every cell, would turn every number into
text and the file into one an accountant cannot add up.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import redis
from defusedcsv import csv
from flask import current_app
from kombu.exceptions import OperationalError
from sqlalchemy import func, select, update

from ..auth.models import User
from ..bookings.cancellation import CONFIRMED
from ..bookings.models import Booking
from ..catalog.models import Show, Venue
from ..config import Settings
from ..database import write_transaction
from ..db_types import utcnow
from ..errors import ApiError, NotFound
from ..extensions import db
from ..languages import LANGUAGES
from . import outbox
from .models import ExportJob

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
EXPORT_READY = "export_ready"
# Progress is written every this many shows: often enough to move a bar, rarely enough to
# keep a venue with thousands of shows from doing thousands of commits.
PROGRESS_EVERY = 25
# Finished exports (file and job) are kept this long, then removed by the daily sweep.
KEEP_EXPORTS = timedelta(days=7)

SHOW_COLUMNS = [
    "Date",
    "Time",
    "Title",
    "Language",
    "Price",
    "Capacity",
    "Booked",
    "Free",
    "Revenue",
]


def _settings() -> Settings:
    settings: Settings = current_app.config["BOXOFFICE"]
    return settings


def exports_dir() -> Path:
    return _settings().instance_dir / "exports"


def file_path(job: ExportJob) -> Path:
    # file_name is ours (see _file_name), but keep the path inside the directory regardless.
    return exports_dir() / Path(job.file_name or "").name


def start(venue_id: int, admin: User) -> ExportJob:
    """Create the job, commit it (the task must find it), then queue its task."""
    from .tasks import run_export

    with write_transaction():
        if db.session.get(Venue, venue_id) is None:
            raise NotFound("That venue")
        job = ExportJob(
            id=str(uuid.uuid4()),
            venue_id=venue_id,
            requested_by=admin.id,
            state=PENDING,
            progress=0,
            show_count=0,
        )
        db.session.add(job)
    try:
        run_export.delay(job.id)
    except (OperationalError, redis.exceptions.ConnectionError, OSError) as error:
        fail(job.id, "The job queue is unreachable.")
        raise ApiError(
            503, "queue_unavailable", "Background jobs are unavailable; please try again shortly."
        ) from error
    return job


def _file_name(job: ExportJob) -> str:
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    return f"venue-{job.venue_id}-shows-{stamp}-{job.id[:8]}.csv"


def _revenue_by_show(venue_id: int) -> dict[int, dict[str, Decimal]]:
    """Each show's revenue per currency it was charged in."""
    rows = db.session.execute(
        # sum() keeps the Money column type, so totals come back as Decimals.
        select(Booking.show_id, Booking.currency, func.sum(Booking.total))
        .join(Show, Show.id == Booking.show_id)
        .where(Show.venue_id == venue_id, Booking.status == CONFIRMED)
        .group_by(Booking.show_id, Booking.currency)
    ).all()
    revenue: dict[int, dict[str, Decimal]] = {}
    for show_id, currency, total in rows:
        if show_id is not None:
            revenue.setdefault(show_id, {})[currency] = total
    return revenue


def _other_currencies(venue: Venue, revenue: dict[int, dict[str, Decimal]]) -> list[str]:
    """Currencies the venue has sold in besides its own of now, in order of code."""
    return sorted(
        {code for by_currency in revenue.values() for code in by_currency} - {venue.currency}
    )


def _language_name(code: str) -> str:
    # A spreadsheet reader knows "Tamil", not "ta"; a code we have no name for stays as it is.
    return LANGUAGES.get(code, code)


# A formula character where a spreadsheet reading the file on ";" (or tabs) could start a
# cell inside ours, after any quotes or blanks there; defusedcsv sees only a cell's start.
_INNER_CELL = re.compile(r"(?<=[;\t\r\n])(?=[\"\s]*[=+\-@|%])")


def _neutralise(value: object) -> object:
    if not isinstance(value, str):
        return value
    value = _INNER_CELL.sub("'", value)
    if value.startswith(("\t", "\r", "\n")):
        return "'" + value
    return value


def _safe_row(row: list[object]) -> list[object]:
    return [_neutralise(value) for value in row]


def _venue_rows(venue: Venue) -> Iterator[list[object]]:
    settings = _settings()
    yield ["Venue", venue.name]
    yield ["Location", venue.location]
    yield ["Venue ID", venue.id]
    yield ["Rows", venue.rows]
    yield ["Seats per row", venue.seats_per_row]
    yield ["Currency", venue.currency]
    yield ["Time zone", settings.timezone]
    yield ["Exported at", utcnow().astimezone(settings.tz).isoformat(timespec="seconds")]
    yield []


def run(job_id: str) -> str:
    """Build the file for one job. Safe to run again: a finished job is left alone."""
    # Each state change is its own write transaction that takes the lock first (SQLite
    # cannot turn a transaction that has read into a writer once others have written).
    with write_transaction():
        job = db.session.get(ExportJob, job_id)
        if job is None or job.state == DONE:
            return "gone" if job is None else DONE
        venue_id = job.venue_id
        if venue_id is None or db.session.get(Venue, venue_id) is None:
            job.state, job.error, job.finished_at = FAILED, "The venue no longer exists.", utcnow()
            return FAILED
        job.state, job.progress, job.error = RUNNING, 0, None
        name = _file_name(job)

    venue = db.session.get(Venue, venue_id)
    assert venue is not None
    shows = list(
        db.session.scalars(select(Show).where(Show.venue_id == venue_id).order_by(Show.starts_at))
    )
    _write_csv(venue, shows, name, lambda percent: _set_progress(job_id, percent))

    with write_transaction():
        job = db.session.get(ExportJob, job_id)
        if job is None:
            return "gone"
        job.file_name, job.show_count = name, len(shows)
        job.state, job.progress, job.finished_at = DONE, 100, utcnow()
        requester = db.session.get(User, job.requested_by) if job.requested_by else None
        row = outbox.record(EXPORT_READY, job.id, requester) if requester else None
        mail_id = row.id if row is not None else None
    if mail_id is not None:
        outbox.queue(mail_id)
    return DONE


def _set_progress(job_id: str, percent: int) -> None:
    with write_transaction() as session:
        session.execute(update(ExportJob).where(ExportJob.id == job_id).values(progress=percent))


def _write_csv(venue: Venue, shows: list[Show], name: str, progress: Callable[[int], None]) -> None:
    tz = _settings().tz
    revenue = _revenue_by_show(venue.id)
    others = _other_currencies(venue, revenue)
    directory = exports_dir()
    directory.mkdir(parents=True, exist_ok=True)
    # Written to a temporary file and renamed, so a download never sees half a file.
    fd, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerows(_safe_row(row) for row in _venue_rows(venue))
        writer.writerow([*SHOW_COLUMNS, *(f"Revenue ({code})" for code in others)])
        for index, show in enumerate(shows, start=1):
            local = show.starts_at.astimezone(tz)
            sold = revenue.get(show.id, {})
            writer.writerow(
                _safe_row(
                    [
                        local.strftime("%Y-%m-%d"),
                        local.strftime("%H:%M"),
                        show.title,
                        _language_name(show.language),
                        f"{show.price:.2f}",
                        show.capacity,
                        show.seats_booked,
                        show.free_seats,
                        *(
                            f"{sold.get(code, Decimal('0.00')):.2f}"
                            for code in (venue.currency, *others)
                        ),
                    ]
                )
            )
            if index % PROGRESS_EVERY == 0:
                progress(min(99, index * 100 // len(shows)))
    os.replace(temporary, directory / name)


def fail(job_id: str, reason: str) -> None:
    db.session.rollback()
    with write_transaction():
        job = db.session.get(ExportJob, job_id)
        if job is not None and job.state != DONE:
            job.state, job.error, job.finished_at = FAILED, reason, utcnow()


def purge_old(now: datetime | None = None) -> int:
    """Delete exports finished more than ``KEEP_EXPORTS`` ago: their files and their jobs."""
    cutoff = (now or utcnow()) - KEEP_EXPORTS
    with write_transaction():
        jobs = list(
            db.session.scalars(
                select(ExportJob).where(
                    ExportJob.finished_at.is_not(None), ExportJob.finished_at < cutoff
                )
            )
        )
        for job in jobs:
            if job.file_name:
                file_path(job).unlink(missing_ok=True)
            db.session.delete(job)
    return len(jobs)
