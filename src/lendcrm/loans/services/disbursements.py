"""Disbursement (放款) through the payment adapter; a failed pay-out releases the limit.

The channel is called outside any transaction: the pending Disbursement row is committed
first, so a crash while the bank is working leaves a record to reconcile, not a lost pay-out.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict
from lendcrm.integrations.payments import get_gateway
from lendcrm.integrations.payments.base import PaymentGateway, PayoutRequest, PayoutResult
from lendcrm.loans.choices import (
    Account,
    DisbursementStatus,
    DrawdownStatus,
    EntryKind,
    LoanStatus,
)
from lendcrm.loans.models import Disbursement, Drawdown, Loan
from lendcrm.loans.services.credit_lines import restore_available
from lendcrm.loans.services.ledger import credit, debit, post_entry
from lendcrm.loans.transitions import (
    transition_disbursement,
    transition_drawdown,
    transition_loan,
)


def disburse(
    loan: Loan, *, acting_user: Any, gateway: PaymentGateway | None = None
) -> Disbursement:
    """Pay the loan's principal out to the customer and book it, or release it on failure."""
    gateway = gateway or get_gateway()
    with transaction.atomic():
        locked = Loan.objects.select_for_update().get(pk=loan.pk)
        if locked.status != LoanStatus.PENDING:
            raise Conflict("the loan is not waiting for disbursement", field="loan")
        if locked.disbursements.exclude(status=DisbursementStatus.FAILED).exists():
            raise Conflict("the loan already has a disbursement", field="loan")
        disbursement = Disbursement.objects.create(
            loan=locked, amount=locked.principal, channel=gateway.channel
        )
    result = gateway.pay_out(
        PayoutRequest(
            reference=f"D{disbursement.pk}",
            amount=disbursement.amount,
            account_name=loan.customer.name,
            bank_card="",
        )
    )
    return complete_disbursement(disbursement, result, acting_user=acting_user)


def complete_disbursement(
    disbursement: Disbursement, result: PayoutResult, *, acting_user: Any
) -> Disbursement:
    with transaction.atomic():
        locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if locked.status != DisbursementStatus.PENDING:
            return locked
        loan = Loan.objects.select_for_update().get(pk=locked.loan_id)
        if result.succeeded:
            _book(locked, loan, result)
        else:
            _fail(locked, loan, result)
        record_event(
            "loans.disbursed" if result.succeeded else "loans.disbursement_failed",
            actor=acting_user,
            target=loan,
            metadata={"amount": str(locked.amount), "reason": result.failure_reason[:200]},
        )
    return locked


def _drawdown_of(loan: Loan) -> Drawdown | None:
    return Drawdown.objects.filter(loan=loan).first()


def _book(disbursement: Disbursement, loan: Loan, result: PayoutResult) -> None:
    today = clock.today()
    transition_disbursement(
        disbursement,
        to=DisbursementStatus.DISBURSED,
        external_ref=result.channel_reference[:64],
        completed_at=clock.now(),
    )
    post_entry(
        loan,
        kind=EntryKind.DISBURSEMENT,
        business_date=today,
        legs=[
            debit(Account.PRINCIPAL_RECEIVABLE, disbursement.amount),
            credit(Account.CLEARING, disbursement.amount),
        ],
        memo=f"disbursement {disbursement.pk}",
    )
    transition_loan(loan, to=LoanStatus.ACTIVE)
    drawdown = _drawdown_of(loan)
    if drawdown is not None:
        transition_drawdown(drawdown, to=DrawdownStatus.DISBURSED)


def _fail(disbursement: Disbursement, loan: Loan, result: PayoutResult) -> None:
    transition_disbursement(
        disbursement,
        to=DisbursementStatus.FAILED,
        failure_reason=result.failure_reason[:200],
        completed_at=clock.now(),
    )
    transition_loan(loan, to=LoanStatus.CANCELLED)
    drawdown = _drawdown_of(loan)
    if drawdown is not None:
        transition_drawdown(drawdown, to=DrawdownStatus.FAILED)
    if loan.line_id is not None:
        restore_available(loan.line_id, disbursement.amount)
