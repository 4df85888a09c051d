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
signed in to from the browser, each with the time of its sign-in.

A new password (changed, reset, or set by the operator) also ends the trust of every device
that signed in before it: a password is changed because someone else may have it, and their
browser must not keep a guess budget of its own for the account. The time of the change is
kept in Redis per account digest for as long as a cookie lives; a device whose sign-in is
older is a stranger again until it signs in with the new password.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from typing import Any

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..redis_client import get_redis
from .schemas import normalise_email

COOKIE = "boxoffice_device"
COOKIE_PATH = "/api"
SALT = "boxoffice-known-device"
LIFETIME_SECONDS = 180 * 24 * 3600
# Accounts one browser is trusted for (a shared family computer).
MAX_ACCOUNTS = 5
# account digest -> when (ms since the epoch) its devices stopped being trusted.
FORGOTTEN_PREFIX = "boxoffice:devices-forgotten:"


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


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def _read() -> dict[str, Any] | None:
    """The cookie's payload: ``device`` and ``accounts``, a list of [digest, signed-in ms]."""
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
    # Entries that are not [digest, time] (an older cookie) are dropped: that browser is
    # known again at its next sign-in. So are sign-ins older than a cookie lives: signing in
    # to another account renews the cookie and carries them on, but the mark of a new
    # password (``forget_devices``) is kept only that long.
    oldest = now_ms() - LIFETIME_SECONDS * 1000
    payload["accounts"] = [
        entry
        for entry in accounts
        if isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and isinstance(entry[1], int)
        and entry[1] > oldest
    ]
    return payload


def trusted_device(digest: str) -> str | None:
    """This browser's device id when it has signed in to the account since its password was
    last set, else None."""
    payload = _read()
    if payload is None:
        return None
    signed_in = next((since for account, since in payload["accounts"] if account == digest), None)
    if signed_in is None:
        return None
    forgotten = get_redis().get(FORGOTTEN_PREFIX + digest)
    if forgotten is not None and int(forgotten) >= signed_in:
        return None
    return str(payload["device"])


def forget_devices(email: str) -> None:
    """The account's password was set anew: no device that signed in before is trusted."""
    get_redis().set(FORGOTTEN_PREFIX + account_digest(email), now_ms(), ex=LIFETIME_SECONDS)


def remember(response: Response, email: str, signed_in_ms: int) -> None:
    """After a successful sign-in: trust this browser for the account from then on.
    ``signed_in_ms`` is when the password was found right (``services.sign_in``): a new
    password stored after that moment ends the trust again."""
    payload = _read() or {"device": secrets.token_urlsafe(16), "accounts": []}
    digest = account_digest(email)
    others = [entry for entry in payload["accounts"] if entry[0] != digest]
    payload["accounts"] = [[digest, signed_in_ms], *others][:MAX_ACCOUNTS]
    _write(response, payload)


def forget_here(response: Response, email: str) -> None:
    """The account was deleted: this browser's cookie stops naming it (the other accounts
    signed in to from it stay trusted)."""
    payload = _read()
    if payload is None:
        return
    digest = account_digest(email)
    others = [entry for entry in payload["accounts"] if entry[0] != digest]
    if len(others) == len(payload["accounts"]):
        return
    if not others:
        response.delete_cookie(COOKIE, **_cookie_attributes())
        return
    _write(response, {**payload, "accounts": others})


def _cookie_attributes() -> dict[str, Any]:
    # The same for setting and deleting: a browser deletes only a cookie that matches them.
    return {
        "path": COOKIE_PATH,
        "secure": bool(current_app.config["JWT_COOKIE_SECURE"]),
        "httponly": True,
        "samesite": "Strict",
    }


def _write(response: Response, payload: dict[str, Any]) -> None:
    response.set_cookie(
        COOKIE, _serializer().dumps(payload), max_age=LIFETIME_SECONDS, **_cookie_attributes()
    )
