"""Account rules, usable without HTTP (the CLI and the tests call them directly)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..database import write_transaction
from ..errors import ApiError
from ..extensions import bcrypt, db
from ..languages import LANGUAGES
from .models import User
from .schemas import PASSWORD_MAX, PASSWORD_MIN

# Compared against when the email is unknown, so a failed login takes as long either way
# and response timing does not reveal which emails have accounts.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = bcrypt.generate_password_hash("not-a-real-password").decode()
    return _DUMMY_HASH


def check_password_rules(email: str, password: str) -> None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ApiError(
            422,
            "validation_failed",
            "Some fields are invalid.",
            {"password": [f"Use between {PASSWORD_MIN} and {PASSWORD_MAX} characters."]},
        )
    if password.strip().lower() == email.strip().lower():
        raise ApiError(
            422,
            "validation_failed",
            "Some fields are invalid.",
            {"password": ["The password must not be your email address."]},
        )


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def register_user(
    email: str, name: str, password: str, language: str = "en", is_admin: bool = False
) -> User:
    email = email.strip().lower()
    check_password_rules(email, password)
    if language not in LANGUAGES:
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
                name=name.strip(),
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
    password_ok = bcrypt.check_password_hash(candidate_hash, password)
    if user is None or not password_ok:
        raise ApiError(401, "invalid_credentials", "Wrong email or password.")
    return user


def update_profile(user: User, changes: dict[str, Any]) -> User:
    with write_transaction():
        for field in ("name", "language", "reminders_enabled"):
            if field in changes:
                value = changes[field].strip() if field == "name" else changes[field]
                setattr(user, field, value)
    return user


def make_admin(email: str, name: str, password: str) -> tuple[User, bool]:
    """Create an admin, or promote an existing account. Returns (user, created)."""
    existing = find_user_by_email(email)
    if existing is not None:
        check_password_rules(email, password)
        password_hash = bcrypt.generate_password_hash(password).decode()
        with write_transaction():
            existing.is_admin = True
            existing.password_hash = password_hash
        return existing, False
    return register_user(email, name, password, is_admin=True), True
