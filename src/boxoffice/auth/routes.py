"""Thin HTTP layer for accounts: parse, call a service, serialise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_jwt_extended import set_access_cookies, unset_jwt_cookies
from flask_limiter.util import get_remote_address

from ..blueprint import Blueprint
from ..celery_app import BROKER_UNREACHABLE
from ..errors import ApiError
from ..extensions import limiter
from ..schemas import MessageSchema
from . import deletion, devices, reset, services, tasks
from .guards import caller, caller_id, login_required
from .schemas import (
    AccountDeletedSchema,
    AccountDeleteSchema,
    LoginResultSchema,
    LoginSchema,
    PasswordChangeSchema,
    PasswordForgotSchema,
    PasswordResetSchema,
    ProfileUpdateSchema,
    RegisterSchema,
    ResetLinkForSchema,
    ResetLinkSchema,
    UserEnvelopeSchema,
    UserSchema,
)
from .tokens import issue, revoke_current_token, session_generation

blp = Blueprint("auth", __name__, url_prefix="/api", description="Accounts and sessions")


def _login_limit() -> str:
    return str(current_app.config["BOXOFFICE"].login_rate_limit)


def _requested_email() -> str | None:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return email if isinstance(email, str) else None


def _login_account_key() -> str:
    """The account a sign-in or reset is for, as a rate-limit key: a digest of the address
    (no address is kept in Redis). A body without an address is keyed by the client
    address, so it shares no one's bucket."""
    email = _requested_email()
    if email is None:
        return f"login-no-account:{get_remote_address()}"
    return f"login-account:{devices.account_digest(email)}"


def _known_device() -> str | None:
    """This browser's device id if it signed in to the requested account before."""
    email = _requested_email()
    return None if email is None else devices.trusted_device(devices.account_digest(email))


def _device_key() -> str:
    return f"login-device:{_known_device()}"


def _from_known_device() -> bool:
    return _known_device() is not None


def _from_unknown_device() -> bool:
    return _known_device() is None


def _caller_key() -> str:
    return f"current-password:{caller_id()}"


def _register_limit() -> str:
    return str(current_app.config["BOXOFFICE"].register_rate_limit)


def _failed(response: Any) -> bool:
    return bool(response.status_code in (401, 403))


def _not_a_form_mistake(response: Any) -> bool:
    return bool(response.status_code != 422)


def _refused_form(response: Any) -> bool:
    return bool(response.status_code in (400, 422))


def _signed_in(session: services.SignIn) -> ResponseReturnValue:
    user = session.user
    token = issue(user, session.generation)
    response = jsonify(LoginResultSchema().dump({"access_token": token, "user": user}))
    # The cookie lives as long as the token in it, not the library's default of a year.
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"]
    set_access_cookies(response, token, max_age=int(lifetime.total_seconds()))
    devices.remember(response, user.email, session.at_ms)
    return response


# Failed sign-ins are limited per client address and per account, so that neither one
# address guessing many passwords nor many addresses guessing one account get far. The user
# and admin sign-ins share the limits: two doors must not double the guesses. A browser
# that signed in to the account before is counted on its own instead (``devices``), so
# that nobody can lock a person out of their account by guessing wrong on purpose.
def _failed_sign_ins(
    scope: str, exempt_when: Callable[[], bool], key_func: Callable[[], str] = get_remote_address
) -> Any:
    return limiter.shared_limit(
        _login_limit, scope=scope, key_func=key_func, deduct_when=_failed, exempt_when=exempt_when
    )


_limit_per_ip = _failed_sign_ins("login", _from_known_device)
_limit_per_account = _failed_sign_ins("login-account", _from_known_device, _login_account_key)
_limit_per_known_device = _failed_sign_ins("login-device", _from_unknown_device, _device_key)
# Sign-ups per client address: each one costs a bcrypt hash, and "email_taken" answers
# whether an address has an account. Mistakes the form shows (422) are not counted.
_limit_sign_ups = limiter.limit(_register_limit, deduct_when=_not_a_form_mistake)
# Guesses of a reset link's token, per client address.
_limit_password_guesses = limiter.limit(_login_limit, deduct_when=_refused_form)
# Guesses of the current password by someone who has a session but not the password: per
# client address, and per account (the session may be used from many addresses). Changing
# the password and deleting the account share them: two doors must not double the guesses.
_limit_current_password = limiter.shared_limit(
    _login_limit, scope="current-password", deduct_when=_refused_form
)
_limit_current_password_per_account = limiter.shared_limit(
    _login_limit, scope="current-password-account", key_func=_caller_key, deduct_when=_refused_form
)
# Reset mails: per client address, and per address asked for (no inbox gets flooded).
RESET_MAILS_LIMIT = "5 per hour"
_limit_reset_mails = limiter.limit(RESET_MAILS_LIMIT)
_limit_reset_mails_per_account = limiter.limit(RESET_MAILS_LIMIT, key_func=_login_account_key)


@blp.route("/register", methods=["POST"])
@_limit_sign_ups
@blp.arguments(RegisterSchema)
@blp.response(201, UserEnvelopeSchema)
def register(data: dict[str, Any]) -> dict[str, Any]:
    """Create an account."""
    user = services.register_user(data["email"], data["name"], data["password"], data["language"])
    return {"user": user}


