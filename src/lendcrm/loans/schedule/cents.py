"""Schedule arithmetic in integer cents, exact: every rounding is one half-up integer division.

Interest for period i is `half_up(balance × weights[i], divisor)`. With the monthly 30/360
convention every weight is the rate's numerator and the divisor is 12 × its denominator; with
actual/365 a weight is numerator × days in the period and the divisor is 365 × denominator.
The Decimal reference in `reference.py` implements the same rules and must agree exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from math import gcd

Parts = tuple[list[int], list[int]]  # principal parts, interest parts; in cents


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for numerator >= 0 and denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


@lru_cache(maxsize=8192)
def _annuity_factor(rate_num: int, rate_den: int, term: int) -> tuple[int, int]:
    # payment = principal × r(1+r)^n / ((1+r)^n − 1) with r = a/b, as one fraction x/y
    a, b = rate_num, 12 * rate_den
    common = gcd(a, b)
    a, b = a // common, b // common
    growth = (a + b) ** term
    return a * growth, b * (growth - b**term)


def annuity_payment(principal: int, rate_num: int, rate_den: int, term: int) -> int:
    """The exact equal-installment amount rounded half up once; r = annual rate / 12."""
    if rate_num == 0:
        return half_up(principal, term)
    x, y = _annuity_factor(rate_num, rate_den, term)
    return half_up(principal * x, y)


def _uniform_level_payment(
    principal: int, weight: int, divisor: int, term: int, payment: int
) -> Parts | None:
    # One weight for every period (30/360): the payment never falls below the interest, so
    # the principal parts need no clamping and an early end shows as a balance left <= 0.
    weight2, divisor2 = 2 * weight, 2 * divisor
    balance = principal
    interests = []
    for _ in range(term - 1):
        interest = (balance * weight2 + divisor) // divisor2
        interests.append(interest)
        balance -= payment - interest
    if balance <= 0:
        return None
    principals = [payment - interest for interest in interests]
    principals.append(balance)
    interests.append((balance * weight2 + divisor) // divisor2)
    return principals, interests


def level_payment(
    principal: int, weights: Sequence[int], divisor: int, payment: int
) -> Parts | None:
    """Pay `payment` each period, the last period taking the residue.

    None when the payment would repay everything before the last period, which rounding the
    payment up can do for a small principal over a long term. A period whose interest exceeds
    the payment (actual/365, a long month at a high rate) pays its interest and no principal.
    """
    first = weights[0]
    if weights.count(first) == len(weights) and payment >= half_up(principal * first, divisor):
        return _uniform_level_payment(principal, weights[0], divisor, len(weights), payment)
    principals: list[int] = []
    interests: list[int] = []
    balance = principal
    divisor2 = 2 * divisor
    last = len(weights) - 1
    for i in range(last):
        interest = (2 * balance * weights[i] + divisor) // divisor2
        part = payment - interest
        if part < 0:
            part = 0
        elif part >= balance:
            return None
        balance -= part
        principals.append(part)
        interests.append(interest)
    principals.append(balance)
    interests.append((2 * balance * weights[last] + divisor) // divisor2)
    return principals, interests


def equal_installment(
    principal: int, weights: Sequence[int], divisor: int, payment: int
) -> tuple[Parts, int]:
    """Level payments, lowered a cent at a time while they would end the loan early."""
    while True:
        parts = level_payment(principal, weights, divisor, payment)
        if parts is not None:
            return parts, payment
        payment -= 1


def level_payment_until_repaid(
    principal: int, weights: Sequence[int], divisor: int, payment: int
) -> Parts:
    """Pay `payment` each period until the balance is gone (at the latest in the last period)."""
    principals: list[int] = []
    interests: list[int] = []
    balance = principal
    divisor2 = 2 * divisor
    for i, weight in enumerate(weights):
        interest = (2 * balance * weight + divisor) // divisor2
        part = max(payment - interest, 0)
        if part >= balance or i == len(weights) - 1:
            part = balance
        balance -= part
        principals.append(part)
        interests.append(interest)
        if balance == 0:
            break
    return principals, interests


def equal_principal_part(principal: int, term: int) -> int:
    """principal / term rounded half up, or down when rounding up would leave the last period nothing."""
    part = half_up(principal, term)
    if part * (term - 1) >= principal:
        part = principal // term
    return part


def level_principal(principal: int, weights: Sequence[int], divisor: int, part: int) -> Parts:
    """Repay `part` each period, the last period taking the residue."""
    last = len(weights) - 1
    final_balance = principal - part * last
    divisor2 = 2 * divisor
    first = weights[0]
    if part and weights.count(first) == len(weights):
        weight2 = 2 * first
        interests = [
            (balance * weight2 + divisor) // divisor2
            for balance in range(principal, final_balance - 1, -part)
        ]
    else:
        interests = [
            (2 * (principal - part * i) * weights[i] + divisor) // divisor2 for i in range(last + 1)
        ]
    principals = [part] * last
    principals.append(final_balance)
    return principals, interests


def interest_only(principal: int, weights: Sequence[int], divisor: int) -> Parts:
    """Interest every period, all the principal in the last one."""
    principals = [0] * len(weights)
    principals[-1] = principal
    first = weights[0]
    if weights.count(first) == len(weights):
        return principals, [half_up(principal * first, divisor)] * len(weights)
    twice, divisor2 = 2 * principal, 2 * divisor
    return principals, [(twice * w + divisor) // divisor2 for w in weights]
