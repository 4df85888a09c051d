"""Request and response schemas of the reports endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..schemas import LocalDateTime, QueryInteger, RequestSchema, id_field, query_id_field
from . import outbox


class ExportRequestSchema(RequestSchema):
    venue_id = id_field(required=True)


class JobIdQuerySchema(Schema):
    job_id = fields.UUID(required=True)


class ExportStartedSchema(Schema):
    job_id = fields.String()


class ExportStatusSchema(Schema):
    job_id = fields.String()
    venue_id = fields.Integer(allow_none=True)
    state = fields.String(
        metadata={"enum": ["pending", "running", "done", "failed"]},
    )
    progress = fields.Integer(metadata={"description": "0..100"})
    download_url = fields.String(metadata={"description": "present once the state is done"})
    error = fields.String(metadata={"description": "present when the state is failed"})


class UnsubscribeBodySchema(RequestSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


class UnsubscribedSchema(Schema):
    email = fields.String()
    stopped = fields.List(
        fields.String(),
        metadata={"description": "Kinds of mail turned off: reminders, monthly_report"},
    )
    reminders_enabled = fields.Boolean()
    monthly_report_enabled = fields.Boolean()
    message = fields.String()


MAIL_STATES = list(outbox.STATES)


class MailQuerySchema(Schema):
    status = fields.String(
        load_default=outbox.FAILED,
        validate=validate.OneOf(MAIL_STATES),
        metadata={"description": "Outbox state of the mails to list"},
    )
    limit = QueryInteger(load_default=50, validate=validate.Range(min=1, max=200))
    before = query_id_field(
        metadata={
            "description": "Omit for the first page; for the page after one, its `next_before`"
        }
    )


class MailIdSchema(RequestSchema):
    mail_id = id_field(required=True)


class MailSchema(Schema):
    mail_id = fields.Integer()
    kind = fields.String(
        metadata={"example": "booking_confirmed", "description": "what the mail is"}
    )
    period = fields.String(
        metadata={"description": "what it is about: a month, a reminder period, booking:<id>"}
    )
    recipient = fields.String()
    status = fields.String(metadata={"enum": MAIL_STATES})
    attempts = fields.Integer(metadata={"description": "delivery attempts since (re)queued"})
    error = fields.String(allow_none=True, metadata={"description": "why the last attempt failed"})
    created_at = LocalDateTime()
    next_attempt_at = LocalDateTime(allow_none=True)
    sent_at = LocalDateTime(allow_none=True)


class MailListSchema(Schema):
    mails = fields.List(fields.Nested(MailSchema), metadata={"description": "newest first"})
    total = fields.Integer(metadata={"description": "how many mails are in this state in all"})
    next_before = fields.Integer(
        allow_none=True, metadata={"description": "``before`` of the next page; null on the last"}
    )


class MailEnvelopeSchema(Schema):
    mail = fields.Nested(MailSchema)
