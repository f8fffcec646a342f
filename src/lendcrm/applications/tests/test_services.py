"""Intake: drafts within the product's offer, submission, and routing by the pre-screen."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lendcrm.applications import services
from lendcrm.applications.choices import ApplicationSource, ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.applications.services import ApplicationTerms
from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.customers.models import Customer
from lendcrm.identity.models import User
from lendcrm.loans.models import Product
from lendcrm.reviews.models import ReviewTask

pytestmark = pytest.mark.django_db


def _terms(product: Product, amount: str = "50000", term: int = 12) -> ApplicationTerms:
    return ApplicationTerms(product, Decimal(amount), term, "equal_installment", "装修")


def _draft(customer: Customer, product: Product, sales: User, amount: str = "50000") -> Application:
    return services.create_application(
        customer=customer, terms=_terms(product, amount), acting_user=sales
    )


def test_a_draft_takes_the_customers_scope_and_is_audited(
    customer: Customer, product: Product, sales: User
) -> None:
    application = _draft(customer, product, sales)

    assert application.status == ApplicationStatus.DRAFT
    assert (application.owner_id, application.team_id) == (sales.pk, sales.team_id)
    assert application.created_by == sales
    assert application.application_no.startswith("A")
    assert AuditEvent.objects.filter(action="applications.created").count() == 1


@pytest.mark.parametrize(
    ("amount", "term", "method", "field"),
    [
        ("500", 12, "equal_installment", "amount"),
        ("900000", 12, "equal_installment", "amount"),
        ("50000", 7, "equal_installment", "term"),
        ("50000", 12, "bullet", "repayment_method"),
    ],
)
def test_terms_outside_the_products_offer_are_refused_naming_the_field(
    customer: Customer,
    product: Product,
    sales: User,
    amount: str,
    term: int,
    method: str,
    field: str,
) -> None:
    terms = ApplicationTerms(product, Decimal(amount), term, method)

    with pytest.raises(DomainError) as caught:
        services.create_application(customer=customer, terms=terms, acting_user=sales)

    assert [p.field for p in caught.value.problems] == [field]
    assert not Application.objects.exists()


def test_missing_profile_facts_are_filled_but_never_overwritten(
    customer: Customer, product: Product, sales: User
) -> None:
    customer.employer = ""
    customer.save()

    services.create_application(
        customer=customer,
        terms=_terms(product),
        acting_user=sales,
        profile={"employer": "示例科技有限公司", "monthly_income": Decimal("1")},
    )

    customer.refresh_from_db()
    assert customer.employer == "示例科技有限公司"
    assert customer.monthly_income == Decimal("30000")  # the profile already had it


@pytest.mark.usefixtures("live_strategy")
def test_a_strong_applicant_is_approved_capped_at_the_limit_and_priced_by_tier(
    customer: Customer, product: Product, sales: User
) -> None:
    application = _draft(customer, product, sales, amount="200000")

    outcome = services.submit_application(application, acting_user=sales)

    application.refresh_from_db()
    assert outcome.route == ApplicationStatus.APPROVED
    assert application.status == ApplicationStatus.APPROVED
    assert application.approved_amount == Decimal("200000.00")  # limit 240,000 is higher
    assert application.approved_rate == product.min_rate  # tier A: the bottom of the range
    assert (application.approved_term, application.risk_grade) == (12, "A")
    assert application.submitted_at is not None
    assert application.decided_at is not None
    assert outcome.decision_id is not None


@pytest.mark.usefixtures("live_strategy")
def test_a_middle_applicant_goes_to_manual_review_with_a_review_task(
    customer: Customer, product: Product, sales: User
) -> None:
    customer.monthly_income = Decimal("9000")
    customer.save()
    application = _draft(customer, product, sales)

    outcome = services.submit_application(application, acting_user=sales)

    application.refresh_from_db()
    assert application.status == ApplicationStatus.MANUAL_REVIEW
    assert "INCOME_MIDDLE" in outcome.reason_codes
    assert ReviewTask.objects.filter(application=application).count() == 1
    assert application.risk_grade == "B"  # the matrix row's tier routes the approval chain
    assert "审核" in outcome.customer_message


@pytest.mark.usefixtures("live_strategy")
def test_a_declined_applicant_sees_no_reasons_but_staff_do(
    customer: Customer, product: Product, sales: User
) -> None:
    customer.monthly_income = Decimal("4000")
    customer.save()
    application = _draft(customer, product, sales)

    outcome = services.submit_application(application, acting_user=sales)

    assert outcome.route == ApplicationStatus.DECLINED
    assert "INCOME_TOO_LOW" in outcome.reason_codes
    assert "INCOME" not in outcome.customer_message
    event = AuditEvent.objects.get(action="applications.routed")
    assert event.metadata["route"] == "declined"


def test_without_a_live_strategy_the_application_waits_for_a_reviewer(
    customer: Customer, product: Product, sales: User
) -> None:
    application = _draft(customer, product, sales)

    outcome = services.submit_application(application, acting_user=sales)

    assert outcome.route == ApplicationStatus.MANUAL_REVIEW
    assert outcome.reason_codes == [services.NO_STRATEGY]


@pytest.mark.usefixtures("live_strategy")
def test_a_submitted_application_cannot_be_submitted_or_changed_again(
    customer: Customer, product: Product, sales: User
) -> None:
    application = _draft(customer, product, sales)
    services.submit_application(application, acting_user=sales)

    with pytest.raises(Conflict):
        services.submit_application(application, acting_user=sales)
    with pytest.raises(Conflict):
        services.update_application(application, terms=_terms(product), acting_user=sales)


def test_a_draft_is_cancelled_only_with_a_reason(
    customer: Customer, product: Product, sales: User
) -> None:
    application = _draft(customer, product, sales)

    with pytest.raises(DomainError) as caught:
        services.cancel_application(application, acting_user=sales, reason=" ")
    assert caught.value.problems[0].field == "reason"

    services.cancel_application(application, acting_user=sales, reason="客户放弃")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CANCELLED


def test_an_h5_application_records_its_source(customer: Customer, product: Product) -> None:
    application = services.create_application(
        customer=customer, terms=_terms(product), acting_user=None, source=ApplicationSource.H5
    )

    assert application.source == ApplicationSource.H5
    assert application.created_by is None
    assert application.owner_id == customer.owner_id
