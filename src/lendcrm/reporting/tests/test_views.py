from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from lendcrm.core import clock
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.identity.models import User
from lendcrm.reporting.tests.conftest import TODAY, Org, local
from lendcrm.reporting.tests.factories import ApplicationFactory, ChannelFactory, LeadFactory

pytestmark = pytest.mark.django_db

# The figures take at most 7 queries (test_dashboard); the rest is the request itself: session,
# user, roles, security middleware, a branch-scoped user's team and branch, the session save.
MAX_QUERIES = 16


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture
def seeded(org: Org) -> Org:
    channels = [ChannelFactory(name="官网"), ChannelFactory(name="百度信息流")]
    for n, owner in enumerate([org.sales, org.sales, org.teammate, org.other_sales] * 3):
        customer = CustomerFactory(owner=owner, province=["广东省", "浙江省"][n % 2])
        LeadFactory(owner=owner, channel=channels[n % 2], created_at=local(2025, 3, 1 + n))
        ApplicationFactory(customer=customer, submitted_at=local(2025, 3, 2))
    return org


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _chart_data(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html)
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def _kpi_values(html: str) -> dict[str, str]:
    pattern = r'data-kpi="(\w+)".*?data-kpi-value>([^<]*)<'
    return {key: value.strip() for key, value in re.findall(pattern, html, flags=re.S)}


def test_the_dashboard_asks_for_a_login_first() -> None:
    response = Client().get(reverse("ui:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("ui:login"))


@pytest.mark.parametrize("who", ["admin", "sales", "reviewer", "auditor"])
def test_the_dashboard_needs_a_bounded_number_of_queries(
    seeded: Org, who: str, django_assert_max_num_queries: Any
) -> None:
    client = _client_for(getattr(seeded, who))

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("ui:home"))

    assert response.status_code == 200


def test_admin_sees_every_figure_and_the_chart_data(seeded: Org) -> None:
    html = _client_for(seeded.admin).get(reverse("ui:home")).content.decode()

    assert _kpi_values(html) == {
        "customers": "12",
        "leads": "12",
        "applications": "12",
        "approval_rate": "—",
    }
    data = _chart_data(html)
    assert data["customersByProvince"] == {"names": ["广东省", "浙江省"], "values": [6, 6]}
    assert sorted(s["name"] for s in data["leadsByChannel"]["series"]) == ["官网", "百度信息流"]
    assert data["leadsByChannel"]["weeks"][-1] == "03-10"


def test_sales_see_only_their_own_numbers(seeded: Org) -> None:
    html = _client_for(seeded.sales).get(reverse("ui:home")).content.decode()

    assert _kpi_values(html)["customers"] == "6"
    assert _chart_data(html)["customersByProvince"]["values"] == [3, 3]
    assert "数据范围：本人" in html


def test_the_dashboard_page_runs_no_inline_script(seeded: Org) -> None:
    html = _client_for(seeded.admin).get(reverse("ui:home")).content.decode()

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    assert all('src="' in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert "/static/vendor/echarts/echarts.min.js" in html
    assert "/static/ui/charts.js" in html
