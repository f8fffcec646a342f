from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Start the Celery beat scheduler for periodic jobs (needs REDIS_URL); see config/schedule.py."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.REDIS_URL:
            raise CommandError("REDIS_URL: not set; the scheduler needs Redis as its broker")
        from lendcrm.config.celery import app

        app.start(["beat", "--loglevel=INFO"])
