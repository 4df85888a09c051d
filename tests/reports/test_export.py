"""CSV export of a venue: a real worker builds the file, the admin downloads it and gets it by
mail; formula injection is neutralised; only admins may start, poll or download."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from celery import Celery
from factories import make_show, make_venue
from flask.testing import FlaskClient
from reports_support import book, make_user
from support import Account, assert_error, register_and_login

from boxoffice.catalog import services as catalog_services
from boxoffice.extensions import db
from boxoffice.reports import export

RUN_EXPORT = "boxoffice.reports.tasks.run_export"
# Cells a spreadsheet would run as formulas (or that hide a formula behind a tab or CR).
DANGEROUS_TITLES = [
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


FORMULA_START = ("=", "+", "-", "@", "|", "%")


def _typed(cell: str) -> str:
    """The text as it was typed, without the quotes and escapes that keep it from running."""
    for separator in (";", "\t", "\r", "\n"):
        cell = cell.replace(separator + "'", separator)
    return cell.replace("\\|", "|")


@pytest.fixture
def admin_account(client: FlaskClient) -> Account:
    return register_and_login(client, "admin@example.com", admin=True)


def _start(client: FlaskClient, who: Account | None, venue_id: int):  # type: ignore[no-untyped-def]
    headers = who.headers if who else {}
    return client.post("/api/export", json={"venue_id": venue_id}, headers=headers)


def _status(client: FlaskClient, who: Account, job_id: str):  # type: ignore[no-untyped-def]
    return client.get("/api/export/status", query_string={"job_id": job_id}, headers=who.headers)


def test_export_end_to_end(
    client: FlaskClient, worker: Celery, inbox, task_events, admin_account: Account
) -> None:
    venue = make_venue(name='=HYPERLINK("http://evil")', location="Chennai")
    leo = make_show(venue, title="Leo", starts_in=timedelta(days=2), price="200.00", language="ta")
    for day, title in enumerate(DANGEROUS_TITLES, start=3):
        # The API only takes known language codes, but a code we have no name for (written
        # straight to the database) is written as it is, so it must be neutralised too.
        make_show(venue, title=title, starts_in=timedelta(days=day), language=title[:8])
    buyer = make_user(client, "asha@example.com")
    book(buyer, leo, ["A1", "A2", "A3"])
    inbox.next()  # the buyer's confirmation

    started = _start(client, admin_account, venue.id)
    assert started.status_code == 202
    job_id = started.get_json()["job_id"]
    assert uuid.UUID(job_id)

    assert task_events.wait_for(RUN_EXPORT).retval == "done"
    # The test client shares this thread's session: end its read snapshot (SQLite).
    db.session.commit()
    status = _status(client, admin_account, job_id).get_json()
    assert status["state"] == "done" and status["progress"] == 100
    assert status["download_url"] == f"/api/export/download?job_id={job_id}"

    download = client.get(status["download_url"], headers=admin_account.headers)
    assert download.status_code == 200
    assert download.mimetype == "text/csv"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=venue-")
    assert "HYPERLINK" not in disposition and disposition.endswith(".csv")
    content = download.get_data(as_text=True)
    download.close()
    rows = list(csv.reader(io.StringIO(content)))

    assert rows[0] == ["Venue", '\'=HYPERLINK("http://evil")']
    assert rows[1] == ["Location", "Chennai"]
    header_at = rows.index(export.SHOW_COLUMNS)
    shows = [dict(zip(export.SHOW_COLUMNS, row, strict=True)) for row in rows[header_at + 1 :]]
    assert len(shows) == 1 + len(DANGEROUS_TITLES)
    first = shows[0]
    assert (first["Title"], first["Price"], first["Capacity"]) == ("Leo", "200.00", "40")
    assert first["Language"] == "Tamil"
    assert (first["Booked"], first["Free"], first["Revenue"]) == ("3", "37", "600.00")
    for show, dangerous in zip(shows[1:], DANGEROUS_TITLES, strict=True):
        # defusedcsv prefixes a quote (and escapes the pipe of DDE payloads): the cell is
        # text to a spreadsheet, shown as the title was typed. The formula after the tab or
        # CR gets one too, for a reader that splits there.
        assert show["Title"].startswith("'")
        assert _typed(show["Title"][1:]) == dangerous
        assert show["Language"].startswith("'")
        assert _typed(show["Language"][1:]) == dangerous[:8]
        assert show["Booked"] == "0" and show["Revenue"] == "0.00"

    # The admin also gets the file by mail.
    message = inbox.next().message
    assert message["To"] == "admin <admin@example.com>"
    (attachment,) = [p for p in message.iter_attachments()]
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_filename() == disposition.split("filename=", 1)[1]
    assert attachment.get_content() == content


def test_failed_export_reports_its_error(client: FlaskClient, admin_account: Account) -> None:
    venue = make_venue()
    job_id = _start(client, admin_account, venue.id).get_json()["job_id"]
    catalog_services.delete_venue(venue.id, force=True)

    assert export.run(job_id) == "failed"
    status = _status(client, admin_account, job_id).get_json()
    assert status["state"] == "failed"
    assert status["error"] == "The venue no longer exists."
    assert "download_url" not in status
    download = client.get(
        "/api/export/download", query_string={"job_id": job_id}, headers=admin_account.headers
    )
    assert_error(download, 409, "export_not_ready")


def test_pending_export(client: FlaskClient, admin_account: Account) -> None:
    venue = make_venue()
    job_id = _start(client, admin_account, venue.id).get_json()["job_id"]
    status = _status(client, admin_account, job_id).get_json()
    assert status == {"job_id": job_id, "venue_id": venue.id, "state": "pending", "progress": 0}
    download = client.get(
        "/api/export/download", query_string={"job_id": job_id}, headers=admin_account.headers
    )
    assert_error(download, 409, "export_not_ready")
    # Running the task twice (a redelivery) leaves one finished file.
    assert export.run(job_id) == "done"
    assert export.run(job_id) == "done"
    assert len(list(export.exports_dir().glob("*.csv"))) == 1


def test_only_admins_export(client: FlaskClient, admin_account: Account) -> None:
    venue = make_venue()
    user = register_and_login(client, "viewer@example.com")
    job_id = _start(client, admin_account, venue.id).get_json()["job_id"]

    assert_error(_start(client, None, venue.id), 401)
    assert_error(_start(client, user, venue.id), 403, "admin_only")
    for path in ("/api/export/status", "/api/export/download"):
        assert_error(client.get(path, query_string={"job_id": job_id}), 401)
        assert_error(
            client.get(path, query_string={"job_id": job_id}, headers=user.headers),
            403,
            "admin_only",
        )


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"job_id": str(uuid.uuid4())}, 404, "not_found"),
        ({"job_id": "not-a-uuid"}, 422, "validation_failed"),
        ({"job_id": "../../etc/passwd"}, 422, "validation_failed"),
        ({}, 422, "validation_failed"),
    ],
)
def test_bad_job_ids(
    client: FlaskClient, admin_account: Account, query: dict[str, str], status: int, code: str
) -> None:
    for path in ("/api/export/status", "/api/export/download"):
        response = client.get(path, query_string=query, headers=admin_account.headers)
        assert_error(response, status, code)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"venue_id": 999999}, 404),
        ({"venue_id": "1"}, 422),
        ({"venue_id": True}, 422),
        ({"venue_id": 0}, 422),
        ({}, 422),
    ],
)
def test_bad_export_requests(
    client: FlaskClient, admin_account: Account, body: dict[str, object], status: int
) -> None:
    response = client.post("/api/export", json=body, headers=admin_account.headers)
    assert_error(response, status)


def test_old_exports_are_purged(client: FlaskClient, admin_account: Account) -> None:
    from boxoffice.db_types import utcnow

    job_id = _start(client, admin_account, make_venue().id).get_json()["job_id"]
    assert export.run(job_id) == "done"
    (path,) = export.exports_dir().glob("*.csv")

    assert export.purge_old(utcnow() + timedelta(days=6)) == 0
    assert path.exists()
    assert export.purge_old(utcnow() + timedelta(days=8)) == 1
    assert not path.exists()
    assert_error(_status(client, admin_account, job_id), 404)


def _exported_text(client: FlaskClient, admin: Account, venue_id: int) -> str:
    job_id = _start(client, admin, venue_id).get_json()["job_id"]
    assert export.run(job_id) == "done"
    (path,) = export.exports_dir().glob("*.csv")
    return path.read_bytes().decode("utf-8")  # as written: line breaks in cells stay


def _show_rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    header_at = next(
        i for i, row in enumerate(rows) if row[: len(export.SHOW_COLUMNS)] == export.SHOW_COLUMNS
    )
    header = rows[header_at]
    return header, [dict(zip(header, row, strict=True)) for row in rows[header_at + 1 :]]


def test_revenue_is_stated_per_currency_charged(
    client: FlaskClient, admin_account: Account
) -> None:
    venue = make_venue(name="Rex", location="Paris", currency="EUR")
    amelie = make_show(venue, title="Amelie", price="12.50", starts_in=timedelta(days=2))
    buyer = make_user(client, "asha@example.com")
    book(buyer, amelie, ["A1", "A2"])  # 25.00 in euros
    catalog_services.update_venue(venue.id, {"currency": "GBP"})
    book(buyer, amelie, ["B1"])  # 12.50, now in pounds
    later = make_show(venue, title="Lupin", price="10.00", starts_in=timedelta(days=4))
    book(buyer, later, ["C1", "C2", "C3"])

    text = _exported_text(client, admin_account, venue.id)
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Currency", "GBP"] in rows  # of the prices and of the Revenue column
    header, shows = _show_rows(text)
    # The usual columns keep their places and meaning; euros have a column of their own.
    assert header == [*export.SHOW_COLUMNS, "Revenue (EUR)"]
    assert [(s["Title"], s["Booked"], s["Revenue"], s["Revenue (EUR)"]) for s in shows] == [
        ("Amelie", "3", "12.50", "25.00"),
        ("Lupin", "3", "30.00", "0.00"),
    ]


def test_a_venue_that_sold_in_one_currency_has_the_usual_columns(
    client: FlaskClient, admin_account: Account
) -> None:
    venue = make_venue(currency="EUR")
    book(make_user(client, "asha@example.com"), make_show(venue, price="9.00"), ["A1"])
    catalog_services.update_venue(venue.id, {"currency": "GBP"})
    catalog_services.update_venue(venue.id, {"currency": "EUR"})  # and back

    header, shows = _show_rows(_exported_text(client, admin_account, venue.id))
    assert header == export.SHOW_COLUMNS
    assert shows[0]["Revenue"] == "9.00"


# Titles that put a formula where a spreadsheet splitting on ";" or tabs (or out of step with
# the file's quotes at a line break) starts a cell.
INNER_FORMULAS = [
    "x;=cmd|' /C calc'!A0",
    'Tom;"=1+1',
    "Q&A; +2",
    "a\t@SUM(A1:A2)",
    "b\n-2+3",
    "c\r\n=1+1",
    'd,"x;=1+1',
]


def _formula_cells(text: str, delimiter: str) -> list[str]:
    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for cell in row
        if cell.lstrip(' \t\r\n"').startswith(FORMULA_START)
    ]


def test_no_cell_starts_a_formula_whatever_the_separator_read(
    client: FlaskClient, admin_account: Account
) -> None:
    venue = make_venue(name='Kino;=HYPERLINK("http://evil")', location="Berlin")
    for day, title in enumerate(INNER_FORMULAS, start=2):
        make_show(venue, title=title, starts_in=timedelta(days=day))

    text = _exported_text(client, admin_account, venue.id)
    for delimiter in (",", ";", "\t"):
        assert _formula_cells(text, delimiter) == [], delimiter
    # Read as the comma-separated file it is, each title is as typed but for the quotes.
    _, shows = _show_rows(text)
    assert [_typed(s["Title"]) for s in shows] == INNER_FORMULAS
    assert [s["Title"] for s in shows][:2] == ["x;'=cmd|' /C calc'!A0", "Tom;'\"=1+1"]
