from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lendcrm.audit.models import AuditEvent
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.loans.choices import (
    Account,
    InstallmentStatus,
    LoanStatus,
    PaymentSource,
    PostingStatus,
    RepaymentMethod,
)
from lendcrm.loans.models import CreditLine, Installment, Loan, Payment
from lendcrm.loans.schedules import PrepaymentMode
from lendcrm.loans.services.end_of_day import run_end_of_day
from lendcrm.loans.services.ledger import journal_balances
from lendcrm.loans.services.ledger_verification import verify_ledger
from lendcrm.loans.services.repayments import post_payment
from lendcrm.loans.services.reversals import reverse_payment
from lendcrm.loans.tests.factories import make_loan, make_product

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]
FIRST_DUE = date(2025, 2, 15)


def pay(loan: Loan, amount: str, on: date, txn: str, *, prepay: bool = False) -> Payment:
    result = post_payment(
        loan,
        amount=Decimal(amount),
        channel="manual",
        channel_txn_id=txn,
        value_date=on,
        source=PaymentSource.MANUAL,
        prepay=prepay,
    )
    return result.payment


def installment(loan: Loan, period: int) -> Installment:
    return Installment.objects.get(loan=loan, period=period)


def test_a_drawn_loan_books_its_principal_and_first_installment_figures() -> None:
    loan = make_loan()

    first = installment(loan, 1)
    assert (first.due_date, first.principal_due, first.interest_due) == (
        FIRST_DUE,
        Decimal("1000.00"),
        Decimal("120.00"),
    )
    assert loan.status == LoanStatus.ACTIVE
    assert journal_balances(loan.pk)[Account.PRINCIPAL_RECEIVABLE] == Decimal("12000.00")
    assert loan.penalty_rate == Decimal("0.180000")


def test_paying_the_installment_on_its_due_date_settles_it() -> None:
    loan = make_loan()

    pay(loan, "1120.00", FIRST_DUE, "t1")

    loan.refresh_from_db()
    assert installment(loan, 1).status == InstallmentStatus.PAID
    assert (loan.principal_balance, loan.interest_balance) == (Decimal("11000.00"), Decimal("0"))
    assert journal_balances(loan.pk)[Account.PRINCIPAL_RECEIVABLE] == Decimal("11000.00")
    assert verify_ledger().ok


def test_a_partial_payment_goes_to_interest_before_principal() -> None:
    loan = make_loan()

    payment = pay(loan, "500.00", FIRST_DUE, "t1")

    first = installment(loan, 1)
    assert (first.interest_paid, first.principal_paid) == (Decimal("120.00"), Decimal("380.00"))
    assert first.status == InstallmentStatus.DUE
    assert payment.allocation["unapplied"] == "0.00"
    assert verify_ledger().ok


def test_an_overpayment_waits_as_credit_and_settles_the_next_due() -> None:
    loan = make_loan()
    pay(loan, "1500.00", FIRST_DUE, "t1")
    loan.refresh_from_db()
    assert loan.credit_balance == Decimal("380.00")

    run_end_of_day(date(2025, 3, 15))

    loan.refresh_from_db()
    second = installment(loan, 2)
    assert (second.interest_paid, second.principal_paid) == (Decimal("110.00"), Decimal("270.00"))
    assert loan.credit_balance == Decimal("0.00")
    assert journal_balances(loan.pk)[Account.SUSPENSE] == Decimal("0.00")
    assert verify_ledger().ok


def test_a_late_payment_pays_the_penalty_first_and_cures_the_loan() -> None:
    loan = make_loan()
    run_end_of_day(date(2025, 2, 16))
    loan.refresh_from_db()
    assert (loan.status, loan.dpd, loan.bucket) == (LoanStatus.OVERDUE, 1, "M1")
    assert loan.penalty_balance == Decimal("0.49")  # 1000 × 0.18 / 365

    pay(loan, "1120.49", date(2025, 2, 16), "t1")

    loan.refresh_from_db()
    assert (loan.status, loan.dpd, loan.bucket) == (LoanStatus.ACTIVE, 0, "M0")
    assert installment(loan, 1).penalty_paid == Decimal("0.49")
    assert verify_ledger().ok


def test_the_same_channel_transaction_posts_once() -> None:
    loan = make_loan()

    first = pay(loan, "1120.00", FIRST_DUE, "dup")
    again = pay(loan, "1120.00", FIRST_DUE, "dup")

    loan.refresh_from_db()
    assert first.pk == again.pk
    assert loan.principal_balance == Decimal("11000.00")


