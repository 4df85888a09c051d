"""Celery bound to the Flask app: every task runs inside an app context.

The beat schedule lives here and only here.
"""

from __future__ import annotations

from typing import Any

import redis
from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask
from kombu.exceptions import OperationalError

from .config import Settings

# What handing a task to the broker raises when Redis is down or unreachable.
BROKER_UNREACHABLE = (OperationalError, redis.exceptions.RedisError, OSError)
TASK_MODULES = ["boxoffice.auth.tasks", "boxoffice.bookings.tasks", "boxoffice.reports.tasks"]


def _at(hour_minute: str) -> dict[str, str]:
    hour, minute = hour_minute.split(":")
    return {"hour": hour, "minute": minute}


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    # crontab times are in the app's time zone (``timezone`` below = BOXOFFICE_TIMEZONE).
    return {
        "purge-expired-holds": {
            "task": "boxoffice.bookings.tasks.purge_expired_holds",
            "schedule": 60.0,
        },
        "daily-reminders": {
            "task": "boxoffice.reports.tasks.send_reminders",
            "schedule": crontab(**_at(settings.reminders_at)),
        },
        "monthly-entertainment-report": {
            "task": "boxoffice.reports.tasks.send_monthly_reports",
            "schedule": crontab(day_of_month="1", **_at(settings.monthly_report_at)),
        },
        # Outbox mails whose task was lost (Redis down at commit, worker killed mid-send).
        "requeue-stale-mail": {
            "task": "boxoffice.reports.tasks.requeue_stale_mail",
            "schedule": 300.0,
        },
        "purge-old-exports": {
            "task": "boxoffice.reports.tasks.purge_old_exports",
            "schedule": crontab(hour="3", minute="30"),
        },
    }


def celery_config(settings: Settings) -> dict[str, Any]:
    broker = settings.redis_url or "memory://"
    return {
        "broker_url": broker,
        "result_backend": settings.redis_url or "cache+memory://",
        "task_ignore_result": False,
        "result_expires": 24 * 3600,
        # A task is acknowledged only once it has finished, and handed to another worker if
        # its worker dies mid-way; tasks are written to be safe to run twice.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        "broker_transport_options": {"visibility_timeout": 3600},
        "timezone": settings.timezone,
        "enable_utc": True,
        "beat_schedule": beat_schedule(settings),
        "imports": TASK_MODULES,
        "task_serializer": "json",
        "accept_content": ["json"],
    }


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(celery_config(app.config["BOXOFFICE"]))
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
