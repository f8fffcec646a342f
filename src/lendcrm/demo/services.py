"""seed_demo(): fills the database with realistic, deterministic demo data.

Customer `index` (1..N) of seed S is always the same person with the same leads and
applications, dated from `as_of`. Seeding is idempotent and tops up: customers already stored
(customer_no `C{S}-{index:08d}`) are skipped together with their leads and applications, which
are always written in the same transaction as their customer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.customers.models import Customer
from lendcrm.demo.batches import Created, existing_ids, write_households
from lendcrm.demo.catalogue import CHANNELS, PRODUCTS
from lendcrm.demo.customer_profiles import seed_customer_profiles
from lendcrm.demo.households import MAX_CUSTOMERS, MAX_SEED, customer_no, generate_household
from lendcrm.demo.loaders import CopyLoader, Loader, OrmLoader
from lendcrm.demo.org import DEMO_USERS, demo_password, ensure_demo_users
from lendcrm.demo.rows import References
from lendcrm.demo.sales import seed_sales_activity
from lendcrm.demo.servicing import service_disbursed
from lendcrm.identity.models import OrgUnit
from lendcrm.leads.models import Channel
from lendcrm.loans.models import Product

__all__ = [
    "DEMO_USERS",
    "SeedProgress",
    "SeedResult",
    "demo_password",
    "is_seeded",
    "seed_demo",
]

ORM_BATCH = 500
COPY_BATCH = 5000
SQLITE_BULK_NOTE = "--bulk loads with COPY on PostgreSQL only; using batched bulk_create on SQLite"


@dataclass(frozen=True)
class SeedResult:
    customers_created: int
    leads_created: int
    applications_created: int
    customers_existing: int = 0
    loans_created: int = 0
    payments_created: int = 0
    defaulted: int = 0
    seconds: float = 0.0
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        text = (
            f"created {self.customers_created} customers, {self.leads_created} leads, "
            f"{self.applications_created} applications, {self.loans_created} loans "
            f"({self.defaulted} defaulted), {self.payments_created} repayments"
        )
        if self.customers_existing:
            text += f"; {self.customers_existing} customers were already there"
        if self.seconds > 0:
            rate = self.customers_created / self.seconds
            text += f" in {self.seconds:.1f} s ({rate:,.0f} customers/s)"
        return text


@dataclass(frozen=True)
class SeedProgress:
    done: int  # customer indexes handled so far
    total: int
    created: int  # customers created so far
    elapsed: float

    @property
    def rate(self) -> float:
        return self.created / self.elapsed if self.elapsed > 0 else 0.0


def is_seeded() -> bool:
    return Customer.objects.exists()


def seed_demo(
    *,
    customers: int,
    seed: int,
    as_of: date | None = None,
    bulk: bool = False,
    progress: Callable[[SeedProgress], None] | None = None,
) -> SeedResult:
    """Make sure demo users, products, channels and customers 1..`customers` of `seed` exist."""
    if not 0 <= customers <= MAX_CUSTOMERS:
        raise ValueError(f"customers must be between 0 and {MAX_CUSTOMERS}")
    if not 0 <= seed < MAX_SEED:
        raise ValueError(f"seed must be between 0 and {MAX_SEED - 1}")
    as_of = as_of or clock.today()
    started = time.perf_counter()
    refs = ensure_references()
    use_copy = bulk and connection.vendor == "postgresql"
    loader: Loader = CopyLoader() if use_copy else OrmLoader()
    batch_size = COPY_BATCH if use_copy else ORM_BATCH
    created, existing = Created(), 0
    for first in range(1, customers + 1, batch_size):
        indexes = range(first, min(first + batch_size, customers + 1))
        stored = existing_ids(Customer, "customer_no", (customer_no(seed, i) for i in indexes))
        missing = [i for i in indexes if customer_no(seed, i) not in stored]
        existing += len(indexes) - len(missing)
        if missing:
            households = [generate_household(seed, i, as_of=as_of) for i in missing]
            with transaction.atomic():
                created += write_households(households, refs, loader)
        if progress is not None:
            elapsed = time.perf_counter() - started
            progress(SeedProgress(indexes[-1], customers, created.customers, elapsed))
    serviced = service_disbursed(seed=seed, as_of=as_of)
    seed_customer_profiles(seed=seed, as_of=as_of)  # contacts, assets, credit, tags, timeline
    seed_sales_activity(seed=seed, as_of=as_of)  # scripts, stage history, follow-ups, tasks
    if created.customers or created.leads or created.applications or serviced.loans:
        _record_seeding(seed=seed, as_of=as_of, customers=customers, created=created, bulk=bulk)
    return SeedResult(
        customers_created=created.customers,
        leads_created=created.leads,
        applications_created=created.applications,
        customers_existing=existing,
        loans_created=serviced.loans,
        payments_created=serviced.payments,
        defaulted=serviced.defaulted,
        seconds=time.perf_counter() - started,
        notes=(SQLITE_BULK_NOTE,) if bulk and not use_copy else (),
    )


def ensure_references() -> References:
    """Demo users, org units, products and channels, created when missing, by natural key."""
    users = ensure_demo_users()
    ensure_live_strategy(users)
    codes = OrgUnit.objects.values_list("code", "pk")
    return References(
        users={name: user.pk for name, user in users.items()},
        org_units=dict(codes),
        products=ensure_products(),
        channels=ensure_channels(),
    )


def ensure_live_strategy(users: dict[str, Any]) -> None:
    """The shipped default pre-screen strategy, live for every product, so that applications
    submitted in the demo are decided: authored by one demo analyst, approved by the other."""
    from lendcrm.decisions.seeding import seed_default_strategy

    seed_default_strategy(maker=users["risk_analyst"], checker=users["risk_analyst2"])


@transaction.atomic
def ensure_products() -> dict[str, int]:
    """The demo products; an existing product with the same code is left as it is."""
    ids: dict[str, int] = {}
    for spec in PRODUCTS:
        product, _ = Product.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind.value,
                "min_amount": Decimal(spec.min_amount),
                "max_amount": Decimal(spec.max_amount),
                "terms": list(spec.terms),
                "min_rate": spec.min_rate,
                "max_rate": spec.max_rate,
                "repayment_methods": [m.value for m in spec.repayment_methods],
            },
        )
        ids[spec.code] = product.pk
    return ids


@transaction.atomic
def ensure_channels() -> dict[str, int]:
    ids: dict[str, int] = {}
    for spec in CHANNELS:
        channel, _ = Channel.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind.value,
                "cost_per_lead": spec.cost_per_lead,
            },
        )
        ids[spec.code] = channel.pk
    return ids


def _record_seeding(
    *, seed: int, as_of: date, customers: int, created: Created, bulk: bool
) -> None:
    record_event(
        "demo.seeded",
        object_type="demo",
        object_id=str(seed),
        metadata={
            "seed": seed,
            "as_of": as_of.isoformat(),
            "customers": customers,
            "bulk": bulk,
            "customers_created": created.customers,
            "leads_created": created.leads,
            "applications_created": created.applications,
        },
    )
