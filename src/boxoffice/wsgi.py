"""WSGI entry point for gunicorn: ``gunicorn boxoffice.wsgi:app``."""

from . import create_app

app = create_app()
