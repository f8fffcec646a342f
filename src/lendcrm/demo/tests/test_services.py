"""seed_demo() against the database: deterministic, idempotent, valid, scoped, loggable-in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory

from lendcrm.applications.models import Application
from lendcrm.core.cn_ids import (
    PURPOSE_ID_NUMBER,
    PURPOSE_MOBILE,
    normalise_id_number,
    normalise_mobile,
    parse_id_number,
    validate_mobile,
)
from lendcrm.core.fields import index_value
from lendcrm.customers.models import Customer
from lendcrm.demo.data.divisions import DIVISIONS
from lendcrm.demo.households import generate_customer
from lendcrm.demo.journey import horizon
from lendcrm.demo.risk import default_probability
from lendcrm.demo.services import DEMO_USERS, SQLITE_BULK_NOTE, demo_password, seed_demo
from lendcrm.identity.models import User
from lendcrm.leads.models import Lead
from lendcrm.loans.models import Disbursement, JournalEntry, JournalLine, Loan, Payment

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)
SEED = 31


LEAD_FIELDS = (
    "seed_key", "name", "mobile", "mobile_index", "id_number", "id_number_index", "city",
    "requested_amount", "purpose", "campaign", "consent", "consent_at", "status", "created_at",
    *(
        f.attname for f in Lead._meta.concrete_fields
        if f.attname in ("is_duplicate", "invalid_reason", "assigned_at", "first_contact_at")
    ),
)  # fmt: skip
APPLICATION_FIELDS = (
    "application_no", "amount", "term", "repayment_method", "purpose", "status",
    "submitted_at", "decided_at", "created_at",
)  # fmt: skip


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every demo row with decrypted personal data and references by natural key."""
    customers = Customer.objects.select_related("owner", "team", "branch").order_by("customer_no")
    leads = Lead.objects.select_related("customer", "duplicate_of", "channel", "owner")
    applications = Application.objects.select_related("customer", "product", "channel", "owner")
    skip = {"id", "owner", "team", "branch", "updated_at"}
    fields = [f.attname for f in Customer._meta.concrete_fields if f.name not in skip]
    return {
        "customers": [
            (*_values(c, fields), _username(c.owner), _code(c.team), _code(c.branch))
            for c in customers
        ],
        "leads": sorted(
            (
                *_values(lead, LEAD_FIELDS),
                lead.channel.code,
                lead.duplicate_of.seed_key if lead.duplicate_of else None,
                lead.customer.customer_no if lead.customer else None,
                _username(lead.owner),
            )
            for lead in leads
        ),
        "applications": sorted(
            (
                *_values(a, APPLICATION_FIELDS),
                a.customer.customer_no,
                a.product.code,
                a.channel.code if a.channel else None,
                _username(a.owner),
            )
            for a in applications
        ),
    }


def _values(row: Any, fields: Sequence[str]) -> tuple[Any, ...]:
    return tuple(getattr(row, field) for field in fields)


def _username(user: User | None) -> str | None:
    return user.username if user else None


def _code(unit: Any) -> str | None:
    return unit.code if unit else None


def clear_demo_rows() -> None:
    for model in (JournalLine, JournalEntry, Payment, Disbursement, Loan):
        model.objects.all().delete()
    Application.objects.all().delete()
    Lead.objects.all().delete()
    Customer.objects.all().delete()


@pytest.mark.smoke
def test_seeding_twice_creates_nothing_the_second_time() -> None:
    first = seed_demo(customers=25, seed=SEED, as_of=AS_OF)
    counts = (Customer.objects.count(), Lead.objects.count(), Application.objects.count())
    second = seed_demo(customers=25, seed=SEED, as_of=AS_OF)
    assert first.customers_created == 25
    assert first.leads_created == counts[1] > 25
    assert first.applications_created == counts[2] > 0
    assert (second.customers_created, second.leads_created, second.applications_created) == (
        0,
        0,
        0,
    )
    assert second.customers_existing == 25
    assert (Customer.objects.count(), Lead.objects.count(), Application.objects.count()) == counts


def test_the_same_seed_gives_identical_rows_in_fresh_databases() -> None:
    seed_demo(customers=30, seed=SEED, as_of=AS_OF)
    first = snapshot()
    clear_demo_rows()
    seed_demo(customers=30, seed=SEED, as_of=AS_OF)
    assert snapshot() == first
    assert len(first["customers"]) == 30


