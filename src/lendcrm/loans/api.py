"""Loan endpoints under /api/v1/loans: lines, drawdowns, loans, schedules, payments, EOD."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Router, Status

from lendcrm.core.errors import DomainError, NotFound
from lendcrm.customers.queries import get_customer_for_user
from lendcrm.loans import queries
from lendcrm.loans.models import (
    CreditLine,
    Drawdown,
    Installment,
    JournalEntry,
    Loan,
    Payment,
    Product,
)
from lendcrm.loans.schemas import (
    AdjustmentIn,
    BalancesOut,
    DrawdownIn,
    DrawdownOut,
    EodRunOut,
    InstallmentOut,
    JournalEntryOut,
    JournalLineOut,
    LineIn,
    LineOut,
    LoanOut,
    PaymentIn,
    PaymentOut,
    ReconciliationIn,
    ReconciliationRowOut,
    ReversalIn,
    WriteOffIn,
)
from lendcrm.loans.services import credit_lines, disbursements, drawdowns, reconciliation
from lendcrm.loans.services.end_of_day import progress_of
from lendcrm.loans.services.repayments import post_manual_payment
from lendcrm.loans.services.reversals import reverse_payment
from lendcrm.loans.services.write_offs import write_off_loan

router = Router(tags=["loans"])


def line_out(line: CreditLine) -> LineOut:
    return LineOut(
        id=line.pk,
        line_no=line.line_no,
        customer_id=line.customer_id,
        customer_name=line.customer.name,
        product_code=line.product.code,
        limit=str(line.limit),
        available=str(line.available),
        annual_rate=str(line.annual_rate),
        valid_from=line.valid_from,
        valid_until=line.valid_until,
        status=line.status,
        revolving=line.revolving,
    )


def loan_out(loan: Loan) -> LoanOut:
    view = queries.loan_view(loan)
    return LoanOut(
        id=loan.pk,
        loan_no=loan.loan_no,
        line_id=loan.line_id,
        customer_name=loan.customer.name,
        principal=str(loan.principal),
        annual_rate=str(loan.annual_rate),
        term=loan.term,
        method=loan.method,
        start_date=loan.start_date,
        maturity_date=loan.maturity_date,
        status=loan.status,
        dpd=loan.dpd,
        bucket=loan.bucket,
        balances=BalancesOut(
            principal=str(view.principal),
            interest=str(view.interest),
            penalty=str(view.penalty),
            fee=str(view.fee),
            credit=str(view.credit),
        ),
    )


def drawdown_out(drawdown: Drawdown) -> DrawdownOut:
    loan = Loan.objects.get(pk=drawdown.loan_id)
    return DrawdownOut(
        id=drawdown.pk,
        drawdown_no=drawdown.drawdown_no,
        status=drawdown.status,
        amount=str(drawdown.amount),
        loan_id=loan.pk,
        loan_no=loan.loan_no,
        loan_status=loan.status,
    )


def payment_out(payment: Payment, *, created: bool = False) -> PaymentOut:
    return PaymentOut(
        id=payment.pk,
        loan_id=payment.loan_id,
        channel=payment.channel,
        channel_txn_id=payment.channel_txn_id,
        amount=str(payment.amount),
        value_date=payment.value_date,
        source=payment.source,
        status=payment.status,
        prepay=payment.prepay,
        created=created,
    )


def installment_out(row: Installment) -> InstallmentOut:
    money = {
        name: str(getattr(row, name))
        for name in (
            "principal_due",
            "interest_due",
            "fee_due",
            "penalty_due",
            "principal_paid",
            "interest_paid",
            "fee_paid",
            "penalty_paid",
        )
    }
    return InstallmentOut(period=row.period, due_date=row.due_date, status=row.status, **money)


def entry_out(entry: JournalEntry) -> JournalEntryOut:
    return JournalEntryOut(
        id=entry.pk,
        business_date=entry.business_date,
        kind=entry.kind,
        memo=entry.memo,
        payment_id=entry.payment_id,
        reverses_id=entry.reverses_id,
        lines=[
            JournalLineOut(account=line.account, debit=str(line.debit), credit=str(line.credit))
            for line in entry.lines.all()
        ],
    )


def _approver(username: str) -> Any:
    approver = get_user_model().objects.filter(username=username, is_active=True).first()
    if approver is None:
        raise DomainError("unknown approver", field="approver")
    return approver


@router.get("/lines", response=list[LineOut])
def list_lines(request: HttpRequest, status: str = "", offset: int = 0) -> list[LineOut]:
    return [
        line_out(x) for x in queries.list_lines_for_user(request.user, status=status, offset=offset)
    ]


@router.post("/lines", response={201: LineOut})
def open_line(request: HttpRequest, payload: LineIn) -> Status[LineOut]:
    customer = get_customer_for_user(request.user, payload.customer_id)
    product = Product.objects.filter(pk=payload.product_id, is_active=True).first()
    if product is None:
        raise NotFound("product not found", field="product_id")
    line = credit_lines.open_line(
        customer=customer,
        product=product,
        limit=payload.limit,
        annual_rate=payload.annual_rate,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
        acting_user=request.user,
    )
    return Status(201, line_out(line))


@router.get("/lines/{int:line_id}", response=LineOut)
def get_line(request: HttpRequest, line_id: int) -> LineOut:
    return line_out(queries.get_line_for_user(request.user, line_id))


@router.post("/lines/{int:line_id}/adjustments", response=LineOut)
def adjust_line(request: HttpRequest, line_id: int, payload: AdjustmentIn) -> LineOut:
    line = queries.get_line_for_user(request.user, line_id)
    approver = _approver(payload.approver)
    adjusted = credit_lines.adjust_line(
        line,
        kind=payload.kind,
        reason=payload.reason,
        operator=request.user,
        approver=approver,
        new_limit=payload.new_limit,
        new_rate=payload.new_rate,
    )
    return line_out(queries.get_line_for_user(request.user, adjusted.pk))


@router.post("/lines/{int:line_id}/drawdowns", response={201: DrawdownOut})
def create_drawdown(request: HttpRequest, line_id: int, payload: DrawdownIn) -> Status[DrawdownOut]:
    line = queries.get_line_for_user(request.user, line_id)
    drawdown = drawdowns.request_drawdown(
        line,
        amount=payload.amount,
        term=payload.term,
        method=payload.method,
        acting_user=request.user,
    )
    disbursements.disburse(drawdown.loan, acting_user=request.user)
    drawdown.refresh_from_db()
    return Status(201, drawdown_out(drawdown))


@router.get("/{int:loan_id}", response=LoanOut)
def get_loan(request: HttpRequest, loan_id: int) -> LoanOut:
    return loan_out(queries.get_loan_for_user(request.user, loan_id))


@router.get("/{int:loan_id}/schedule", response=list[InstallmentOut])
def get_schedule(request: HttpRequest, loan_id: int) -> list[InstallmentOut]:
    loan = queries.get_loan_for_user(request.user, loan_id)
    return [installment_out(row) for row in queries.schedule_of(loan)]


@router.get("/{int:loan_id}/journal", response=list[JournalEntryOut])
def get_journal(request: HttpRequest, loan_id: int) -> list[JournalEntryOut]:
    loan = queries.get_loan_for_user(request.user, loan_id)
    return [entry_out(entry) for entry in queries.journal_of(loan)]


@router.get("/{int:loan_id}/payments", response=list[PaymentOut])
def list_payments(request: HttpRequest, loan_id: int) -> list[PaymentOut]:
    loan = queries.get_loan_for_user(request.user, loan_id)
    return [payment_out(p) for p in queries.payments_of(loan)]


@router.post("/{int:loan_id}/payments", response={201: PaymentOut, 200: PaymentOut})
def post_payment(request: HttpRequest, loan_id: int, payload: PaymentIn) -> Status[PaymentOut]:
    loan = queries.get_loan_for_user(request.user, loan_id)
    result = post_manual_payment(
        loan,
        amount=payload.amount,
        reference=payload.reference,
        value_date=payload.value_date,
        prepay=payload.prepay,
        acting_user=request.user,
    )
    return Status(
        201 if result.created else 200, payment_out(result.payment, created=result.created)
    )


@router.post("/{int:loan_id}/write-off", response=LoanOut)
def write_off(request: HttpRequest, loan_id: int, payload: WriteOffIn) -> LoanOut:
    loan = queries.get_loan_for_user(request.user, loan_id)
    written_off = write_off_loan(
        loan, reason=payload.reason, operator=request.user, approver=_approver(payload.approver)
    )
    return loan_out(queries.get_loan_for_user(request.user, written_off.pk))


@router.post("/payments/{int:payment_id}/reversal", response=PaymentOut)
def reverse(request: HttpRequest, payment_id: int, payload: ReversalIn) -> PaymentOut:
    payment = queries.get_payment_for_user(request.user, payment_id)
    return payment_out(reverse_payment(payment, reason=payload.reason, acting_user=request.user))


@router.post("/reconciliation", response=list[ReconciliationRowOut])
def import_reconciliation(
    request: HttpRequest, payload: ReconciliationIn
) -> list[ReconciliationRowOut]:
    rows = reconciliation.import_reconciliation(
        payload.csv, channel=payload.channel.strip()[:40], acting_user=request.user
    )
    return [
        ReconciliationRowOut(
            line=r.line,
            txn_id=r.txn_id,
            outcome=r.outcome,
            message=r.message,
            payment_id=r.payment_id,
        )
        for r in rows
    ]


@router.get("/eod", response=list[EodRunOut])
def list_eod_runs(request: HttpRequest) -> list[EodRunOut]:
    result = []
    for run in queries.recent_runs():
        progress = progress_of(run)
        result.append(
            EodRunOut(
                business_date=run.business_date,
                status=run.status,
                engine=run.engine,
                done_chunks=progress.done_chunks,
                total_chunks=progress.total_chunks,
                percent=progress.percent,
            )
        )
    return result
