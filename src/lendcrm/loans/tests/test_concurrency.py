"""Money under concurrency, on PostgreSQL: each thread has its own connection and transaction."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal
from typing import TypeVar

import pytest
from django.db import connection, connections

from lendcrm.core.errors import Conflict
from lendcrm.loans.choices import PaymentSource, RepaymentMethod
from lendcrm.loans.models import CreditLine, Drawdown, Loan, Payment
from lendcrm.loans.services.drawdowns import request_drawdown
from lendcrm.loans.services.ledger_verification import verify_ledger
from lendcrm.loans.services.repayments import post_payment
from lendcrm.loans.tests.factories import START, make_line, make_loan

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's"),
]
T = TypeVar("T")
OPERATIONS = 50
THREADS = 25  # the shared database allows 100 connections for everyone


def in_parallel(work: Callable[[int], T]) -> list[T]:
    def run(n: int) -> T:
        try:
            return work(n)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, range(OPERATIONS)))


def test_parallel_drawdowns_never_exceed_the_limit() -> None:
    line = make_line(limit=Decimal("10000.00"))

    def draw(_n: int) -> bool:
        try:
            request_drawdown(
                line,
                amount=Decimal("300.00"),
                term=6,
                method=RepaymentMethod.EQUAL_INSTALLMENT,
                acting_user=None,
                on=START,
            )
        except Conflict:
            return False
        return True

    results = in_parallel(draw)

    line = CreditLine.objects.get(pk=line.pk)
    assert sum(results) == 33
    assert line.available == Decimal("100.00")
    assert sum(d.amount for d in Drawdown.objects.filter(line=line)) == Decimal("9900.00")


def test_parallel_repayments_on_one_loan_lose_no_update() -> None:
    loan = make_loan(amount=Decimal("12000.00"), method=RepaymentMethod.EQUAL_PRINCIPAL)

    def repay(n: int) -> bool:
        return post_payment(
            loan,
            amount=Decimal("10.00"),
            channel="bank",
            channel_txn_id=f"P{n}",
            value_date=date(2025, 2, 15),
            source=PaymentSource.WEBHOOK,
        ).created

    results = in_parallel(repay)

    loan = Loan.objects.get(pk=loan.pk)
    assert all(results)
    assert Payment.objects.filter(loan=loan).count() == OPERATIONS
    # 500.00 in: 120.00 interest of the first installment, then 380.00 of its principal
    assert (loan.interest_balance, loan.principal_balance) == (Decimal("0.00"), Decimal("11620.00"))
    assert verify_ledger().ok


def test_the_same_notice_delivered_in_parallel_posts_once() -> None:
    loan = make_loan()

    def repay(_n: int) -> bool:
        return post_payment(
            loan,
            amount=Decimal("1120.00"),
            channel="bank",
            channel_txn_id="SAME",
            value_date=date(2025, 2, 15),
            source=PaymentSource.WEBHOOK,
        ).created

    results = in_parallel(repay)

    assert sum(results) == 1
    assert Loan.objects.get(pk=loan.pk).principal_balance == Decimal("11000.00")
