from __future__ import annotations

from decimal import Decimal

import pytest

from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.identity.choices import Role
from lendcrm.integrations.payments.fake import FakePaymentGateway
from lendcrm.loans.choices import (
    CreditLineStatus,
    DrawdownStatus,
    LoanStatus,
    ProductKind,
    RepaymentMethod,
)
from lendcrm.loans.models import CreditLine, Drawdown, JournalEntry
from lendcrm.loans.services.credit_lines import (
    adjust_limit,
    adjust_price,
    freeze_line,
    unfreeze_line,
)
from lendcrm.loans.services.disbursements import disburse
from lendcrm.loans.services.drawdowns import create_single_loan, request_drawdown
from lendcrm.loans.tests.factories import START, make_customer, make_line, make_product, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]
METHOD = RepaymentMethod.EQUAL_INSTALLMENT


def managers() -> tuple[object, object]:
    return make_user(Role.ADMIN), make_user(Role.REVIEW_DIRECTOR)


def test_a_drawdown_reserves_the_limit_and_its_disbursement_books_the_principal() -> None:
    line = make_line(limit=Decimal("10000.00"))

    drawdown = request_drawdown(
        line, amount=Decimal("4000"), term=6, method=METHOD, acting_user=None, on=START
    )
    disburse(drawdown.loan, acting_user=None)

    line.refresh_from_db()
    drawdown.refresh_from_db()
    assert line.available == Decimal("6000.00")
    assert drawdown.status == DrawdownStatus.DISBURSED
    assert drawdown.loan.installments.count() == 6
    assert JournalEntry.objects.get(loan=drawdown.loan).kind == "disbursement"


def test_a_failed_disbursement_releases_the_limit() -> None:
    line = make_line(limit=Decimal("10000.00"))
    drawdown = request_drawdown(
        line, amount=Decimal("4000"), term=6, method=METHOD, acting_user=None, on=START
    )
    FakePaymentGateway.fail_next(reason="账户已冻结")

    result = disburse(drawdown.loan, acting_user=None)

    line.refresh_from_db()
    drawdown = Drawdown.objects.select_related("loan").get(pk=drawdown.pk)
    assert (result.status, result.failure_reason) == ("failed", "账户已冻结")
    assert line.available == Decimal("10000.00")
    assert (drawdown.status, drawdown.loan.status) == (DrawdownStatus.FAILED, LoanStatus.CANCELLED)
    assert not JournalEntry.objects.filter(loan=drawdown.loan).exists()


def test_a_drawdown_beyond_the_available_limit_is_refused() -> None:
    line = make_line(limit=Decimal("5000.00"))
    request_drawdown(
        line, amount=Decimal("3000"), term=6, method=METHOD, acting_user=None, on=START
    )

    with pytest.raises(Conflict):
        request_drawdown(
            line, amount=Decimal("2000.01"), term=6, method=METHOD, acting_user=None, on=START
        )


def test_terms_outside_the_product_are_refused() -> None:
    line = make_line()

    with pytest.raises(DomainError) as caught:
        request_drawdown(
            line, amount=Decimal("3000"), term=7, method=METHOD, acting_user=None, on=START
        )
    assert caught.value.problems[0].field == "term"


def test_a_frozen_line_cannot_be_drawn_until_unfrozen() -> None:
    operator, approver = managers()
    line = make_line()

    freeze_line(line, reason="贷中预警", operator=operator, approver=approver)
    with pytest.raises(Conflict):
        request_drawdown(
            line, amount=Decimal("1000"), term=6, method=METHOD, acting_user=None, on=START
        )
    unfreeze_line(line, reason="预警解除", operator=operator, approver=approver)

    assert request_drawdown(
        line, amount=Decimal("1000"), term=6, method=METHOD, acting_user=None, on=START
    )
    assert AuditEvent.objects.filter(action="loans.line_freeze").count() == 1


def test_the_approver_must_be_someone_else() -> None:
    operator, _approver = managers()
    line = make_line()

    with pytest.raises(PermissionDenied):
        freeze_line(line, reason="x", operator=operator, approver=operator)
    assert CreditLine.objects.get(pk=line.pk).status == CreditLineStatus.ACTIVE


def test_a_limit_cut_keeps_the_amount_in_use_and_refuses_to_go_below_it() -> None:
    operator, approver = managers()
    line = make_line(limit=Decimal("10000.00"))
    request_drawdown(
        line, amount=Decimal("4000"), term=6, method=METHOD, acting_user=None, on=START
    )

    adjusted = adjust_limit(
        line, new_limit=Decimal("6000"), reason="降额", operator=operator, approver=approver
    )
    assert (adjusted.limit, adjusted.available) == (Decimal("6000.00"), Decimal("2000.00"))
    with pytest.raises(DomainError):
        adjust_limit(
            line, new_limit=Decimal("3999.99"), reason="降额", operator=operator, approver=approver
        )


def test_a_price_adjustment_applies_to_later_drawdowns() -> None:
    operator, approver = managers()
    line = make_line(rate=Decimal("0.1200"))
    before = request_drawdown(
        line, amount=Decimal("1000"), term=6, method=METHOD, acting_user=None, on=START
    )

    adjust_price(
        line, new_rate=Decimal("0.0900"), reason="优质客户", operator=operator, approver=approver
    )
    after = request_drawdown(
        line, amount=Decimal("1000"), term=6, method=METHOD, acting_user=None, on=START
    )

    assert (before.loan.annual_rate, after.loan.annual_rate) == (
        Decimal("0.120000"),
        Decimal("0.090000"),
    )


def test_a_single_loan_is_created_pending_with_its_schedule() -> None:
    product = make_product(kind=ProductKind.SINGLE_LOAN)

    loan = create_single_loan(
        customer=make_customer(),
        product=product,
        amount=Decimal("6000"),
        term=6,
        method=METHOD,
        annual_rate=Decimal("0.15"),
        acting_user=None,
        start=START,
    )

    assert loan.status == LoanStatus.PENDING
    assert loan.line_id is None
    assert sum(row.principal_due for row in loan.installments.all()) == Decimal("6000.00")
