"""HTTP layer of the bookings package."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("bookings", __name__, url_prefix="/api", description="bookings")
