"""Forgotten passwords: a signed link by mail that sets a new password, once, within an hour.

The token names the person and a keyed digest of their current password hash: once the
password changes (by this link or otherwise) every link sent before stops working, so a link
is used at most once without keeping any record of it (the new password is only stored if
the hash is still the one the link names, so two uses at the same moment cannot both win).
It is signed with the app secret under its own salt and is valid for ``MAX_AGE_SECONDS``
from when the mail was built. The web app's link carries it after ``#``, which browsers do
not send to the server: it stays out of access logs and Referer headers.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..errors import ApiError
from ..extensions import db
from ..schemas import database_id
from .models import User

SALT = "boxoffice.password-reset"
MAX_AGE_SECONDS = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def password_digest(password_hash: str) -> str:
    """Names the current password in a link without showing any of its hash."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, password_hash.encode(), hashlib.sha256).hexdigest()[:16]


def make_token(user: User) -> str:
    return str(_serializer().dumps({"u": user.id, "h": password_digest(user.password_hash)}))


def link_for(user: User) -> str:
    public_url = current_app.config["BOXOFFICE"].public_url
    return f"{public_url}/reset-password#token={make_token(user)}"


def invalid_link() -> ApiError:
    return ApiError(
        400,
        "invalid_token",
        "This reset link is not valid: it has expired or was used already. Ask for a new one.",
    )


def user_for(token: str) -> User:
    """The person a reset link is for (with the password hash it names still theirs); 400
    when it is forged, expired or used already."""
    try:
        payload = _serializer().loads(token, max_age=MAX_AGE_SECONDS)
        user = db.session.get(User, database_id(payload["u"]))
        valid = user is not None and hmac.compare_digest(
            password_digest(user.password_hash), str(payload["h"])
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        user, valid = None, False
    if not valid or user is None:
        raise invalid_link()
    return user
