"""Add, edit and remove real estate, vehicles and third-party scores on the 360 page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from lendcrm.audit.models import AuditEvent
from lendcrm.core import clock
from lendcrm.core.errors import DomainError, PermissionDenied
from lendcrm.customers.models import Customer, RealEstate, ThirdPartyScore, Vehicle
from lendcrm.customers.profile import (
    add_real_estate,
    add_vehicle,
    record_third_party_score,
    update_real_estate,
)
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.identity.access import DENIED_HEADER
from lendcrm.identity.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]
HTMX = {"HTTP_HX_REQUEST": "true"}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _estate(customer: Customer, user: User, value: str = "2000000.00") -> RealEstate:
    return add_real_estate(
        customer,
        acting_user=user,
        kind="apartment",
        city="北京市",
        value=Decimal(value),
        mortgage_balance=Decimal("800000.00"),
    )


def test_a_sales_rep_adds_real_estate_and_sees_it_on_the_page(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    client = _client(org.sales)
    url = reverse("customers:real_estate_add", args=[customer.pk])

    response = client.post(
        url, {"kind": "villa", "city": "上海市", "value": "3456789.12", "mortgage_balance": "1000"}
    )

    detail = reverse("customers:detail", args=[customer.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{detail}#tab-financials"
    estate = RealEstate.objects.get(customer=customer)
    assert (estate.kind, estate.value, estate.mortgage_balance) == (
        "villa",
        Decimal("3456789.12"),
        Decimal("1000.00"),
    )
    assert estate.monthly_payment == Decimal("0")
    event = AuditEvent.objects.get(action="customer.real_estate_added")
    assert event.actor == org.sales
    assert event.object_id == str(customer.pk)
    assert event.metadata["item_id"] == estate.pk
    assert event.metadata["value"] == "3456789.12"
    html = client.get(detail).content.decode()
    assert "3456789.12" in html
    assert reverse("customers:real_estate_edit", args=[customer.pk, estate.pk]) in html


def test_htmx_add_answers_the_form_with_errors_naming_the_field(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    url = reverse("customers:real_estate_add", args=[customer.pk])

    response = _client(org.sales).post(
        url, {"kind": "apartment", "value": "-1", "mortgage_balance": "abc"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx answers only
    assert 'id="real-estate-form"' in html
    assert "估值：" in html
    assert "按揭余额：" in html
    assert not RealEstate.objects.exists()
    assert not AuditEvent.objects.filter(action="customer.real_estate_added").exists()


def test_htmx_add_redirects_the_page_on_success(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    url = reverse("customers:vehicle_add", args=[customer.pk])

    response = _client(org.sales).post(
        url, {"brand": "比亚迪", "purchase_price": "150000", "loan_balance": "50000"}, **HTMX
    )

    assert response.status_code == 204
    detail = reverse("customers:detail", args=[customer.pk])
    assert response["HX-Redirect"] == f"{detail}#tab-financials"
    assert Vehicle.objects.get(customer=customer).brand == "比亚迪"


def test_a_vehicle_without_brand_is_refused_naming_the_field(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    url = reverse("customers:vehicle_add", args=[customer.pk])

    response = _client(org.sales).post(url, {"brand": "", "purchase_price": "10"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field-error="brand"' in html
    assert "品牌：" in html
    assert not Vehicle.objects.exists()


def test_a_score_outside_the_range_or_in_the_future_is_refused(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    url = reverse("customers:score_add", args=[customer.pk])
    client = _client(org.sales)

    too_high = client.post(url, {"provider": "芝麻分", "score": "1200", "as_of": "2025-01-02"})
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    future = client.post(url, {"provider": "芝麻分", "score": "700", "as_of": tomorrow})

    assert too_high.status_code == 400
    assert "分数：" in too_high.content.decode()
    assert future.status_code == 400
    assert "评分日期：不能晚于今天" in future.content.decode()
    assert not ThirdPartyScore.objects.exists()


def test_a_score_is_added_edited_and_removed(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    client = _client(org.sales)

    client.post(
        reverse("customers:score_add", args=[customer.pk]),
        {"provider": "百行征信", "score": "650", "as_of": "2025-03-01"},
    )
    score = ThirdPartyScore.objects.get(customer=customer)
    edit = reverse("customers:score_edit", args=[customer.pk, score.pk])
    assert 'value="650"' in client.get(edit).content.decode()
    response = client.post(edit, {"provider": "百行征信", "score": "702", "as_of": "2025-03-01"})
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.score == 702
    changed = AuditEvent.objects.get(action="customer.score_changed")
    assert changed.changes == {"score": {"before": 650, "after": 702}}
    assert "702" in client.get(reverse("customers:detail", args=[customer.pk])).content.decode()

    response = client.post(reverse("customers:score_remove", args=[customer.pk, score.pk]))

    assert response.status_code == 302
    assert not ThirdPartyScore.objects.exists()
    removed = AuditEvent.objects.get(action="customer.score_removed")
    assert removed.metadata["score"] == 702
    assert removed.actor == org.sales


def test_editing_a_score_onto_another_of_the_same_day_names_the_date(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    day = date(2025, 3, 1)
    record_third_party_score(
        customer, provider="芝麻分", score=700, as_of=day, acting_user=org.sales
    )
    other = record_third_party_score(
        customer, provider="芝麻分", score=710, as_of=day - timedelta(days=1), acting_user=org.sales
    )
    edit = reverse("customers:score_edit", args=[customer.pk, other.pk])

    response = _client(org.sales).post(
        edit, {"provider": "芝麻分", "score": "710", "as_of": day.isoformat()}
    )

    assert response.status_code == 400
    assert "评分日期：该数据源在这一天已有评分" in response.content.decode()


def test_editing_real_estate_is_audited_with_before_and_after(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    estate = _estate(customer, org.sales)
    edit = reverse("customers:real_estate_edit", args=[customer.pk, estate.pk])
    client = _client(org.sales)

    page = client.get(edit, **HTMX)
    assert 'id="real-estate-edit-form"' in page.content.decode()
    response = client.post(
        edit,
        {"kind": "apartment", "city": "北京市", "value": "2100000", "mortgage_balance": "0"},
    )

    assert response.status_code == 302
    estate.refresh_from_db()
    assert (estate.value, estate.mortgage_balance) == (Decimal("2100000.00"), Decimal("0.00"))
    event = AuditEvent.objects.get(action="customer.real_estate_changed")
    assert event.changes == {
        "mortgage_balance": {"before": "800000.00", "after": "0.00"},
        "value": {"before": "2000000.00", "after": "2100000.00"},
    }
    assert event.metadata["item_id"] == estate.pk


def test_removing_a_vehicle_deletes_it_and_is_audited(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    vehicle = add_vehicle(
        customer, acting_user=org.sales, brand="大众", purchase_price=Decimal("180000")
    )

    response = _client(org.sales).post(
        reverse("customers:vehicle_remove", args=[customer.pk, vehicle.pk])
    )

    assert response.status_code == 302
    assert not Vehicle.objects.exists()
    event = AuditEvent.objects.get(action="customer.vehicle_removed")
    assert event.metadata["brand"] == "大众"


def test_a_role_without_customers_edit_is_refused_everywhere(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    estate = _estate(customer, org.sales, value="100.00")
    client = _client(org.qa)
    urls = [
        ("post", reverse("customers:real_estate_add", args=[customer.pk])),
        ("get", reverse("customers:real_estate_edit", args=[customer.pk, estate.pk])),
        ("post", reverse("customers:real_estate_edit", args=[customer.pk, estate.pk])),
        ("post", reverse("customers:real_estate_remove", args=[customer.pk, estate.pk])),
        ("post", reverse("customers:vehicle_add", args=[customer.pk])),
        ("post", reverse("customers:score_add", args=[customer.pk])),
    ]
    for method, url in urls:
        data = {"kind": "apartment", "value": "5", "brand": "x", "purchase_price": "1"}
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
        assert response.get(DENIED_HEADER) == "policy", url

    estate.refresh_from_db()
    assert estate.value == Decimal("100.00")
    assert RealEstate.objects.count() == 1
    assert not Vehicle.objects.exists()
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'id="real-estate-form"' not in html
    assert f"customers/{customer.pk}/real-estates/{estate.pk}/remove/" not in html


def test_the_services_refuse_a_role_without_customers_edit(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    estate = _estate(customer, org.sales)

    with pytest.raises(PermissionDenied):
        add_real_estate(customer, acting_user=org.qa, kind="apartment", value=Decimal("1"))
    with pytest.raises(PermissionDenied):
        update_real_estate(estate, acting_user=org.qa, kind="shop", value=Decimal("1"))


def test_negative_money_is_refused_by_the_service_too(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    with pytest.raises(DomainError) as caught:
        add_vehicle(
            customer,
            acting_user=org.sales,
            brand="大众",
            purchase_price=Decimal("1"),
            loan_balance=Decimal("-0.01"),
        )
    assert caught.value.problems[0].field == "loan_balance"
    assert caught.value.message.startswith("车贷余额：")


def test_another_branchs_records_are_not_found(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    estate = _estate(customer, org.sales)
    client = _client(org.other_branch_sales)

    edit = reverse("customers:real_estate_edit", args=[customer.pk, estate.pk])
    remove = reverse("customers:real_estate_remove", args=[customer.pk, estate.pk])
    add = reverse("customers:real_estate_add", args=[customer.pk])

    assert client.get(edit).status_code == 404
    assert client.post(remove).status_code == 404
    assert client.post(add, {"kind": "apartment", "value": "1"}).status_code == 404
    assert RealEstate.objects.count() == 1


def test_a_record_is_reached_only_through_its_own_customer(org: Org) -> None:
    mine = CustomerFactory(owner=org.sales)
    other = CustomerFactory(owner=org.sales)
    estate = _estate(other, org.sales)

    response = _client(org.sales).post(
        reverse("customers:real_estate_remove", args=[mine.pk, estate.pk])
    )

    assert response.status_code == 404
    assert RealEstate.objects.filter(pk=estate.pk).exists()
