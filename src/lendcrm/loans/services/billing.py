"""Billing: an installment falls due, and its interest and fees become receivable.

Posting a payment bills what is due on its value date first; end of day bills the rest. Both
use this function (the SQL engine mirrors it), so an installment is billed exactly once.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lendcrm.core.money import ZERO
from lendcrm.loans.choices import Account, EntryKind, InstallmentStatus
from lendcrm.loans.models import Installment, Loan
from lendcrm.loans.services.ledger import credit, debit, post_entry
from lendcrm.loans.transitions import transition_installment


def bill_installments(loan: Loan, *, upto: date, business_date: date) -> list[Installment]:
    """Mark scheduled installments due on or before `upto` as due, with one billing entry."""
    rows = list(
        Installment.objects.filter(
            loan=loan, status=InstallmentStatus.SCHEDULED, due_date__lte=upto
        ).order_by("period")
    )
    interest, fee = ZERO, ZERO
    for row in rows:
        transition_installment(row, to=InstallmentStatus.DUE)
        interest += row.interest_due
        fee += row.fee_due
    _book_billing(loan, interest, fee, business_date)
    return rows


def _book_billing(loan: Loan, interest: Decimal, fee: Decimal, business_date: date) -> None:
    post_entry(
        loan,
        kind=EntryKind.BILLING,
        business_date=business_date,
        legs=[
            debit(Account.INTEREST_RECEIVABLE, interest),
            credit(Account.INTEREST_INCOME, interest),
            debit(Account.FEE_RECEIVABLE, fee),
            credit(Account.FEE_INCOME, fee),
        ],
    )
