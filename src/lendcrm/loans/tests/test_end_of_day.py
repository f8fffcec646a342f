from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from lendcrm.loans.choices import EodRunStatus, InstallmentStatus, LoanStatus, RepaymentMethod
from lendcrm.loans.models import EodRun, Installment, JournalLine, Loan
from lendcrm.loans.services import end_of_day
from lendcrm.loans.services.end_of_day import run_end_of_day
from lendcrm.loans.services.ledger_verification import verify_ledger
from lendcrm.loans.tests.factories import make_loan, make_product
from lendcrm.loans.tests.test_repayments import pay

pytestmark = pytest.mark.django_db
Snapshot = tuple[list[Any], list[Any], list[Any]]


def portfolio() -> None:
    """Loans on time, late, overpaid and in grace, with different methods."""
    grace = make_product(grace_days=3)
    on_time = make_loan()
    late = make_loan(method=RepaymentMethod.EQUAL_INSTALLMENT, amount=Decimal("30000.00"))
    overpaid = make_loan(method=RepaymentMethod.INTEREST_FIRST, term=6)
    make_loan(product=grace, amount=Decimal("5000.00"), term=3)
    make_loan(method=RepaymentMethod.BULLET, term=3, amount=Decimal("8000.00"))
    pay(on_time, "1120.00", date(2025, 2, 15), "a1")
    pay(late, "500.00", date(2025, 2, 20), "b1")
    pay(overpaid, "300.00", date(2025, 2, 15), "c1")


def snapshot() -> Snapshot:
    loans = list(
        Loan.objects.order_by("pk").values_list(
            "pk",
            "status",
            "dpd",
            "bucket",
            "principal_balance",
            "interest_balance",
            "penalty_balance",
            "fee_balance",
            "credit_balance",
        )
    )
    rows = list(
        Installment.objects.order_by("loan_id", "period").values_list(
            "loan_id",
            "period",
            "status",
            "principal_paid",
            "interest_paid",
            "penalty_due",
            "penalty_paid",
            "fee_paid",
        )
    )
    lines = sorted(
        JournalLine.objects.values_list(
            "loan_id", "entry__business_date", "entry__kind", "account", "debit", "credit"
        )
    )
    return loans, rows, lines


def run_dates(engine: str, *dates: date, chunk_size: int = 2) -> None:
    for day in dates:
        run_end_of_day(day, engine=engine, chunk_size=chunk_size)


def outcome(work: Callable[[], None]) -> Snapshot:
    """What `work` leaves behind, rolled back afterwards so the next engine starts equal."""
    savepoint = transaction.savepoint()
    work()
    result = snapshot()
    transaction.savepoint_rollback(savepoint)
    return result


DATES = (date(2025, 2, 14), date(2025, 3, 20))


def test_overdue_loans_age_through_the_buckets_and_accrue_penalty() -> None:
    loan = make_loan()

    run_dates("python", date(2025, 2, 15), date(2025, 3, 18))

    loan.refresh_from_db()
    assert (loan.status, loan.dpd, loan.bucket) == (LoanStatus.OVERDUE, 31, "M2")
    first = Installment.objects.get(loan=loan, period=1)
    second = Installment.objects.get(loan=loan, period=2)
    assert first.status == second.status == InstallmentStatus.OVERDUE
    # 31 days at 0.49 on period 1, 3 days at 0.49 on period 2 (overdue from 16 March)
    assert loan.penalty_balance == Decimal("0.49") * 31 + Decimal("0.49") * 3
    assert verify_ledger().ok


def test_grace_days_delay_overdue() -> None:
    loan = make_loan(product=make_product(grace_days=3))

    run_dates("python", date(2025, 2, 15), date(2025, 2, 18))
    loan.refresh_from_db()
    assert (loan.status, loan.dpd) == (LoanStatus.ACTIVE, 0)

    run_dates("python", date(2025, 2, 19))
    loan.refresh_from_db()
    assert (loan.status, loan.dpd, loan.bucket) == (LoanStatus.OVERDUE, 4, "M1")


def test_running_a_date_twice_equals_running_it_once() -> None:
    portfolio()
    run_dates(end_of_day.default_engine(), *DATES)
    once = snapshot()

    run_dates(end_of_day.default_engine(), DATES[-1])

    assert snapshot() == once


def test_missed_dates_are_caught_up_in_order() -> None:
    make_loan()
    run_dates("python", date(2025, 2, 14), date(2025, 2, 20))

    runs = list(EodRun.objects.order_by("business_date").values_list("business_date", flat=True))

    assert runs == [date(2025, 2, day) for day in range(14, 21)]


def test_a_crashed_run_resumes_without_accruing_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    portfolio()
    engine = end_of_day.default_engine()
    clean = outcome(lambda: run_dates(engine, *DATES))
    real = end_of_day.ENGINES[engine]
    calls = {"n": 0}

    def crash_on_third_chunk(first: int, last: int | None, day: date) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker killed")
        real(first, last, day)

    run_dates(engine, DATES[0])
    monkeypatch.setitem(end_of_day.ENGINES, engine, crash_on_third_chunk)
    with pytest.raises(RuntimeError):
        run_dates(engine, DATES[-1])
    crashed = EodRun.objects.get(status=EodRunStatus.RUNNING)
    assert crashed.chunks.filter(done=True).count() == 2
    run_dates(engine, DATES[-1])

    assert snapshot() == clean
    assert verify_ledger().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL engine is PostgreSQL's")
def test_set_based_sql_equals_the_python_reference() -> None:
    portfolio()

    by_python = outcome(lambda: run_dates("python", *DATES))
    by_sql = outcome(lambda: run_dates("sql", *DATES))

    assert by_sql == by_python
    assert len(by_sql[2]) > 40


def test_lines_past_their_validity_expire() -> None:
    loan = make_loan()
    line = loan.line
    assert line is not None
    line.valid_until = date(2025, 2, 1)
    line.save()

    run_dates("python", date(2025, 2, 2))

    line.refresh_from_db()
    assert line.status == "expired"


def test_a_chunk_that_loses_a_deadlock_is_redone(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import OperationalError
    from psycopg import errors

    loan = make_loan()
    real = end_of_day.ENGINES["python"]
    calls = {"n": 0}

    def deadlock_once(first: int, last: int | None, day: date) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OperationalError("deadlock detected") from errors.DeadlockDetected()
        real(first, last, day)

    monkeypatch.setitem(end_of_day.ENGINES, "python", deadlock_once)
    run_dates("python", date(2025, 2, 16))

    loan.refresh_from_db()
    assert calls["n"] == 2
    assert (loan.status, loan.penalty_balance) == (LoanStatus.OVERDUE, Decimal("0.49"))
