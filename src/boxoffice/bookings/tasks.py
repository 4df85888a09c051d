"""Celery tasks of the booking engine."""