def test_prepayment_shortens_the_term_keeping_the_principal_part() -> None:
    product = make_product(prepayment_mode=PrepaymentMode.KEEP_INSTALLMENT)
    loan = make_loan(product=product)

    pay(loan, "6120.00", FIRST_DUE, "t1", prepay=True)

    loan.refresh_from_db()
    future = list(Installment.objects.filter(loan=loan, status=InstallmentStatus.SCHEDULED))
    assert loan.principal_balance == Decimal("6000.00")
    assert [row.period for row in future] == [2, 3, 4, 5, 6, 7]
    assert {row.principal_due for row in future} == {Decimal("1000.00")}
    assert future[0].interest_due == Decimal("60.00")
    assert verify_ledger().ok


def test_prepayment_lowers_the_installment_when_the_product_says_so() -> None:
    product = make_product(prepayment_mode=PrepaymentMode.KEEP_TERM)
    loan = make_loan(product=product)

    pay(loan, "6620.00", FIRST_DUE, "t1", prepay=True)

    future = list(Installment.objects.filter(loan=loan, status=InstallmentStatus.SCHEDULED))
    assert len(future) == 11
    assert sum(row.principal_due for row in future) == Decimal("5500.00")
    assert verify_ledger().ok


def test_prepayment_charges_the_product_fee() -> None:
    product = make_product(prepayment_fee_rate=Decimal("0.02"))
    loan = make_loan(product=product)

    payment = pay(loan, "1120.00", FIRST_DUE, "t0")
    payment = pay(loan, "1020.00", FIRST_DUE, "t1", prepay=True)

    assert payment.allocation["prepayment"]["principal"] == "1000.00"
    assert payment.allocation["prepayment"]["fee"] == "20.00"
    assert journal_balances(loan.pk)[Account.FEE_INCOME] == Decimal("-20.00")
    assert verify_ledger().ok


def test_paying_everything_early_pays_the_loan_off() -> None:
    loan = make_loan(method=RepaymentMethod.EQUAL_INSTALLMENT)

    pay(loan, "12000.00", date(2025, 1, 15), "all", prepay=True)

    loan.refresh_from_db()
    assert loan.status == LoanStatus.PAID_OFF
    assert loan.principal_balance == Decimal("0.00")
    assert verify_ledger().ok


def test_reversal_restores_what_the_payment_settled() -> None:
    loan = make_loan()
    payment = pay(loan, "1120.00", FIRST_DUE, "t1")

    reverse_payment(payment, reason="bank recalled the transfer", acting_user=None)

    loan.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PostingStatus.REVERSED
    assert installment(loan, 1).status == InstallmentStatus.DUE
    assert (loan.principal_balance, loan.interest_balance) == (
        Decimal("12000.00"),
        Decimal("120.00"),
    )
    assert AuditEvent.objects.filter(action="loans.payment_reversed").count() == 1
    assert verify_ledger().ok


def test_reversal_of_a_prepayment_restores_the_schedule() -> None:
    loan = make_loan()
    before = list(Installment.objects.filter(loan=loan).values_list("period", "principal_due"))
    payment = pay(loan, "6120.00", FIRST_DUE, "t1", prepay=True)

    reverse_payment(payment, reason="wrong loan", acting_user=None)

    loan.refresh_from_db()
    after = list(Installment.objects.filter(loan=loan).values_list("period", "principal_due"))
    assert after == before
    assert loan.prepayments == []
    assert verify_ledger().ok


def test_only_the_latest_payment_can_be_reversed() -> None:
    loan = make_loan()
    first = pay(loan, "100.00", FIRST_DUE, "t1")
    pay(loan, "100.00", FIRST_DUE, "t2")

    with pytest.raises(Conflict):
        reverse_payment(first, reason="mistake", acting_user=None)


def test_repaid_principal_returns_to_a_revolving_line() -> None:
    loan = make_loan()
    line = CreditLine.objects.get(pk=loan.line_id)
    assert line.available == Decimal("38000.00")

    pay(loan, "1120.00", FIRST_DUE, "t1")

    line.refresh_from_db()
    assert line.available == Decimal("39000.00")


def test_a_prepayment_cannot_be_reversed_once_its_new_schedule_fell_due() -> None:
    loan = make_loan()
    payment = pay(loan, "6120.00", FIRST_DUE, "t1", prepay=True)
    run_end_of_day(date(2025, 3, 15))

    with pytest.raises(Conflict):
        reverse_payment(payment, reason="too late", acting_user=None)
    assert verify_ledger().ok


def test_a_value_date_in_the_future_is_refused() -> None:
    loan = make_loan()

    with pytest.raises(DomainError) as refused:
        pay(loan, "100.00", date(2099, 1, 1), "future")

    assert refused.value.problems[0].field == "value_date"
    assert not Payment.objects.filter(loan=loan).exists()
