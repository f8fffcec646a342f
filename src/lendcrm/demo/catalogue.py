"""The demo lender's loan products and lead channels, and how campaigns are named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lendcrm.leads.choices import ChannelKind
from lendcrm.loans.choices import ProductKind, RepaymentMethod


@dataclass(frozen=True)
class ProductSpec:
    code: str
    name: str
    kind: ProductKind
    min_amount: int
    max_amount: int
    terms: tuple[int, ...]
    min_rate: Decimal
    max_rate: Decimal
    repayment_methods: tuple[RepaymentMethod, ...]
    income_multiple: float  # typical amount asked for, in months of income
    amount_step: int


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "XYD", "薪易贷", ProductKind.SINGLE_LOAN, 10_000, 200_000, (6, 12, 24, 36),
        Decimal("0.0720"), Decimal("0.1800"),
        (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.EQUAL_PRINCIPAL), 4.0, 1000,
    ),
    ProductSpec(
        "SJSH", "随借随还", ProductKind.REVOLVING, 1_000, 50_000, (3, 6, 12),
        Decimal("0.1080"), Decimal("0.2160"),
        (RepaymentMethod.EQUAL_INSTALLMENT, RepaymentMethod.INTEREST_FIRST), 1.5, 1000,
    ),
    ProductSpec(
        "JYD", "经营贷", ProductKind.SINGLE_LOAN, 50_000, 1_000_000, (12, 24, 36),
        Decimal("0.0600"), Decimal("0.1500"),
        (RepaymentMethod.INTEREST_FIRST, RepaymentMethod.EQUAL_INSTALLMENT), 12.0, 10_000,
    ),
)  # fmt: skip
PRODUCT_BY_CODE = {p.code: p for p in PRODUCTS}


@dataclass(frozen=True)
class ChannelSpec:
    code: str
    name: str
    kind: ChannelKind
    cost_per_lead: Decimal
    weight: float
    campaign: str  # format; {y} year, {q} quarter, {m} month, {city} branch city; "" for none


CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec("BAIDU-FEED", "百度信息流", ChannelKind.H5, Decimal("85.00"), 22, "百度信息流-{y}Q{q}"),
    ChannelSpec("DOUYIN-FEED", "抖音信息流", ChannelKind.H5, Decimal("70.00"), 22, "抖音信息流-{y}Q{q}"),
    ChannelSpec("WEBSITE", "官网", ChannelKind.WEBSITE, Decimal("0.00"), 10, ""),
    ChannelSpec("APP", "自营APP", ChannelKind.APP, Decimal("12.00"), 14, "APP开屏-{y}-{m:02d}"),
    ChannelSpec("LOAN-MARKET", "贷款超市联运", ChannelKind.MARKETPLACE, Decimal("120.00"), 12, "贷款超市联运-{y}Q{q}"),
    ChannelSpec("SALON", "线下沙龙", ChannelKind.OFFLINE, Decimal("200.00"), 6, "线下沙龙-{city}-{y}-{m:02d}"),
    ChannelSpec("REFERRAL", "老客转介绍", ChannelKind.REFERRAL, Decimal("50.00"), 8, "老带新-{y}Q{q}"),
)  # fmt: skip
CHANNEL_BY_CODE = {c.code: c for c in CHANNELS}


def campaign_for(channel: ChannelSpec, when: datetime, *, branch_city: str) -> str:
    """`百度信息流-2024Q2`, `线下沙龙-上海-2025-03`: the campaign running when the lead came."""
    if not channel.campaign:
        return ""
    return channel.campaign.format(
        y=when.year, q=(when.month - 1) // 3 + 1, m=when.month, city=branch_city
    )
