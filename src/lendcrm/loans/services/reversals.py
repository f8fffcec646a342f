"""Reversal (冲正) of a posted payment: mirror entries, reopened installments, audited.

Only the latest money movement of a loan can be reversed: a later payment or credit
application would otherwise rest on money that is being taken back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.core.money import ZERO
from lendcrm.loans.choices import Component, EntryKind, InstallmentStatus, LoanStatus, PostingStatus
from lendcrm.loans.models import Installment, JournalEntry, Loan, Payment
from lendcrm.loans.services.credit_lines import consume_available
from lendcrm.loans.services.ledger import reverse_entry
from lendcrm.loans.services.prepayments import restore_future
from lendcrm.loans.transitions import transition_installment, transition_loan

MONEY_KINDS = (EntryKind.REPAYMENT, EntryKind.CREDIT_APPLIED)


def reverse_payment(payment: Payment, *, reason: str, acting_user: Any) -> Payment:
    if not reason.strip():
        raise DomainError("give a reason", field="reason")
    with transaction.atomic():
        loan = (
            Loan.objects.select_for_update(of=("self",))
            .select_related("product", "line")
            .get(pk=payment.loan_id)
        )
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status == PostingStatus.REVERSED:
            return locked
        entries = list(
            JournalEntry.objects.filter(payment=locked, reverses__isnull=True).order_by("-id")
        )
        _check_latest(loan, entries)
        today = clock.today()
        for entry in entries:
            reverse_entry(
                entry, business_date=today, loan=loan, memo=f"冲正 {locked.channel_txn_id}"
            )
        detail = locked.allocation or {}
        _reopen(loan, detail)
        prepayment = detail.get("prepayment") or {}
        if locked.schedule_before is not None:
            rescheduled = bool(prepayment.get("rescheduled"))
            restore_future(loan, locked.schedule_before, was_rescheduled=rescheduled)
        _take_back_from_line(loan, detail, prepayment)
        _restore_loan_state(loan, detail.get("loan_before") or {})
        locked.status = PostingStatus.REVERSED
        locked.reversal_reason = reason.strip()[:200]
        locked.save(update_fields=["status", "reversal_reason"])
        record_event(
            "loans.payment_reversed",
            actor=acting_user,
            target=locked,
            metadata={"loan": loan.loan_no, "amount": str(locked.amount), "reason": reason[:200]},
        )
    return locked


def _check_latest(loan: Loan, entries: list[JournalEntry]) -> None:
    if not entries:
        return
    later = JournalEntry.objects.filter(
        loan=loan, kind__in=MONEY_KINDS, id__gt=entries[0].pk, reverses__isnull=True
    ).exclude(payment=entries[0].payment)
    reversed_ids = JournalEntry.objects.filter(loan=loan, reverses__isnull=False).values("reverses")
    if later.exclude(id__in=reversed_ids).exists():
        raise Conflict("reverse the later payments of this loan first", field="payment")


def _reopen(loan: Loan, detail: dict[str, Any]) -> None:
    parts = detail.get("parts") or []
    statuses: dict[str, str] = detail.get("statuses") or {}
    rows = {row.period: row for row in Installment.objects.filter(loan=loan)}
    for period, component, amount in parts:
        row = rows[int(period)]
        name = f"{Component(component).value}_paid"
        setattr(row, name, getattr(row, name) - Decimal(amount))
    for period, status in statuses.items():
        row = rows[int(period)]
        if row.status != status:
            transition_installment(row, to=InstallmentStatus(status), paid_on=None)
        row.save(update_fields=["principal_paid", "interest_paid", "fee_paid", "penalty_paid"])


def _take_back_from_line(loan: Loan, detail: dict[str, Any], prepayment: dict[str, Any]) -> None:
    if loan.line is None or not loan.line.revolving:
        return
    principal = sum(
        (Decimal(a) for _p, c, a in detail.get("parts") or [] if c == Component.PRINCIPAL), ZERO
    ) + Decimal(prepayment.get("principal", "0"))
    if principal > ZERO:
        consume_available(loan.line.pk, principal)


def _restore_loan_state(loan: Loan, before: dict[str, Any]) -> None:
    status = before.get("status", loan.status)
    transition_loan(
        loan,
        to=LoanStatus(status),
        dpd=int(before.get("dpd", loan.dpd)),
        bucket=before.get("bucket", loan.bucket),
        paid_off_on=loan.paid_off_on if status == LoanStatus.PAID_OFF else None,
    )
