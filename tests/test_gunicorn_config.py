"""Requests that gunicorn refuses before the app sees them get the one error envelope too."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from factories import make_show, make_venue
from live_server import LiveServer, live_server

from boxoffice.config import Settings
from boxoffice.gunicorn_config import error_response, stream_limit, streams_for

pytestmark = pytest.mark.slow

LONG_LINE = b"GET /api/filter?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
HUGE_HEADER = b"GET /api/meta HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 9000 + b"\r\n\r\n"
MALFORMED_HEADER = b"GET /api/meta HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"
GARBAGE = b"\x16\x03\x01 not http at all\r\n\r\n"


@pytest.fixture(scope="module")
def server(
    base_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("gunicorn")
    with live_server(base_settings, tmp, workers=1, threads=2) as running:
        yield running


def _send_raw(server: LiveServer, request: bytes) -> tuple[str, dict[str, str], bytes]:
    """The status line, headers and body of the answer to bytes sent as they are."""
    address = urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):  # the server closes the connection after an error
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (h.partition(":") for h in lines)}
    return status, headers, body


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (LONG_LINE, 414, "uri_too_long"),
        (HUGE_HEADER, 431, "headers_too_large"),
        (MALFORMED_HEADER, 400, "bad_request"),
        (GARBAGE, 400, "bad_request"),
    ],
    ids=["long request line", "huge header", "malformed header", "garbage"],
)
def test_refused_requests_get_the_envelope(
    server: LiveServer, request_bytes: bytes, status: int, code: str
):
    status_line, headers, body = _send_raw(server, request_bytes)
    assert status_line.split(" ")[1] == str(status)
    assert headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(body)
    error = json.loads(body)["error"]
    assert error["code"] == code and error["message"] and error["details"] == {}
    # The refused input is not echoed back.
    assert b"aaaaaaaa" not in body and b"bbbbbbbb" not in body and b"colon" not in body


def test_the_app_still_answers_normal_requests(server: LiveServer):
    with server.client() as http:
        assert http.get("/api/meta").status_code == 200


def test_statuses_the_app_also_uses_keep_its_codes():
    head, _, body = error_response(403, "Forbidden").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 403 Forbidden\r\n")
    assert b"Content-Length: %d" % len(body) in head
    assert json.loads(body)["error"]["code"] == "forbidden"


@pytest.mark.parametrize(("threads", "streams"), [(32, 24), (16, 12), (8, 6), (2, 0), (1, 0)])
def test_streams_never_take_every_thread_of_a_worker(threads: int, streams: int):
    assert streams_for(threads) == streams


def test_each_worker_learns_its_stream_limit_unless_it_is_set():
    procfile_threads = 16
    environ: dict[str, str] = {}
    stream_limit(environ, procfile_threads)
    assert environ["BOXOFFICE_SSE_MAX_STREAMS"] == "12"
    chosen = {"BOXOFFICE_SSE_MAX_STREAMS": "3"}
    stream_limit(chosen, procfile_threads)
    assert chosen["BOXOFFICE_SSE_MAX_STREAMS"] == "3"


def test_a_worker_of_the_test_server_refuses_streams_beyond_its_limit(server: LiveServer):
    """The module's server has 2 threads per worker: no thread may go to a stream."""
    with server.app.app_context():
        show_id = make_show(make_venue(), starts_in=timedelta(days=1)).id
    # As a stream, so that a stream wrongly let through fails the test instead of holding it.
    with (
        server.client() as http,
        http.stream("GET", "/api/show/events", params={"show_id": show_id}) as refused,
    ):
        assert refused.status_code == 503
        assert json.loads(refused.read())["error"]["code"] == "too_many_streams"
