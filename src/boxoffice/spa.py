"""Serves the built Vue app; unknown non-API paths fall back to index.html (history routing)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory
from flask.typing import ResponseReturnValue

SPA_DIR = Path(__file__).parent / "static" / "spa"

bp = Blueprint("spa", __name__)


@bp.route("/", defaults={"path": ""})
@bp.route("/<path:path>")
def serve(path: str) -> ResponseReturnValue:
    if path.startswith("api/") or path == "api":
        abort(404)
    candidate = SPA_DIR / path
    if path and candidate.is_file() and SPA_DIR in candidate.resolve().parents:
        response: Response = send_from_directory(SPA_DIR, path)
        if path.startswith("assets/"):
            # Vite puts a content hash in every asset name, so they never change.
            response.cache_control.max_age = 31536000
            response.cache_control.immutable = True
        return response
    if not (SPA_DIR / "index.html").is_file():
        return (
            "<!doctype html><title>BoxOffice</title><h1>BoxOffice API</h1>"
            "<p>The web app has not been built yet (<code>make frontend</code>). "
            'The API and its docs are at <a href="/api/docs">/api/docs</a>.</p>',
            200,
        )
    response = send_from_directory(SPA_DIR, "index.html")
    response.cache_control.no_cache = True
    return response
