"""JWT handling: who a token belongs to, revocation, and 401s in the envelope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app
from flask_jwt_extended import get_jwt

from ..errors import envelope
from ..extensions import jwt
from ..redis_client import get_redis
from .models import User

BLOCKLIST_PREFIX = "boxoffice:revoked:"


@jwt.user_identity_loader
def _identity(user: User) -> str:
    return str(user.id)


@jwt.token_in_blocklist_loader
def _is_revoked(_header: dict[str, Any], payload: dict[str, Any]) -> bool:
    return bool(get_redis().exists(BLOCKLIST_PREFIX + str(payload.get("jti", ""))))


def revoke_current_token() -> None:
    """Put the request's token on the blocklist until it would have expired anyway."""
    payload = get_jwt()
    remaining = int(payload["exp"] - datetime.now(UTC).timestamp())
    get_redis().set(BLOCKLIST_PREFIX + payload["jti"], "1", ex=max(remaining, 1))


def _unauthorized(code: str, message: str) -> tuple[Response, int]:
    return envelope(401, code, message)


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
    return _unauthorized("token_revoked", "You have signed out; please sign in again.")
