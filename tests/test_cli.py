"""The boxoffice command: demo data and admins."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import redis
from flask import Flask
from sqlalchemy import func, select

from boxoffice.auth.models import User
from boxoffice.catalog.models import Show, Venue
from boxoffice.config import Settings
from boxoffice.db_types import utcnow
from boxoffice.demo import DEMO_ADMIN, DEMO_USER
from boxoffice.extensions import db


def test_seed_demo_builds_a_believable_catalogue(app: Flask):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    venues = list(db.session.scalars(select(Venue)))
    assert len(venues) >= 3 and len({v.location for v in venues}) >= 3
    assert all(v.layout["removed"] or v.layout["categories"] for v in venues)
    shows = list(db.session.scalars(select(Show)))
    assert len({s.title for s in shows}) >= 8
    assert len({s.language for s in shows}) >= 3
    span = max(s.starts_at for s in shows) - min(s.starts_at for s in shows)
    assert span.days >= 12
    assert all(s.starts_at > utcnow() for s in shows)
    # No two shows overlap in one hall.
    per_venue: Counter[int] = Counter(s.venue_id for s in shows)
    assert min(per_venue.values()) > 10
    admin = db.session.scalar(select(User).where(User.email == DEMO_ADMIN["email"]))
    assert admin is not None and admin.is_admin
    assert db.session.scalar(select(User).where(User.email == DEMO_USER["email"])) is not None
    assert DEMO_USER["password"] in result.output  # the README and the command say the same


def test_seed_demo_if_empty_does_not_duplicate(app: Flask):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    venues = db.session.scalar(select(func.count(Venue.id)))
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "nothing to do" in again.output
    assert db.session.scalar(select(func.count(Venue.id))) == venues


def test_demo_credentials_sign_in(app: Flask):
    app.test_cli_runner().invoke(args=["seed-demo"])
    client = app.test_client()
    for account, path in ((DEMO_USER, "/api/login"), (DEMO_ADMIN, "/api/admin/login")):
        response = client.post(
            path, json={"email": account["email"], "password": account["password"]}
        )
        assert response.status_code == 200, response.get_json()
    # The documented demo account has tickets to look at: one to come, two past.
    signed_in = client.post(
        "/api/login", json={"email": DEMO_USER["email"], "password": DEMO_USER["password"]}
    ).get_json()
    headers = {"Authorization": f"Bearer {signed_in['access_token']}"}
    bookings = client.get("/api/booking/get", headers=headers).get_json()["bookings"]
    upcoming = [b for b in bookings if b["can_cancel"]]
    assert len(bookings) == 3 and len(upcoming) == 1


def test_create_admin_prompts_for_password(app: Flask):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "Boss@Example.com", "--name", "Boss"],
        input="a-strong-pass-9\na-strong-pass-9\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.com"))
    assert user is not None and user.is_admin and user.name == "Boss"


def test_create_admin_refuses_weak_password(app: Flask):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "boss@example.com", "--password", "short"]
    )
    assert result.exit_code != 0
    assert "password" in result.output.lower() or "characters" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_admin_promotes_existing_account(app: Flask):
    runner = app.test_cli_runner()
    app.test_client().post(
        "/api/register", json={"email": "x@example.com", "name": "X", "password": "pass-word-11"}
    )
    result = runner.invoke(
        args=["create-admin", "--email", "x@example.com", "--password", "new-pass-22"]
    )
    assert result.exit_code == 0 and "Promoted" in result.output
    assert db.session.scalar(select(User).where(User.email == "x@example.com")).is_admin


def test_commands_and_search_work_without_redis(app: Flask, settings, second_app):
    """A newcomer's ``boxoffice seed-demo`` runs before any Redis exists."""
    from dataclasses import replace

    no_redis = second_app(replace(settings, redis_url=None))
    result = no_redis.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    search = no_redis.test_client().get("/api/filter", query_string={"q": "a"})
    assert search.status_code == 200 and search.get_json()["shows"]


