"""Load and contention benchmark: ``make bench`` (or ``.venv/bin/python -m bench.booking``).

Starts gunicorn (gthread workers) on a fresh PostgreSQL database and Redis, seeds the demo
catalogue plus one big "popular" show, then drives the server from this process with an
asyncio load generator (a minimal keep-alive HTTP/1.1 client by default, because httpx's own
CPU cost dominated on small machines; ``--client httpx`` uses httpx) and prints, side by side:

* a bare Flask "hello" on the same server (``bench/bench_wsgi.py``) as the yardstick,
* ``GET /api/show/seats`` (a demo show's seat map), ``GET /api/filter`` (title search),
* ``POST /api/bookticket`` by 50 users at once on one popular show (random adjacent pairs
  in the middle rows, so they collide): successful bookings per second, and latency of
  every booking request (201 or 409). The largest hall holds 1,560 seats, which a fast
  server sells out in a few seconds, so there is a run of premieres in it: when one is
  (nearly) sold out, everybody moves on to the next. At any moment all 50 users fight over
  the same show.
* the same bookings against ``/floor/book`` (``bench/floor.py``): token check and one
  committed claims insert, nothing else, the least a booking can cost on this stack.
* the same bookings by 50 users *paced* at the booking target's rate (20% of hello's rate
  measured in this run), each user waiting between requests as people do: the latency a
  booking has when the server carries the target load. Without pacing, 50 clients that
  never pause measure only the queue they build themselves (by Little's law their mean
  latency is 50 / throughput, even for "hello").
* the same once more, paced at half the booking requests per second the unpaced phase of
  the same round managed: the latency of a booking on a server that has room to spare.
* ``POST /api/hold`` by the same 50 users, what the web app sends on every seat click (a
  person's new hold replaces their last one, so holds never sell a premiere out).

with the ratios to hello and the number of oversold seats afterwards (must be 0). Absolute
numbers depend on the machine (the client shares its CPUs); the ratios are the point. The
CPU columns say where the time went: gunicorn's workers, and PostgreSQL plus Redis.

Environment: ``BOXOFFICE_BENCH_PG_URL`` (a PostgreSQL server URL whose user may create
databases; default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) and
``BOXOFFICE_BENCH_REDIS_URL`` (default ``redis://127.0.0.1:6379/13``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.load import Client, HttpxClient, RawClient, Reply, Request, Result, hammer
from bench.server import (
    POPULAR_PER_ROW,
    POPULAR_ROWS,
    Scenario,
    create_database,
    drop_database,
    environment_for,
    oversold,
    prepare,
    server_cpu_seconds,
    services_cpu_seconds,
    start_server,
)

TARGETS = {"seats": 0.40, "filter": 0.40, "booking": 0.20}
BOOKING_P99_MS = 100.0


class Premieres:
    """The show everybody wants right now, and the seats they know are taken in it."""

    def __init__(self, shows: list[int]) -> None:
        self.waiting = list(shows)
        self.taken: dict[int, set[str]] = {}

    def pick(self, rng: random.Random) -> tuple[int, list[str]] | None:
        """Two free seats side by side in the current premiere, as a person would choose.

        Everyone wants the middle rows: a row near the middle, avoiding what the (live)
        seat map already shows as taken; failing that, the free pair nearest the middle.
        When no free pair is known, everybody moves on to the next premiere.
        """
        while self.waiting:
            show = self.waiting[0]
            taken = self.taken.setdefault(show, set())
            middle = POPULAR_ROWS // 2
            for _ in range(20):
                row = chr(ord("A") + max(0, min(POPULAR_ROWS - 1, int(rng.gauss(middle, 4)))))
                start = rng.randint(1, POPULAR_PER_ROW - 1)
                seats = [f"{row}{start}", f"{row}{start + 1}"]
                if not taken.intersection(seats):
                    return show, seats
            for index in sorted(range(POPULAR_ROWS), key=lambda index: abs(index - middle)):
                row = chr(ord("A") + index)
                for start in rng.sample(range(1, POPULAR_PER_ROW), POPULAR_PER_ROW - 1):
                    seats = [f"{row}{start}", f"{row}{start + 1}"]
                    if not taken.intersection(seats):
                        return show, seats
            self.waiting.pop(0)  # sold out (as far as anyone knows): the next premiere
        return None


def booking_request(
    scenario: Scenario, premieres: Premieres, seed: int, path: str = "/api/bookticket"
) -> Request:
    """Book (or, with ``path="/api/hold"``, hold) two seats side by side of the premiere."""
    rng = random.Random(seed)
    headers = [{"Authorization": f"Bearer {token}"} for token in scenario.tokens]
    books = path != "/api/hold"

    async def book(client: Client, index: int) -> Reply | None:
        choice = premieres.pick(rng)
        if choice is None:
            return None  # every premiere sold out; stop rather than measure misses
        show, seats = choice
        body = {"show_id": show, "seats": seats}
        reply = await client.request("POST", path, body=body, headers=headers[index])
        if reply.status == 201 and books:  # a hold is replaced by the same person's next
            premieres.taken[show].update(seats)
        elif reply.status == 409:
            premieres.taken[show].update(reply.json()["error"]["details"].get("seats", []))
        return reply

    return book


# ---- report -----------------------------------------------------------------------------


def report(results: list[Result], sold: tuple[int, int, int], users: int) -> bool:
    hello = results[0].rate
    print()
    print(
        f"{'endpoint':<36}{'ok req/s':>9}{'all/s':>7}{'p50 ms':>8}{'p99 ms':>9}{'vs hello':>9}"
        f"{'web cpu':>8}{'db cpu':>8}  statuses"
    )
    for result in results:
        ratio = result.rate / hello if hello else 0.0
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items()))
        print(
            f"{result.name:<36}{result.rate:>9.0f}{result.answered_rate:>7.0f}"
            f"{result.percentile(0.5):>8.1f}"
            f"{result.percentile(0.99):>9.1f}{ratio:>9.0%}{result.cpu_ms:>8.2f}"
            f"{result.services_cpu_ms:>8.2f}  {statuses}"
        )
    print(
        "(ok req/s: successful answers per second, which 'vs hello' compares; all/s: every"
        " answer, 409s included; web cpu: gunicorn worker CPU per request, ms; db cpu:"
        " PostgreSQL + Redis CPU per request, ms)"
    )
    double, counter, claims = sold
    print(f"\noversold seats: {double} (seats_booked {counter}, booked claim rows {claims})")
    by_name = {result.name.split()[0]: result for result in results}
    passed = double == 0 and counter == claims
    for name, target in TARGETS.items():
        ratio = by_name[name].rate / hello if hello else 0.0
        verdict = "ok" if ratio >= target else "MISSED"
        passed &= ratio >= target
        print(f"target {name:<8} >= {target:.0%} of hello: {ratio:.0%}  {verdict}")
    paced = by_name["paced"]
    p99 = paced.percentile(0.99)
    verdict = "ok" if p99 < BOOKING_P99_MS else "MISSED"
    passed &= p99 < BOOKING_P99_MS
    print(
        f"target booking p99 < {BOOKING_P99_MS:.0f} ms at {users} users carrying the booking"
        f" target's load: {p99:.1f} ms  {verdict}"
    )
    floor = by_name["floor"]
    floor_ratio = floor.rate / hello if hello else 0.0
    print(
        f"(for comparison: the least a booking can cost on this server, bench/floor.py:"
        f" {floor_ratio:.0%} of hello, p99 {floor.percentile(0.99):.1f} ms)"
    )
    half = by_name["half"]
    offered = half.answered_rate
    print(
        f"(for comparison: booking p99 at {users} users offering half the booking capacity,"
        f" {offered:.0f} requests/s: {half.percentile(0.99):.1f} ms)"
    )
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent clients")
    parser.add_argument(
        "--seconds", type=float, default=6.0, help="measured time per endpoint, all rounds"
    )
    parser.add_argument("--rounds", type=int, default=3, help="turns the endpoints take")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--client", choices=["raw", "httpx"], default="raw", help="load generator HTTP client"
    )
    args = parser.parse_args()

    admin_url = os.environ.get(
        "BOXOFFICE_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    redis_url = os.environ.get("BOXOFFICE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    database_url = create_database(admin_url)
    process = None
    try:
        with tempfile.TemporaryDirectory(prefix="boxoffice-bench-") as tmp:
            environment = environment_for(database_url, redis_url, Path(tmp))
            scenario = prepare(environment, args.users)
            process, url = start_server(
                environment, args.workers, args.threads, Path(tmp) / "gunicorn.log"
            )
            print(f"gunicorn: {args.workers} gthread workers x {args.threads} threads at {url}")
            seat_map = {"show_id": scenario.seat_map_show}
            search = {"q": scenario.search}
            client_class = HttpxClient if args.client == "httpx" else RawClient
            # Holds keep seats for 8 minutes: they churn on a premiere of their own, so that
            # they do not turn the bookings' seats into 409s.
            premieres = Premieres(scenario.popular_shows[:-1])
            held_premiere = Premieres(scenario.popular_shows[-1:])
            # The floor's claims have a table of their own and need no real show: plenty of
            # made-up premieres, so that it never runs out of seats however fast it is.
            floor_premieres = Premieres(list(range(1_000_000, 1_000_100)))

            def get(path: str, params: dict[str, Any] | None = None) -> Request:
                return lambda client, _index: client.request("GET", path, params=params)

            phases: list[tuple[str, Request, float]] = [
                ("hello (bare Flask)", get("/bench/hello"), 1.0),
                ("seats  GET /api/show/seats", get("/api/show/seats", seat_map), 1.0),
                ("filter GET /api/filter", get("/api/filter", search), 1.0),
                ("booking POST /api/bookticket", booking_request(scenario, premieres, 42), 0.3),
                # The same bookings against the least a booking can cost (bench/floor.py):
                # how near the target any booking could come on this server.
                (
                    "floor  POST /floor/book (least cost)",
                    booking_request(scenario, floor_premieres, 42, "/floor/book"),
                    0.3,
                ),
                ("paced  bookings at target rate", booking_request(scenario, premieres, 43), 0.5),
                ("half   bookings at half capacity", booking_request(scenario, premieres, 44), 0.5),
                # What the web app sends on every seat click (no target; for comparison).
                (
                    "holds  POST /api/hold",
                    booking_request(scenario, held_premiere, 45, "/api/hold"),
                    0.5,
                ),
            ]
            master = process.pid

            async def run() -> list[Result]:
                # The phases take turns, round after round, so that a slow spell of this
                # shared machine falls on all of them alike instead of skewing one ratio.
                totals = [Result(name) for name, _request, _warmup in phases]
                for round_ in range(args.rounds):
                    hello_rate = booking_requests = 0.0
                    for total, (name, request, warmup) in zip(totals, phases, strict=True):
                        pace = {
                            "paced": hello_rate * TARGETS["booking"],
                            "half": booking_requests / 2,
                        }.get(name.split()[0])
                        before, services_before = server_cpu_seconds(master), services_cpu_seconds()
                        result = await hammer(
                            url,
                            name,
                            request,
                            args.users,
                            args.seconds / args.rounds,
                            client_class,
                            warmup if round_ == 0 else 0.3,
                            pace,
                        )
                        # Whole phase, warm-up included, over every request sent in it.
                        result.server_cpu = server_cpu_seconds(master) - before
                        result.services_cpu = services_cpu_seconds() - services_before
                        hello_rate = hello_rate or result.rate
                        if name.startswith("booking"):
                            booking_requests = sum(result.statuses.values()) / result.seconds
                        total.add(result)
                return totals

            results = asyncio.run(run())
            sold = oversold(database_url, scenario.popular_shows)
            passed = report(results, sold, args.users)
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        drop_database(admin_url, database_url)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
