"""Signed unsubscribe links: anyone holding the link may turn that user's reminders off.

The token never expires (old mails must keep working) and only ever switches reminders
*off*, so a leaked link cannot do harm beyond that. It carries the e-mail address too, so a
link stops working once the account changes its address.

The link in a mail opens the web app's ``/unsubscribe`` page, which calls the API: mail
scanners that fetch every link in a message load that page but run no script, so they do not
unsubscribe anyone by accident. ``GET /api/unsubscribe`` also works for direct use.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from ..auth.models import User
from ..database import write_transaction
from ..errors import ApiError
from ..extensions import db

SALT = "boxoffice.unsubscribe"


def _serializer() -> URLSafeSerializer:
    from flask import current_app

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user: User) -> str:
    return str(_serializer().dumps({"u": user.id, "e": user.email}))


def url_for(user: User) -> str:
    from flask import current_app

    public_url = current_app.config["BOXOFFICE"].public_url
    return f"{public_url}/unsubscribe?token={make_token(user)}"


def unsubscribe(token: str) -> User:
    """Turn reminders off for the token's user; 400 for a forged or stale token."""
    try:
        payload = _serializer().loads(token)
        user_id, email = int(payload["u"]), str(payload["e"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ApiError(400, "invalid_token", "This unsubscribe link is not valid.") from None
    # Read and write in one transaction that holds the write lock from the start (SQLite).
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None or user.email != email:
            raise ApiError(400, "invalid_token", "This unsubscribe link is no longer valid.")
        user.reminders_enabled = False
    return user
