"""Plain records the generator produces, before they become model rows.

Personal data is in plaintext here: these objects live only inside the seeding process and are
never logged. Money is Decimal; references to other records are by their natural keys
(customer_no, lead seed_key, product and channel codes, user name, org unit code).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Assignment:
    owner: str | None  # username of a demo sales user
    team: str | None  # OrgUnit code
    branch: str | None  # OrgUnit code


UNASSIGNED = Assignment(None, None, None)


@dataclass(slots=True)
class CustomerProfile:
    """Mutable only so that created_at can be set once the journey, which needs the risk, is known."""

    index: int
    customer_no: str
    name: str
    gender: str
    birth_date: date
    id_number: str
    mobile: str
    email: str
    marital_status: str
    education: str
    children: int
    province: str
    city: str
    address: str
    hukou_address: str
    housing: str
    employment_type: str
    employer: str
    occupation: str
    position: str
    years_employed: int
    monthly_income: Decimal
    house_value: Decimal
    mortgage_balance: Decimal
    car_value: Decimal
    car_loan_balance: Decimal
    financial_assets: Decimal
    credit_card_count: int
    credit_card_limit: Decimal
    loan_balance: Decimal
    other_debt: Decimal
    assignment: Assignment
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LeadProfile:
    seed_key: str
    name: str
    mobile: str
    id_number: str
    city: str
    requested_amount: Decimal | None
    purpose: str
    channel: str
    campaign: str
    consent: bool
    status: str
    duplicate_of: str | None  # seed_key of the first lead of the same person
    customer_no: str | None  # set when the lead became this customer
    assignment: Assignment
    created_at: datetime
    assigned_at: datetime | None
    first_contact_at: datetime | None
    invalid_reason: str


@dataclass(frozen=True, slots=True)
class ApplicationProfile:
    application_no: str
    customer_no: str
    product: str
    channel: str | None
    amount: Decimal
    term: int
    repayment_method: str
    purpose: str
    status: str
    submitted_at: datetime | None
    decided_at: datetime | None
    assignment: Assignment
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Household:
    """One customer with the leads and applications generated alongside (same index)."""

    customer: CustomerProfile
    leads: tuple[LeadProfile, ...]
    applications: tuple[ApplicationProfile, ...]
