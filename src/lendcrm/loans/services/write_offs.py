"""Write-off (核销): what a loan still owes moves from receivables to write-off loss.

Four eyes like every line adjustment. Any credit balance settles dues first; the unpaid
schedule stays as it is, for collections to work on.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict
from lendcrm.core.money import ZERO
from lendcrm.loans.choices import Account, EntryKind, LoanStatus
from lendcrm.loans.models import Loan
from lendcrm.loans.services.credit_lines import check_four_eyes
from lendcrm.loans.services.ledger import credit, debit, post_entry
from lendcrm.loans.services.repayments import apply_credit_balance
from lendcrm.loans.transitions import transition_loan


def write_off_loan(loan: Loan, *, reason: str, operator: Any, approver: Any) -> Loan:
    check_four_eyes(operator, approver, reason)
    today = clock.today()
    with transaction.atomic():
        locked = (
            Loan.objects.select_for_update(of=("self",))
            .select_related("product", "line")
            .get(pk=loan.pk)
        )
        if locked.status not in (LoanStatus.ACTIVE, LoanStatus.OVERDUE):
            raise Conflict(f"the loan is {locked.get_status_display()}", field="loan")
        apply_credit_balance(locked, business_date=today)
        owed = {
            Account.PRINCIPAL_RECEIVABLE: locked.principal_balance,
            Account.INTEREST_RECEIVABLE: locked.interest_balance,
            Account.PENALTY_RECEIVABLE: locked.penalty_balance,
            Account.FEE_RECEIVABLE: locked.fee_balance,
        }
        total = sum(owed.values(), ZERO)
        post_entry(
            locked,
            kind=EntryKind.WRITE_OFF,
            business_date=today,
            legs=[debit(Account.WRITE_OFF_EXPENSE, total)]
            + [credit(account, amount) for account, amount in owed.items()],
            memo=reason.strip()[:120],
        )
        transition_loan(locked, to=LoanStatus.WRITTEN_OFF)
        record_event(
            "loans.written_off",
            actor=operator,
            target=locked,
            metadata={
                "amount": str(total),
                "reason": reason.strip()[:200],
                "approver": approver.get_username(),
            },
        )
    return locked
