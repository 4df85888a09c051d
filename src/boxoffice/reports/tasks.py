"""Celery tasks: mail, reminders, monthly report, CSV export."""
