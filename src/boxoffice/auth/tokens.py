"""JWT handling: who a token belongs to, revocation, and 401s in the envelope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, request
from flask_jwt_extended import create_access_token, get_jwt, unset_jwt_cookies

from ..errors import envelope
from ..extensions import jwt
from ..redis_client import get_redis
from .models import User

BLOCKLIST_PREFIX = "boxoffice:revoked:"
# Per person, how many times all their sessions were ended (a password change or reset).
# Each token carries the number from when it was issued; one that is behind is revoked.
SESSIONS_PREFIX = "boxoffice:sessions:"
SESSIONS_CLAIM = "sg"


@jwt.user_identity_loader
def _identity(user: User) -> str:
    return str(user.id)


def session_generation(user_id: int) -> int:
    """How many times this person's sessions were all ended so far; a token made now
    carries it (``issue``). Read it *before* confirming the password: see
    ``services.sign_in``."""
    return int(get_redis().get(SESSIONS_PREFIX + str(user_id)) or 0)


def issue(user: User, generation: int) -> str:
    """A token for this person that stays valid until their sessions are next ended."""
    return create_access_token(identity=user, additional_claims={SESSIONS_CLAIM: generation})


@jwt.token_in_blocklist_loader
def _is_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
    # Both answers in one round trip: this runs on every signed-in request.
    pipe = get_redis().pipeline(transaction=False)
    pipe.exists(BLOCKLIST_PREFIX + str(payload.get("jti", "")))
    pipe.get(SESSIONS_PREFIX + str(payload.get("sub", "")))
    signed_out, sessions = pipe.execute()
    return bool(signed_out) or int(sessions or 0) != payload.get(SESSIONS_CLAIM, 0)


def end_all_sessions(user_id: int) -> None:
    """Revoke every token issued to this person so far (on every device); tokens issued
    from now on are valid."""
    get_redis().incr(SESSIONS_PREFIX + str(user_id))


def revoke_current_token() -> None:
    """Put the request's token on the blocklist until it would have expired anyway."""
    payload = get_jwt()
    remaining = int(payload["exp"] - datetime.now(UTC).timestamp())
    get_redis().set(BLOCKLIST_PREFIX + payload["jti"], "1", ex=max(remaining, 1))


def _unauthorized(code: str, message: str) -> tuple[Response, int]:
    response, status = envelope(401, code, message)
    # A refused session cookie is of no more use: the browser drops it (and its CSRF cookie),
    # so it stops sending it and the web app stops asking whether it still works. Not when
    # the refused token came in the Authorization header, which a valid cookie may sit beside.
    cookie = current_app.config["JWT_ACCESS_COOKIE_NAME"]
    if cookie in request.cookies and "Authorization" not in request.headers:
        unset_jwt_cookies(response)
    return response, status


@jwt.unauthorized_loader
def _missing(reason: str) -> tuple[Response, int]:
    if "CSRF" in reason:
        return envelope(403, "csrf_failed", "Missing or wrong CSRF token (X-CSRF-TOKEN header).")
    return _unauthorized("not_signed_in", "Please sign in.")


@jwt.invalid_token_loader
def _invalid(reason: str) -> tuple[Response, int]:
    current_app.logger.info("Rejected token: %s", reason)
    return _unauthorized("invalid_token", "Your session is not valid; please sign in again.")


@jwt.expired_token_loader
def _expired(_header: dict[str, Any], _payload: dict[str, Any]) -> tuple[Response, int]:
    return _unauthorized("token_expired", "Your session has expired; please sign in again.")


@jwt.revoked_token_loader
def _revoked(_header: dict[str, Any], _payload: dict[str, Any]) -> tuple[Response, int]:
    # Signed out here, or every session ended by a password change or reset.
    return _unauthorized("token_revoked", "Your session has ended; please sign in again.")