def test_help_lists_our_commands_and_not_the_development_server(settings):
    from click.testing import CliRunner

    from boxoffice.cli import main

    env = {"BOXOFFICE_DATABASE_URL": settings.database_url, "BOXOFFICE_REDIS_URL": ""}
    result = CliRunner().invoke(main, ["--help"], env=env)
    assert result.exit_code == 0, result.output
    listed = {
        line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()
    }
    assert {"serve", "create-admin", "seed-demo", "jobs", "db", "shell", "routes"} <= listed
    assert "run" not in listed


def test_jobs_beside_a_running_server_queue_on_its_embedded_redis(settings, tmp_path, second_app):
    """`boxoffice jobs ...` from a second terminal finds the Redis that `boxoffice serve`
    started (its address is in no environment but serve's), so serve's worker sends at once."""
    from click.testing import CliRunner

    from boxoffice.cli import main
    from boxoffice.embedded import EmbeddedRedis, running_url

    instance = tmp_path / "instance"
    env = {
        "BOXOFFICE_INSTANCE_DIR": str(instance),
        "BOXOFFICE_DATABASE_URL": f"sqlite:///{tmp_path / 'jobs.db'}",
        "BOXOFFICE_SECRET_KEY": settings.secret_key,
    }
    runner = CliRunner()
    unset_redis = {**env, "BOXOFFICE_REDIS_URL": None}
    assert runner.invoke(main, ["db", "upgrade"], env=unset_redis).exit_code == 0
    # Someone who signed up a week ago and never booked: due a "we miss you" mail.
    with second_app(Settings.from_env(env)).app_context():
        week_ago = utcnow() - timedelta(days=7)
        db.session.add(
            User(email="new@example.com", name="New", password_hash="!", created_at=week_ago)
        )
        db.session.commit()
        db.session.remove()
    assert running_url(instance) is None
    embedded = EmbeddedRedis(instance)
    url = embedded.start()
    try:
        assert running_url(instance) == url
        result = runner.invoke(main, ["jobs", "reminders"], env=unset_redis)
        assert result.exit_code == 0, result.output
        assert f"running `boxoffice serve` ({url})" in result.output
        assert "1 'we miss you' mail(s) queued" in result.output
        # The mail's task is waiting on serve's Redis for serve's worker (none runs here).
        queued = redis.Redis.from_url(url).lrange("celery", 0, -1)
        assert any(b"boxoffice.reports" in message for message in queued), queued
    finally:
        embedded.stop()
    assert running_url(instance) is None  # stopped: the address is gone
    # A file left behind by a crash names a dead server: it is not used.
    (instance / "redis" / "url").write_text(url)
    assert running_url(instance) is None
    result = runner.invoke(main, ["jobs", "reminders"], env=unset_redis)
    assert result.exit_code == 0, result.output
    assert "running `boxoffice serve`" not in result.output


def test_embedded_redis_keeps_sign_outs_over_a_restart(tmp_path):
    """The blocklist and session generations live in the embedded Redis: `boxoffice serve`
    stopped and started again must still refuse a token signed out before."""
    from boxoffice.auth.tokens import BLOCKLIST_PREFIX
    from boxoffice.embedded import EmbeddedRedis

    embedded = EmbeddedRedis(tmp_path)
    client = redis.Redis.from_url(embedded.start())
    try:
        assert client.config_get("save")["save"] == "60 1"
        assert client.config_get("appendonly")["appendonly"] == "yes"
        client.set(BLOCKLIST_PREFIX + "some-token", "1", ex=3600)
    finally:
        client.close()
        embedded.stop()
    client = redis.Redis.from_url(embedded.start())
    try:
        assert client.get(BLOCKLIST_PREFIX + "some-token") == b"1"
    finally:
        client.close()
        embedded.stop()
