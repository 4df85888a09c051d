"""The least a booking can cost on this stack: a yardstick for the booking target.

``POST /floor/book`` does only what any booking of ``{show_id, seats}`` must do on Flask and
PostgreSQL, and nothing more: check the bearer token's signature and expiry, read the JSON
body, and claim the seats in one transaction that commits (a unique (show, seat) key decides
who gets them; 201, or 409 naming the seats when any is taken). It keeps no booking row, no
show counter, no revocation check, no seat-map event and no confirmation mail, and it uses
psycopg directly with one connection per thread instead of SQLAlchemy. The benchmark drives
it exactly like ``/api/bookticket`` (same users, same contention), so its row says how close
to the target any implementation of booking could get on this server.
"""

from __future__ import annotations

import os
import threading

import jwt
import psycopg
from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

TABLE = "bench_floor_claims"
CREATE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    show_id integer NOT NULL,
    seat text NOT NULL,
    user_id text NOT NULL,
    PRIMARY KEY (show_id, seat)
)
"""
CLAIM = f"""
INSERT INTO {TABLE} (show_id, seat, user_id)
SELECT %(show)s, seat, %(user)s FROM unnest(%(seats)s::text[]) AS seat
ON CONFLICT DO NOTHING RETURNING seat
"""

floor = Flask("floor")
_connections = threading.local()


def _dsn() -> str:
    return os.environ["BOXOFFICE_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")


def _connection() -> psycopg.Connection:
    connection = getattr(_connections, "connection", None)
    if connection is None:
        connection = _connections.connection = psycopg.connect(_dsn())
    return connection


@floor.post("/book")
def book() -> ResponseReturnValue:
    header = request.headers.get("Authorization", "")
    try:
        claims = jwt.decode(
            header.removeprefix("Bearer "),
            os.environ["BOXOFFICE_SECRET_KEY"],
            algorithms=["HS256"],
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        return jsonify(error={"code": "invalid_token"}), 401
    body = request.get_json()
    show, seats = int(body["show_id"]), [str(seat) for seat in body["seats"]]
    connection = _connection()
    with connection.transaction():
        rows = connection.execute(CLAIM, {"show": show, "seats": seats, "user": claims["sub"]})
        got = {seat for (seat,) in rows}
        taken = [seat for seat in seats if seat not in got]
        if taken:  # all or nothing: give back what this order did get
            raise _Refused(taken)
    return jsonify(show_id=show, seats=seats), 201


class _Refused(Exception):
    def __init__(self, seats: list[str]) -> None:
        self.seats = seats


@floor.errorhandler(_Refused)
def refused(error: _Refused) -> ResponseReturnValue:
    return jsonify(error={"code": "seat_taken", "details": {"seats": error.seats}}), 409


def create_table(database_url: str) -> None:
    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(CREATE_TABLE)
