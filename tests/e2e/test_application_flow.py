"""The whole credit chain in the browser: a sales rep enters an application and uploads the ID
card (read by OCR), the pre-screen sends it to manual review, a reviewer records an opinion, a
two-level chain whose second node is a countersign (会签) approves it, the contract is generated
and signed by the lender, the customer signs it on the click-to-sign page, and the loan is
disbursed with its schedule visible on the customer's page."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.applications.tests.conftest import APPLICATION_STRATEGY
from lendcrm.approvals.choices import ApprovalLevel, NodeKind
from lendcrm.approvals.models import ApprovalChain, ApprovalNode, ApprovalRoute, ApprovalTask
from lendcrm.contracts.models import Contract
from lendcrm.customers.models import Customer
from lendcrm.customers.tests.factories import CustomerFactory
from lendcrm.decisions.tests.factories import make_published, make_strategy
from lendcrm.documents.tests.cards import CardPainter, cjk_font_path, person
from lendcrm.identity.models import User
from lendcrm.loans.choices import LoanStatus, ProductKind
from lendcrm.loans.models import Loan, Product
from lendcrm.reviews.models import ReviewTask

pytestmark = pytest.mark.e2e


def _product() -> Product:
    return Product.objects.create(
        code="E2E-CASH",
        name="薪享贷",
        kind=ProductKind.SINGLE_LOAN,
        min_amount=Decimal("1000"),
        max_amount=Decimal("200000"),
        terms=[6, 12, 24],
        min_rate=Decimal("0.0720"),
        max_rate=Decimal("0.2400"),
        repayment_methods=["equal_installment"],
    )


def _two_level_chain(product: Product) -> ApprovalChain:
    """Review supervisor (single), then the credit committee countersigning (two of them)."""
    chain = ApprovalChain.objects.create(code="e2e-two-level", name="主管单签 + 贷审会会签")
    ApprovalNode.objects.create(
        chain=chain, position=1, level=ApprovalLevel.REVIEW_SUPERVISOR, kind=NodeKind.SINGLE
    )
    ApprovalNode.objects.create(
        chain=chain,
        position=2,
        level=ApprovalLevel.COMMITTEE,
        kind=NodeKind.ALL_OF,
        approver_count=2,
    )
    ApprovalRoute.objects.create(name="E2E", priority=1, product=product, chain=chain)
    return chain


def _wait_for(read: Callable[[], Any], *, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = read()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError("timed out waiting for the server")


def _as(page: Page, login_as: Callable[..., Page], username: str) -> Page:
    page.context.clear_cookies()
    return login_as(username)


def _approve_task(page: Page, task: ApprovalTask, note: str) -> None:
    page.goto(f"/approvals/tasks/{task.pk}/")
    page.check("#approval-form input[name=action][value=approve]")
    page.fill("#approval-form [name=note]", note)
    page.click("#approval-form button[type=submit]")
    page.wait_for_load_state()
    _wait_for(lambda: ApprovalTask.objects.get(pk=task.pk).status == "approved")


def test_an_application_goes_from_intake_to_a_disbursed_loan(
    demo_users: dict[str, User],
    login_as: Callable[..., Page],
    page: Page,
    browser: Browser,
    artifact: Callable[[str], Path],
) -> None:
    font = cjk_font_path()
    if font is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    product = _product()
    _two_level_chain(product)
    analyst, checker = demo_users["risk_analyst"], demo_users["risk_analyst2"]
    make_published(
        make_strategy(analyst, code="e2e-intake"),
        APPLICATION_STRATEGY,
        maker=analyst,
        checker=checker,
    )
    applicant = person(7042, "林晓燕")
    customer: Customer = CustomerFactory(
        owner=demo_users["sales1"],
        name=applicant.name,
        id_number=applicant.id_number,
        monthly_income=Decimal("12000"),  # the strategy sends 8,000–20,000 to a reviewer
    )

    # 进件: the sales rep enters the application and uploads the ID card's front.
    login_as("sales1")
    page.goto(f"/applications/new/{customer.pk}/")
    page.select_option("#id_product", str(product.pk))
    page.fill("#id_amount", "60000")
    page.fill("#id_term", "12")
    page.select_option("#id_repayment_method", "equal_installment")
    page.fill("#id_purpose", "装修")
    page.click("#application-form button[type=submit]")
    expect(page.locator("#application-status")).to_have_attribute("data-status", "draft")
    application = Application.objects.get(customer=customer)
    page.select_option("#document-upload-form [name=kind]", "id_front")
    page.set_input_files(
        "#document-upload-form input[type=file]",
        files=[
            {
                "name": "id-front.jpg",
                "mimeType": "image/jpeg",
                "buffer": CardPainter(font).front(applicant),
            }
        ],
    )
    page.click("#document-upload-form button[type=submit]")
    panel = page.locator("[data-documents-panel]")
    expect(panel).to_contain_text(applicant.name, timeout=30_000)  # read back by OCR
    page.goto(f"/applications/{application.pk}/")
    page.click("#submit-application")
    expect(page.locator("#application-status")).to_have_attribute("data-status", "manual_review")
    expect(page.locator("[data-reason-code=INCOME_MIDDLE]")).to_be_visible()

    # 信审: the assigned reviewer opens the workspace and recommends approval.
    task = ReviewTask.objects.get(application=application)
    assert task.assignee is not None
    _as(page, login_as, task.assignee.username)
    page.goto(f"/reviews/tasks/{task.pk}/")
    expect(page.locator("#opinion-form")).to_be_visible()
    page.screenshot(path=str(artifact("application-flow-workspace.png")), full_page=True)
    page.check("#opinion-form input[name=recommendation][value=approve]")
    page.fill("#opinion-form [name=approved_amount]", "50000")
    page.fill("#opinion-form [name=approved_rate_percent]", "18")
    page.select_option("#opinion-form [name=approved_term]", "12")
    page.select_option("#opinion-form [name=approved_method]", "equal_installment")
    page.fill("#opinion-form [name=comment]", "收入稳定，负债可控，建议按5万批准")
    page.click("#opinion-submit")
    _wait_for(lambda: Application.objects.get(pk=application.pk).status == "in_approval")

    # 审批: the supervisor approves, then both committee members countersign.
    page.on("dialog", lambda dialog: dialog.accept())
    [first] = ApprovalTask.objects.filter(instance__application=application, node__position=1)
    _as(page, login_as, first.assignee.username)
    _approve_task(page, first, "同意信审意见")
    second = list(ApprovalTask.objects.filter(instance__application=application, node__position=2))
    assert len(second) == 2
    assert {t.assignee.username for t in second} == {"committee1", "committee2"}
    assert Application.objects.get(pk=application.pk).status == "in_approval"  # one is not all
    for countersign in second:
        _as(page, login_as, countersign.assignee.username)
        _approve_task(page, countersign, "同意")
    approved = Application.objects.get(pk=application.pk)
    assert approved.status == ApplicationStatus.APPROVED
    assert approved.approved_amount == Decimal("50000.00")
    assert approved.approved_rate == Decimal("0.1800")

    # 合同: generated and lender-signed on approval; the supervisor sends the customer the link.
    contract = _wait_for(
        lambda: Contract.objects.filter(application=application, status="lender_signed").first()
    )
    _as(page, login_as, "review_supervisor")
    page.goto(f"/applications/{application.pk}/")
    page.click("#contract-panel form[action$='/signing-link/'] button")
    signing_url = page.locator("[data-signing-url]").input_value()
    assert signing_url.startswith("http")

    # The customer signs on their phone (no login).
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    customer_page = phone.new_page()
    customer_page.goto(signing_url)
    customer_page.check("#agree")
    customer_page.click("#sign-submit")
    customer_page.wait_for_load_state()
    customer_page.screenshot(path=str(artifact("application-flow-signed.png")), full_page=True)
    phone.close()

    # 放款: the loan is disbursed and its schedule shows on the customer's page.
    loan = _wait_for(
        lambda: Loan.objects.filter(application=application, status=LoanStatus.ACTIVE).first()
    )
    assert loan.principal == Decimal("50000.00")
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.DISBURSED
    contract.refresh_from_db()
    assert contract.status == "customer_signed"
    _as(page, login_as, "sales1")
    page.goto(f"/customers/{customer.pk}/")
    page.get_by_role("tab", name="申请与借据").click()
    expect(page.locator(f"[data-loan-no='{loan.loan_no}']")).to_be_visible()
    page.locator(f"[data-loan-no='{loan.loan_no}'] + tr summary").click()
    schedule = page.locator(f"[data-schedule-of='{loan.loan_no}'] tbody tr")
    expect(schedule).to_have_count(12)
    expect(schedule.first).to_be_visible()
    page.wait_for_timeout(400)  # the tab's fade-in, for the screenshot only
    page.locator("#tab-accounts").screenshot(path=str(artifact("application-flow-loan.png")))
