from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Start a Celery worker for background jobs (needs REDIS_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--queues", default="celery")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.REDIS_URL:
            raise CommandError(
                "REDIS_URL: not set; without it jobs run in-process and no worker is needed"
            )
        from lendcrm.config.celery import app

        app.worker_main(
            [
                "worker",
                "--loglevel=INFO",
                f"--concurrency={options['concurrency']}",
                f"--queues={options['queues']}",
            ]
        )
