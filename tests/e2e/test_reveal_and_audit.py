"""Journey: a sales user sees masked identifiers, reveals one with a reason, and the auditor
then finds that reveal in the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from lendcrm.core.masking import mask_mobile
from lendcrm.customers.models import Customer
from lendcrm.demo.services import SeedResult
from lendcrm.identity.models import User

pytestmark = pytest.mark.e2e

REASON = "电话核实客户身份"


def test_sales_reveal_is_found_by_the_auditor(
    seeded_demo: SeedResult, login_as: Callable[..., Page], page: Page, artifact: Callable
) -> None:
    sales1 = User.objects.get(username="sales1")
    customer = Customer.objects.filter(owner=sales1).order_by("pk").first()
    assert customer is not None

    login_as("sales1")
    page.goto(f"/customers/{customer.pk}/")
    mobile = page.locator("#field-mobile [data-field-value=mobile]")
    expect(mobile).to_have_text(mask_mobile(customer.mobile))
    assert customer.mobile not in page.content()

    page.locator("#field-mobile summary").click()
    page.fill("#reason-mobile", REASON)
    page.locator("#field-mobile button[type=submit]").click()
    expect(page.locator("#field-mobile [data-field-value=mobile]")).to_have_text(customer.mobile)
    page.screenshot(path=str(artifact("reveal-sales1.png")))

    page.context.clear_cookies()

    login_as("auditor")
    page.goto("/audit/?action=customer.revealed")
    row = page.locator("#audit-events tbody tr").first
    expect(row).to_contain_text("sales1")
    expect(row).to_contain_text("customer.revealed")
    expect(row).to_contain_text(str(customer.pk))
    row.locator("a").first.click()
    expect(page.locator("main")).to_contain_text(REASON)
    expect(page.locator("main")).to_contain_text("mobile")
    assert customer.mobile not in page.content()
    page.screenshot(path=str(artifact("reveal-audit-auditor.png")))
