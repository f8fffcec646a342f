"""`lendcrm eod --date D`: end of day up to D, with progress."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.core import clock
from lendcrm.loans.models import EodRun
from lendcrm.loans.services import end_of_day
from lendcrm.loans.services.end_of_day import RunProgress


class Command(BaseCommand):
    help = "End of day (日终批处理) up to a business date: billing, DPD, buckets, penalty interest"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="business date YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--engine", choices=sorted(end_of_day.ENGINES), default=None)
        parser.add_argument("--chunk-size", type=int, default=end_of_day.DEFAULT_CHUNK_SIZE)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = (
                date.fromisoformat(options["date"])
                if options["date"]
                else clock.today() - timedelta(days=1)
            )
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        started = time.monotonic()
        if end_of_day.uses_workers() and options["engine"] in (None, "sql"):
            self._on_workers(target, options["chunk_size"])
        else:
            runs = end_of_day.run_end_of_day(
                target,
                engine=options["engine"],
                chunk_size=options["chunk_size"],
                progress=self._show,
            )
            if not runs:
                self.stdout.write(f"end of day {target} already done")
        self.stdout.write(f"finished in {time.monotonic() - started:.1f}s")

    def _show(self, progress: RunProgress) -> None:
        self.stdout.write(
            f"{progress.business_date} chunks {progress.done_chunks}/{progress.total_chunks}"
            f" ({progress.percent}%) {progress.status}"
        )

    def _on_workers(self, target: date, chunk_size: int) -> None:
        from lendcrm.loans.tasks import dispatch_next_date

        dispatch_next_date(target, chunk_size)
        last_seen = None
        while True:
            run = (
                EodRun.objects.filter(business_date__lte=target).order_by("-business_date").first()
            )
            if run is not None:
                progress = end_of_day.progress_of(run)
                if progress != last_seen:
                    self._show(progress)
                    last_seen = progress
                if run.business_date == target and run.status == "completed":
                    return
            time.sleep(0.5)
