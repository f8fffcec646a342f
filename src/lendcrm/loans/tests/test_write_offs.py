from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lendcrm.core.errors import PermissionDenied
from lendcrm.identity.choices import Role
from lendcrm.loans.choices import Account, LoanStatus
from lendcrm.loans.services.end_of_day import run_end_of_day
from lendcrm.loans.services.ledger import journal_balances
from lendcrm.loans.services.ledger_verification import verify_ledger
from lendcrm.loans.services.write_offs import write_off_loan
from lendcrm.loans.tests.factories import make_loan, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_a_write_off_moves_everything_owed_to_the_loss_account() -> None:
    loan = make_loan()
    run_end_of_day(date(2025, 2, 17))
    loan.refresh_from_db()
    owed = loan.principal_balance + loan.interest_balance + loan.penalty_balance

    write_off_loan(
        loan,
        reason="失联超过180天",
        operator=make_user(Role.ADMIN),
        approver=make_user(Role.REVIEW_DIRECTOR),
    )

    loan.refresh_from_db()
    balances = journal_balances(loan.pk)
    assert loan.status == LoanStatus.WRITTEN_OFF
    assert balances[Account.PRINCIPAL_RECEIVABLE] == Decimal("0.00")
    assert (
        balances[Account.WRITE_OFF_EXPENSE] == owed == Decimal("12120.49")
    )  # 12000 + 120 + one day of penalty
    assert verify_ledger().ok


def test_a_write_off_needs_a_second_person() -> None:
    loan = make_loan()
    admin = make_user(Role.ADMIN)

    with pytest.raises(PermissionDenied):
        write_off_loan(loan, reason="x", operator=admin, approver=admin)
