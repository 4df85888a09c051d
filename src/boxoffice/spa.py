"""Serves the built Vue app; unknown non-API paths fall back to index.html (history routing)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, send_from_directory
from flask.typing import ResponseReturnValue
from werkzeug.routing import PathConverter

SPA_DIR = Path(__file__).parent / "static" / "spa"

bp = Blueprint("spa", __name__)


class AppPathConverter(PathConverter):
    """Any path except ``/api`` and below, which must answer 404/405 in the API's envelope
    rather than fall back to the app's index page."""

    regex = r"(?!api(?:/|$))[^/].*?"


@bp.record_once
def _register_converter(state: object) -> None:
    app: Flask = state.app  # type: ignore[attr-defined]
    app.url_map.converters["app_path"] = AppPathConverter


@bp.route("/", defaults={"path": ""})
@bp.route("/<app_path:path>")
def serve(path: str) -> ResponseReturnValue:
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
            '<!doctype html><html lang="en"><title>BoxOffice</title><h1>BoxOffice API</h1>'
            "<p>The web app has not been built yet (<code>make frontend</code>). "
            'The API and its docs are at <a href="/api/docs">/api/docs</a>.</p>',
            200,
        )
    response = send_from_directory(SPA_DIR, "index.html")
    response.cache_control.no_cache = True
    return response
