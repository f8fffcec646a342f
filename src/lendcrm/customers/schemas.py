"""What a customer looks like to the outside: the API shapes and the fields each view shows.

Values always come from `lendcrm.privacy.masking.display_dict`, so personal data arrives here
already masked unless a reveal grant covers it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from lendcrm.customers.queries import MAX_PAGE_SIZE, PAGE_SIZE

LIST_FIELDS = (
    "customer_no",
    "name",
    "gender",
    "province",
    "city",
    "mobile",
    "id_number",
    "created_at",
)
DETAIL_FIELDS = (
    *LIST_FIELDS,
    "birth_date",
    "email",
    "address",
    "hukou_address",
    "marital_status",
    "education",
    "housing",
    "employment_type",
    "employer",
    "employer_phone",
    "occupation",
    "position",
    "years_employed",
    "monthly_income",
    "children",
)


class CustomerListQuery(Schema):
    name: str = ""
    city: str = ""
    mobile: str = ""
    id_number: str = ""
    tag: str = ""
    cursor: str = ""
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class CustomerOut(Schema):
    id: int
    customer_no: str
    name: str
    gender: str
    province: str
    city: str
    mobile: str
    id_number: str
    owner: str
    created_at: datetime
    tags: list[str] = []


class CustomerPageOut(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class ContactOut(Schema):
    id: int
    kind: str
    name: str
    relation: str
    mobile: str  # masked unless a reveal grant covers it


class RealEstateOut(Schema):
    kind: str
    city: str
    area_sqm: Decimal | None
    value: Decimal
    mortgage_balance: Decimal
    monthly_payment: Decimal


class VehicleOut(Schema):
    brand: str
    model_name: str
    purchase_year: int | None
    purchase_price: Decimal
    loan_balance: Decimal


class BureauReportOut(Schema):
    id: int
    report_date: date
    content_type: str
    overdue_count_24m: int
    current_overdue_count: int
    current_overdue_amount: Decimal
    inquiries_1m: int
    inquiries_3m: int
    inquiries_6m: int
    card_count: int
    card_limit: Decimal
    card_used: Decimal
    loan_count: int
    loan_balance: Decimal


class ScoreOut(Schema):
    provider: str
    score: int
    as_of: date


class TagCountOut(Schema):
    name: str
    kind: str
    colour: str
    count: int


class InteractionIn(Schema):
    kind: str  # call, sms, meeting, note, app_event
    summary: str
    occurred_at: datetime | None = None
    recording_url: str = ""


class InteractionOut(Schema):
    """One timeline entry: an interaction, or (source "application") an application."""

    id: int
    source: str = "interaction"
    kind: str
    occurred_at: datetime
    summary: str
    recording_url: str
    actor: str
    lead_id: int | None
    customer_id: int | None
    ref: str


class TimelinePageOut(Schema):
    items: list[InteractionOut]
    next_cursor: str | None


class TimelineQuery(Schema):
    cursor: str = ""
    limit: int = Field(20, ge=1, le=100)


class CustomerDetailOut(CustomerOut):
    birth_date: date
    email: str
    address: str
    hukou_address: str
    marital_status: str
    education: str
    housing: str
    employment_type: str
    employer: str
    employer_phone: str
    occupation: str
    position: str
    years_employed: int
    monthly_income: Decimal
    children: int
    financials: dict[str, Decimal | int]
    contacts: list[ContactOut]
    real_estates: list[RealEstateOut]
    vehicles: list[VehicleOut]
    bureau_reports: list[BureauReportOut]
    scores: list[ScoreOut]
    revealed_until: dict[str, datetime]


class RevealIn(Schema):
    field: str = ""
    reason: str = ""


class RevealOut(Schema):
    field: str
    value: str
    expires_at: datetime


def owner_name(owner: Any) -> str:
    return str(owner) if owner is not None else ""
