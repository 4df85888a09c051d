"""Flask-JWT-Extended that verifies each token's signature once per process.

Every signed-in request presents the same token again and again. Flask-JWT-Extended decodes
it three times per request (claims unverified, header, then claims verified), which made
token checking about a tenth of the CPU of a booking. A token is an immutable string: once
this process has verified one (signature, CSRF value, claims), the same string with the
same CSRF value decodes to the same claims under the same signing key, so they are
remembered, keyed by all three.

What can change with time is checked again on every use: expiry (an expired token is
decoded afresh, so the library answers exactly as before) and revocation (the blocklist
check runs after decoding, as always). Nothing but successful decodes is remembered.

Every token must carry an expiry and an id (a string with something in it). This app issues
none without them, but one made elsewhere with the signing key would otherwise never expire
and could not be revoked (the blocklist is keyed by the id): it is refused as invalid instead.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import current_app
from flask_jwt_extended import JWTManager
from jwt.exceptions import InvalidTokenError, MissingRequiredClaimError

# Distinct tokens remembered per process: a few per signed-in person in a busy hour.
MAX_TOKENS = 4096
REQUIRED_CLAIMS = ("exp", "jti")


class CachingJWTManager(JWTManager):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._verified: dict[tuple[str, str, str | None, bool], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def _decode_jwt_from_config(
        self, encoded_token: str, csrf_value: str | None = None, allow_expired: bool = False
    ) -> dict[str, Any]:
        key = (current_app.config["JWT_SECRET_KEY"], encoded_token, csrf_value, allow_expired)
        claims = self._verified.get(key)
        if claims is not None and (allow_expired or not _expired(claims)):
            return dict(claims)  # a copy: callers may add to it
        claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        for claim in REQUIRED_CLAIMS:
            if claims.get(claim) is None:  # the library fills a missing id in as None
                raise MissingRequiredClaimError(claim)
        if not isinstance(claims["jti"], str) or not claims["jti"].strip():
            # An empty id names no token of its own: the blocklist would hold one entry
            # for every such token, so signing one out would sign out all of them.
            raise InvalidTokenError("Token id (jti) is empty")
        with self._lock:
            if len(self._verified) >= MAX_TOKENS:
                self._verified.clear()  # rare, and cheap to refill
            self._verified[key] = dict(claims)
        return claims


def _expired(claims: dict[str, Any]) -> bool:
    expires = claims.get("exp")
    leeway = current_app.config.get("JWT_DECODE_LEEWAY", 0)
    return expires is not None and time.time() > float(expires) + leeway
