"""Engine set-up that differs by backend, and the write-transaction helper."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from .extensions import db


def engine_options(database_url: str) -> dict[str, Any]:
    if database_url.startswith("sqlite"):
        # The busy timeout makes a second writer wait for the lock instead of failing at once.
        return {"connect_args": {"timeout": 15, "check_same_thread": False}}
    # No pre-ping: it costs a round trip on every request; a connection lost to a database
    # restart fails one request with a 503 and is then replaced.
    return {"pool_recycle": 1800, "pool_size": 10, "max_overflow": 20}


def _unicode_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and transactions that we begin ourselves.

    pysqlite's own transaction handling begins lazily and only before writes, which makes
    ``BEGIN IMMEDIATE`` impossible; switching it off and emitting BEGIN ourselves lets a
    booking take the write lock before it reads seat availability.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()
        # SQLite's built-in lower() only lowers ASCII, so case-insensitive search missed
        # "Élite" or "Σοφία"; Python's str.lower() matches PostgreSQL's lower().
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(session: Session | None = None) -> bool:
    bind = (session or db.session()).get_bind()
    return bind.dialect.name == "sqlite"


@contextmanager
def write_transaction(immediate: bool = True) -> Iterator[Session]:
    """A short write transaction; commits on success, rolls back on any error.

    SQLite: the open transaction is committed first, so that a new one can begin with
    ``BEGIN IMMEDIATE`` and hold the database write lock before anything is read (a deferred
    transaction that reads, then writes after another writer committed, fails at once with
    "database is locked"). ``immediate=False`` keeps a plain deferred BEGIN.

    PostgreSQL: the caller locks the rows it needs (``SELECT ... FOR UPDATE``); the open
    transaction (typically the sign-in's user lookup) simply continues, which saves a COMMIT
    and a BEGIN round trip.
    """
    session = db.session()
    if is_sqlite(session):
        if session.in_transaction():
            session.commit()
        if immediate:
            session.connection(execution_options={"sqlite_immediate": True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
