"""Serves Swagger UI's files from the swagger-ui-bundle wheel, so /api/docs needs no CDN."""

from __future__ import annotations

from flask import Blueprint, send_from_directory
from flask.typing import ResponseReturnValue
from swagger_ui_bundle import swagger_ui_path

ASSETS_URL = "/api/docs-assets/"

bp = Blueprint("docs_assets", __name__)


@bp.route(ASSETS_URL + "<path:filename>")
def asset(filename: str) -> ResponseReturnValue:
    response = send_from_directory(swagger_ui_path, filename)
    response.cache_control.max_age = 86400
    return response
