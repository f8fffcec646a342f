"""`lendcrm ledger verify`: every journal entry balances and every loan equals its journal."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.loans.services.ledger_verification import verify_ledger


class Command(BaseCommand):
    help = "Loan ledger checks: `ledger verify` exits non-zero naming the first mismatch"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify_ledger()
        if not result.ok:
            raise CommandError(result.describe())
        self.stdout.write(f"ledger ok: {result.loans_checked} loans match their journal")
