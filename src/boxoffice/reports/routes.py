"""HTTP layer of the reports package: CSV exports and the mail outbox (admins), and unsubscribe
links (anyone)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from flask import Response, send_file, url_for
from flask.views import MethodView

from ..auth.guards import admin_required, caller
from ..blueprint import Blueprint
from ..errors import DEFAULT_MESSAGES, ApiError, ErrorEnvelopeSchema, NotFound
from ..extensions import db
from . import export, mail_admin, unsubscribe
from .models import ExportJob
from .schemas import (
    ExportRequestSchema,
    ExportStartedSchema,
    ExportStatusSchema,
    JobIdQuerySchema,
    MailEnvelopeSchema,
    MailIdSchema,
    MailListSchema,
    MailQuerySchema,
    UnsubscribeBodySchema,
    UnsubscribedSchema,
)

F = TypeVar("F", bound=Callable[..., Any])

blp = Blueprint(
    "reports", __name__, url_prefix="/api", description="Exports, the mail outbox and mail settings"
)


def _errors(*statuses: int) -> Callable[[F], F]:
    """Document the error envelopes an endpoint may answer with."""

    def decorate(view: F) -> F:
        for status in statuses:
            view = blp.alt_response(
                status,
                schema=ErrorEnvelopeSchema,
                description=DEFAULT_MESSAGES.get(status, "The file is no longer available."),
            )(view)
        return view

    return decorate


def _job(job_id: UUID) -> ExportJob:
    job = db.session.get(ExportJob, str(job_id))
    if job is None:
        raise NotFound("That export")
    return job


@blp.route("/export", methods=["POST"])
@admin_required
@blp.arguments(ExportRequestSchema)
@blp.response(202, ExportStartedSchema)
@_errors(401, 403, 404, 503)
def start_export(data: dict[str, Any]) -> dict[str, Any]:
    """Start a CSV export of one venue's shows in the background (admins)."""
    job = export.start(data["venue_id"], caller())
    return {"job_id": job.id}


@blp.route("/export/status", methods=["GET"])
@admin_required
@blp.arguments(JobIdQuerySchema, location="query")
@blp.response(200, ExportStatusSchema)
@_errors(401, 403, 404)
def export_status(query: dict[str, Any]) -> dict[str, Any]:
    """State (pending, running, done, failed) and progress of an export (admins)."""
    job = _job(query["job_id"])
    body: dict[str, Any] = {
        "job_id": job.id,
        "venue_id": job.venue_id,
        "state": job.state,
        "progress": job.progress,
    }
    if job.state == export.DONE:
        body["download_url"] = url_for("reports.download_export", job_id=job.id)
    if job.state == export.FAILED and job.error:
        body["error"] = job.error
    return body


@blp.route("/export/download", methods=["GET"])
@admin_required
@blp.arguments(JobIdQuerySchema, location="query")
@blp.response(200, content_type="text/csv", description="The CSV file")
@_errors(401, 403, 404, 409, 410)
def download_export(query: dict[str, Any]) -> Response:
    """The finished CSV file of an export (admins)."""
    job = _job(query["job_id"])
    if job.state != export.DONE or not job.file_name:
        raise ApiError(
            409, "export_not_ready", "The export is not finished yet.", {"state": job.state}
        )
    path = export.file_path(job)
    if not path.is_file():
        raise ApiError(410, "export_gone", "The export file is no longer available.")
    response = send_file(
        path, mimetype="text/csv", as_attachment=True, download_name=job.file_name, max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/admin/mail", methods=["GET"])
@admin_required
@blp.arguments(MailQuerySchema, location="query")
@blp.response(200, MailListSchema)
@_errors(401, 403)
def list_mail(query: dict[str, Any]) -> dict[str, Any]:
    """Outbox mails in one delivery state, failed ones by default, newest first (admins)."""
    return mail_admin.page(query["status"], query["limit"], query.get("before"))


@blp.route("/admin/mail/retry", methods=["POST"])
@admin_required
@blp.arguments(MailIdSchema)
@blp.response(200, MailEnvelopeSchema)
@_errors(401, 403, 404, 409)
def retry_mail(data: dict[str, Any]) -> dict[str, Any]:
    """Send a failed mail again: it is queued, due now, with the full retry schedule (admins)."""
    return {"mail": mail_admin.retry(data["mail_id"])}


_STOPPED: dict[tuple[str, ...], str] = {
    (unsubscribe.REMINDERS,): "You will no longer receive reminder mails.",
    (unsubscribe.MONTHLY_REPORT,): "You will no longer receive the monthly report.",
}


def _unsubscribed(token: str) -> dict[str, Any]:
    user, kinds = unsubscribe.unsubscribe(token)
    return {
        "email": user.email,
        "stopped": kinds,
        "reminders_enabled": user.reminders_enabled,
        "monthly_report_enabled": user.monthly_report_enabled,
        "message": _STOPPED.get(
            tuple(kinds), "You will no longer receive reminder or report mails."
        ),
    }


@blp.route("/unsubscribe")
class Unsubscribe(MethodView):
    """The signed link at the bottom of reminder and report mails opens a web page, which
    posts the link's token here. POST only: link scanners and previews fetch a mail's links
    with GET or HEAD, and must not switch anyone's mail off."""

    @blp.arguments(UnsubscribeBodySchema)
    @blp.response(200, UnsubscribedSchema)
    @_errors(400)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Turn off the kind of mail the link came in (token from the mail's link)."""
        return _unsubscribed(body["token"])
