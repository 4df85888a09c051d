"""Live seat events: published after commit, streamed as Server-Sent Events, cleaned up."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
import time_machine
from factories import make_show, make_venue
from flask import Flask
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token
from live_server import free_port, live_server
from support import assert_error

from boxoffice.auth.models import User
from boxoffice.bookings import events
from boxoffice.config import Settings
from boxoffice.extensions import db


def _subscribers(client: redis.Redis, show_id: int) -> int:
    name = events.channel(show_id, client)
    return int(dict(client.pubsub_numsub(name))[name])


def test_stream_sends_changes_heartbeats_and_unsubscribes_when_closed(app):
    client = redis.Redis.from_url(app.config["BOXOFFICE"].redis_url, decode_responses=True)
    stream = events.stream(client, 7, heartbeat=0.2)
    assert next(stream).endswith(": connected\n\n")
    assert _subscribers(client, 7) == 1
    client.publish(events.channel(7, client), '{"seats":[{"seat":"A1","status":"held"}]}')
    assert next(stream) == 'data: {"seats":[{"seat":"A1","status":"held"}]}\n\n'
    assert next(stream) == ": keep-alive\n\n"
    stream.close()  # what the WSGI server does when the browser goes away
    assert _subscribers(client, 7) == 0


def test_stream_ends_after_its_maximum_age(app):
    client = redis.Redis.from_url(app.config["BOXOFFICE"].redis_url, decode_responses=True)
    chunks = list(events.stream(client, 8, heartbeat=0.05, max_seconds=0.2))
    assert chunks[0].endswith(": connected\n\n") and ": keep-alive\n\n" in chunks
    assert _subscribers(client, 8) == 0


def test_heartbeat_setting():
    assert events.heartbeat_seconds({}, {}) == 15.0
    assert events.heartbeat_seconds({}, {"BOXOFFICE_SSE_HEARTBEAT_SECONDS": "0.5"}) == 0.5
    assert events.heartbeat_seconds({"sse_heartbeat_seconds": 2}, {}) == 2.0
    assert events.heartbeat_seconds({}, {"BOXOFFICE_SSE_HEARTBEAT_SECONDS": "soon"}) == 15.0


def test_events_endpoint_checks_the_show(client: FlaskClient):
    assert_error(client.get("/api/show/events", query_string={"show_id": 404}), 404)
    assert_error(client.get("/api/show/events", query_string={"show_id": "x"}), 422)


def test_ids_in_query_strings_are_ascii_digits(client: FlaskClient):
    """int() also reads "٣" (Arabic-Indic) and "３" (full width) as 3."""
    show = make_show(make_venue(name="Digits", rows=1, seats_per_row=2))
    assert client.get("/api/show/seats", query_string={"show_id": str(show.id)}).status_code == 200
    for spelling in (chr(0x0660 + show.id % 10), chr(0xFF10 + show.id % 10)):
        if show.id >= 10:  # one digit spelled otherwise is enough to make the point
            spelling = str(show.id)[:-1] + spelling
        response = client.get("/api/show/seats", query_string={"show_id": spelling})
        assert_error(response, 422, "validation_failed")


@pytest.mark.slow
def test_open_seat_map_receives_another_users_hold(base_settings: Settings, tmp_path: Path):
    """Real HTTP: a browser's event stream sees a hold made by someone else at once."""
    with live_server(
        base_settings, tmp_path, workers=2, BOXOFFICE_SSE_HEARTBEAT_SECONDS="0.3"
    ) as server:
        with server.app.app_context():
            show = make_show(make_venue(), starts_in=timedelta(days=1))
            user = User(email="picker@example.com", name="Picker", password_hash="!")
            db.session.add(user)
            db.session.commit()
            show_id, token = show.id, create_access_token(identity=user)
        pubsub_client = redis.Redis.from_url(base_settings.redis_url or "", decode_responses=True)

        with (
            server.client() as browser,
            browser.stream("GET", "/api/show/events", params={"show_id": show_id}) as stream,
        ):
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            assert next(lines).startswith("retry:")
            assert next(lines) == ": connected"
            if not base_settings.is_sqlite:
                with server.app.app_context():
                    idle = db.session.scalar(
                        sa.text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                            "current_database() AND state LIKE 'idle in transaction%'"
                        )
                    )
                    db.session.remove()
                assert idle == 0  # the stream holds no transaction open

            with server.client(headers={"Authorization": f"Bearer {token}"}) as other:
                held = other.post("/api/hold", json={"show_id": show_id, "seats": ["B3"]})
            assert held.status_code == 201, held.text
            data = next(line for line in lines if line.startswith("data: "))
            assert json.loads(data.removeprefix("data: ")) == {
                "seats": [{"seat": "B3", "status": "held"}]
            }
            assert _subscribers(pubsub_client, show_id) == 1

        # The browser has gone: the next heartbeat fails to write and the stream ends.
        deadline = time.monotonic() + 10
        while _subscribers(pubsub_client, show_id) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _subscribers(pubsub_client, show_id) == 0


