"""The disclosed annualised rate (年化利率) by the IRR method.

The monthly internal rate of return of the cash flows (−principal at the start, each payment
at its due date, counted in whole months) times 12. It is solved on floats, with Newton's
method and a bisection fallback: the APR is a disclosure figure rounded to 6 places, never an
amount of money, so float arithmetic is acceptable here and nowhere else in the engine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

APR_PLACES = Decimal("0.000001")
_TOLERANCE = 1e-15
_LOWEST_RATE = -0.99


def _npv_and_slope(
    rate: float, principal: float, flows: Sequence[tuple[int, float]]
) -> tuple[float, float]:
    npv = -principal
    slope = 0.0
    base = 1.0 + rate
    try:
        for month, amount in flows:
            discounted = amount * base**-month
            npv += discounted
            slope -= month * discounted / base
    except OverflowError:  # a rate near -100% discounts long flows beyond float range
        return math.inf, -math.inf
    return npv, slope


def _newton(principal: float, flows: Sequence[tuple[int, float]], guess: float) -> float | None:
    rate = guess
    for _ in range(50):
        npv, slope = _npv_and_slope(rate, principal, flows)
        if slope == 0.0 or not math.isfinite(npv):
            return None
        step = npv / slope
        rate -= step
        if rate <= _LOWEST_RATE:
            return None
        if abs(step) < _TOLERANCE * max(1.0, abs(rate)):
            return rate
    return None


def _bisect(principal: float, flows: Sequence[tuple[int, float]]) -> float:
    low, high = _LOWEST_RATE, 1.0
    while _npv_and_slope(high, principal, flows)[0] > 0:
        high *= 2
    for _ in range(200):
        middle = (low + high) / 2
        if _npv_and_slope(middle, principal, flows)[0] > 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def monthly_irr(principal: int, flows: Sequence[tuple[int, int]], guess: float) -> float:
    """Monthly IRR of lending `principal` and receiving `flows` (month, amount) back; cents."""
    if sum(amount for _, amount in flows) == principal:
        return 0.0
    as_floats = [(month, float(amount)) for month, amount in flows]
    rate = _newton(float(principal), as_floats, guess)
    return rate if rate is not None else _bisect(float(principal), as_floats)


def annualised_rate(principal: int, flows: Sequence[tuple[int, int]], guess: float) -> Decimal:
    """The monthly IRR × 12 as a fraction rounded half up to 6 places, e.g. Decimal("0.049000")."""
    return Decimal(monthly_irr(principal, flows, guess) * 12).quantize(APR_PLACES, ROUND_HALF_UP)
