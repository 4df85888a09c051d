"""Account rules, usable without HTTP (the CLI and the tests call them directly)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import notifications
from ..database import write_transaction
from ..errors import ApiError
from ..extensions import bcrypt, db
from ..languages import MAIL_LANGUAGES
from ..schemas import text_problem, utf8_length
from . import devices, reset
from .models import User, is_deleted_address
from .schemas import (
    NAME_MAX,
    NO_MAIL_DOMAIN,
    PASSWORD_MIN,
    normalise_email,
    password_problem,
    unicode_spelling,
    weak_password,
)
from .tokens import end_all_sessions, session_generation

# Checked instead of a password bcrypt cannot take; the result is never used.
_STAND_IN_PASSWORD = "not-the-password"


# Compared against when the email is unknown, so a failed login takes as long either way
# and response timing does not reveal which emails have accounts.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = bcrypt.generate_password_hash("not-a-real-password").decode()
    return _DUMMY_HASH


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_failed", "Some fields are invalid.", {field: [message]})


def check_password_rules(email: str, password: str, field: str = "password") -> None:
    """Every path that sets a password goes through here, so bcrypt never sees one it refuses."""
    if len(password) < PASSWORD_MIN:
        raise _invalid(field, f"Use at least {PASSWORD_MIN} characters.")
    problem = password_problem(password)
    if problem is not None:
        raise _invalid(field, problem)
    if password.strip().lower() == email.strip().lower():
        raise _invalid(field, "The password must not be your email address.")
    if password.strip() == "":
        raise _invalid(field, "The password must not be only spaces.")
    weakness = weak_password(password)
    if weakness is not None:
        raise _invalid(field, weakness)


def clean_name(name: str) -> str:
    """The name as stored: stripped, not empty, and safe to put in a mail header."""
    name = name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise _invalid("name", f"Use between 1 and {NAME_MAX} characters.")
    problem = text_problem(name)
    if problem is not None:
        raise _invalid("name", problem)
    return name


def find_user_by_email(email: str) -> User | None:
    # No account can have such an address (registration validates it), and PostgreSQL
    # refuses NUL in text while the driver refuses lone surrogates: answer "no such user".
    if "\x00" in email or utf8_length(email) is None:
        return None
    try:
        email = normalise_email(email)
    except ValueError:
        return None
    user = db.session.scalar(select(User).where(User.email == email))
    older = unicode_spelling(email)
    if user is None and older is not None:
        user = db.session.scalar(select(User).where(User.email == older))
    return user


def register_user(
    email: str, name: str, password: str, language: str = "en", is_admin: bool = False
) -> User:
    try:
        email = normalise_email(email)
    except ValueError:
        raise _invalid("email", "Not a valid email address.") from None
    if is_deleted_address(email):  # the sign-up form refuses it; the CLI comes here
        raise _invalid("email", NO_MAIL_DOMAIN)
    name = clean_name(name)
    check_password_rules(email, password)
    if language not in MAIL_LANGUAGES:
        raise ApiError(
            422,
            "validation_failed",
            "Some fields are invalid.",
            {"language": ["Unknown language."]},
        )
    # Hash before taking the write lock: bcrypt is slow on purpose.
    password_hash = bcrypt.generate_password_hash(password).decode()
    try:
        with write_transaction() as session:
            if find_user_by_email(email) is not None:
                raise _email_taken()
            user = User(
                email=email,
                name=name,
                password_hash=password_hash,
                language=language,
                is_admin=is_admin,
            )
            session.add(user)
    except IntegrityError:  # a concurrent registration of the same email won the race
        raise _email_taken() from None
    return user


def _email_taken() -> ApiError:
    return ApiError(
        409,
        "email_taken",
        "An account with this email already exists.",
        {"email": ["Already registered."]},
    )


def authenticate(email: str, password: str) -> User:
    """The user for these credentials, or a 401 that never says which part was wrong."""
    user = find_user_by_email(email)
    candidate_hash = user.password_hash if user else _dummy_hash()
    if password_problem(password) is None:
        password_ok = bcrypt.check_password_hash(candidate_hash, password)
    else:
        # bcrypt refuses it and no stored password can be one; still pay for one check,
        # so the answer takes as long as for any other wrong password.
        bcrypt.check_password_hash(candidate_hash, _STAND_IN_PASSWORD)
        password_ok = False
    if user is None or not password_ok:
        raise _wrong_credentials()
    return user


def _wrong_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "Wrong email or password.")


@dataclass(frozen=True)
class SignIn:
    user: User
    generation: int  # the session generation its token carries (``tokens.issue``)
    at_ms: int  # when, as the device cookie records it (``devices.remember``)


def sign_in(email: str, password: str) -> SignIn:
    """A session for these credentials, or the 401 of ``authenticate``.

    A new password stored while the (slow) password check runs must not leave a session
    that outlives it. So the person's session generation is read after the check, and the
    stored password confirmed unchanged after that: a change committed before the
    confirmation is seen there, and one committed after it moves the generation past the
    one read here, which ends the session as it ends every other."""
    user = authenticate(email, password)
    checked_hash = user.password_hash
    at_ms = devices.now_ms()
    generation = session_generation(user.id)
    # The confirmation needs a fresh read: SQLite's open transaction would still see the
    # snapshot it began with.
    db.session.rollback()
    current = db.session.get(User, user.id, populate_existing=True)
    if current is None or current.password_hash != checked_hash:
        raise _wrong_credentials()
    return SignIn(current, generation, at_ms)


def update_profile(user: User, changes: dict[str, Any]) -> User:
    # Checked before the transaction, so a refused name leaves every field unchanged.
    name = clean_name(changes["name"]) if "name" in changes else None
    with write_transaction():
        if name is not None:
            user.name = name
        for field in ("language", "reminders_enabled", "monthly_report_enabled"):
            if field in changes:
                setattr(user, field, changes[field])
    return user


def set_password(user: User, password: str, how: str, field: str = "password") -> None:
    """A new password; every session of the person so far ends (on every device), and they
    get a mail saying so (``how``: ``notifications.CHANGED_IN_ACCOUNT`` or ``CHANGED_BY_RESET``).

    Stored only if the password is still the one just checked (a reset link, or the current
    password), so of two changes at the same moment exactly one wins; the other is a 409."""
    user_id, email = user.id, user.email
    checked_hash = user.password_hash  # read now: the transaction below may reload ``user``
    check_password_rules(user.email, password, field)
    password_hash = bcrypt.generate_password_hash(password).decode()
    with write_transaction() as session:
        changed = session.execute(
            update(User)
            .where(User.id == user_id, User.password_hash == checked_hash)
            .values(password_hash=password_hash)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount == 1:  # type: ignore[attr-defined]
            # Recorded with the new hash, in one commit: no notice for a change that did
            # not happen, and no change without its notice.
            notifications.password_changed(user_id, how)
    db.session.expire(user)  # its hash is read again from the database when next needed
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiError(409, "password_changed", "The password was changed meanwhile; try again.")
    end_all_sessions(user_id)
    devices.forget_devices(email)


def check_current_password(user: User, current: str) -> None:
    """422 at ``current_password`` unless it is the person's password: a session alone is
    not enough to change the password or close the account."""
    if password_problem(current) is not None or not bcrypt.check_password_hash(
        user.password_hash, current
    ):
        raise _invalid("current_password", "This is not your current password.")


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password, given the current one (a session alone is not enough)."""
    check_current_password(user, current)
    if current == new:
        raise _invalid("new_password", "Choose a password other than the current one.")
    set_password(user, new, notifications.CHANGED_IN_ACCOUNT, "new_password")


