"""gunicorn settings for every way BoxOffice is served (``boxoffice serve``, the Procfile):
``gunicorn -c python:boxoffice.gunicorn_config boxoffice.wsgi:app``.

gunicorn answers some requests itself, before the app sees them: a request line or headers
over its limits (414, 431), a request line or header it cannot parse (400). It writes those
answers as an HTML page. Programs written against the API expect the one error envelope for
every failure, so here they get it too.

Each worker also learns how many threads it has, so that live seat-map streams (each holds
a thread for minutes) can never take all of them.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import MutableMapping
from typing import Any

from gunicorn import util

from .errors import DEFAULT_MESSAGES, STATUS_CODES

# gunicorn's own refusals that the app never sees, in the API's words.
GUNICORN_REFUSALS = {
    414: ("uri_too_long", "The request line (method and address) is too long."),
    431: ("headers_too_large", "The request headers are too many or too large."),
    501: ("not_implemented", "This transfer coding is not supported."),
}


def error_response(status: int, reason: str) -> bytes:
    """The whole HTTP response for a request gunicorn refused: the envelope, then close."""
    code, message = GUNICORN_REFUSALS.get(
        status,
        (
            STATUS_CODES.get(status, "bad_request"),
            DEFAULT_MESSAGES.get(status, "The request could not be understood."),
        ),
    )
    body = json.dumps({"error": {"code": code, "message": message, "details": {}}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        "Cache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def write_envelope_error(sock: socket.socket, status: int, reason: str, _detail: str) -> None:
    # gunicorn's detail quotes the refused request back; the envelope does not echo it.
    util.write_nonblock(sock, error_response(status, reason))


def on_starting(_server: Any) -> None:
    """gunicorn hook, in the master before it forks the workers (which inherit this)."""
    util.write_error = write_envelope_error


def streams_for(threads: int) -> int:
    """Live seat-map streams a worker with this many threads serves at once: three quarters
    of them, and always two threads left for everything else (32 threads: 24 streams)."""
    return max(0, min(threads - 2, threads * 3 // 4))


def stream_limit(environ: MutableMapping[str, str], threads: int) -> None:
    """Set the stream limit for a worker with ``threads``; an explicit
    BOXOFFICE_SSE_MAX_STREAMS still wins."""
    environ.setdefault("BOXOFFICE_SSE_MAX_STREAMS", str(streams_for(threads)))


def post_fork(_server: Any, worker: Any) -> None:
    """gunicorn hook, in each new worker before it loads the app."""
    stream_limit(os.environ, worker.cfg.threads)
