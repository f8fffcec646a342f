"""The latent risk: deterministic, a probability, and driven by the attributes it should be."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from lendcrm.demo.households import generate_customer, generate_household
from lendcrm.demo.journey import approval_probability
from lendcrm.demo.risk import debt_to_income, default_probability

AS_OF = date(2025, 6, 30)


@pytest.mark.smoke
def test_default_probability_is_a_probability_fixed_by_the_attributes() -> None:
    customer = generate_customer(3, 42, as_of=AS_OF)
    pd = default_probability(customer, on=AS_OF)
    assert 0.0 < pd < 1.0
    assert default_probability(generate_customer(3, 42, as_of=AS_OF), on=AS_OF) == pd


@pytest.mark.smoke
def test_more_debt_for_the_same_customer_means_a_higher_default_probability() -> None:
    customer = generate_customer(3, 7, as_of=AS_OF)
    balances = [Decimal(amount) for amount in (0, 20_000, 60_000, 150_000)]
    variants = [replace(customer, loan_balance=balance) for balance in balances]
    ratios = [debt_to_income(v) for v in variants]
    pds = [default_probability(v, on=AS_OF) for v in variants]
    assert all(low < high for low, high in itertools.pairwise(ratios))
    assert all(low < high for low, high in itertools.pairwise(pds))


@pytest.mark.smoke
def test_across_the_population_higher_debt_to_income_means_higher_default_rates() -> None:
    customers = [generate_customer(11, index, as_of=AS_OF) for index in range(1, 2001)]
    ranked = sorted(customers, key=debt_to_income)
    fifth = len(ranked) // 5
    means = [
        sum(default_probability(c, on=AS_OF) for c in ranked[k * fifth : (k + 1) * fifth]) / fifth
        for k in range(5)
    ]
    assert means == sorted(means)
    assert means[-1] > 2 * means[0]
    assert 0.03 < sum(means) / 5 < 0.15


@pytest.mark.smoke
def test_the_demo_lender_declines_riskier_applicants_more_often() -> None:
    assert approval_probability(0.01) > approval_probability(0.1) > approval_probability(0.3)
    households = [generate_household(11, index, as_of=AS_OF) for index in range(1, 1501)]
    decided = [
        (app.status, default_probability(h.customer, on=AS_OF))
        for h in households
        for app in h.applications[:1]
        if app.status in ("disbursed", "declined")
    ]
    disbursed = [pd for status, pd in decided if status == "disbursed"]
    declined = [pd for status, pd in decided if status == "declined"]
    assert sum(declined) / len(declined) > 1.5 * sum(disbursed) / len(disbursed)