@blp.route("/login", methods=["POST"])
@_limit_per_ip
@_limit_per_account
@_limit_per_known_device
@blp.arguments(LoginSchema)
@blp.response(200, LoginResultSchema)
def login(data: dict[str, Any]) -> ResponseReturnValue:
    """Sign in: the token comes in the body and as an httpOnly cookie (with a CSRF cookie)."""
    return _signed_in(services.sign_in(data["email"], data["password"]))


@blp.route("/admin/login", methods=["POST"])
@_limit_per_ip
@_limit_per_account
@_limit_per_known_device
@blp.arguments(LoginSchema)
@blp.response(200, LoginResultSchema)
def admin_login(data: dict[str, Any]) -> ResponseReturnValue:
    """Sign in to the admin dashboard; refused with 403 for accounts that are not admins."""
    session = services.sign_in(data["email"], data["password"])
    if not session.user.is_admin:
        raise ApiError(403, "not_admin", "This account is not an administrator.")
    return _signed_in(session)


@blp.route("/logout", methods=["POST"])
@login_required
@blp.response(200, MessageSchema)
def logout() -> ResponseReturnValue:
    """Sign out: the token is revoked on the server, not only forgotten by the browser."""
    revoke_current_token()
    response = jsonify({"message": "Signed out."})
    unset_jwt_cookies(response)
    return response


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, UserEnvelopeSchema)
def me() -> dict[str, Any]:
    """The signed-in user."""
    return {"user": caller()}


@blp.route("/me/password", methods=["POST"])
@login_required
@_limit_current_password
@_limit_current_password_per_account
@blp.arguments(PasswordChangeSchema)
@blp.response(200, LoginResultSchema)
def change_password(data: dict[str, Any]) -> ResponseReturnValue:
    """Change the password, given the current one.

    Every session so far ends, on every device; this browser gets a new one (token in the
    body and the cookie)."""
    user = caller()
    services.change_password(user, data["current_password"], data["new_password"])
    # Read after this change ended every session: this browser's new one outlives it.
    return _signed_in(services.SignIn(user, session_generation(user.id), devices.now_ms()))


@blp.route("/me/delete", methods=["POST"])
@login_required
@_limit_current_password
@_limit_current_password_per_account
@blp.arguments(AccountDeleteSchema)
@blp.response(200, AccountDeletedSchema)
def delete_me(data: dict[str, Any]) -> ResponseReturnValue:
    """Delete your account, given your current password.

    422 at ``current_password`` when it is wrong. Upcoming bookings are cancelled and
    their seats freed, held seats released; past bookings stay in the cinema's figures
    without your name. Every session ends and a notice goes to your address. 409
    ``tickets_still_valid`` while you hold a ticket that can no longer be cancelled (until
    its show is over), ``last_admin`` for the only administrator."""
    deleted = deletion.delete_account(caller(), data["current_password"])
    body = {"message": "Your account is deleted.", "cancelled_bookings": deleted.cancelled}
    response = jsonify(AccountDeletedSchema().dump(body))
    unset_jwt_cookies(response)
    devices.forget_here(response, deleted.email)
    return response


@blp.route("/password/forgot", methods=["POST"])
@_limit_reset_mails
@_limit_reset_mails_per_account
@blp.arguments(PasswordForgotSchema)
@blp.response(202, MessageSchema)
def forgot_password(data: dict[str, Any]) -> dict[str, Any]:
    """Mail a link to set a new password.

    The answer is the same, and as quick, whether or not an account has this address (the
    worker looks it up)."""
    try:
        tasks.send_password_reset.delay(data["email"])
    except BROKER_UNREACHABLE:
        raise ApiError(
            503, "service_unavailable", "Mail cannot be sent right now; please try again shortly."
        ) from None
    return {
        "message": "If an account has this address, a link to set a new password is on its way."
    }


@blp.route("/password/reset/check", methods=["POST"])
@_limit_password_guesses
@blp.arguments(ResetLinkSchema)
@blp.response(200, ResetLinkForSchema)
def check_reset_link(data: dict[str, Any]) -> dict[str, Any]:
    """Whether a reset link can still set a password, and for which address.

    Changes nothing. A link that is forged, expired or used already gets the 400
    ``invalid_token`` that setting the password would get, so the page can say so before
    anything is typed."""
    return {"email": reset.user_for(data["token"]).email}


@blp.route("/password/reset", methods=["POST"])
@_limit_password_guesses
@blp.arguments(PasswordResetSchema)
@blp.response(200, MessageSchema)
def reset_password(data: dict[str, Any]) -> dict[str, Any]:
    """Set a new password with the link's token.

    The token is valid for an hour, once. Every session of the account ends; sign in with
    the new password."""
    services.reset_password(data["token"], data["password"])
    return {"message": "Your password is set. Please sign in with it."}


@blp.route("/me/update", methods=["POST"])
@login_required
@blp.arguments(ProfileUpdateSchema)
@blp.response(200, UserEnvelopeSchema)
def update_me(data: dict[str, Any]) -> dict[str, Any]:
    """Change name, preferred language or reminder mails."""
    return {"user": services.update_profile(caller(), data)}


__all__ = ["blp", "UserSchema"]
