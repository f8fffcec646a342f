from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.audit.services import run_verification


class Command(BaseCommand):
    help = "Audit log tools: `lendcrm audit verify` walks the hash chain and names any break."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument(
            "--batch-size",
            type=int,
            default=5000,
            help="records read from the database per query (default 5000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size: must be at least 1")
        report = run_verification(batch_size=options["batch_size"])
        if report.broken is not None:
            raise CommandError(
                f"audit chain broken at record {report.broken.sequence}: {report.broken.reason} "
                f"({report.checked} records before it verified)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"audit chain intact: {report.checked} records verified, "
                f"last #{report.last_sequence} sha256 {report.last_hash}"
            )
        )
