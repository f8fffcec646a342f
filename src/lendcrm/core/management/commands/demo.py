from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lendcrm.demo.services import DEMO_USERS, demo_password, is_seeded, seed_demo


class Command(BaseCommand):
    help = "Migrate, seed demo data if the database is empty, print the logins and serve the UI."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--no-serve", action="store_true", help="prepare only; do not serve")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if is_seeded():
            self.stdout.write("demo data already present; not seeding again")
        else:
            self.stdout.write(
                f"seeding {options['customers']} demo customers (seed {options['seed']}) ..."
            )
            result = seed_demo(customers=options["customers"], seed=options["seed"])
            self.stdout.write(result.summary())
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(self.style.SUCCESS(f"\nlendcrm is ready at {url}"))
        self.stdout.write(f"demo logins (password: {demo_password()}):")
        for demo_user in DEMO_USERS:
            self.stdout.write(f"  {demo_user.username:<20} {demo_user.role.label}")
        if not options["no_serve"]:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
