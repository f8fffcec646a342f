"""generate_household(seed, index): one demo customer with their leads and applications.

Each record comes from its own RNG seeded by (seed, kind, index), so the same seed always gives
the same data, records can be generated in any order or in parallel, and seeding more
customers later only adds the missing indexes.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from lendcrm.core.cn_ids import age_on
from lendcrm.demo.assignment import assign
from lendcrm.demo.finances import generate_finances
from lendcrm.demo.journey import Journey, horizon, plan_journey
from lendcrm.demo.people import (
    PERSONS_PER_INDEX,
    generate_person,
    make_address,
    make_email,
    make_hukou_address,
)
from lendcrm.demo.pipeline import generate_applications, generate_leads
from lendcrm.demo.profiles import CustomerProfile, Household
from lendcrm.demo.risk import default_probability, propensity

MAX_SEED = 10**9
MAX_CUSTOMERS = 10**8 - 1


def customer_no(seed: int, index: int) -> str:
    return f"C{seed}-{index:08d}"


def generate_customer(seed: int, index: int, *, as_of: date) -> CustomerProfile:
    return _customer_with_journey(seed, index, as_of)[0]


def generate_household(seed: int, index: int, *, as_of: date) -> Household:
    customer, journey, pd = _customer_with_journey(seed, index, as_of)
    leads = generate_leads(seed, index, as_of=as_of, customer=customer, journey=journey)
    own_lead = leads[0] if leads and leads[0].customer_no else None
    applications = generate_applications(
        seed,
        index,
        as_of=as_of,
        customer=customer,
        journey=journey,
        channel=own_lead.channel if own_lead else None,
        default_probability=pd,
    )
    return Household(customer=customer, leads=leads, applications=applications)


def _customer_with_journey(
    seed: int, index: int, as_of: date
) -> tuple[CustomerProfile, Journey, float]:
    rng = random.Random(f"{seed}:customer:{index}")
    customer = _customer(rng, customer_no(seed, index), index, as_of)
    pd = default_probability(customer, on=as_of)
    journey = plan_journey(rng, as_of=as_of, default_probability=pd, has_lead=rng.random() < 0.88)
    customer.created_at = journey.customer_at
    return customer, journey, pd


def _customer(rng: random.Random, number: str, index: int, as_of: date) -> CustomerProfile:
    """The customer's attributes; created_at is a placeholder until the journey is planned."""
    person = generate_person(rng, person_no=index * PERSONS_PER_INDEX, as_of=as_of)
    money = generate_finances(
        rng,
        age=age_on(person.birth_date, as_of),
        residence=person.residence,
        propensity=propensity(number),
    )
    return CustomerProfile(
        index=index,
        customer_no=number,
        name=person.name,
        gender=person.gender,
        birth_date=person.birth_date,
        id_number=person.id_number,
        mobile=person.mobile,
        email=make_email(rng) if rng.random() < 0.45 else "",
        marital_status=money.marital_status,
        education=money.education,
        children=money.children,
        province=person.residence.province,
        city=person.residence.city,
        address=make_address(rng, person.residence),
        hukou_address=make_hukou_address(rng, person.home),
        housing=money.housing,
        employment_type=money.employment_type,
        employer=money.employer,
        occupation=money.occupation,
        position=money.position,
        years_employed=money.years_employed,
        monthly_income=Decimal(money.monthly_income),
        house_value=Decimal(money.house_value),
        mortgage_balance=Decimal(money.mortgage_balance),
        car_value=Decimal(money.car_value),
        car_loan_balance=Decimal(money.car_loan_balance),
        financial_assets=Decimal(money.financial_assets),
        credit_card_count=money.credit_card_count,
        credit_card_limit=Decimal(money.credit_card_limit),
        loan_balance=Decimal(money.loan_balance),
        other_debt=Decimal(money.other_debt),
        assignment=assign(rng, person.residence, unassigned_share=0.08),
        created_at=horizon(as_of),
    )
