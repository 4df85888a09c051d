"""Request and response schemas of the reports endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..schemas import RequestSchema, id_field


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


class UnsubscribeQuerySchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


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
