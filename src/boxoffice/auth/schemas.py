from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema

from ..languages import MAIL_LANGUAGES
from ..schemas import (
    NOT_TEXT,
    LocalDateTime,
    RequestSchema,
    StrictBoolean,
    check_text,
    utf8_length,
    validator,
)

PASSWORD_MIN = 8
# Sign-in refuses longer input outright, before any hashing.
PASSWORD_MAX = 128
# bcrypt refuses (bcrypt>=5) or silently truncates (older) passwords longer than this.
PASSWORD_MAX_BYTES = 72
# Said in letters; the limit is in bytes of UTF-8, so "é" counts 2 and most Indic letters 3.
PASSWORD_TOO_LONG = (
    f"Too long: at most {PASSWORD_MAX_BYTES} letters, fewer with accented letters or other scripts."
)
NAME_MAX = 100


# Guessed first by anyone trying passwords: refused for new passwords (sign-in still takes
# them, so nobody is locked out of an older account).
COMMON_PASSWORDS = frozenset(
    """password password1 password123 12345678 123456789 1234567890 87654321 11111111
    qwertyui qwerty123 qwertyuiop asdfghjk iloveyou sunshine princess football baseball
    welcome1 letmein1 abc12345 abcd1234 trustno1 superman starwars whatever passw0rd
    boxoffice boxoffice1 movies123 cinema123""".split()
)
MIN_DISTINCT = 4


def weak_password(password: str) -> str | None:
    """Why this would be a weak new password, or None."""
    if len(set(password)) < MIN_DISTINCT:
        return f"Use at least {MIN_DISTINCT} different characters."
    if password.strip().lower() in COMMON_PASSWORDS:
        return "This password is among the most common ones; choose another."
    return None


def password_problem(password: str) -> str | None:
    """Why bcrypt cannot take this password, or None when it can."""
    size = utf8_length(password)
    if size is None:
        return NOT_TEXT
    if size > PASSWORD_MAX_BYTES:
        return PASSWORD_TOO_LONG
    return None


_check_password = validator(password_problem)


def _new_password_field() -> fields.String:
    """A password being set (sign-up, change, reset): long enough, and one bcrypt can take."""
    return fields.String(
        required=True,
        load_only=True,
        validate=[validate.Length(min=PASSWORD_MIN), _check_password],
    )


def _name_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=NAME_MAX), check_text], **kwargs)


# Letters that IDNA 2003 (Python's codec) maps to others ("ß" to "ss") while IDNA 2008, what
# mail systems use now, keeps them: a domain with one is left as it is written.
_IDNA_DEVIATIONS = frozenset("\u00df\u03c2\u200c\u200d")


def normalise_email(email: str) -> str:
    """The one stored spelling of an address: stripped, lower case, and an international
    domain in its IDNA (ASCII) form, which is where the mail goes. "ＥＸＡＭＰＬＥ.com" or
    "exam\u00adple.com" reach example.com, so they must not make a second account.

    ValueError when a non-ASCII domain has no IDNA form (no mail could reach it)."""
    email = email.strip().lower()
    local, at, domain = email.rpartition("@")
    if not at or domain.isascii() or not _IDNA_DEVIATIONS.isdisjoint(domain):
        return email
    try:
        return f"{local}@{domain.encode('idna').decode('ascii').lower()}"
    except UnicodeError:
        raise ValueError(f"no IDNA form: {domain!r}") from None


def unicode_spelling(email: str) -> str | None:
    """The address with its IDNA domain written back in Unicode, if that differs: accounts
    made before domains were normalised were stored that way."""
    local, at, domain = email.rpartition("@")
    if not at or "xn--" not in domain:
        return None
    try:
        spelled = domain.encode("ascii").decode("idna")
    except UnicodeError:
        return None
    return f"{local}@{spelled}" if spelled != domain else None


def _strip_email(data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("email"), str):
        try:
            return {**data, "email": normalise_email(data["email"])}
        except (ValueError, UnicodeError):
            raise ValidationError(["Not a valid email address."], "email") from None
    return data


