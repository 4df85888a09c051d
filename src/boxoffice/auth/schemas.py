from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..languages import LANGUAGES
from ..schemas import LocalDateTime, RequestSchema

PASSWORD_MIN = 8
PASSWORD_MAX = 128  # bcrypt ignores bytes past 72; a cap also keeps hashing cheap to refuse


def _strip_email(data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("email"), str):
        return {**data, "email": data["email"].strip().lower()}
    return data


class UserSchema(Schema):
    user_id = fields.Integer(attribute="id")
    email = fields.Email()
    name = fields.String()
    language = fields.String()
    is_admin = fields.Boolean()
    reminders_enabled = fields.Boolean()
    created_at = LocalDateTime()


class UserEnvelopeSchema(Schema):
    user = fields.Nested(UserSchema)


class LoginResultSchema(Schema):
    access_token = fields.String()
    user = fields.Nested(UserSchema)


class RegisterSchema(RequestSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX)
    )
    language = fields.String(load_default="en", validate=validate.OneOf(list(LANGUAGES)))

    @pre_load
    def _normalise(self, data: Any, **_kwargs: Any) -> Any:
        data = _strip_email(data)
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            data = {**data, "name": data["name"].strip()}
        return data

    @validates_schema
    def _password_not_email(self, data: dict[str, Any], **_kwargs: Any) -> None:
        password = data.get("password", "")
        if password and password.strip().lower() == data.get("email", ""):
            raise ValidationError("The password must not be your email address.", "password")
        if password and password.strip() == "":
            raise ValidationError("The password must not be only spaces.", "password")


class LoginSchema(RequestSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=PASSWORD_MAX)
    )

    @pre_load
    def _normalise(self, data: Any, **_kwargs: Any) -> Any:
        return _strip_email(data)


class ProfileUpdateSchema(RequestSchema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    language = fields.String(validate=validate.OneOf(list(LANGUAGES)))
    reminders_enabled = fields.Boolean()