def test_open_streams_are_capped_per_process_and_a_closed_stream_gives_its_slot_back(
    client: FlaskClient, monkeypatch
):
    """Seat maps left open in many tabs must not take every thread of the server."""
    monkeypatch.setenv("BOXOFFICE_SSE_MAX_STREAMS", "1")
    show = make_show(make_venue(name="Small", rows=1, seats_per_row=2))
    query = {"show_id": show.id}
    first = client.get("/api/show/events", query_string=query, buffered=False)
    assert first.status_code == 200
    assert next(first.response).endswith(b": connected\n\n")
    assert_error(client.get("/api/show/events", query_string=query), 503, "too_many_streams")
    first.close()  # the browser went away
    unread = client.get("/api/show/events", query_string=query, buffered=False)
    assert unread.status_code == 200
    unread.close()  # gone before the stream started: the slot comes back all the same
    again = client.get("/api/show/events", query_string=query, buffered=False)
    assert again.status_code == 200
    again.close()


def test_stream_limit_setting():
    assert events.max_streams({}, {}) == events.MAX_STREAMS
    assert events.max_streams({}, {"BOXOFFICE_SSE_MAX_STREAMS": "3"}) == 3
    assert events.max_streams({"sse_max_streams": 5}, {}) == 5
    assert events.max_streams({}, {"BOXOFFICE_SSE_MAX_STREAMS": "many"}) == events.MAX_STREAMS


# ---- streams per client address ---------------------------------------------------------


def _open_streams(client: redis.Redis, address: str = "127.0.0.1") -> int:
    return int(client.zcard(events.CLIENT_STREAMS.format(address=address)))


def _open(client: FlaskClient, show_id: int, address: str = "127.0.0.1") -> Any:
    return client.get(
        "/api/show/events",
        query_string={"show_id": show_id},
        environ_base={"REMOTE_ADDR": address},
        buffered=False,
    )


def _refused(response: Any, status: int, code: str) -> dict[str, Any]:
    # The status first: reading the body of a stream let through by mistake never ends.
    if response.status_code == 200:
        response.close()
        pytest.fail("the stream was let through")
    return assert_error(response, status, code)


