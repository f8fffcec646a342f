from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from lendcrm.core.errors import DomainError
from lendcrm.leads.choices import ImportStatus
from lendcrm.leads.models import Channel
from lendcrm.leads.services import importing


class Command(BaseCommand):
    help = (
        "Leads: `lendcrm leads import FILE --channel CODE [--json]` imports an .xlsx or CSV "
        "file (columns are recognised by their Chinese or English headers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        imp = actions.add_parser("import", help="import leads from an .xlsx or CSV file")
        imp.add_argument("file", help="the spreadsheet")
        imp.add_argument("--channel", required=True, help="channel code or name")
        imp.add_argument("--campaign", default="", help="campaign for rows without one")
        imp.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = self._import(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(
                f"imported {result['imported']}, duplicates {result['duplicates']}, "
                f"rejected {result['rejected']}; error report: {result['error_report']}"
            )

    def _import(self, options: dict[str, Any]) -> dict[str, Any]:
        name = options["channel"]
        channel = Channel.objects.filter(Q(code=name) | Q(name=name)).first()
        if channel is None:
            raise CommandError(f"unknown channel: {name}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        with path.open("rb") as upload:
            lead_import = importing.create_import(
                channel=channel,
                upload=upload,
                file_name=path.name,
                size=path.stat().st_size,
                campaign=options["campaign"],
            )
        done = importing.run_import_now(lead_import, mapping=lead_import.mapping)
        if done.status != ImportStatus.COMPLETED:
            raise CommandError(f"import failed: {done.failure}")
        return {
            "imported": done.imported,
            "duplicates": done.duplicates,
            "rejected": done.rejected,
            "error_report": done.error_report_path,
        }
