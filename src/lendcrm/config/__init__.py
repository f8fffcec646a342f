"""Project configuration. The Celery app is loaded here so that `@shared_task` functions
queued from web and command-line processes use lendcrm's configured app."""

from lendcrm.config.celery import app as celery_app

__all__ = ["celery_app"]
