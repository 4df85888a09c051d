"""Decorators that say who may call a view, and who is calling.

A valid, unrevoked token is enough to know *who* calls (``caller_id``): the hottest signed-in
requests (holding and booking seats) never read the caller's row. Views that need the row
ask for it with ``caller()``; it is read once per request, and a token whose account no
longer exists gets 401 there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import request
from flask_jwt_extended import get_jwt_identity, verify_jwt_in_request
from flask_smorest import Blueprint
from sqlalchemy import bindparam, select

from ..errors import ApiError
from ..extensions import db
from ..schemas import database_id
from .models import User

F = TypeVar("F", bound=Callable[..., Any])

# Built once: ``Session.get`` rebuilds its query on every call.
USER_BY_ID = select(User).where(User.id == bindparam("user_id"))
# Every guarded view says so in the OpenAPI description, so that the API docs' "Authorize"
# sends the bearer token with it (and a client generator knows the call needs one).
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
_needs_bearer = Blueprint.doc(security=BEARER)
# Where ``caller()`` keeps the row for the rest of the request (``g`` may outlive a request).
_CALLER_KEY = "boxoffice.caller"


def account_gone() -> ApiError:
    """The 401 for a validly signed token whose account does not exist (any more)."""
    return ApiError(401, "invalid_token", "Your account no longer exists.")


def caller_id() -> int:
    """The signed-in person's id, from their verified token (no database read)."""
    try:
        return database_id(get_jwt_identity())
    except (TypeError, ValueError):
        raise account_gone() from None


def caller() -> User:
    """The signed-in person's row, read once per request; 401 if the account is gone."""
    user: User | None = request.environ.get(_CALLER_KEY)
    if user is None:
        user = db.session.execute(USER_BY_ID, {"user_id": caller_id()}).scalar_one_or_none()
        if user is None:
            raise account_gone()
        request.environ[_CALLER_KEY] = user
    return user


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verify_jwt_in_request()
        return view(*args, **kwargs)

    return cast(F, _needs_bearer(wrapper))


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verify_jwt_in_request()
        if not caller().is_admin:
            raise ApiError(403, "admin_only", "Only administrators can do that.")
        return view(*args, **kwargs)

    return cast(F, _needs_bearer(wrapper))
