"""Turn an outbox row into a complete mail, reading everything fresh from the database.

A mail is built when it is sent, not when it is recorded: a booking cancelled before its
reminder goes out, or a user who turned reminders off meanwhile, gets nothing (``SubjectGone``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from .. import mail, notifications
from ..auth import deletion, reset
from ..auth.models import User, is_deleted_address
from ..bookings.cancellation import CONFIRMED
from ..bookings.models import Booking
from ..bookings.tickets import booking_calendar, ticket_qr_png
from ..config import Settings
from ..db_types import utcnow
from ..extensions import db
from ..languages import LANGUAGES
from ..money import format_money, format_totals
from . import export, monthly, one_click, reminders, unsubscribe
from .models import ExportJob, MailLog

# Cancellation reasons where the cinema, not the customer, called the show off.
WITHDRAWN = {"show_deleted", "venue_deleted"}


class SubjectGone(Exception):
    """What the mail was about no longer exists or no longer applies."""


def _settings() -> Settings:
    settings: Settings = current_app.config["BOXOFFICE"]
    return settings


class Draft:
    """The shared parts of every mail: recipient, language, formatting helpers."""

    def __init__(self, row: MailLog, *, optional: str | None = None) -> None:
        """``optional``: the kind of mail the person may turn off (``unsubscribe``) that this
        one is; None for booking mails, which always go out."""
        user = db.session.get(User, row.user_id) if row.user_id is not None else None
        if user is None:
            raise SubjectGone("the user no longer exists")
        # A deleted account gets one mail, saying so; any other recorded meanwhile (a
        # booking that raced the deletion, an export it had asked for) is not sent.
        if user.is_deleted and row.kind != notifications.ACCOUNT_DELETED:
            raise SubjectGone("the account was deleted")
        if optional is not None and not unsubscribe.wants(user, optional):
            raise SubjectGone(f"the user turned {optional} mails off")
        self.row = row
        self.user = user
        self.settings = _settings()
        self.t = mail.Translator(user.language)
        self.attachments: list[mail.Attachment] = []
        # A deleted account's name is erased: its notice greets nobody by name.
        self.name = "" if user.is_deleted else user.name
        self.context: dict[str, Any] = {
            "user_name": self.name,
            "public_url": self.settings.public_url,
            "unsubscribe_url": unsubscribe.url_for(user, optional) if optional else None,
            "unsubscribe_kind": optional,
            "when": lambda value: self.t.when(value, self.settings.tz),
            # Every amount with its own currency: ``money(booking.total, booking.currency)``.
            "money": format_money,
        }

    def url(self, path: str) -> str:
        return self.settings.public_url + path

    def finish(self, template: str, subject: str, **context: Any) -> EmailMessage:
        context = {**self.context, **context, "subject": subject}
        text, html = mail.render(template, self.t, context)
        message = mail.compose(
            to=(self.name, self.row.recipient),
            subject=subject,
            text=text,
            html=html,
            attachments=self.attachments,
            language=self.t.language,
        )
        if self.context["unsubscribe_url"]:
            message["List-Unsubscribe"] = f"<{self.context['unsubscribe_url']}>"
            message["List-Unsubscribe-Post"] = one_click.POST_HEADER  # RFC 8058
        return message


def _booking(row: MailLog) -> Booking:
    kind, _, raw_id = row.period.partition(":")
    booking = None
    if kind == "booking" and raw_id.isdigit():
        booking = db.session.get(Booking, int(raw_id))
    if booking is None:
        raise SubjectGone("the booking no longer exists")
    return booking


def booking_confirmed(row: MailLog) -> EmailMessage:
    booking = _booking(row)
    if booking.status != CONFIRMED:
        raise SubjectGone("the booking was cancelled before its confirmation went out")
    draft = Draft(row)
    qr_cid = f"qr-{booking.code.lower()}@boxoffice"
    draft.attachments = [
        mail.Attachment(f"ticket-{booking.code}.png", ticket_qr_png(booking), "image/png", qr_cid),
        mail.Attachment(f"{booking.code}.ics", booking_calendar(booking), "text/calendar"),
    ]
    subject = draft.t(
        "Your tickets for %(title)s (%(code)s)", title=booking.show_title, code=booking.code
    )
    return draft.finish(
        "booking_confirmed",
        subject,
        booking=booking,
        qr_cid=qr_cid,
        booking_url=draft.url(f"/bookings/{booking.id}"),
    )


def booking_cancelled(row: MailLog) -> EmailMessage:
    booking = _booking(row)
    draft = Draft(row)
    subject = draft.t("Booking %(code)s cancelled", code=booking.code)
    withdrawn = booking.cancel_reason in WITHDRAWN
    return draft.finish("booking_cancelled", subject, booking=booking, withdrawn=withdrawn)


def show_reminder(row: MailLog) -> EmailMessage:
    booking = _booking(row)
    if booking.status != CONFIRMED:
        raise SubjectGone("the booking was cancelled")
    draft = Draft(row, optional=unsubscribe.REMINDERS)
    subject = draft.t(
        "Reminder: %(title)s at %(time)s",
        title=booking.show_title,
        time=draft.t.when(booking.show_starts_at, draft.settings.tz),
    )
    return draft.finish(
        "show_reminder", subject, booking=booking, booking_url=draft.url(f"/bookings/{booking.id}")
    )


def miss_you(row: MailLog) -> EmailMessage:
    draft = Draft(row, optional=unsubscribe.REMINDERS)
    shows = [
        {
            "title": show.title,
            "language_name": draft.t(LANGUAGES.get(show.language, show.language)),
            "when": draft.t.when(show.starts_at, draft.settings.tz),
            "venue": f"{show.venue.name}, {show.venue.location}",
            "price": format_money(show.price, show.venue.currency),
            "url": draft.url(f"/shows/{show.id}"),
        }
        for show in reminders.upcoming_shows_for(draft.user)
    ]
    subject = draft.t("We miss you at BoxOffice")
    return draft.finish("miss_you", subject, shows=shows, browse_url=draft.url("/"))


def monthly_report(row: MailLog) -> EmailMessage:
    month = monthly.Month.parse(row.period)
    draft = Draft(row, optional=unsubscribe.MONTHLY_REPORT)
    t = draft.t
    report = monthly.report_for(draft.user.id, month, draft.settings.tz)
    if not report.bookings:
        raise SubjectGone("no confirmed booking left in that month")
    month_name = t.month(month.first_day)
    # The report lists what was *booked* in the month; the shows themselves may fall in a
    # later one, and are named by their own date (marked while they are still to come).
    subject = t("Your BoxOffice bookings in %(month)s", month=month_name)
    spend = format_totals(report.spend)  # in the summary line and in the mail's body
    summary = ", ".join(
        [
            t.ngettext("%(num)s booking", "%(num)s bookings", len(report.bookings)),
            t.ngettext("%(num)s ticket", "%(num)s tickets", report.tickets),
            spend,
        ]
    )
    now = utcnow()
    month_end = month.bounds(draft.settings.tz)[1]
    favourite_language = t(LANGUAGES.get(report.favourite_language, report.favourite_language))
    return draft.finish(
        "monthly_report",
        subject,
        report=report,
        spend=spend,
        month_name=month_name,
        summary=summary,
        shows=[{"booking": b, "upcoming": b.show_starts_at > now} for b in report.bookings],
        shows_after_month=any(b.show_starts_at >= month_end for b in report.bookings),
        favourite_language_name=favourite_language,
    )


def export_ready(row: MailLog) -> EmailMessage:
    job = db.session.get(ExportJob, row.period)  # the period of an export mail is its job id
    if job is None or job.state != export.DONE or not job.file_name:
        raise SubjectGone("the export is not available")
    path: Path = export.file_path(job)
    if not path.is_file():
        raise SubjectGone("the export file was removed")
    draft = Draft(row)
    draft.attachments = [mail.Attachment(job.file_name, path.read_bytes(), "text/csv")]
    venue_name = job.venue.name if job.venue is not None else "?"
    subject = draft.t("Export ready: %(venue)s", venue=venue_name)
    return draft.finish(
        "export_ready",
        subject,
        venue_name=venue_name,
        show_count=job.show_count or 0,
        file_name=job.file_name,
        download_url=draft.url(f"/api/export/download?job_id={job.id}"),
    )


def password_reset(row: MailLog) -> EmailMessage:
    # A request not sent within the hour its link would last is stale: asked for again by now.
    if utcnow() - row.created_at > timedelta(seconds=reset.MAX_AGE_SECONDS):
        raise SubjectGone("the reset was asked for over an hour ago")
    draft = Draft(row)
    subject = draft.t("Set a new BoxOffice password")
    minutes = reset.MAX_AGE_SECONDS // 60  # as long as the link lasts
    return draft.finish(
        "password_reset", subject, reset_url=reset.link_for(draft.user), minutes=minutes
    )


def password_changed(row: MailLog) -> EmailMessage:
    """A security notice; it links only to the page that mails a reset link, never to
    anything that signs in, so a forwarded or intercepted copy opens no account."""
    how, _, _ = row.period.partition(":")
    draft = Draft(row)
    subject = draft.t("Your BoxOffice password was changed")
    return draft.finish(
        "password_changed",
        subject,
        changed_at=draft.t.when(row.created_at, draft.settings.tz),  # recorded with the change
        by_reset=how == notifications.CHANGED_BY_RESET,
        by_operator=how == notifications.CHANGED_BY_OPERATOR,
        forgot_url=draft.url("/forgot-password"),
    )


def account_deleted(row: MailLog) -> EmailMessage:
    """The last mail to a deleted account's address; it lists the bookings that closing it
    cancelled (the account's row and bookings stay, without the person's data)."""
    if is_deleted_address(row.recipient):
        raise SubjectGone("the address was erased")  # sent already, and forgotten
    draft = Draft(row)
    cancelled = db.session.scalars(
        select(Booking)
        .where(Booking.user_id == draft.user.id, Booking.cancel_reason == deletion.CANCEL_REASON)
        .order_by(Booking.show_starts_at, Booking.id)
    ).all()
    return draft.finish(
        "account_deleted",
        draft.t("Your BoxOffice account was deleted"),
        deleted_at=draft.t.when(row.created_at, draft.settings.tz),  # recorded with it
        cancelled=cancelled,
    )


BUILDERS: dict[str, Callable[[MailLog], EmailMessage]] = {
    notifications.ACCOUNT_DELETED: account_deleted,
    notifications.BOOKING_CONFIRMED: booking_confirmed,
    notifications.BOOKING_CANCELLED: booking_cancelled,
    notifications.PASSWORD_RESET: password_reset,
    notifications.PASSWORD_CHANGED: password_changed,
    reminders.SHOW_REMINDER: show_reminder,
    reminders.MISS_YOU: miss_you,
    monthly.MONTHLY_REPORT: monthly_report,
    export.EXPORT_READY: export_ready,
}


def build(row: MailLog) -> EmailMessage:
    builder = BUILDERS.get(row.kind)
    if builder is None:
        raise SubjectGone(f"no mail of kind {row.kind!r}")
    return builder(row)
