"""Forgotten passwords: a signed link by mail that sets a new password, once, within an hour.

The token names the person and the tail of their current password hash: once the password
changes (by this link or otherwise) every link sent before stops working, so a link is used
at most once without keeping any record of it. It is signed with the app secret under its
own salt and is valid for ``MAX_AGE`` from when the mail was built.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..errors import ApiError
from ..extensions import db
from .models import User

SALT = "boxoffice.password-reset"
MAX_AGE_SECONDS = 3600
_HASH_TAIL = 12


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user: User) -> str:
    return str(_serializer().dumps({"u": user.id, "h": user.password_hash[-_HASH_TAIL:]}))


def link_for(user: User) -> str:
    public_url = current_app.config["BOXOFFICE"].public_url
    return f"{public_url}/reset-password?token={make_token(user)}"


def user_for(token: str) -> User:
    """The person a reset link is for; 400 when it is forged, expired or used already."""
    try:
        payload = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
        user = db.session.get(User, int(payload["u"]))
        valid = user is not None and user.password_hash[-_HASH_TAIL:] == str(payload["h"])
    except (BadSignature, KeyError, TypeError, ValueError):
        user, valid = None, False
    if not valid or user is None:
        raise ApiError(
            400,
            "invalid_token",
            "This reset link is not valid: it has expired or was used already. Ask for a new one.",
        )
    return user