def _opened(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert next(response.response).endswith(b": connected\n\n")
    return response


@pytest.fixture
def two_per_client(app: Flask) -> redis.Redis:
    """A cap of two streams per client address; the Redis client to look at the count."""
    app.config["BOXOFFICE"] = replace(app.config["BOXOFFICE"], sse_streams_per_client=2)
    return redis.Redis.from_url(app.config["BOXOFFICE"].redis_url or "", decode_responses=True)


def test_open_streams_are_capped_per_client_address(client: FlaskClient, two_per_client):
    """One client holding idle streams must not take every stream slot of the servers."""
    show_id = make_show(make_venue(name="Capped", rows=1, seats_per_row=2)).id
    first = _opened(_open(client, show_id))
    second = _opened(_open(client, show_id))
    assert _open_streams(two_per_client) == 2
    error = _refused(_open(client, show_id), 429, "too_many_streams_from_client")
    assert error["details"] == {"limit": 2} and "close one" in error["message"]
    assert _open_streams(two_per_client) == 2  # the refused stream took no place

    # Another address has places of its own.
    elsewhere = _opened(_open(client, show_id, "192.0.2.7"))
    assert _open_streams(two_per_client, "192.0.2.7") == 1
    elsewhere.close()

    first.close()  # the browser went away
    assert _open_streams(two_per_client) == 1
    third = _opened(_open(client, show_id))
    third.close()
    unread = _open(client, show_id)
    assert unread.status_code == 200
    unread.close()  # gone before the stream started: the place comes back all the same
    second.close()
    assert _open_streams(two_per_client) == 0
    assert _open_streams(two_per_client, "192.0.2.7") == 0


def test_a_stream_refused_by_its_process_counts_not_for_its_client(
    client: FlaskClient, two_per_client, monkeypatch
):
    monkeypatch.setenv("BOXOFFICE_SSE_MAX_STREAMS", "1")
    show_id = make_show(make_venue(name="Busy", rows=1, seats_per_row=2)).id
    busy = _opened(_open(client, show_id, "192.0.2.1"))
    for _ in range(3):  # more than the cap: each 503 gave its place back
        _refused(_open(client, show_id), 503, "too_many_streams")
    assert _open_streams(two_per_client) == 0
    busy.close()
    _opened(_open(client, show_id)).close()


def test_the_place_of_a_stream_whose_process_died_frees_itself(
    app: Flask, client: FlaskClient, two_per_client
):
    show_id = make_show(make_venue(name="Crash", rows=1, seats_per_row=2)).id
    for _ in range(2):  # taken by a process that then died, never giving them back
        with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
            events.client_slot()
    _refused(_open(client, show_id), 429, "too_many_streams_from_client")
    lapsed = datetime.now(UTC) + timedelta(seconds=events.CLIENT_SLOT_SECONDS + 1)
    with time_machine.travel(lapsed, tick=False):
        stream = _opened(_open(client, show_id))
        assert _open_streams(two_per_client) == 1  # the dead ones are gone, this one counts
        stream.close()
    assert events.CLIENT_SLOT_SECONDS > events.MAX_STREAM_SECONDS  # a live stream outlasts none


def test_no_cap_with_rate_limits_off_or_a_cap_of_zero(app: Flask, client: FlaskClient):
    show_id = make_show(make_venue(name="Uncapped", rows=1, seats_per_row=2)).id
    capped = replace(app.config["BOXOFFICE"], sse_streams_per_client=1)
    counter = redis.Redis.from_url(capped.redis_url or "")
    for changes in ({"ratelimit_enabled": False}, {"sse_streams_per_client": 0}):
        app.config["BOXOFFICE"] = replace(capped, **changes)
        streams = [_opened(_open(client, show_id)) for _ in range(3)]
        assert _open_streams(counter) == 0
        for stream in streams:
            stream.close()


def test_without_redis_the_stream_route_answers_as_before(app: Flask, caplog):
    """The streams cannot be counted, and the stream, which needs Redis too, ends at once."""
    assert "boxoffice_redis" not in app.extensions  # no client made for the good address yet
    down = f"redis://127.0.0.1:{free_port()}/0"
    app.config["BOXOFFICE"] = replace(app.config["BOXOFFICE"], redis_url=down)
    show_id = make_show(make_venue(name="No Redis", rows=1, seats_per_row=2)).id
    response = app.test_client().get("/api/show/events", query_string={"show_id": show_id})
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream" and response.get_data() == b""
    assert "Could not count the seat event streams" in caplog.text


@pytest.mark.slow
def test_the_cap_per_client_holds_across_processes_over_http(
    base_settings: Settings, tmp_path: Path, second_app
):
    """Real HTTP to gunicorn, and a second app in this process: one count in Redis."""
    with live_server(
        base_settings,
        tmp_path,
        workers=2,
        BOXOFFICE_SSE_HEARTBEAT_SECONDS="0.1",
        BOXOFFICE_RATELIMIT_ENABLED="true",
        BOXOFFICE_SSE_STREAMS_PER_CLIENT="2",
    ) as server:
        with server.app.app_context():
            show_id = make_show(make_venue(name="Across", rows=1, seats_per_row=2)).id
            db.session.remove()
        counter = redis.Redis.from_url(base_settings.redis_url or "", decode_responses=True)
        counter.delete(events.CLIENT_STREAMS.format(address="127.0.0.1"))
        settings = server.app.config["BOXOFFICE"]
        here = second_app(replace(settings, ratelimit_enabled=True, sse_streams_per_client=2))
        query = {"show_id": show_id}

        with server.client() as browser:
            with browser.stream("GET", "/api/show/events", params=query) as first:
                assert first.status_code == 200
                assert ": connected" in list(itertools.islice(first.iter_lines(), 2))
                local = _opened(_open(here.test_client(), show_id))
                assert _open_streams(counter) == 2
                # Streamed, so that a stream let through by mistake fails here, not hangs.
                with browser.stream("GET", "/api/show/events", params=query) as refused:
                    assert refused.status_code == 429
                    refused.read()
                assert refused.json()["error"]["code"] == "too_many_streams_from_client"
            # The browser closed the first stream: its process notices at the next heartbeat.
            _wait_until(lambda: _open_streams(counter) == 1)
            with browser.stream("GET", "/api/show/events", params=query) as again:
                assert again.status_code == 200
            local.close()
            _wait_until(lambda: _open_streams(counter) == 0)


def _wait_until(condition: Callable[[], bool], seconds: float = 10) -> None:
    """Wait for something another process does; fails when it has not happened in time."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "it did not happen in time"
        time.sleep(0.05)
