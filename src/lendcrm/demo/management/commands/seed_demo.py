from __future__ import annotations

import time
from argparse import ArgumentTypeError
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from lendcrm.demo.services import (
    DEMO_USERS,
    SQLITE_BULK_NOTE,
    SeedProgress,
    demo_password,
    seed_demo,
)

PROGRESS_EVERY_SECONDS = 2.0


class Command(BaseCommand):
    help = "Fill the database with realistic, deterministic demo data and one user per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=2000, help="how many (default 2000)")
        parser.add_argument("--seed", type=int, default=2024, help="same seed, same data")
        parser.add_argument(
            "--as-of",
            type=_iso_date,
            default=None,
            help="YYYY-MM-DD: the day the data ends (default today)",
        )
        parser.add_argument(
            "--bulk", action="store_true", help="load with COPY (PostgreSQL), for millions of rows"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["bulk"] and connection.vendor != "postgresql":
            self.stdout.write(f"note: {SQLITE_BULK_NOTE}")
        self._last_report = 0.0
        try:
            result = seed_demo(
                customers=options["customers"],
                seed=options["seed"],
                as_of=options["as_of"],
                bulk=options["bulk"],
                progress=self._report,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())
        self.stdout.write(f"demo logins (password: {demo_password()}):")
        for demo_user in DEMO_USERS:
            self.stdout.write(f"  {demo_user.username:<20} {demo_user.role.label}")

    def _report(self, progress: SeedProgress) -> None:
        now = time.monotonic()
        if progress.done < progress.total and now - self._last_report < PROGRESS_EVERY_SECONDS:
            return
        self._last_report = now
        self.stdout.write(
            f"  {progress.done:>10,} / {progress.total:,} customers"
            f"  {progress.created:,} created  {progress.rate:,.0f}/s"
        )


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(f"{value!r} is not a date like 2025-06-30") from exc
