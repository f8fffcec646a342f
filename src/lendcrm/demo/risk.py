"""The demo population's true credit risk, known only to the generator.

Every demo customer has a latent risk: log-odds of default built from the attributes stored on
the customer (debt burden, income, age, job stability, housing, ...) plus a hidden propensity
fixed by the customer number. `default_probability()` turns it into the probability that a loan
granted to the customer defaults within 12 months; servicing demos draw repayment outcomes from
it, so that scorecards trained on the demo data find real signal in the stored attributes.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Protocol

from lendcrm.core.cn_ids import age_on
from lendcrm.customers.choices import Education, EmploymentType, HousingStatus, MaritalStatus
from lendcrm.demo.data.work import OCCUPATIONS
from lendcrm.demo.sampling import sigmoid, stable_normal

BASE_LOG_ODDS = -3.7
PROPENSITY_WEIGHT = 0.55

_STABILITY: dict[str, float] = {o.name: o.stability for o in OCCUPATIONS}
_STABILITY_BY_TYPE: dict[str, float] = {
    EmploymentType.CIVIL_SERVANT: 0.95,
    EmploymentType.EMPLOYEE: 0.6,
    EmploymentType.BUSINESS_OWNER: 0.5,
    EmploymentType.SELF_EMPLOYED: 0.35,
    EmploymentType.FREELANCER: 0.25,
}
_EDUCATION: dict[str, float] = {
    Education.JUNIOR_HIGH: 0.35,
    Education.HIGH_SCHOOL: 0.2,
    Education.COLLEGE: 0.0,
    Education.BACHELOR: -0.15,
    Education.MASTER: -0.3,
}
_MARITAL: dict[str, float] = {MaritalStatus.MARRIED: -0.2, MaritalStatus.DIVORCED: 0.25}
_HOUSING: dict[str, float] = {
    HousingStatus.OWNED: -0.35,
    HousingStatus.MORTGAGED: -0.15,
    HousingStatus.RENTED: 0.2,
    HousingStatus.DORMITORY: 0.15,
}


class RiskAttributes(Protocol):
    """What the risk model reads: satisfied by customers.Customer and the generator's profile."""

    @property
    def customer_no(self) -> str: ...
    @property
    def birth_date(self) -> date: ...
    @property
    def education(self) -> str: ...
    @property
    def marital_status(self) -> str: ...
    @property
    def housing(self) -> str: ...
    @property
    def employment_type(self) -> str: ...
    @property
    def occupation(self) -> str: ...
    @property
    def years_employed(self) -> int: ...
    @property
    def monthly_income(self) -> Decimal: ...
    @property
    def mortgage_balance(self) -> Decimal: ...
    @property
    def car_loan_balance(self) -> Decimal: ...
    @property
    def credit_card_count(self) -> int: ...
    @property
    def credit_card_limit(self) -> Decimal: ...
    @property
    def loan_balance(self) -> Decimal: ...
    @property
    def other_debt(self) -> Decimal: ...


def propensity(customer_no: str) -> float:
    """The hidden appetite for credit (standard normal), fixed by the customer number alone."""
    return stable_normal(f"propensity:{customer_no}")


def monthly_debt_service(c: RiskAttributes) -> float:
    """Estimated monthly repayments on the debts a customer declares (a ratio input, not money)."""
    return (
        float(c.mortgage_balance) * 0.0065
        + float(c.car_loan_balance) * 0.035
        + float(c.loan_balance) * 0.06
        + float(c.credit_card_limit) * 0.3 * 0.1  # ~30% drawn, ~10% minimum payment
        + float(c.other_debt) * 0.03
    )


def debt_to_income(c: RiskAttributes) -> float:
    return monthly_debt_service(c) / max(float(c.monthly_income), 1.0)


def latent_risk(c: RiskAttributes, *, on: date) -> float:
    """Log-odds of default within 12 months for a loan granted on `on`."""
    income = max(float(c.monthly_income), 1000.0)
    age = age_on(c.birth_date, on)
    stability = _STABILITY.get(c.occupation, _STABILITY_BY_TYPE.get(c.employment_type, 0.5))
    x = BASE_LOG_ODDS
    x += 1.7 * min(debt_to_income(c), 2.0)
    x += 0.25 * min(float(c.loan_balance) / (income * 12), 3.0)  # multi-lending
    x += 0.2 * max(0, c.credit_card_count - 5)
    x -= 0.45 * math.log(income / 8000)
    x += 0.05 * max(0, 28 - age) + 0.03 * max(0, age - 50)
    x += 1.1 * (1 - stability)
    x -= 0.05 * min(c.years_employed, 10)
    x += _EDUCATION.get(c.education, 0.0)
    x += _MARITAL.get(c.marital_status, 0.0)
    x += _HOUSING.get(c.housing, 0.0)
    return x + PROPENSITY_WEIGHT * propensity(c.customer_no)


def default_probability(c: RiskAttributes, *, on: date) -> float:
    """Probability that a loan granted to `c` on `on` defaults (90+ DPD) within 12 months."""
    return sigmoid(latent_risk(c, on=on))
