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
    "occupation",
    "position",
    "monthly_income",
)


class CustomerListQuery(Schema):
    name: str = ""
    city: str = ""
    mobile: str = ""
    id_number: str = ""
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


class CustomerPageOut(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


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
    occupation: str
    position: str
    monthly_income: Decimal
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
