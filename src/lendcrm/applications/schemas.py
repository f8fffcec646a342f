from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema


class ApplicationIn(Schema):
    customer_id: int
    product: str  # product code
    amount: Decimal
    term: int
    repayment_method: str
    purpose: str = ""
    monthly_income: Decimal | None = None
    employer: str | None = None
    years_employed: int | None = None
    education: str | None = None
    housing: str | None = None


class ApplicationOut(Schema):
    id: int
    application_no: str
    customer_id: int
    product: str
    amount: Decimal
    term: int
    repayment_method: str
    purpose: str
    source: str
    status: str
    risk_grade: str
    approved_amount: Decimal | None
    approved_rate: Decimal | None
    approved_term: int | None
    approved_method: str
    submitted_at: datetime | None
    decided_at: datetime | None
    created_at: datetime


class SubmitOut(Schema):
    application: ApplicationOut
    route: str
    reason_codes: list[str]
    decision_id: str | None
    customer_message: str
