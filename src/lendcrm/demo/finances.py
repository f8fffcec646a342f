"""A demo person's household, job, income, assets and debts, correlated the way they are in life.

Amounts are whole yuan (int) here; they become Decimal at the model boundary. `propensity` is
the person's hidden appetite for credit (a standard normal): it raises card and loan balances
and, in demo/risk.py, the chance of default, so that debts carry real signal.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from lendcrm.customers.choices import (
    Education,
    EmploymentType,
    HousingStatus,
    MaritalStatus,
)
from lendcrm.demo.data.divisions import Division
from lendcrm.demo.data.places import BANKS, BRANDS, GOVERNMENT_BODIES, SHOPS
from lendcrm.demo.data.work import (
    EDUCATION_INCOME,
    EDUCATION_MIX,
    OCCUPATIONS,
    TIER_HOUSE_PRICE,
    TIER_INCOME,
    Occupation,
)
from lendcrm.demo.sampling import Weighted, clamp, log_normal, one_of, round_to, sigmoid


@dataclass(frozen=True, slots=True)
class Finances:
    education: str
    marital_status: str
    children: int
    housing: str
    employment_type: str
    employer: str
    occupation: str
    position: str
    years_employed: int
    monthly_income: int
    house_value: int
    mortgage_balance: int
    car_value: int
    car_loan_balance: int
    financial_assets: int
    credit_card_count: int
    credit_card_limit: int
    loan_balance: int
    other_debt: int


_OCCUPATIONS = Weighted((o, o.weight) for o in OCCUPATIONS)
_EDUCATION = {key: Weighted(zip(levels, weights, strict=True)) for key, (levels, weights) in EDUCATION_MIX.items()}  # fmt: skip
_HOSPITALS = ("第一人民医院", "第二人民医院", "人民医院", "中医医院", "妇幼保健院")
_SCHOOL_LEAVING_AGE = {
    Education.JUNIOR_HIGH: 16,
    Education.HIGH_SCHOOL: 18,
    Education.COLLEGE: 21,
    Education.BACHELOR: 22,
    Education.MASTER: 25,
}


def generate_finances(
    rng: random.Random, *, age: int, residence: Division, propensity: float
) -> Finances:
    occupation = _pick_occupation(rng, age)
    education = _education(rng, occupation, age)
    working_years = max(0, age - _SCHOOL_LEAVING_AGE[education])
    years_employed = min(working_years, int(rng.expovariate(1.0 / (1.5 + working_years * 0.3))))
    seniority = min(len(occupation.positions) - 1, int(working_years / 7 * rng.uniform(0.5, 1.4)))
    income = _monthly_income(rng, occupation, education, residence.tier, age, seniority)
    marital = _marital_status(rng, age)
    housing, house_value, mortgage = _housing(rng, age, income, residence.tier, occupation)
    car_value, car_loan = _car(rng, age, income)
    cards, card_limit = _credit_cards(rng, income, propensity)
    return Finances(
        education=education,
        marital_status=marital,
        children=_children(rng, age, marital),
        housing=housing,
        employment_type=occupation.employment_type,
        employer=_employer(rng, occupation, residence),
        occupation=occupation.name,
        position=occupation.positions[seniority],
        years_employed=years_employed,
        monthly_income=income,
        house_value=house_value,
        mortgage_balance=mortgage,
        car_value=car_value,
        car_loan_balance=car_loan,
        financial_assets=_financial_assets(rng, income, age, propensity),
        credit_card_count=cards,
        credit_card_limit=card_limit,
        loan_balance=_loan_balance(rng, income, propensity),
        other_debt=round_to(income * rng.uniform(1, 6), 1000) if rng.random() < 0.1 else 0,
    )


def _pick_occupation(rng: random.Random, age: int) -> Occupation:
    occupation = _OCCUPATIONS.pick(rng)
    if age < 27 and occupation.employment_type == EmploymentType.BUSINESS_OWNER:
        occupation = _OCCUPATIONS.pick(rng)  # young business owners are rarer
    return occupation


def _education(rng: random.Random, occupation: Occupation, age: int) -> Education:
    """Education typical of the occupation, no higher than the person is old enough to have."""
    education = _EDUCATION[occupation.education].pick(rng)
    levels = list(_SCHOOL_LEAVING_AGE)
    while _SCHOOL_LEAVING_AGE[education] > age:
        education = levels[levels.index(education) - 1]
    return education


def _monthly_income(
    rng: random.Random, occ: Occupation, education: str, tier: int, age: int, seniority: int
) -> int:
    career = 0.78 + 0.4 * sigmoid((age - 30) / 4.0) - 0.12 * max(0, age - 50) / 10
    median = (
        occ.median_income
        * TIER_INCOME[tier]
        * EDUCATION_INCOME[education]
        * career
        * (1 + 0.1 * seniority)
    )
    return max(2500, round_to(log_normal(rng, median, occ.sigma), 100))


def _marital_status(rng: random.Random, age: int) -> str:
    if rng.random() >= sigmoid((age - 29) / 2.5) * 0.93:
        return MaritalStatus.SINGLE
    draw = rng.random()
    if draw < 0.02 + max(0, age - 30) * 0.003:
        return MaritalStatus.DIVORCED
    if age > 50 and draw < 0.12:
        return MaritalStatus.WIDOWED
    return MaritalStatus.MARRIED


def _children(rng: random.Random, age: int, marital: str) -> int:
    if marital == MaritalStatus.SINGLE:
        return 1 if rng.random() < 0.02 else 0
    weights = (60, 35, 5, 0) if age < 28 else (20, 50, 27, 3) if age <= 40 else (8, 52, 33, 7)
    draw, total = rng.random() * 100, 0.0
    for count, weight in enumerate(weights):
        total += weight
        if draw < total:
            return count
    return 0


def _housing(
    rng: random.Random, age: int, income: int, tier: int, occ: Occupation
) -> tuple[str, int, int]:
    """Housing status, house value and the mortgage still owed."""
    owns = sigmoid(-2.0 + 0.09 * (age - 25) + 0.9 * math.log(income / 8000) - 0.4 * (tier == 1))
    if rng.random() >= owns:
        if occ.employer_kind in ("company", "none") and occ.education == "low":
            return (HousingStatus.DORMITORY if rng.random() < 0.25 else HousingStatus.RENTED), 0, 0
        family = 0.4 if age < 28 else 0.15
        return (HousingStatus.FAMILY if rng.random() < family else HousingStatus.RENTED), 0, 0
    area = clamp(log_normal(rng, 85 + income / 1000, 0.25), 40, 260)
    value = round_to(area * TIER_HOUSE_PRICE[tier] * rng.uniform(0.7, 1.4), 10_000)
    if rng.random() >= (0.72 if age < 45 else 0.3):
        return HousingStatus.OWNED, value, 0
    borrowed = min(value * rng.uniform(0.5, 0.7), income * 0.55 / 0.0055)
    years_paid = rng.uniform(0, min(25, max(1, age - 24)))
    remaining = borrowed * max(0.05, 1 - years_paid / 28)
    return HousingStatus.MORTGAGED, value, round_to(remaining, 100)


def _car(rng: random.Random, age: int, income: int) -> tuple[int, int]:
    if rng.random() >= sigmoid(-0.8 + 1.0 * math.log(income / 9000) + 0.03 * (age - 30)):
        return 0, 0
    value = round_to(clamp(log_normal(rng, income * 16, 0.4), 30_000, 900_000), 1000)
    if rng.random() < (0.45 if age < 35 else 0.2):
        return value, round_to(value * rng.uniform(0.15, 0.6), 100)
    return value, 0


def _financial_assets(rng: random.Random, income: int, age: int, propensity: float) -> int:
    years = max(0.5, (age - 22) * 0.35)
    median = income * years * math.exp(-0.35 * propensity)
    return round_to(log_normal(rng, median, 1.0), 100) if rng.random() < 0.9 else 0


def _credit_cards(rng: random.Random, income: int, propensity: float) -> tuple[int, int]:
    mean = max(0.2, 0.6 + 1.1 * math.log2(income / 4000) + 0.8 * propensity)
    count = min(15, _poisson(rng, mean))
    if count == 0:
        return 0, 0
    per_card = clamp(log_normal(rng, income * 0.9, 0.45), 3000, 200_000)
    return count, round_to(per_card * (count**0.8), 1000)


def _loan_balance(rng: random.Random, income: int, propensity: float) -> int:
    if rng.random() >= sigmoid(-0.9 + 0.9 * propensity):
        return 0
    return round_to(log_normal(rng, income * math.exp(1.2 + 0.5 * propensity), 0.7), 100)


def _poisson(rng: random.Random, mean: float) -> int:
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


def _employer(rng: random.Random, occ: Occupation, residence: Division) -> str:
    city = residence.city.removesuffix("市")
    kind = occ.employer_kind
    if kind == "company":
        return f"{city}{one_of(rng, BRANDS)}{occ.industry}有限公司"
    if kind == "bank":
        return f"{one_of(rng, BANKS)}{city}分行"
    if kind == "soe":
        return (
            f"{city}{one_of(rng, ('城市建设', '交通', '水务', '能源', '国有资产'))}投资集团有限公司"
        )
    if kind == "government":
        district = "" if residence.district == residence.city else residence.district
        return f"{residence.city}{district}{one_of(rng, GOVERNMENT_BODIES)}"
    if kind == "school":
        level = one_of(rng, ("第一中学", "第二中学", "实验中学", "实验小学", "第三小学"))
        return f"{residence.city}{level}"
    if kind == "hospital":
        return f"{residence.city}{one_of(rng, _HOSPITALS)}"
    if kind == "shop":
        return f"{residence.district}{one_of(rng, BRANDS)}{one_of(rng, SHOPS)}"
    if kind == "delivery":
        return f"{city}{one_of(rng, BRANDS)}配送服务有限公司"
    return ""
