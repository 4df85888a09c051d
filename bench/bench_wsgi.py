"""Bench-only WSGI entry: the real app, plus a bare Flask "hello" app on the same server.

``gunicorn bench.bench_wsgi:app`` serves BoxOffice as usual and ``/bench/hello`` from a second,
empty Flask app (no extensions, no hooks), so the benchmark can compare every endpoint with
the cheapest possible Flask request handled by the same workers, and ``/floor/book``, the
least a booking can cost on this stack (``bench/floor.py``).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from bench.floor import floor
from boxoffice import create_app

boxoffice = create_app()
hello = Flask("hello")


@hello.get("/hello")
def say_hello() -> str:
    return "hello"


app = DispatcherMiddleware(boxoffice, {"/bench": hello, "/floor": floor})
