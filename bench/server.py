"""The benchmark's server side: a fresh database with the scenario, gunicorn, CPU readings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from bench.floor import create_table

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
POPULAR_ROWS, POPULAR_PER_ROW = 26, 60
PREMIERES = 12


@dataclass
class Scenario:
    seat_map_show: int
    popular_shows: list[int]
    tokens: list[str]
    search: str


def create_database(admin_url: str) -> str:
    name = f"boxoffice_bench_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def drop_database(admin_url: str, url: str) -> None:
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    engine.dispose()


def environment_for(database_url: str, redis_url: str, instance: Path) -> dict[str, str]:
    return {
        "BOXOFFICE_DATABASE_URL": database_url,
        "BOXOFFICE_REDIS_URL": redis_url,
        "BOXOFFICE_INSTANCE_DIR": str(instance),
        "BOXOFFICE_SECRET_KEY": SECRET,
        "BOXOFFICE_RATELIMIT_ENABLED": "false",
    }


def prepare(environment: dict[str, str], users: int) -> Scenario:
    """Migrate, seed the demo catalogue, add the popular show and the bench users."""
    from flask_jwt_extended import create_access_token
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from boxoffice import create_app
    from boxoffice.auth.models import User
    from boxoffice.catalog import services
    from boxoffice.catalog.models import Show
    from boxoffice.config import Settings
    from boxoffice.demo import seed
    from boxoffice.extensions import db

    settings = Settings.from_env(environment)
    app = create_app(settings)
    with app.app_context():
        upgrade()
        seed(settings)
        # The seat map of the busiest demo show (about 200 seats, some booked).
        seat_map_show = db.session.execute(
            select(Show.id).order_by(Show.seats_booked.desc(), Show.id).limit(1)
        ).scalar_one()
        venue = services.create_venue(
            {
                "name": "Grand Premiere Hall",
                "location": "Mumbai",
                "rows": POPULAR_ROWS,
                "seats_per_row": POPULAR_PER_ROW,
                "layout": None,
                "currency": "INR",
            }
        )
        from boxoffice.db_types import utcnow

        popular = [
            services.create_show(
                {
                    "venue_id": venue.id,
                    "title": f"Premiere Night {n + 1}",
                    "starts_at": utcnow() + timedelta(days=2, hours=4 * n),
                    "price": 300,
                    "language": "en",
                    "rating": 9.0,
                    "tags": ["premiere"],
                    "duration_minutes": 150,
                }
            ).id
            for n in range(PREMIERES)
        ]
        people = [
            User(email=f"bench{n}@example.com", name=f"Bench {n}", password_hash="!")
            for n in range(users)
        ]
        db.session.add_all(people)
        db.session.commit()
        tokens = [create_access_token(identity=person) for person in people]
        shows = db.session.scalar(select(func.count(Show.id)))
        print(f"seeded {shows} shows; seat map of show {seat_map_show}; premieres {popular}")
        scenario = Scenario(seat_map_show, popular, tokens, "a")
        create_table(environment["BOXOFFICE_DATABASE_URL"])
        db.session.remove()
        db.engine.dispose()
    return scenario


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(environment: dict[str, str], workers: int, threads: int, log: Path) -> tuple:
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "bench.bench_wsgi:app",
        "--config", "python:boxoffice.gunicorn_config",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--backlog", "2048",
        "--keep-alive", "120",
        "--timeout", "60",
    ]  # fmt: skip
    output = log.open("wb")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        # This checkout's code, also when another checkout is the one installed (to run
        # the bench of an older commit side by side with the same virtualenv).
        env={
            **os.environ,
            **environment,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        },
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/bench/hello", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start in time")


def _cpu_seconds(chosen: Callable[[str, int], bool]) -> float:
    """User + system CPU so far of the processes ``chosen(name, parent pid)`` (Linux /proc)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
            fields = tail.split()
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if chosen(head.partition("(")[2], int(fields[1])):  # comm, and field 4: the parent
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(master: int) -> float:
    """CPU of gunicorn's worker processes so far."""
    return _cpu_seconds(lambda _name, parent: parent == master)


def services_cpu_seconds() -> float:
    """CPU of PostgreSQL's and Redis's processes so far (the whole servers)."""
    return _cpu_seconds(lambda name, _parent: name.startswith(("postgres", "redis-server")))


def oversold(database_url: str, show_ids: list[int]) -> tuple[int, int, int]:
    """(seats in more than one confirmed booking, seats_booked counters, booked claim rows)."""
    engine = sa.create_engine(database_url)
    double = counters = claims = 0
    with engine.connect() as conn:
        for show_id in show_ids:
            rows = conn.execute(
                sa.text("SELECT seats FROM bookings WHERE show_id = :s AND status = 'confirmed'"),
                {"s": show_id},
            ).all()
            seats = Counter(seat for (booked,) in rows for seat in booked)
            double += sum(1 for n in seats.values() if n > 1)
            counters += conn.execute(
                sa.text("SELECT seats_booked FROM shows WHERE id = :s"), {"s": show_id}
            ).scalar_one()
            claims += conn.execute(
                sa.text(
                    "SELECT count(*) FROM seat_claims WHERE show_id = :s AND booking_id IS NOT NULL"
                ),
                {"s": show_id},
            ).scalar_one()
    engine.dispose()
    return double, counters, claims
