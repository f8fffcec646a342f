from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lendcrm.demo.services import DEMO_USERS, demo_password, seed_demo


class Command(BaseCommand):
    help = "Fill the database with realistic, deterministic demo data and one user per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args: Any, **options: Any) -> None:
        result = seed_demo(customers=options["customers"], seed=options["seed"])
        self.stdout.write(result.summary())
        self.stdout.write(f"demo logins (password: {demo_password()}):")
        for demo_user in DEMO_USERS:
            self.stdout.write(f"  {demo_user.username:<20} {demo_user.role.label}")
