"""Signed unsubscribe links: anyone holding the link may turn one kind of mail off for that
user, the kind of mail the link came in.

Two kinds of mail can be turned off, each on its own (booking mails always go out):

- ``reminders``: reminders of a coming show and "we miss you";
- ``monthly_report``: the report on the 1st of the month.

The token never expires (old mails must keep working) and only ever switches mail *off*, so
a leaked link cannot do harm beyond that. It carries the e-mail address too, so a link stops
working once the account changes its address. Links sent before the two kinds were apart
name no kind; they said "stop reminder and report mails" and still stop both.

The link in a mail opens the web app's ``/unsubscribe`` page, which calls the API: mail
scanners that fetch every link in a message load that page but run no script, so they do not
unsubscribe anyone by accident; the API itself takes POST only, for the same reason.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from ..auth.models import User
from ..database import write_transaction
from ..errors import ApiError
from ..extensions import db
from ..schemas import database_id

SALT = "boxoffice.unsubscribe"
REMINDERS, MONTHLY_REPORT = "reminders", "monthly_report"
# Each kind of mail and the switch on the account that says whether the person wants it.
SWITCHES = {REMINDERS: "reminders_enabled", MONTHLY_REPORT: "monthly_report_enabled"}


def wants(user: User, kind: str) -> bool:
    return bool(getattr(user, SWITCHES[kind]))


def _serializer() -> URLSafeSerializer:
    from flask import current_app

    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(user: User, kind: str) -> str:
    return str(_serializer().dumps({"u": user.id, "e": user.email, "k": kind}))


def url_for(user: User, kind: str) -> str:
    from flask import current_app

    public_url = current_app.config["BOXOFFICE"].public_url
    return f"{public_url}/unsubscribe?token={make_token(user, kind)}"


def unsubscribe(token: str) -> tuple[User, list[str]]:
    """Turn off the token's kind of mail for its user; returns the user and the kinds now
    off. 400 for a forged or stale token."""
    try:
        payload = _serializer().loads(token)
        user_id, email = database_id(payload["u"]), str(payload["e"])
        kinds = [payload["k"]] if "k" in payload else list(SWITCHES)  # older links: both
        if not set(kinds) <= set(SWITCHES):
            raise ValueError(kinds)
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ApiError(400, "invalid_token", "This unsubscribe link is not valid.") from None
    # Read and write in one transaction that holds the write lock from the start (SQLite).
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None or user.email != email:
            raise ApiError(400, "invalid_token", "This unsubscribe link is no longer valid.")
        for kind in kinds:
            setattr(user, SWITCHES[kind], False)
    return user, kinds
