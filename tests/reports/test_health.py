"""``/api/health`` reports whether a Celery worker answered a ping."""

from __future__ import annotations

from celery import Celery
from flask.testing import FlaskClient


def test_health_with_a_worker(client: FlaskClient, worker: Celery) -> None:
    body = client.get("/api/health").get_json()
    assert body == {"status": "ok", "db": "ok", "redis": "ok", "worker": "ok"}


def test_health_without_a_worker(client: FlaskClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["worker"] == "down"
    assert body["status"] == "degraded"
    assert body["db"] == "ok" and body["redis"] == "ok"


def test_health_with_redis_down(settings, client: FlaskClient, second_app) -> None:
    from dataclasses import replace

    broken = second_app(replace(settings, redis_url="redis://127.0.0.1:1/0"))
    body = broken.test_client().get("/api/health").get_json()
    assert body["redis"] == "down" and body["worker"] == "down"
    assert body["status"] == "degraded"
