from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.identity.roles import forget_roles, roles_of
from lendcrm.reporting.dashboard import Change, approval_rate, build_dashboard
from lendcrm.reporting.queries import PeriodCount
from lendcrm.reporting.tests.conftest import TODAY, Org, local
from lendcrm.reporting.tests.factories import ApplicationFactory, LeadFactory


def test_approval_rate_rounds_half_up_to_one_decimal() -> None:
    assert approval_rate(1, 2) == Decimal("33.3")
    assert approval_rate(2, 1) == Decimal("66.7")
    assert approval_rate(1, 7) == Decimal("12.5")
    assert approval_rate(0, 0) is None


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_approval_rate_stays_between_0_and_100(approved: int, declined: int) -> None:
    rate = approval_rate(approved, declined)

    assert rate is not None
    assert Decimal(0) <= rate <= Decimal(100)
    assert rate == approval_rate(approved * 3, declined * 3)


def test_change_is_measured_against_the_previous_period() -> None:
    assert Change.between(PeriodCount(current=15, previous=10)) == Change(Decimal("50.0"), "up")
    assert Change.between(PeriodCount(current=2, previous=3)) == Change(Decimal("33.3"), "down")
    assert Change.between(PeriodCount(current=4, previous=4)) == Change(Decimal("0.0"), "flat")
    assert Change.between(PeriodCount(current=9, previous=0)) is None


@pytest.mark.django_db
def test_sales_see_their_own_figures_and_every_panel_they_may_open(org: Org) -> None:
    CustomerFactory.create_batch(2, owner=org.sales)
    CustomerFactory(owner=org.other_sales)
    LeadFactory(owner=org.sales, created_at=local(2025, 3, 1))
    ApplicationFactory(customer=CustomerFactory(owner=org.sales), submitted_at=local(2025, 3, 1))

    with translation.override("zh-hans"):
        board = build_dashboard(org.sales, today=TODAY)

    values = {kpi.key: kpi.value for kpi in board.kpis}
    assert values == {"customers": "3", "leads": "1", "applications": "1", "approval_rate": "—"}
    assert set(board.charts) == {
        "customersByProvince",
        "leadsByChannel",
        "leadFunnel",
        "applicationStatus",
        "labels",
    }
    assert board.scope_label == "本人"


@pytest.mark.django_db
def test_a_user_with_reports_view_sees_aggregates_without_record_capabilities(org: Org) -> None:
    CustomerFactory(owner=org.sales)

    board = build_dashboard(org.auditor, today=TODAY)

    assert [kpi.key for kpi in board.kpis] == [
        "customers",
        "leads",
        "applications",
        "approval_rate",
    ]
    assert board.kpis[0].value == "1"


@pytest.mark.django_db
def test_a_user_without_any_role_gets_an_empty_dashboard(org: Org) -> None:
    org.sales.groups.clear()
    forget_roles(org.sales)

    board = build_dashboard(org.sales, today=TODAY)

    assert board.is_empty
    assert board.charts == {}


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "queries"), [("admin", 7), ("sales", 7), ("reviewer", 4)])
def test_the_figures_take_one_query_each_whatever_the_data(
    org: Org, who: str, queries: int, django_assert_num_queries: Any
) -> None:
    user = getattr(org, who)
    for owner in (org.sales, org.teammate, org.other_sales):
        ApplicationFactory(customer=CustomerFactory(owner=owner), submitted_at=local(2025, 3, 1))
        LeadFactory(owner=owner, created_at=local(2025, 3, 2))
    roles_of(user)

    with django_assert_num_queries(queries):
        build_dashboard(user, today=TODAY)
