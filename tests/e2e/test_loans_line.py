"""A customer's credit line in the browser: drawdowns, schedule, payments and journal, and a
manual repayment (HTMX) that updates them in place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from lendcrm.identity.models import User
from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.models import Loan
from lendcrm.loans.services.end_of_day import run_end_of_day
from lendcrm.loans.tests.factories import make_customer, make_loan

pytestmark = pytest.mark.e2e


def test_a_manual_repayment_updates_the_line_page(
    demo_users: dict[str, User], login_as: Callable[..., Page]
) -> None:
    admin = demo_users["admin"]
    loan = make_loan(
        amount=Decimal("12000.00"),
        method=RepaymentMethod.EQUAL_PRINCIPAL,
        customer=make_customer(owner=admin, team=admin.team),
    )
    run_end_of_day(date(2025, 2, 16))  # the first installment is one day overdue
    page = login_as("admin")

    page.goto("/loans/")
    page.get_by_role("link", name=loan.line.line_no).click()  # type: ignore[union-attr]
    panel = page.locator(f"#loan-{loan.pk}")
    expect(page.locator("#drawdown-table")).to_contain_text(loan.loan_no)
    expect(panel.locator(".schedule-table tbody tr")).to_have_count(12)
    expect(panel.get_by_test_id("balance-principal")).to_have_text("12000.00")
    expect(panel.get_by_test_id("balance-penalty")).to_have_text("0.49")
    expect(panel.get_by_test_id("loan-status")).to_have_text("逾期")
    expect(panel.locator(".journal-table")).to_contain_text("放款")

    panel.get_by_label("还款金额").fill("1120.49")
    panel.get_by_label("入账日").fill("2025-02-16")
    panel.get_by_label("银行/柜台流水号").fill("柜台-2025-0216")
    panel.get_by_role("button", name="入账").click()

    panel = page.locator(f"#loan-{loan.pk}")
    expect(panel.get_by_role("status")).to_have_text("已入账")
    expect(panel.get_by_test_id("balance-principal")).to_have_text("11000.00")
    expect(panel.get_by_test_id("balance-penalty")).to_have_text("0.00")
    expect(panel.get_by_test_id("loan-status")).to_have_text("正常")
    expect(panel.locator(".payment-table")).to_contain_text("柜台-2025-0216")
    expect(panel.locator(".journal-table")).to_contain_text("还款")
    expect(panel.locator('.schedule-table tr[data-period="1"]')).to_contain_text("已结清")
    assert Loan.objects.get(pk=loan.pk).principal_balance == Decimal("11000.00")
