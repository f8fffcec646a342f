"""Demo extras for the customer 360 page: deterministic and idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from lendcrm.customers.models import (
    BureauReport,
    CustomerContact,
    Interaction,
    RealEstate,
    TagAssignment,
    ThirdPartyScore,
    Vehicle,
)
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.demo.customer_profiles import seed_customer_profiles
from lendcrm.demo.households import customer_no

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)


def test_extras_are_added_once_and_the_same_each_time(org: Org) -> None:
    customers = [
        CustomerFactory(owner=org.sales, customer_no=customer_no(7, i)) for i in range(1, 4)
    ]

    assert seed_customer_profiles(seed=7, as_of=AS_OF) == 3
    assert seed_customer_profiles(seed=7, as_of=AS_OF) == 0
    first = sorted(CustomerContact.objects.values_list("customer_id", "kind", "mobile"))
    timeline = Interaction.objects.filter(customer=customers[0]).count()

    for model in (CustomerContact, Interaction, RealEstate, Vehicle, BureauReport,
                  ThirdPartyScore, TagAssignment):  # fmt: skip
        model.objects.all().delete()
    seed_customer_profiles(seed=7, as_of=AS_OF)

    assert sorted(CustomerContact.objects.values_list("customer_id", "kind", "mobile")) == first
    assert Interaction.objects.filter(customer=customers[0]).count() == timeline
    assert all(c.contacts.filter(kind="emergency").exists() for c in customers)
