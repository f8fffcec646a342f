"""Risk-based pricing: the decision's pricing tier places the rate in the product's range."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from lendcrm.loans.models import Product

# Share of the way from the product's lowest to its highest annual rate, per tier.
TIER_POSITION: dict[str, Decimal] = {"A": Decimal("0"), "B": Decimal("0.5"), "C": Decimal("1")}
RATE_STEP = Decimal("0.0001")


def rate_for_tier(product: Product, tier: str) -> Decimal:
    """The annual rate for a tier; an unknown or empty tier is priced at the top of the range."""
    position = TIER_POSITION.get(tier.strip().upper(), Decimal("1"))
    rate = product.min_rate + (product.max_rate - product.min_rate) * position
    return rate.quantize(RATE_STEP, rounding=ROUND_HALF_UP)
