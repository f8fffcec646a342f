"""`lendcrm contract`: the lender's signing certificate and signature checks of contract PDFs.

lendcrm contract dev-cert       create the development signing certificate (idempotent)
lendcrm contract verify FILE    check the PAdES signature and integrity of a contract PDF;
                                exit 0 when valid, 1 when tampered, unsigned or untrusted
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.contracts import signing


class Command(BaseCommand):
    help = "Contract signing: create the development certificate, verify a signed contract PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "dev-cert",
            help="create the self-signed development certificate under $LENDCRM_DATA_DIR/keys/",
        )
        verify = actions.add_parser("verify", help="check a contract PDF's signature")
        verify.add_argument("file", help="the PDF to check")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "dev-cert":
            self._dev_cert()
        else:
            self._verify(Path(options["file"]))

    def _dev_cert(self) -> None:
        try:
            path, created = signing.ensure_dev_certificate()
        except signing.SigningConfigError as exc:
            raise CommandError(exc.message) from None
        verb = "created" if created else "kept the existing"
        self.stdout.write(f"{verb} development signing certificate {path}")

    def _verify(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})") from None
        result = signing.verify_pdf(data)
        if not result.valid:
            raise CommandError(f"{path}: INVALID: {result.message}", returncode=1)
        when = result.signed_at.isoformat() if result.signed_at else "unknown time"
        self.stdout.write(
            f"{path}: OK: {result.message}\n  signer: {result.signer}\n  signed: {when}"
        )
