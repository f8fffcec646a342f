"""API shapes of the loans app. Amounts travel as strings with two decimals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ninja import Schema

from lendcrm.loans.choices import LineAdjustmentKind, RepaymentMethod


class LineIn(Schema):
    customer_id: int
    product_id: int
    limit: Decimal
    annual_rate: Decimal
    valid_from: date
    valid_until: date


class LineOut(Schema):
    id: int
    line_no: str
    customer_id: int
    customer_name: str
    product_code: str
    limit: str
    available: str
    annual_rate: str
    valid_from: date
    valid_until: date
    status: str
    revolving: bool


class AdjustmentIn(Schema):
    kind: LineAdjustmentKind
    reason: str
    approver: str  # the approver's username: four eyes, never the caller
    new_limit: Decimal | None = None
    new_rate: Decimal | None = None


class DrawdownIn(Schema):
    amount: Decimal
    term: int
    method: RepaymentMethod


class DrawdownOut(Schema):
    id: int
    drawdown_no: str
    status: str
    amount: str
    loan_id: int
    loan_no: str
    loan_status: str


class BalancesOut(Schema):
    principal: str
    interest: str
    penalty: str
    fee: str
    credit: str


class LoanOut(Schema):
    id: int
    loan_no: str
    line_id: int | None
    customer_name: str
    principal: str
    annual_rate: str
    term: int
    method: str
    start_date: date
    maturity_date: date
    status: str
    dpd: int
    bucket: str
    balances: BalancesOut


class InstallmentOut(Schema):
    period: int
    due_date: date
    status: str
    principal_due: str
    interest_due: str
    fee_due: str
    penalty_due: str
    principal_paid: str
    interest_paid: str
    fee_paid: str
    penalty_paid: str


class JournalLineOut(Schema):
    account: str
    debit: str
    credit: str


class JournalEntryOut(Schema):
    id: int
    business_date: date
    kind: str
    memo: str
    payment_id: int | None
    reverses_id: int | None
    lines: list[JournalLineOut]


class PaymentIn(Schema):
    amount: Decimal
    value_date: date
    reference: str  # the bank or counter reference: posting it twice changes nothing
    prepay: bool = False


class PaymentOut(Schema):
    id: int
    loan_id: int
    channel: str
    channel_txn_id: str
    amount: str
    value_date: date
    source: str
    status: str
    prepay: bool
    created: bool = False


class WriteOffIn(Schema):
    reason: str
    approver: str  # the approver's username: four eyes, never the caller


class ReversalIn(Schema):
    reason: str


class ReconciliationIn(Schema):
    channel: str
    csv: str


class ReconciliationRowOut(Schema):
    line: int
    txn_id: str
    outcome: str
    message: str
    payment_id: int | None


class EodRunOut(Schema):
    business_date: date
    status: str
    engine: str
    done_chunks: int
    total_chunks: int
    percent: int


class WebhookBatchItemOut(Schema):
    index: int
    txn_id: str
    outcome: str  # as WebhookOut, or rejected (field and message say why)
    notice_id: int | None
    payment_id: int | None
    field: str
    message: str


class WebhookOut(Schema):
    outcome: str  # accepted (queued for posting), posted, duplicate, reversed, ...
    payment_id: int | None
    notice_id: int | None