def test_topping_up_gives_the_same_rows_as_seeding_at_once() -> None:
    seed_demo(customers=40, seed=SEED, as_of=AS_OF)
    at_once = snapshot()
    clear_demo_rows()
    seed_demo(customers=15, seed=SEED, as_of=AS_OF)
    topped_up = seed_demo(customers=40, seed=SEED, as_of=AS_OF)
    assert topped_up.customers_created == 25
    assert snapshot() == at_once


@pytest.mark.smoke
def test_stored_identifiers_are_valid_and_agree_with_the_customer() -> None:
    seed_demo(customers=30, seed=SEED, as_of=AS_OF)
    for customer in Customer.objects.all():
        facts = parse_id_number(customer.id_number, on=AS_OF)
        assert (facts.birth_date, facts.gender) == (customer.birth_date, customer.gender)
        assert facts.region_code in DIVISIONS
        assert validate_mobile(customer.mobile) == customer.mobile
    for lead in Lead.objects.all():
        assert validate_mobile(lead.mobile) == lead.mobile


def test_default_probability_of_a_stored_customer_is_the_generators() -> None:
    seed_demo(customers=20, seed=SEED, as_of=AS_OF)
    for customer in Customer.objects.all():
        index = int(customer.customer_no.rsplit("-", 1)[1])
        generated = generate_customer(SEED, index, as_of=AS_OF)
        assert default_probability(customer, on=AS_OF) == default_probability(generated, on=AS_OF)


@pytest.mark.smoke
def test_timestamps_come_from_as_of_not_from_the_clock() -> None:
    seed_demo(customers=30, seed=SEED, as_of=AS_OF)
    stamps = list(Customer.objects.values_list("created_at", flat=True))
    stamps += list(Lead.objects.values_list("created_at", flat=True))
    assert max(stamps) <= horizon(AS_OF)
    assert min(stamps) < horizon(AS_OF) - timedelta(days=30)


def test_records_are_scoped_to_their_owners_team_and_branch() -> None:
    seed_demo(customers=40, seed=SEED, as_of=AS_OF)
    customers = Customer.objects.select_related("owner", "team")
    owned = [c for c in customers if c.owner is not None]
    assert len(owned) >= 30
    for customer in owned:
        assert customer.owner is not None
        assert customer.team_id == customer.owner.team_id
        assert customer.team is not None
        assert customer.branch_id == customer.team.parent_id
    mine = Customer.objects.filter(owner__username__in=["sales1", "sales2"]).count()
    assert mine > 0
    for app in Application.objects.select_related("customer"):
        assert (app.owner_id, app.team_id) == (app.customer.owner_id, app.customer.team_id)


@pytest.mark.smoke
def test_demo_users_have_their_roles_and_log_in_with_the_demo_password() -> None:
    seed_demo(customers=0, seed=SEED, as_of=AS_OF)
    request = RequestFactory().post("/login/")
    for spec in DEMO_USERS:
        user = authenticate(request, username=spec.username, password=demo_password())
        assert user is not None, spec.username
        assert list(user.groups.values_list("name", flat=True)) == [spec.role.value]
    assert authenticate(request, username="sales1", password="wrong-password") is None


@pytest.mark.smoke
def test_the_command_prints_a_summary_and_the_logins() -> None:
    out = StringIO()
    call_command("seed_demo", customers=5, seed=SEED, as_of=AS_OF, stdout=out)
    text = out.getvalue()
    assert "created 5 customers" in text
    assert "sales1" in text
    assert Customer.objects.count() == 5


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the fallback is SQLite's")
def test_bulk_on_sqlite_falls_back_to_bulk_create_with_a_note() -> None:
    result = seed_demo(customers=10, seed=SEED, as_of=AS_OF, bulk=True)
    assert result.notes == (SQLITE_BULK_NOTE,)
    assert Customer.objects.count() == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL only")
def test_bulk_copy_reads_back_identically_and_is_found_by_blind_index() -> None:
    seed_demo(customers=200, seed=SEED, as_of=AS_OF)
    through_orm = snapshot()
    clear_demo_rows()
    result = seed_demo(customers=200, seed=SEED, as_of=AS_OF, bulk=True)
    assert result.notes == ()
    assert snapshot() == through_orm
    sample = Customer.objects.filter(leads__isnull=False).order_by("customer_no")[100]
    by_id = index_value(sample.id_number, purpose=PURPOSE_ID_NUMBER, normaliser=normalise_id_number)
    by_mobile = index_value(sample.mobile, purpose=PURPOSE_MOBILE, normaliser=normalise_mobile)
    assert Customer.objects.get(id_number_index=by_id) == sample
    assert list(Customer.objects.filter(mobile_index=by_mobile)) == [sample]
    assert Lead.objects.filter(mobile_index=by_mobile, customer=sample).exists()
