from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.audit.services import record_event
from lendcrm.core import crypto
from lendcrm.privacy.key_rotation import (
    DEFAULT_BATCH_SIZE,
    ModelRotation,
    add_new_primary_key,
    encrypted_models,
    key_status,
    keys_live_in_key_file,
    reencrypt_model,
)


class Command(BaseCommand):
    help = (
        "Encryption keys of personal data: `lendcrm keys rotate` re-encrypts every value under "
        "a new key, `lendcrm keys status` counts values per key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser(
            "rotate",
            help="Embedded mode: add a new key first in the key file. Production: put the new "
            "key first in LENDCRM_ENCRYPTION_KEYS beforehand. Then re-encrypt every row.",
        )
        rotate.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        rotate.add_argument(
            "--resume",
            action="store_true",
            help="finish an interrupted rotation without adding another key",
        )
        sub.add_parser("status", help="count the stored values under each key id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "status":
            self._status()
        else:
            self._rotate(batch_size=options["batch_size"], resume=options["resume"])

    def _rotate(self, *, batch_size: int, resume: bool) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if keys_live_in_key_file() and not resume:
            key_id = add_new_primary_key()
            self.stdout.write(f"new key {key_id} added first to the key file")
        key_id = crypto.primary_key_id()
        self.stdout.write(f"re-encrypting under {key_id} in batches of {batch_size}")
        results = [reencrypt_model(item, batch_size=batch_size) for item in encrypted_models()]
        for result in results:
            self.stdout.write(_describe(result))
        total = sum(r.reencrypted for r in results)
        record_event(
            "encryption.rotated",
            username="lendcrm keys",
            metadata={"key_id": key_id, "rows": total, "models": [r.label for r in results]},
        )
        if any(r.remaining for r in results):
            raise CommandError(
                "some rows are not yet under the new key (locked or unreadable): "
                "run `lendcrm keys rotate --resume` again"
            )
        if total == 0 and not keys_live_in_key_file():
            self.stdout.write(
                f"nothing to re-encrypt: every value is already under {key_id}. To rotate, put "
                "a new key first in LENDCRM_ENCRYPTION_KEYS and run this again."
            )
        self.stdout.write(self.style.SUCCESS(f"every encrypted value is under {key_id}"))
        if keys_live_in_key_file():
            self.stdout.write(
                "running lendcrm servers load the new key ring from the key file on their "
                "next request"
            )

    def _status(self) -> None:
        primary = crypto.primary_key_id()
        self.stdout.write(f"primary key: {primary}")
        for column in key_status():
            counts = ", ".join(f"{kid}={count}" for kid, count in column.by_key.items())
            extra = f", unknown key={column.other}" if column.other else ""
            self.stdout.write(
                f"{column.label}.{column.field}: {counts}, empty={column.empty}{extra}"
            )


def _describe(result: ModelRotation) -> str:
    text = f"{result.label}: {result.reencrypted} rows re-encrypted"
    if result.unreadable:
        text += f", {result.unreadable} unreadable"
    if result.remaining:
        text += f", {result.remaining} still to do"
    return text
