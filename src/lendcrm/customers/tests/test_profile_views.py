"""The 360 page, tag HTMX actions, tag filters in list and API, timeline pages and API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from lendcrm.audit.models import AuditEvent
from lendcrm.customers.models import TagAssignment
from lendcrm.customers.tags import apply_tag
from lendcrm.customers.tests.conftest import Org
from lendcrm.customers.tests.factories import CustomerFactory, LeadFactory, TagFactory
from lendcrm.customers.timeline import record_interaction
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: User, path: str) -> Any:
    token = issue_api_token(user).plaintext
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_sales_rep_adds_a_tag_with_htmx_and_it_is_audited(org: Org) -> None:
    TagFactory(name="优质客户")
    customer = CustomerFactory(owner=org.sales)
    url = reverse("customers:tag_add", args=[customer.pk])

    response = _client(org.sales).post(url, {"tag": "优质客户"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="customer-tags"' in html
    assert "优质客户" in html
    assert TagAssignment.objects.get(customer=customer).assigned_by == org.sales
    assert AuditEvent.objects.filter(action="customer.tag_added", actor=org.sales).exists()


def test_a_sales_rep_removes_a_tag_with_htmx(org: Org) -> None:
    TagFactory(name="优质客户")
    customer = CustomerFactory(owner=org.sales)
    apply_tag(name="优质客户", customer=customer, acting_user=org.sales)
    url = reverse("customers:tag_remove", args=[customer.pk])

    response = _client(org.sales).post(url, {"tag": "优质客户"}, **HTMX)

    assert response.status_code == 200
    assert TagAssignment.objects.get(customer=customer).removed_by == org.sales


def test_qa_may_not_tag_through_the_page(org: Org) -> None:
    TagFactory(name="优质客户")
    customer = CustomerFactory(owner=org.sales)
    url = reverse("customers:tag_add", args=[customer.pk])

    response = _client(org.qa).post(url, {"tag": "优质客户"}, **HTMX)

    assert response.status_code == 403
    assert not TagAssignment.objects.exists()


def test_tagging_another_teams_customer_is_not_found(org: Org) -> None:
    TagFactory(name="优质客户")
    customer = CustomerFactory(owner=org.other_team_sales)
    url = reverse("customers:tag_add", args=[customer.pk])

    assert _client(org.sales).post(url, {"tag": "优质客户"}, **HTMX).status_code == 404
    assert not TagAssignment.objects.exists()


def test_the_list_filters_by_tag_and_shows_counts(org: Org) -> None:
    TagFactory(name="优质客户")
    tagged = CustomerFactory(owner=org.sales, name="甲客户")
    CustomerFactory(owner=org.sales, name="乙客户")
    apply_tag(name="优质客户", customer=tagged, acting_user=org.sales)

    html = _client(org.sales).get(reverse("customers:list"), {"tag": "优质客户"}).content.decode()

    assert "甲客户" in html
    assert "乙客户" not in html
    assert "优质客户（1）" in html


def test_the_api_filters_by_tag_and_lists_tags(org: Org) -> None:
    TagFactory(name="风险关注")
    tagged = CustomerFactory(owner=org.sales)
    CustomerFactory(owner=org.sales)
    apply_tag(name="风险关注", customer=tagged, acting_user=org.sales)

    page = _api(org.sales, "/api/v1/customers?tag=风险关注").json()
    counts = _api(org.sales, "/api/v1/customers/tags").json()

    assert [item["id"] for item in page["items"]] == [tagged.pk]
    assert page["items"][0]["tags"] == ["风险关注"]
    assert {c["name"]: c["count"] for c in counts}["风险关注"] == 1


def test_tag_counts_cover_only_the_callers_scope(org: Org) -> None:
    TagFactory(name="风险关注")
    for owner in (org.sales, org.other_branch_sales, org.other_branch_sales):
        apply_tag(name="风险关注", customer=CustomerFactory(owner=owner), acting_user=org.admin)

    mine = {c["name"]: c["count"] for c in _api(org.sales, "/api/v1/customers/tags").json()}
    everyone = {c["name"]: c["count"] for c in _api(org.admin, "/api/v1/customers/tags").json()}

    assert (mine["风险关注"], everyone["风险关注"]) == (1, 3)


def test_an_unknown_tag_filter_finds_nothing(org: Org) -> None:
    CustomerFactory(owner=org.sales)
    assert _api(org.sales, "/api/v1/customers?tag=不存在").json()["items"] == []


def test_the_360_page_shows_every_section(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    record_interaction(kind="note", summary="到店面谈", customer=customer)

    html = _client(org.sales).get(reverse("customers:detail", args=[customer.pk])).content.decode()

    for anchor in ("tab-profile", "tab-contacts", "tab-financials", "tab-credit", "tab-tags",
                   "tab-timeline", "tab-accounts"):  # fmt: skip
        assert f'id="{anchor}"' in html
    assert "到店面谈" in html


def test_the_timeline_page_is_not_found_for_another_team(org: Org) -> None:
    customer = CustomerFactory(owner=org.other_team_sales)
    record_interaction(kind="note", summary="内部备注", customer=customer)
    url = reverse("customers:timeline", args=[customer.pk])

    assert _client(org.sales).get(url).status_code == 404
    assert _api(org.sales, f"/api/v1/customers/{customer.pk}/timeline").status_code == 404


def test_the_timeline_api_pages_newest_first(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    for n in range(3):
        record_interaction(kind="note", summary=f"n{n}", customer=customer)

    first = _api(org.sales, f"/api/v1/customers/{customer.pk}/timeline?limit=2").json()
    rest = _api(
        org.sales, f"/api/v1/customers/{customer.pk}/timeline?limit=2&cursor={first['next_cursor']}"
    ).json()

    assert [i["summary"] for i in first["items"]] == ["n2", "n1"]
    assert [i["summary"] for i in rest["items"]] == ["n0"]
    assert rest["next_cursor"] is None


def test_the_timeline_page_loads_more_with_htmx(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    for n in range(25):
        record_interaction(kind="note", summary=f"事件{n:02d}", customer=customer)
    client = _client(org.sales)

    first = client.get(reverse("customers:timeline", args=[customer.pk])).content.decode()
    assert "事件24" in first
    assert "事件05" in first
    assert "事件04" not in first
    found = re.search(r'href="([^"]+)" rel="next"', first)
    assert found is not None
    more = found.group(1).replace("&amp;", "&")
    second = client.get(more, **HTMX).content.decode()
    assert "事件04" in second
    assert "事件00" in second
    assert "事件05" not in second


def test_the_lead_timeline_page_and_its_scope(org: Org) -> None:
    lead = LeadFactory(owner=org.sales)
    record_interaction(kind="call", summary="首呼已接通", lead=lead)
    url = reverse("customers:lead_timeline", args=[lead.pk])

    assert "首呼已接通" in _client(org.sales).get(url).content.decode()
    assert _client(org.other_branch_sales).get(url).status_code == 404
