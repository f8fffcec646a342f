"""write_households(): store one batch of generated households, skipping what already exists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from lendcrm.applications.models import Application
from lendcrm.customers.models import Customer
from lendcrm.demo.loaders import Loader
from lendcrm.demo.profiles import Household
from lendcrm.demo.rows import References, application_values, customer_values, lead_values
from lendcrm.leads.models import Lead

LOOKUP_CHUNK = 900  # below SQLite's historical limit of 999 bound parameters


@dataclass(frozen=True)
class Created:
    customers: int = 0
    leads: int = 0
    applications: int = 0

    def __add__(self, other: Created) -> Created:
        return Created(
            self.customers + other.customers,
            self.leads + other.leads,
            self.applications + other.applications,
        )


def existing_ids(model: type[models.Model], field: str, keys: Iterable[str]) -> dict[str, int]:
    """Primary keys of the rows whose unique `field` is among `keys`."""
    wanted = list(keys)
    found: dict[str, int] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        rows: Iterable[tuple[Any, Any]] = model._default_manager.filter(
            **{f"{field}__in": chunk}
        ).values_list(field, "pk")
        found.update((str(key), int(pk)) for key, pk in rows)
    return found


def write_households(households: Sequence[Household], refs: References, loader: Loader) -> Created:
    """Insert the customers, leads and applications of `households` that are not stored yet."""
    customers = [h.customer for h in households]
    customer_ids = existing_ids(Customer, "customer_no", (c.customer_no for c in customers))
    new_customers = [c for c in customers if c.customer_no not in customer_ids]
    ids = loader.insert(Customer, [customer_values(c, refs) for c in new_customers])
    customer_ids.update(zip((c.customer_no for c in new_customers), ids, strict=True))

    leads = [lead for h in households for lead in h.leads]
    lead_ids = existing_ids(Lead, "seed_key", (lead.seed_key for lead in leads))
    leads_created = 0
    for originals in (True, False):  # collisions point at leads stored in the first pass
        batch = [
            lead
            for lead in leads
            if (lead.duplicate_of is None) == originals and lead.seed_key not in lead_ids
        ]
        rows = [lead_values(x, refs, customer_ids=customer_ids, lead_ids=lead_ids) for x in batch]
        ids = loader.insert(Lead, rows)
        lead_ids.update(zip((lead.seed_key for lead in batch), ids, strict=True))
        leads_created += len(batch)

    applications = [a for h in households for a in h.applications]
    known = existing_ids(Application, "application_no", (a.application_no for a in applications))
    new_applications = [a for a in applications if a.application_no not in known]
    loader.insert(
        Application,
        [application_values(a, refs, customer_ids=customer_ids) for a in new_applications],
    )
    return Created(len(new_customers), leads_created, len(new_applications))
