"""Factories for the records the dashboard counts: channels, leads, products, applications."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import factory
from django.db import models
from factory.django import DjangoModelFactory

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.customers.tests.factories import CustomerFactory, valid_mobile
from lendcrm.leads.choices import ChannelKind, LeadStatus
from lendcrm.leads.models import Channel, Lead
from lendcrm.loans.choices import ProductKind, RepaymentMethod
from lendcrm.loans.models import Product


def _backdate(instance: models.Model, created_at: datetime | None) -> None:
    """created_at is auto_now_add; tests that need the past rewrite it after the insert."""
    if created_at is not None:
        type(instance)._default_manager.filter(pk=instance.pk).update(created_at=created_at)
        instance.created_at = created_at  # type: ignore[attr-defined]


class ChannelFactory(DjangoModelFactory[Channel]):
    class Meta:
        model = Channel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CH{n:03d}")
    name = factory.Sequence(lambda n: f"渠道{n}")
    kind = ChannelKind.H5


class LeadFactory(DjangoModelFactory[Lead]):
    """`LeadFactory(owner=user, created_at=...)`: owner also sets team and branch."""

    class Meta:
        model = Lead
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"线索{n}")
    mobile = factory.Sequence(lambda n: valid_mobile(n + 5000))
    channel = factory.SubFactory(ChannelFactory)
    status = LeadStatus.NEW
    owner = None
    team = factory.LazyAttribute(lambda lead: lead.owner.team if lead.owner else None)
    branch = factory.LazyAttribute(lambda lead: lead.team.parent if lead.team else None)

    @factory.post_generation
    def created_at(self, create: bool, extracted: datetime | None, **kwargs: Any) -> None:
        if create:
            _backdate(self, extracted)


class ProductFactory(DjangoModelFactory[Product]):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = "CASH-12"
    name = "薪享贷"
    kind = ProductKind.SINGLE_LOAN
    min_amount = Decimal("1000.00")
    max_amount = Decimal("200000.00")
    terms = factory.LazyFunction(lambda: [6, 12, 24])
    min_rate = Decimal("0.0720")
    max_rate = Decimal("0.2400")
    repayment_methods = factory.LazyFunction(lambda: [RepaymentMethod.EQUAL_INSTALLMENT.value])


class ApplicationFactory(DjangoModelFactory[Application]):
    """An application of the customer's owner; pass submitted_at / decided_at as needed."""

    class Meta:
        model = Application

    application_no = factory.Sequence(lambda n: f"A{n:09d}")
    customer = factory.SubFactory(CustomerFactory)
    product = factory.SubFactory(ProductFactory)
    amount = Decimal("50000.00")
    term = 12
    repayment_method = RepaymentMethod.EQUAL_INSTALLMENT
    status = ApplicationStatus.SUBMITTED
    owner = factory.LazyAttribute(lambda app: app.customer.owner)
    team = factory.LazyAttribute(lambda app: app.customer.team)
    branch = factory.LazyAttribute(lambda app: app.customer.branch)
