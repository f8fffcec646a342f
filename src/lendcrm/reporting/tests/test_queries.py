from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.leads.choices import LeadStatus
from lendcrm.reporting import queries
from lendcrm.reporting.queries import Window
from lendcrm.reporting.tests.conftest import TODAY, Org, local
from lendcrm.reporting.tests.factories import ApplicationFactory, ChannelFactory, LeadFactory

pytestmark = pytest.mark.django_db

RECENT = Window.of_days(TODAY, 30)  # 2025-02-11 00:00 up to 2025-03-13 00:00, Shanghai time


def test_window_runs_to_the_end_of_today_in_local_time() -> None:
    assert RECENT.end == local(2025, 3, 13, 0)
    assert RECENT.start == local(2025, 2, 11, 0)
    assert RECENT.previous_start == local(2025, 1, 12, 0)


def test_customers_are_counted_within_the_users_scope(org: Org) -> None:
    CustomerFactory.create_batch(2, owner=org.sales)
    CustomerFactory(owner=org.teammate)
    CustomerFactory(owner=org.other_sales)

    assert queries.count_customers(org.sales, window=RECENT).total == 2
    assert queries.count_customers(org.reviewer, window=RECENT).total == 3  # branch A
    assert queries.count_customers(org.admin, window=RECENT).total == 4


def test_leads_are_split_into_the_window_and_the_one_before(org: Org) -> None:
    LeadFactory(owner=org.sales, created_at=local(2025, 3, 12, 23, 59))
    LeadFactory(owner=org.sales, created_at=local(2025, 2, 11, 0, 0))
    LeadFactory(owner=org.sales, created_at=local(2025, 2, 10, 23, 59))
    LeadFactory(owner=org.sales, created_at=local(2025, 1, 11, 23, 59))  # before both
    LeadFactory(owner=org.other_sales, created_at=local(2025, 3, 1))

    mine = queries.count_leads(org.sales, window=RECENT)
    everyone = queries.count_leads(org.admin, window=RECENT)

    assert (mine.current, mine.previous) == (2, 1)
    assert (everyone.current, everyone.previous) == (3, 1)


def test_application_figures_sum_money_exactly_and_count_decisions(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    recent = local(2025, 3, 1)
    ApplicationFactory(customer=customer, submitted_at=recent, amount=Decimal("10000.10"))
    ApplicationFactory(customer=customer, submitted_at=recent, amount=Decimal("0.20"))
    ApplicationFactory(customer=customer, submitted_at=local(2025, 1, 20))
    ApplicationFactory(
        customer=customer, status=ApplicationStatus.APPROVED, decided_at=local(2025, 1, 2)
    )
    ApplicationFactory(
        customer=customer, status=ApplicationStatus.DISBURSED, decided_at=local(2025, 3, 2)
    )
    ApplicationFactory(
        customer=customer, status=ApplicationStatus.DECLINED, decided_at=local(2024, 11, 1)
    )
    ApplicationFactory(customer=CustomerFactory(owner=org.other_sales), submitted_at=recent)

    counts = queries.count_applications(
        org.sales, submitted_window=RECENT, decided_window=Window.of_days(TODAY, 90)
    )

    assert (counts.submitted.current, counts.submitted.previous) == (2, 1)
    assert counts.submitted_amount == Decimal("10000.30")
    assert (counts.approved, counts.declined) == (2, 0)


def test_application_amount_is_zero_when_nothing_was_submitted(org: Org) -> None:
    counts = queries.count_applications(org.sales, submitted_window=RECENT, decided_window=RECENT)

    assert counts.submitted_amount == Decimal("0.00")
    assert counts.submitted.current == 0


def test_week_starts_are_the_last_mondays_oldest_first() -> None:
    assert queries.week_starts(TODAY, 3) == [date(2025, 2, 24), date(2025, 3, 3), date(2025, 3, 10)]


def test_leads_per_week_use_local_weeks_and_every_channel(org: Org) -> None:
    web, app = ChannelFactory(name="官网"), ChannelFactory(name="APP")
    # 00:30 on Monday in Shanghai is still Sunday in UTC: it belongs to the new week.
    LeadFactory(owner=org.sales, channel=web, created_at=local(2025, 3, 10, 0, 30))
    LeadFactory(owner=org.sales, channel=web, created_at=local(2025, 3, 9, 23, 30))
    LeadFactory(owner=org.sales, channel=app, created_at=local(2025, 3, 12))
    LeadFactory(owner=org.sales, channel=app, created_at=local(2025, 3, 11))
    LeadFactory(owner=org.sales, channel=app, created_at=local(2025, 2, 1))  # too old
    LeadFactory(owner=org.other_sales, channel=web, created_at=local(2025, 3, 11))

    weekly = queries.leads_by_channel_per_week(org.sales, today=TODAY, weeks=2)

    assert weekly.weeks == [date(2025, 3, 3), date(2025, 3, 10)]
    assert weekly.series == [("APP", [0, 2]), ("官网", [1, 1])]


def test_application_status_mix_follows_the_status_order_and_skips_empty_ones(org: Org) -> None:
    customer = CustomerFactory(owner=org.sales)
    ApplicationFactory.create_batch(2, customer=customer, status=ApplicationStatus.DECLINED)
    ApplicationFactory(customer=customer, status=ApplicationStatus.SUBMITTED)
    ApplicationFactory(customer=CustomerFactory(owner=org.other_sales))

    assert queries.applications_by_status(org.sales) == [
        (ApplicationStatus.SUBMITTED, 1),
        (ApplicationStatus.DECLINED, 2),
    ]


def test_the_funnel_counts_leads_at_every_stage_they_passed(org: Org) -> None:
    for status in (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.REJECTED, LeadStatus.DISBURSED):
        LeadFactory(owner=org.sales, status=status)
    LeadFactory(owner=org.sales, status=LeadStatus.INVALID)

    reached = dict(queries.leads_by_stage(org.sales))

    assert reached == {
        LeadStatus.NEW: 4,
        LeadStatus.CONTACTED: 3,
        LeadStatus.INTERESTED: 2,
        LeadStatus.PREPARING: 2,
        LeadStatus.APPLIED: 2,
        LeadStatus.DISBURSED: 1,
    }


def test_provinces_are_ranked_by_customer_count(org: Org) -> None:
    CustomerFactory.create_batch(3, owner=org.sales, province="广东省")
    CustomerFactory(owner=org.sales, province="浙江省")
    CustomerFactory.create_batch(2, owner=org.sales, province="北京市")
    CustomerFactory.create_batch(5, owner=org.other_sales, province="四川省")

    assert queries.customers_by_province(org.sales, top=2) == [("广东省", 3), ("北京市", 2)]
    assert queries.customers_by_province(org.admin, top=1) == [("四川省", 5)]
