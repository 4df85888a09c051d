"""The one error envelope: ``{"error": {"code", "message", "details"}}`` for every failure."""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import Flask, Response, jsonify, request
from flask_smorest import Api
from marshmallow import Schema, fields
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

# Default machine-readable codes for plain HTTP errors.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}

DEFAULT_MESSAGES = {
    400: "The request could not be understood.",
    401: "Please sign in.",
    403: "You are not allowed to do that.",
    404: "Not found.",
    405: "This method is not allowed here.",
    409: "The request conflicts with the current state.",
    413: "The request body is too large (1 MiB at most).",
    415: "Send the body as application/json.",
    422: "Some fields are invalid.",
    429: "Too many requests; please slow down.",
    500: "Something went wrong on our side.",
    503: "A service we depend on is unavailable; please try again shortly.",
}


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"example": "seat_taken"})
    message = fields.String(required=True)
    details = fields.Dict(metadata={"description": "field -> messages for 422; extra facts else"})


class ErrorEnvelopeSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class ApiError(Exception):
    """Raised by services for expected failures; rendered as the envelope."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


class NotFound(ApiError):
    def __init__(self, what: str = "That") -> None:
        super().__init__(404, "not_found", f"{what} was not found.")


class Conflict(ApiError):
    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(409, code, message, details)


def envelope(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> tuple[Response, int]:
    body = {"error": {"code": code, "message": message, "details": details or {}}}
    return jsonify(body), status


def _validation_details(messages: Any) -> dict[str, Any]:
    """Flatten webargs' ``{"json": {"field": [...]}}`` into ``{"field": [...]}``."""
    if not isinstance(messages, dict):
        return {"_schema": messages}
    flat: dict[str, Any] = {}
    for location, entries in messages.items():
        if isinstance(entries, dict):
            flat.update(entries)
        else:
            flat[location] = entries
    return flat


def render_http_exception(error: HTTPException) -> tuple[Response, int]:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and messages is not None:
        return envelope(
            422, "validation_failed", DEFAULT_MESSAGES[422], _validation_details(messages)
        )
    if status == 400 and messages is not None:
        return envelope(400, "malformed_json", "The body is not valid JSON.")
    code = STATUS_CODES.get(status, "http_error")
    message = DEFAULT_MESSAGES.get(status) or error.description or "Request failed."
    if status == 429:
        message = f"Too many attempts (at most {error.description}); please try again later."
    response, status = envelope(status, code, message)
    if status == 405 and isinstance(error, HTTPException):
        allowed = error.get_response().headers.get("Allow")
        if allowed:
            response.headers["Allow"] = allowed
    return response, status


def sent_in_chunks() -> bool:
    """Whether the request's body comes chunked, with no Content-Length to go by."""
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> tuple[Response, int]:
        return envelope(error.status, error.code, error.message, error.details)

    @app.errorhandler(RecursionError)
    def _too_deep(error: RecursionError) -> tuple[Response, int]:
        # Parsing an absurdly nested JSON body recurses this deep. Without such a body it
        # is our own bug, and a 500 that is logged.
        if request.is_json and (request.content_length or sent_in_chunks()):
            log.warning("Refused a JSON body nested too deeply on %s", request.path)
            return envelope(400, "malformed_json", "The JSON body is nested too deeply.")
        log.error("Recursion on %s %s", request.method, request.path, exc_info=error)
        return envelope(500, "internal_error", DEFAULT_MESSAGES[500])

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError) -> tuple[Response, int]:
        # Lock timeouts, "database is locked" and lost connections: the request may well
        # succeed in a moment, so say so instead of answering 500.
        log.error("Database unavailable on %s %s: %s", request.method, request.path, error.orig)
        response, status = envelope(
            503, "database_busy", "The database is busy or unreachable; please try again."
        )
        response.headers["Retry-After"] = "1"
        return response, status

    @app.errorhandler(redis.exceptions.ConnectionError)
    def _redis_down(error: redis.exceptions.ConnectionError) -> tuple[Response, int]:
        log.error("Redis is unreachable: %s", error)
        return envelope(503, "redis_unavailable", DEFAULT_MESSAGES[503])


class EnvelopeApi(Api):
    """flask-smorest's Api, rendering its errors (validation included) in our envelope."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def handle_http_exception(self, error: HTTPException) -> tuple[Response, int]:
        if isinstance(error, InternalServerError):
            original = getattr(error, "original_exception", None)
            log.error("Unhandled error on %s %s", request.method, request.path, exc_info=original)
            return envelope(500, "internal_error", DEFAULT_MESSAGES[500])
        return render_http_exception(error)
