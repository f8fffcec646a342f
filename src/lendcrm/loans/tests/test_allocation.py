from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lendcrm.loans.allocation import DEFAULT_ORDER, Due, allocate, parse_order
from lendcrm.loans.choices import AllocationStrategy, Component

cents = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c).scaleb(-2))
dues = st.lists(
    st.builds(
        Due, period=st.integers(1, 60), penalty=cents, fee=cents, interest=cents, principal=cents
    ),
    max_size=8,
    unique_by=lambda d: d.period,
)
strategies = st.sampled_from(list(AllocationStrategy))
orders = st.permutations(list(Component))


@given(amount=cents, owed=dues, order=orders, strategy=strategies)
def test_allocation_never_creates_or_loses_a_cent(
    amount: Decimal, owed: list[Due], order: list[Component], strategy: AllocationStrategy
) -> None:
    result = allocate(amount, owed, order=order, strategy=strategy)

    assert result.applied + result.unapplied == amount
    total_owed = sum((d.owed(c) for d in owed for c in Component), Decimal(0))
    assert result.applied == min(amount, total_owed)
    for due in owed:
        for component in Component:
            taken = sum(
                (
                    p.amount
                    for p in result.parts
                    if p.period == due.period and p.component == component
                ),
                Decimal(0),
            )
            assert Decimal(0) <= taken <= due.owed(component)


@given(amount=cents, owed=dues)
def test_an_older_installment_is_cleared_before_a_newer_one_is_touched(
    amount: Decimal, owed: list[Due]
) -> None:
    result = allocate(amount, owed)

    touched = [p.period for p in result.parts]
    assert touched == sorted(touched)


def test_default_order_is_penalty_fees_interest_principal() -> None:
    owed = [
        Due(
            period=1,
            penalty=Decimal("5"),
            fee=Decimal("10"),
            interest=Decimal("20"),
            principal=Decimal("100"),
        )
    ]

    result = allocate(Decimal("30"), owed)

    assert [(p.component, p.amount) for p in result.parts] == [
        (Component.PENALTY, Decimal("5")),
        (Component.FEE, Decimal("10")),
        (Component.INTEREST, Decimal("15")),
    ]


def test_component_first_pays_every_installments_penalty_before_any_interest() -> None:
    owed = [
        Due(period=1, penalty=Decimal("1"), interest=Decimal("10")),
        Due(period=2, penalty=Decimal("2"), interest=Decimal("10")),
    ]

    result = allocate(Decimal("5"), owed, strategy=AllocationStrategy.COMPONENT_FIRST)

    assert [(p.period, p.component) for p in result.parts] == [
        (1, Component.PENALTY),
        (2, Component.PENALTY),
        (1, Component.INTEREST),
    ]


def test_a_configured_order_keeps_unnamed_components_last() -> None:
    assert parse_order(["principal"]) == (Component.PRINCIPAL, *DEFAULT_ORDER[:3])
    with pytest.raises(ValueError, match="twice"):
        parse_order(["fee", "fee"])


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        allocate(Decimal("-1"), [])
