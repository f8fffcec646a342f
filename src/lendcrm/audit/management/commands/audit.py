from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log tools: `lendcrm audit verify` walks the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"audit chain broken at record {broken.sequence}: {broken.reason}")
        self.stdout.write(self.style.SUCCESS("audit chain intact"))
