"""seed_demo(): fills the database with realistic, deterministic demo data."""

from __future__ import annotations

from dataclasses import dataclass

from lendcrm.customers.models import Customer
from lendcrm.demo.org import DEMO_USERS, demo_password, ensure_demo_users

__all__ = ["DEMO_USERS", "SeedResult", "demo_password", "is_seeded", "seed_demo"]


@dataclass(frozen=True)
class SeedResult:
    customers_created: int
    leads_created: int
    applications_created: int

    def summary(self) -> str:
        return (
            f"created {self.customers_created} customers, {self.leads_created} leads, "
            f"{self.applications_created} applications"
        )


def is_seeded() -> bool:
    return Customer.objects.exists()


def seed_demo(*, customers: int, seed: int) -> SeedResult:
    ensure_demo_users()
    return SeedResult(customers_created=0, leads_created=0, applications_created=0)
