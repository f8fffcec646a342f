from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lendcrm.core.money import to_money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("-0.005", "-0.01"),
        ("2.675", "2.68"),
        (3, "3.00"),
    ],
)
def test_rounds_half_up_to_the_cent(raw: str | int, expected: str) -> None:
    assert to_money(raw) == Decimal(expected)


def test_refuses_floats() -> None:
    with pytest.raises(TypeError):
        to_money(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity"])
def test_refuses_non_amounts(raw: str) -> None:
    with pytest.raises(ValueError, match="not an amount of money"):
        to_money(raw)


@given(
    st.decimals(
        min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False, places=6
    )
)
def test_rounding_moves_at_most_half_a_cent(value: Decimal) -> None:
    rounded = to_money(value)
    assert abs(rounded - value) <= Decimal("0.005")
    assert rounded.as_tuple().exponent == -2
