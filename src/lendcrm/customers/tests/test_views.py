from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lendcrm.audit.models import AuditEvent
from lendcrm.customers.models import Customer
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory, UserFactory
from lendcrm.customers.views import customer_list
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.roles import roles_of
from lendcrm.privacy.models import RevealGrant

ID_NUMBER = "110105199001011234"
MOBILE = "13812345678"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def customer(org: Org) -> Customer:
    return CustomerFactory(
        owner=org.sales, name="周小芳", id_number=ID_NUMBER, mobile=MOBILE, city="北京市"
    )


def _reveal(client: Client, customer: Customer, **data: str) -> Any:
    url = reverse("customers:reveal", args=[customer.pk])
    return client.post(url, data, **HTMX)


def test_the_list_shows_masked_identifiers_of_customers_in_scope(
    org: Org, customer: Customer
) -> None:
    CustomerFactory(owner=org.other_branch_sales, name="外分公司客户")

    response = _client(org.sales).get(reverse("customers:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "周小芳" in html
    assert "外分公司客户" not in html
    assert "138****5678" in html
    assert "110105********1234" in html
    assert MOBILE not in html
    assert ID_NUMBER not in html


def test_the_list_view_runs_five_queries_whatever_the_page_size(
    org: Org, rf: RequestFactory, django_assert_num_queries: Callable[..., Any]
) -> None:
    CustomerFactory.create_batch(3, owner=org.sales)
    roles_of(org.manager)  # read once per request by the access policy, before the view

    for extra in (0, 22):
        CustomerFactory.create_batch(extra, owner=org.teammate)
        request = rf.get(reverse("customers:list"))
        request.user = org.manager
        cache.clear()  # tag counts are cached per data scope; count them each time here
        # the page of customers, their reveal grants, their tags, the tag counts and the tags
        with django_assert_num_queries(5):
            response = customer_list(request)
        assert len(re.findall(r'href="/customers/\d+/"', response.content.decode())) == 3 + extra


def test_the_whole_request_costs_the_same_for_3_or_25_rows(
    org: Org, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    client = _client(org.manager)
    CustomerFactory.create_batch(3, owner=org.sales)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("customers:list"))
    CustomerFactory.create_batch(22, owner=org.teammate)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("customers:list"))


def test_the_list_searches_by_exact_mobile(org: Org, customer: Customer) -> None:
    CustomerFactory(owner=org.sales, name="另一位客户")

    response = _client(org.sales).get(reverse("customers:list"), {"q": "138 1234 5678"})

    html = response.content.decode()
    assert "周小芳" in html
    assert "另一位客户" not in html


def test_the_list_pages_with_a_cursor(org: Org) -> None:
    CustomerFactory.create_batch(27, owner=org.sales)
    client = _client(org.sales)

    first = client.get(reverse("customers:list"))
    cursor = first.context["next_cursor"]
    second = client.get(reverse("customers:list"), {"cursor": cursor})

    assert len(first.context["rows"]) == 25
    assert len(second.context["rows"]) == 2
    assert second.context["next_cursor"] is None
    assert client.get(reverse("customers:list"), {"cursor": "forged"}).status_code == 400


def test_a_role_without_customers_view_cannot_open_the_list(org: Org) -> None:
    analyst = UserFactory(roles=[Role.RISK_ANALYST])

    assert _client(analyst).get(reverse("customers:list")).status_code == 403


def test_the_detail_page_is_masked_with_a_reveal_button_per_identifier(
    org: Org, customer: Customer
) -> None:
    response = _client(org.sales).get(reverse("customers:detail", args=[customer.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "138****5678" in html
    assert "110105********1234" in html
    assert MOBILE not in html
    assert ID_NUMBER not in html
    assert "建国路" not in html
    for field in ("id_number", "mobile", "address", "hukou_address"):
        assert f'id="field-{field}"' in html
        assert f'name="field" value="{field}"' in html


def test_a_customer_outside_the_scope_is_404_never_403(org: Org, customer: Customer) -> None:
    client = _client(org.other_branch_sales)

    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404
    response = _reveal(client, customer, field="mobile", reason="电话核实身份")
    assert response.status_code == 404
    assert not RevealGrant.objects.exists()


def test_reveal_shows_the_value_until_the_grant_expires(
    org: Org, customer: Customer, move_clock: Callable[[timedelta], datetime]
) -> None:
    client = _client(org.sales)

    response = _reveal(client, customer, field="mobile", reason="电话核实身份")

    assert response.status_code == 200
    assert MOBILE in response.content.decode()
    assert 'hx-trigger="load delay:301s"' in response.content.decode()
    event = AuditEvent.objects.get(action="customer.revealed")
    assert event.metadata["field"] == "mobile"
    assert event.metadata["reason"] == "电话核实身份"
    detail = reverse("customers:detail", args=[customer.pk])
    move_clock(timedelta(minutes=4))
    html = client.get(detail).content.decode()
    assert MOBILE in html
    assert ID_NUMBER not in html
    move_clock(timedelta(minutes=1, seconds=1))
    html = client.get(detail).content.decode()
    assert MOBILE not in html
    assert "138****5678" in html


def test_reveal_without_a_reason_is_422_and_grants_nothing(org: Org, customer: Customer) -> None:
    response = _reveal(_client(org.sales), customer, field="mobile", reason="看")

    assert response.status_code == 422
    assert "至少 4 个字" in response.content.decode()
    assert MOBILE not in response.content.decode()
    assert not RevealGrant.objects.exists()


def test_reveal_without_the_capability_is_403_with_a_message_and_audited(
    org: Org, customer: Customer
) -> None:
    response = _reveal(_client(org.qa), customer, field="id_number", reason="质检抽查")

    html = response.content.decode()
    assert response.status_code == 403
    assert "无权查看完整的个人信息" in html
    assert ID_NUMBER not in html
    assert AuditEvent.objects.filter(action="customer.reveal_denied", actor=org.qa).count() == 1


def test_reveal_without_htmx_redirects_back_to_the_profile(org: Org, customer: Customer) -> None:
    client = _client(org.sales)
    url = reverse("customers:reveal", args=[customer.pk])

    response = client.post(url, {"field": "id_number", "reason": "电话核实身份"}, follow=True)

    assert response.redirect_chain == [(reverse("customers:detail", args=[customer.pk]), 302)]
    assert ID_NUMBER in response.content.decode()


def test_export_is_unmasked_for_a_manager_who_may_reveal(org: Org, customer: Customer) -> None:
    response = _client(org.manager).get(reverse("customers:export"), {"city": "北京市"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [rows[1][5], rows[1][6]] == [MOBILE, ID_NUMBER]
    event = AuditEvent.objects.get(action="customers.exported")
    assert event.metadata == {"row_count": 1, "filters": {"city": "北京市"}, "unmasked": True}


def test_export_is_masked_without_reveal_and_audits_masked_filters(
    org: Org, customer: Customer
) -> None:
    exporter = UserFactory(roles=[Role.QA, Role.AUDITOR])

    response = _client(exporter).get(reverse("customers:export"), {"q": MOBILE})

    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "138****5678" in body
    assert MOBILE not in body
    assert ID_NUMBER not in body
    event = AuditEvent.objects.get(action="customers.exported")
    assert event.metadata == {
        "row_count": 1,
        "filters": {"mobile": "138****5678"},
        "unmasked": False,
    }


@pytest.mark.parametrize("role", [Role.SALES, Role.AUDITOR])
def test_export_needs_both_export_and_customer_view(org: Org, role: Role) -> None:
    response = _client(UserFactory(roles=[role])).get(reverse("customers:export"))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="customers.exported").exists()


def test_a_reveal_writes_no_unmasked_value_to_the_logs(
    org: Org, customer: Customer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = _client(org.sales)

    _reveal(client, customer, field="mobile", reason=f"客户来电 {MOBILE} 核实")
    _reveal(_client(org.qa), customer, field="id_number", reason="质检抽查")

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert MOBILE not in logged
    assert ID_NUMBER not in logged
