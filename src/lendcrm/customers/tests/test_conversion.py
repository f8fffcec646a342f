"""Lead → customer conversion: nothing typed twice, idempotent, field errors, audit."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import DomainError, PermissionDenied
from lendcrm.customers.choices import InteractionKind
from lendcrm.customers.conversion import convert_lead_to_customer
from lendcrm.customers.models import Customer, Interaction
from lendcrm.customers.tags import apply_tag
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory, LeadFactory, TagFactory
from lendcrm.identity.models import User

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
MOBILE = "13912345678"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_lead_becomes_a_customer_with_its_own_data(org: Org) -> None:
    lead = LeadFactory(
        owner=org.sales, name="刘洋", mobile=MOBILE, id_number=ID_NUMBER, city="北京市"
    )

    customer = convert_lead_to_customer(
        lead, acting_user=org.sales, extra={"monthly_income": "12000", "employer": "某科技公司"}
    )

    customer.refresh_from_db()
    assert (customer.name, customer.mobile, customer.id_number) == ("刘洋", MOBILE, ID_NUMBER)
    assert (customer.city, customer.province) == ("北京市", "北京市")
    assert (customer.birth_date, customer.gender) == (date(1949, 12, 31), "F")
    assert (customer.channel_id, customer.campaign) == (lead.channel_id, lead.campaign)
    assert (customer.owner_id, customer.team_id) == (org.sales.pk, org.sales.team_id)
    assert str(customer.monthly_income) == "12000.00"
    lead.refresh_from_db()
    assert lead.customer_id == customer.pk
    event = AuditEvent.objects.get(action="lead.converted")
    assert event.metadata == {"customer_id": customer.pk, "linked_existing": False}
    assert Interaction.objects.filter(
        kind=InteractionKind.CONVERSION, lead=lead, customer=customer
    ).exists()


def test_converting_twice_returns_the_same_customer(org: Org) -> None:
    lead = LeadFactory(owner=org.sales)

    first = convert_lead_to_customer(lead, acting_user=org.sales, extra={})
    second = convert_lead_to_customer(lead, acting_user=org.sales, extra={})

    assert first.pk == second.pk
    assert Customer.objects.count() == 1
    assert AuditEvent.objects.filter(action="lead.converted").count() == 1


def test_a_person_already_a_customer_is_linked_not_duplicated(org: Org) -> None:
    existing = CustomerFactory(owner=org.sales, id_number=ID_NUMBER)
    lead = LeadFactory(owner=org.sales, id_number=ID_NUMBER)

    customer = convert_lead_to_customer(lead, acting_user=org.sales, extra={})

    assert customer.pk == existing.pk
    assert Customer.objects.count() == 1


def test_missing_and_invalid_fields_are_named(org: Org) -> None:
    lead = LeadFactory(owner=org.sales, id_number="", city="")

    with pytest.raises(DomainError) as caught:
        convert_lead_to_customer(lead, acting_user=org.sales, extra={"email": "not-an-email"})

    fields = {p.field for p in caught.value.problems}
    assert {"id_number", "city", "province"} <= fields
    assert not Customer.objects.exists()


def test_a_bad_choice_in_extra_names_its_field(org: Org) -> None:
    lead = LeadFactory(owner=org.sales, id_number=ID_NUMBER)

    with pytest.raises(DomainError) as caught:
        convert_lead_to_customer(lead, acting_user=org.sales, extra={"education": "phd-ish"})

    assert [p.field for p in caught.value.problems] == ["education"]
    assert caught.value.problems[0].message.startswith("教育程度")


def test_unknown_extra_fields_are_refused(org: Org) -> None:
    lead = LeadFactory(owner=org.sales)
    with pytest.raises(DomainError) as caught:
        convert_lead_to_customer(lead, acting_user=org.sales, extra={"owner": 1})
    assert caught.value.problems[0].field == "owner"


def test_a_role_without_edit_cannot_convert(org: Org) -> None:
    lead = LeadFactory(owner=org.sales)
    with pytest.raises(PermissionDenied):
        convert_lead_to_customer(lead, acting_user=org.qa, extra={})


def test_tags_of_the_lead_follow_it_to_the_customer(org: Org) -> None:
    TagFactory(name="优质客户")
    lead = LeadFactory(owner=org.sales)
    apply_tag(name="优质客户", lead=lead, acting_user=org.sales)

    customer = convert_lead_to_customer(lead, acting_user=org.sales, extra={})

    assert list(customer.tag_assignments.values_list("tag__name", flat=True)) == ["优质客户"]


def test_the_conversion_page_shows_masked_lead_data_and_converts(org: Org) -> None:
    lead = LeadFactory(owner=org.sales, mobile=MOBILE, id_number=ID_NUMBER, city="北京市")
    client = _client(org.sales)
    url = reverse("customers:convert_lead", args=[lead.pk])

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "139****5678" in html
    assert MOBILE not in html
    assert ID_NUMBER not in html

    response = client.post(url, {"province": "北京市", "city": "北京市"})
    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])


def test_the_conversion_page_shows_the_field_error(org: Org) -> None:
    lead = LeadFactory(owner=org.sales, id_number="")
    url = reverse("customers:convert_lead", args=[lead.pk])

    response = _client(org.sales).post(url, {"province": "北京市", "city": "北京市"})

    assert response.status_code == 400
    assert "身份证号：请填写有效的18位身份证号" in response.content.decode()
    assert not Customer.objects.exists()


def test_another_teams_lead_cannot_be_converted(org: Org) -> None:
    lead = LeadFactory(owner=org.other_team_sales)
    url = reverse("customers:convert_lead", args=[lead.pk])

    assert _client(org.sales).post(url, {"province": "北京市", "city": "北京市"}).status_code == 404
    assert not Customer.objects.exists()