def request_password_reset(email: str) -> None:
    """Mail a reset link if an account has this address; nothing otherwise (the answer is
    the same either way, so it does not tell who has an account)."""
    user = find_user_by_email(email)
    if user is None or user.is_deleted:
        return
    with write_transaction():
        notifications.password_reset(user)


def reset_password(token: str, password: str) -> User:
    """Set a new password with a reset link's token; ends every session of the person."""
    user = reset.user_for(token)
    try:
        set_password(user, password, notifications.CHANGED_BY_RESET)
    except ApiError as error:
        if error.code != "password_changed":
            raise
        raise reset.invalid_link() from None  # used at this very moment by another request
    return user


def make_admin(email: str, name: str, password: str) -> tuple[User, bool]:
    """Create an admin, or promote an existing account. Returns (user, created)."""
    existing = find_user_by_email(email)
    if existing is not None and existing.is_deleted:
        raise _invalid("email", NO_MAIL_DOMAIN)  # a deleted account stays closed
    if existing is not None:
        check_password_rules(email, password)
        with write_transaction():
            existing.is_admin = True
        if not bcrypt.check_password_hash(existing.password_hash, password):
            # A new password like any other: every session ends and the person is told.
            set_password(existing, password, notifications.CHANGED_BY_OPERATOR)
        return existing, False
    return register_user(email, name, password, is_admin=True), True
