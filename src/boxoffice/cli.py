"""The ``boxoffice`` command: a FlaskGroup on ``create_app`` plus our own commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, routes_command, shell_command, with_appcontext

from . import create_app
from .config import Settings


# Without Flask's development server (``run``): ``boxoffice serve`` is how the app runs.
@click.group(
    cls=FlaskGroup, create_app=create_app, add_version_option=False, add_default_commands=False
)
def main() -> None:
    """BoxOffice: movie ticket booking."""


main.add_command(shell_command)
main.add_command(routes_command)


def register_commands(app: Flask) -> None:
    """Attach our commands to ``app.cli`` (``boxoffice`` and ``flask`` both list them)."""
    for command in (serve, create_admin, seed_demo, jobs):
        app.cli.add_command(command)


# ---- serve ------------------------------------------------------------------------------


def _upgrade_database() -> None:
    from flask_migrate import upgrade

    app = create_app()
    with app.app_context():
        upgrade()


def _children(host: str, port: int, web_workers: int, settings: Settings) -> list[list[str]]:
    python = sys.executable
    schedule = str(settings.instance_dir / "celerybeat-schedule")
    return [
        [
            python,
            "-m",
            "gunicorn",
            "boxoffice.wsgi:app",
            "--config",
            "python:boxoffice.gunicorn_config",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(web_workers),
            # Threads, so that open seat-map event streams do not starve other requests
            # (at most ``events.MAX_STREAMS`` of a process's threads serve streams).
            "--worker-class",
            "gthread",
            "--threads",
            "32",
            "--graceful-timeout",
            "5",
            "--timeout",
            "60",
            "--access-logfile",
            "-",
        ],
        [
            python,
            "-m",
            "celery",
            "-A",
            "boxoffice.worker",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
        ],
        [
            python,
            "-m",
            "celery",
            "-A",
            "boxoffice.worker",
            "beat",
            "--loglevel",
            "INFO",
            "--schedule",
            schedule,
        ],
    ]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--web-workers", default=2, show_default=True, type=click.IntRange(1, 32))
def serve(host: str, port: int, web_workers: int) -> None:
    """Run everything on this machine: database upgrade, Redis (embedded when no
    BOXOFFICE_REDIS_URL), the web server, a Celery worker and beat. Ctrl-C stops them all."""
    from .embedded import EmbeddedRedis

    settings = Settings.from_env()
    embedded: EmbeddedRedis | None = None
    if not settings.redis_url:
        embedded = EmbeddedRedis(settings.instance_dir)
        os.environ["BOXOFFICE_REDIS_URL"] = embedded.start()
        click.echo(f"Embedded Redis on {embedded.url}")
    os.environ.setdefault("BOXOFFICE_PUBLIC_URL", f"http://{host}:{port}")
    processes: list[subprocess.Popen[bytes]] = []
    stopping = False

    def _stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        _upgrade_database()
        for command in _children(host, port, web_workers, settings):
            processes.append(subprocess.Popen(command))
        click.echo(f"BoxOffice is running on http://{host}:{port}/ (API docs at /api/docs)")
        while not stopping:
            if any(p.poll() is not None for p in processes):
                click.echo("A BoxOffice process exited; stopping the others.", err=True)
                break
            time.sleep(0.2)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        if embedded is not None:
            embedded.stop()
        click.echo("BoxOffice stopped.")


# ---- accounts ---------------------------------------------------------------------------


@click.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="Administrator", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin(email: str, name: str, password: str) -> None:
    """Create an administrator (or make an existing account one)."""
    from .auth.services import make_admin
    from .errors import ApiError

    try:
        user, created = make_admin(email, name, password)
    except ApiError as error:
        raise click.ClickException(f"{error.message} {error.details or ''}".strip()) from None
    click.echo(f"{'Created' if created else 'Promoted'} admin {user.email}.")


# ---- demo data --------------------------------------------------------------------------


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when venues already exist.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Create a believable demo catalogue, users and bookings."""
    from .demo import seed

    summary = seed(current_app.config["BOXOFFICE"], only_if_empty=if_empty)
    click.echo(summary)


@click.group("jobs")
def jobs() -> None:
    """Run a periodic job now."""


def _app_beside_serve() -> Flask:
    """The app for a job, which may run from a second terminal.

    Beside a running `boxoffice serve` on its embedded Redis, whose address lives only in
    serve's own environment, the mails are queued there, so that serve's worker sends them
    at once (without a broker they would wait for the outbox sweep). The app that looked
    this command up was made before that address was known: then the job gets its own."""
    app: Flask = click.get_current_context().ensure_object(ScriptInfo).load_app()
    settings = app.config["BOXOFFICE"]
    if settings.redis_url is None:
        from .embedded import running_url

        url = running_url(settings.instance_dir)
        if url:
            os.environ["BOXOFFICE_REDIS_URL"] = url
            click.echo(f"Queueing on the Redis of the running `boxoffice serve` ({url}).")
            return create_app()
    return app


@jobs.command("monthly-report")
@click.option("--month", help="YYYY-MM; default: the month before today (local time).")
def monthly_report(month: str | None) -> None:
    """Record and queue the monthly entertainment report (each user at most once a month)."""
    from .reports import monthly

    try:
        chosen = monthly.Month.parse(month) if month else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--month") from None
    with _app_beside_serve().app_context():
        done, queued = monthly.run(chosen)
    click.echo(f"Monthly report {done}: {len(queued)} new mail(s) queued.")


@jobs.command("reminders")
def reminders() -> None:
    """Record and queue today's reminders (at most one of each kind per user and period)."""
    from .reports import reminders as job

    with _app_beside_serve().app_context():
        summary = job.run()
    click.echo(
        f"Reminders: {summary.show_reminders} show reminder(s), "
        f"{summary.miss_you} 'we miss you' mail(s) queued."
    )
