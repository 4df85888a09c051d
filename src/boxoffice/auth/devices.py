"""Known devices: a browser that has signed in to an account is not locked out of it by
someone else's wrong guesses.

Failed sign-ins are limited per account, so that many addresses guessing one password get
nowhere. Alone, that limit lets anyone lock a person out: ten wrong passwords a minute for
their address and they cannot sign in either. So a successful sign-in leaves a signed
*device cookie* naming the account (OWASP's "device cookies"). A sign-in attempt for that
account carrying it is counted against the device instead of the account: its owner gets in
while strangers' guesses fill the account's bucket, and guesses made with the cookie still
meet a limit of their own. A cookie that is forged, expired or names other accounts counts
for nothing.

The cookie is httpOnly and sent only to the sign-in paths. It names accounts by a digest of
the address (no address is stored in the browser), and remembers the last few accounts
signed in to from the browser.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .schemas import normalise_email

COOKIE = "boxoffice_device"
COOKIE_PATH = "/api"
SALT = "boxoffice-known-device"
LIFETIME_SECONDS = 180 * 24 * 3600
# Accounts one browser is trusted for (a shared family computer).
MAX_ACCOUNTS = 5


def account_digest(email: str) -> str:
    """The account an address names, as it is keyed in rate limits and device cookies: every
    spelling that signs in to one account ("ＥＸＡＭＰＬＥ.com" for example.com) gives
    one digest, so spellings cannot multiply the guesses. Any text (lone surrogates too)
    gives a digest."""
    try:
        spelling = normalise_email(email)
    except ValueError:  # no account has such an address
        spelling = email.strip().lower()
    return hashlib.sha256(spelling[:254].encode("utf-8", "surrogatepass")).hexdigest()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _read() -> dict[str, Any] | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        payload = _serializer().loads(raw, max_age=LIFETIME_SECONDS)
    except BadSignature:  # forged, tampered with or expired
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("device"), str):
        return None
    accounts = payload.get("accounts")
    if not isinstance(accounts, list):
        return None
    return payload


def trusted_device(digest: str) -> str | None:
    """This browser's device id when it has signed in to the account before, else None."""
    payload = _read()
    if payload is None or digest not in payload["accounts"]:
        return None
    return str(payload["device"])


def remember(response: Response, email: str) -> None:
    """After a successful sign-in: trust this browser for the account from now on."""
    payload = _read() or {"device": secrets.token_urlsafe(16), "accounts": []}
    digest = account_digest(email)
    others = [account for account in payload["accounts"] if account != digest]
    payload["accounts"] = [digest, *others][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(payload),
        max_age=LIFETIME_SECONDS,
        path=COOKIE_PATH,
        secure=bool(current_app.config["JWT_COOKIE_SECURE"]),
        httponly=True,
        samesite="Strict",
    )