def _strip_name(data: Any) -> Any:
    # Strip before validating, so that a name of only spaces counts as empty.
    if isinstance(data, dict) and isinstance(data.get("name"), str):
        return {**data, "name": data["name"].strip()}
    return data


class UserSchema(Schema):
    user_id = fields.Integer(attribute="id")
    email = fields.Email()
    name = fields.String()
    language = fields.String()
    is_admin = fields.Boolean()
    reminders_enabled = fields.Boolean(metadata={"description": "Show reminders, 'we miss you'"})
    monthly_report_enabled = fields.Boolean(metadata={"description": "The report on the 1st"})
    created_at = LocalDateTime()


class UserEnvelopeSchema(Schema):
    user = fields.Nested(UserSchema)


class LoginResultSchema(Schema):
    access_token = fields.String()
    user = fields.Nested(UserSchema)


def unreachable_domain(email: str) -> bool:
    """Whether no mail could reach this address from here, or it would stay on the relay
    itself: ``localhost``, an address literal (``x@[127.0.0.1]``), a last label of digits,
    and ``.invalid`` (RFC 2606), where deleted accounts keep their rows."""
    domain = email.rpartition("@")[2]
    last = domain.rpartition(".")[2]
    return domain.startswith("[") or "." not in domain or last.isdigit() or last == "invalid"


NO_MAIL_DOMAIN = "Use an address with a mail domain, like name@example.com."


def reachable_domain(email: str) -> None:
    """Refuse what marshmallow's address check lets through but no mail could reach. The
    web app asks for a dot."""
    if unreachable_domain(email):
        raise ValidationError(NO_MAIL_DOMAIN)


class RegisterSchema(RequestSchema):
    email = fields.Email(required=True, validate=[validate.Length(max=254), reachable_domain])
    name = _name_field(required=True)
    password = _new_password_field()
    language = fields.String(load_default="en", validate=validate.OneOf(MAIL_LANGUAGES))

    @pre_load
    def _normalise(self, data: Any, **_kwargs: Any) -> Any:
        return _strip_name(_strip_email(data))

    @validates_schema
    def _password_not_email(self, data: dict[str, Any], **_kwargs: Any) -> None:
        password = data.get("password", "")
        if password and password.strip().lower() == data.get("email", ""):
            raise ValidationError("The password must not be your email address.", "password")
        if password and password.strip() == "":
            raise ValidationError("The password must not be only spaces.", "password")


def _current_password_field() -> fields.String:
    return fields.String(required=True, load_only=True, validate=validate.Length(max=PASSWORD_MAX))


class PasswordChangeSchema(RequestSchema):
    current_password = _current_password_field()
    new_password = _new_password_field()


class AccountDeleteSchema(RequestSchema):
    current_password = _current_password_field()


class AccountDeletedSchema(Schema):
    message = fields.String()
    cancelled_bookings = fields.List(
        fields.String(),
        metadata={"description": "Codes of the upcoming bookings cancelled, seats freed"},
    )


class PasswordForgotSchema(RequestSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))

    @pre_load
    def _normalise(self, data: Any, **_kwargs: Any) -> Any:
        return _strip_email(data)


class ResetLinkSchema(RequestSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=500))


class PasswordResetSchema(ResetLinkSchema):
    password = _new_password_field()


class ResetLinkForSchema(Schema):
    email = fields.String(metadata={"description": "The address of the account it is for"})


class LoginSchema(RequestSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(max=PASSWORD_MAX)
    )

    @pre_load
    def _normalise(self, data: Any, **_kwargs: Any) -> Any:
        return _strip_email(data)


class ProfileUpdateSchema(RequestSchema):
    name = _name_field()
    language = fields.String(validate=validate.OneOf(MAIL_LANGUAGES))
    reminders_enabled = StrictBoolean()
    monthly_report_enabled = StrictBoolean()

    @pre_load
    def _normalise(self, data: Any, **_kwargs: Any) -> Any:
        return _strip_name(data)
