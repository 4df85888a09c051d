"""Live seat events: published after commit, streamed as Server-Sent Events, cleaned up."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from factories import make_show, make_venue
from flask.testing import FlaskClient
from flask_jwt_extended import create_access_token
from live_server import live_server
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
