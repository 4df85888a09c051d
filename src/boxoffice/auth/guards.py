"""Decorators that say who may call a view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask_jwt_extended import current_user, verify_jwt_in_request

from ..errors import ApiError

F = TypeVar("F", bound=Callable[..., Any])


def login_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verify_jwt_in_request()
        return view(*args, **kwargs)

    return cast(F, wrapper)


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verify_jwt_in_request()
        if not current_user.is_admin:
            raise ApiError(403, "admin_only", "Only administrators can do that.")
        return view(*args, **kwargs)

    return cast(F, wrapper)
