"""HTTP layer of the reports package."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("reports", __name__, url_prefix="/api", description="reports")
