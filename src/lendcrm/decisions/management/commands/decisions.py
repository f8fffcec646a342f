"""`lendcrm decisions seed-default` and `lendcrm decisions replay ID [--all --limit N]`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lendcrm.core.errors import DomainError
from lendcrm.decisions import queries, services
from lendcrm.decisions.seeding import seed_default_strategy


class Command(BaseCommand):
    help = "Decision engine: seed the default strategy, replay stored decisions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed-default", help="create and publish the default strategy")
        seed.add_argument("--maker", default="risk_analyst")
        seed.add_argument("--checker", default="risk_analyst2")
        replay = sub.add_parser("replay", help="re-run stored decisions and compare bit for bit")
        replay.add_argument("record_id", nargs="?")
        replay.add_argument("--all", action="store_true")
        replay.add_argument("--limit", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seed-default":
            self._seed(options["maker"], options["checker"])
        else:
            self._replay(options["record_id"], every=options["all"], limit=options["limit"])

    def _seed(self, maker_name: str, checker_name: str) -> None:
        users = get_user_model().objects
        try:
            maker = users.get(username=maker_name)
            checker = users.get(username=checker_name)
        except get_user_model().DoesNotExist as exc:
            raise CommandError("the maker and checker users must exist (run seed-demo)") from exc
        try:
            deployment = seed_default_strategy(maker=maker, checker=checker)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"published {deployment.champion} (maker {maker_name}, checker {checker_name})"
        )

    def _replay(self, record_id: str | None, *, every: bool, limit: int | None) -> None:
        if every == bool(record_id):
            raise CommandError("give one decision id, or --all")
        try:
            records = (
                list(queries.list_records_for_replay(limit=limit).iterator())
                if every
                else [queries.get_record(record_id)]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for count, record in enumerate(records, start=1):
            result = services.replay_decision(record)
            if not result.identical:
                raise CommandError(
                    f"decision {result.record_id} differs on replay at {result.first_difference}"
                )
            if count % 1000 == 0:
                self.stdout.write(f"  {count:,} identical")
        self.stdout.write(f"{len(records):,} decisions replayed, all bit-exact")
