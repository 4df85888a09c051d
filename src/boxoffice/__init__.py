"""BoxOffice: movie ticket booking with live seat maps and atomic bookings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from flask.sessions import SessionInterface
from gunicorn.http.errors import NoMoreData, ParseException
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import Settings
from .docs import ASSETS_URL
from .errors import ApiError, EnvelopeApi, register_error_handlers, sent_in_chunks
from .schemas import MoneyField

MAX_BODY_BYTES = 1024 * 1024
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"

# Security headers for every response. The SPA is same-origin and bundles every asset, so
# the content security policy can be strict; the API docs page needs inline script only.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # The door page reads tickets with the camera; no other origin (no frame) may use it.
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


def _flask_config(settings: Settings) -> dict[str, Any]:
    from .database import engine_options

    return {
        "BOXOFFICE": settings,
        "SECRET_KEY": settings.secret_key,
        "SQLALCHEMY_DATABASE_URI": settings.database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(settings.database_url),
        # One byte more than we accept, so that a chunked body (no Content-Length) read up
        # to this limit shows whether it was too large (``_guard_request``).
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES + 1,
        "JSON_SORT_KEYS": False,
        # Tokens: httpOnly cookie for the browser (CSRF double submit on writes), or Bearer.
        "JWT_SECRET_KEY": settings.secret_key,
        "JWT_ALGORITHM": "HS256",
        "JWT_DECODE_ALGORITHMS": ["HS256"],
        "JWT_TOKEN_LOCATION": ["headers", "cookies"],
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(hours=settings.token_hours),
        "JWT_COOKIE_SECURE": settings.production,
        "JWT_COOKIE_SAMESITE": "Lax",
        "JWT_COOKIE_CSRF_PROTECT": True,
        "JWT_CSRF_CHECK_FORM": False,
        "JWT_SESSION_COOKIE": False,
        "BCRYPT_LOG_ROUNDS": settings.extra.get("bcrypt_rounds", 12),
        "RATELIMIT_ENABLED": settings.ratelimit_enabled,
        "RATELIMIT_STORAGE_URI": settings.redis_url or "memory://",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_KEY_PREFIX": "boxoffice-limits",
        "RATELIMIT_SWALLOW_ERRORS": False,
        # OpenAPI, with the docs page's assets served from our own origin (no CDN).
        "API_TITLE": "BoxOffice API",
        "API_VERSION": "1.0",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": ASSETS_URL,
    }


def _guard_request() -> None:
    """Refuse oversized and non-JSON bodies before any view reads them."""
    if not request.path.startswith("/api/"):
        return
    length = request.content_length
    chunked = sent_in_chunks()
    if length is None and chunked:
        # Werkzeug stops reading at MAX_CONTENT_LENGTH; a body that reached it is too large.
        length = len(_chunked_body())
    if length is not None and length > MAX_BODY_BYTES:
        raise ApiError(413, "payload_too_large", "The request body is too large (1 MiB at most).")
    has_body = bool(length) or chunked
    if request.method in {"POST", "PUT", "PATCH"} and has_body and not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")


def _chunked_body() -> bytes:
    """The whole chunked body, read once (and kept for the view); 400 when its chunks are
    malformed, which gunicorn's reader reports with its own exceptions."""
    try:
        return request.get_data(cache=True)
    except (ParseException, NoMoreData):
        raise ApiError(400, "bad_request", "The chunked request body is malformed.") from None


def _secure(response: Response) -> Response:
    headers = response.headers
    # No view sets these, so they are added in one go rather than looked up one by one.
    headers.extend(SECURITY_HEADERS)
    docs = request.path.startswith("/api/docs")
    headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else CSP)
    if request.path.startswith("/api/") and response.mimetype == "application/json":
        headers.setdefault("Cache-Control", "no-store")
    return response


class BoxOfficeFlask(Flask):
    def make_default_options_response(self) -> Response:
        """``OPTIONS`` on the API: 204 with ``Allow``. Flask's default is a 200 with an
        empty text/html body, which says there is a page when an API has none. CORS
        preflights get the same answer (any 2xx will do), with their headers added later."""
        response = super().make_default_options_response()
        if request.path.startswith("/api/"):
            response.status_code = 204
            del response.headers["Content-Type"]
        return response


class NoCookieSessions(SessionInterface):
    """Flask's signed cookie session is never used here (sign-in is a JWT cookie); without
    this, every request would still build a signing serializer to look for one."""

    def open_session(self, app: Flask, request: Any) -> None:
        return None  # Flask then uses a null session, which refuses writes

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        return None


def create_app(settings: Settings | None = None) -> Flask:
    from . import (
        models,  # noqa: F401 - registers every table with SQLAlchemy
        transactions,  # noqa: F401 - after-commit hooks
    )
    from .celery_app import celery_init_app
    from .database import configure_sqlite
    from .extensions import bcrypt, db, jwt, limiter, migrate

    settings = settings or Settings.from_env()
    app = BoxOfficeFlask(__name__, instance_path=str(settings.instance_dir))
    app.config.update(_flask_config(settings))
    app.session_interface = NoCookieSessions()

    db.init_app(app)
    if settings.is_sqlite:
        with app.app_context():
            configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    jwt.init_app(app)
    bcrypt.init_app(app)
    limiter.init_app(app)
    api = EnvelopeApi(app)
    # Money travels as a decimal string ("250.00"), so that no client rounds it as a float.
    api.register_field(MoneyField, "string", "decimal")
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    register_error_handlers(app)
    celery_init_app(app)
    if settings.trusted_proxies:
        # Rate limits, the stream cap and logs then see the person, not the proxy.
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    if settings.cors_origins:
        from flask_cors import CORS

        CORS(app, origins=list(settings.cors_origins), supports_credentials=True)

    from . import auth as _auth  # noqa: F401
    from .auth import tokens  # noqa: F401 - JWT callbacks
    from .auth.routes import blp as auth_blp
    from .bookings.routes import blp as bookings_blp
    from .catalog.routes import blp as catalog_blp
    from .docs import bp as docs_bp
    from .health import blp as health_blp
    from .reports.one_click import bp as one_click_bp
    from .reports.routes import blp as reports_blp
    from .spa import bp as spa_bp

    for blueprint in (auth_blp, catalog_blp, bookings_blp, reports_blp, health_blp):
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_bp)
    app.register_blueprint(one_click_bp)
    app.register_blueprint(spa_bp)

    from .cli import register_commands

    register_commands(app)
    app.before_request(_guard_request)
    app.after_request(_secure)
    return app
