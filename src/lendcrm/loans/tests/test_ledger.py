from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lendcrm.loans.choices import Account, EntryKind
from lendcrm.loans.models import JournalLine, Loan
from lendcrm.loans.services.ledger import UnbalancedEntry, credit, debit, post_entry
from lendcrm.loans.services.ledger_verification import verify_ledger
from lendcrm.loans.tests.factories import START, make_loan
from lendcrm.loans.tests.test_repayments import FIRST_DUE, pay

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_an_unbalanced_entry_is_refused() -> None:
    loan = make_loan()

    with pytest.raises(UnbalancedEntry):
        post_entry(
            loan,
            kind=EntryKind.PENALTY_ACCRUAL,
            business_date=START,
            legs=[
                debit(Account.PENALTY_RECEIVABLE, Decimal("1.00")),
                credit(Account.PENALTY_INCOME, Decimal("0.99")),
            ],
        )


def test_fractions_of_a_cent_are_refused() -> None:
    loan = make_loan()

    with pytest.raises(UnbalancedEntry):
        post_entry(
            loan,
            kind=EntryKind.PENALTY_ACCRUAL,
            business_date=START,
            legs=[
                debit(Account.PENALTY_RECEIVABLE, Decimal("0.001")),
                credit(Account.PENALTY_INCOME, Decimal("0.001")),
            ],
        )


def test_verify_passes_on_a_clean_ledger(capsys: pytest.CaptureFixture[str]) -> None:
    loan = make_loan()
    pay(loan, "1500.00", FIRST_DUE, "t1")

    call_command("ledger", "verify")

    assert "ledger ok: 1 loans" in capsys.readouterr().out


def test_verify_names_the_loan_whose_journal_was_tampered_with() -> None:
    loan = make_loan()
    pay(loan, "1120.00", FIRST_DUE, "t1")
    line = JournalLine.objects.filter(
        loan=loan, account=Account.PRINCIPAL_RECEIVABLE, credit__gt=0
    ).get()
    JournalLine.objects.filter(pk=line.pk).update(credit=Decimal("999.00"))

    with pytest.raises(CommandError, match=loan.loan_no):
        call_command("ledger", "verify")
    assert verify_ledger().unbalanced_entry_id == line.entry_id


def test_verify_catches_a_balance_edited_outside_the_journal() -> None:
    loan = make_loan()
    Loan.objects.filter(pk=loan.pk).update(principal_balance=Decimal("1.00"))

    result = verify_ledger()

    assert result.mismatch is not None
    assert result.mismatch.loan_no == loan.loan_no
    assert result.mismatch.account == Account.PRINCIPAL_RECEIVABLE
