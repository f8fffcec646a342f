"""The contract's terms (合同条款): what the template renders and the contract snapshots.

Built from the application's approved terms (审批结论) and its product. Every amount is a
string with two decimals, every rate a percentage string, so the snapshot is plain JSON and
reads the same years later, whatever the product or the schedule engine has become.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lendcrm.core.masking import mask_id_number
from lendcrm.core.money import ZERO, format_money, to_money
from lendcrm.loans.choices import RepaymentMethod
from lendcrm.loans.models import Product
from lendcrm.loans.schedule.apr import annualised_rate
from lendcrm.loans.schedules import InterestConvention, PrepaymentMode, Schedule, build_schedule

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


@dataclass(frozen=True)
class ApprovedTerms:
    """The approved amount, annual rate, term and repayment method of an application."""

    amount: Decimal
    annual_rate: Decimal
    term: int
    method: RepaymentMethod


@dataclass(frozen=True)
class Parties:
    lender_name: str
    borrower_name: str
    borrower_id_number: str  # unmasked here; only the masked form enters the terms
    customer_no: str


def percent(rate: Decimal, places: int = 2) -> str:
    """`Decimal("0.1234")` → `"12.34%"`."""
    quantum = Decimal(1).scaleb(-places)
    return f"{(rate * 100).quantize(quantum, ROUND_HALF_UP)}%"


def amount_in_words(amount: Decimal) -> str:
    """人民币大写: `Decimal("105000.50")` → `壹拾万伍仟元伍角`."""
    cents = int(to_money(amount) * 100)
    yuan, fraction = divmod(cents, 100)
    words = _integer_in_words(yuan) + "元"
    jiao, fen = divmod(fraction, 10)
    if not fraction:
        return words + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    return words


def _integer_in_words(number: int) -> str:
    if number == 0:
        return "零"
    groups: list[int] = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    words = ""
    zero_pending = False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(words)
            continue
        if words and (zero_pending or group < 1000):
            words += "零"
        words += _group_in_words(group) + _GROUPS[index]
        zero_pending = False
    return words


def _group_in_words(group: int) -> str:
    words = ""
    zero = False
    for position in range(3, -1, -1):
        digit = group // 10**position % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words += "零"
            zero = False
        words += _DIGITS[digit] + _UNITS[position]
    return words


def disclosed_apr(schedule: Schedule, fee_per_period: Decimal, method: RepaymentMethod) -> Decimal:
    """年化利率 (IRR) of everything the borrower pays, fees included, as a fraction."""
    if fee_per_period == ZERO:
        return schedule.apr
    flows = [
        (schedule.term if method == RepaymentMethod.BULLET else row.period, row.payment)
        for row in schedule.installments
    ]
    fee_cents = int(fee_per_period * 100)
    cent_flows = [(month, int(paid * 100) + fee_cents) for month, paid in flows]
    guess = float(schedule.annual_rate) / 12
    return annualised_rate(int(schedule.principal * 100), cent_flows, guess)


def build_terms(
    *,
    contract_no: str,
    application_no: str,
    parties: Parties,
    product: Product,
    approved: ApprovedTerms,
    purpose: str,
    start: date,
) -> dict[str, Any]:
    """The terms snapshot: parties, loan, schedule, fees, penalty and prepayment terms."""
    schedule = build_schedule(
        to_money(approved.amount),
        approved.annual_rate,
        approved.term,
        approved.method,
        start,
        convention=InterestConvention(product.interest_convention),
    )
    fee = to_money(approved.amount * product.fee_rate_per_period)
    rows = [
        {
            "period": row.period,
            "due_date": row.due_date.isoformat(),
            "principal": format_money(row.principal),
            "interest": format_money(row.interest),
            "fee": format_money(fee),
            "payment": format_money(row.payment + fee),
            "balance": format_money(row.balance),
        }
        for row in schedule.installments
    ]
    total_fee = fee * len(rows)
    return {
        "contract_no": contract_no,
        "application_no": application_no,
        "generated_on": start.isoformat(),
        "lender": {"name": parties.lender_name},
        "borrower": {
            "name": parties.borrower_name,
            "id_number_masked": mask_id_number(parties.borrower_id_number),
            "customer_no": parties.customer_no,
        },
        "product": {"code": product.code, "name": product.name, "kind": product.kind},
        "loan": {
            "amount": format_money(approved.amount),
            "amount_value": str(to_money(approved.amount)),
            "amount_in_words": amount_in_words(approved.amount),
            "annual_rate": percent(approved.annual_rate),
            "annual_rate_value": str(approved.annual_rate),
            "apr": percent(disclosed_apr(schedule, fee, approved.method)),
            "term": approved.term,
            "method": approved.method.value,
            "method_label": str(approved.method.label),
            "start_date": start.isoformat(),
            "maturity_date": schedule.installments[-1].due_date.isoformat(),
            "purpose": purpose or "个人消费",
            "convention_label": str(InterestConvention(product.interest_convention).label),
        },
        "schedule": rows,
        "totals": {
            "principal": format_money(schedule.total_principal),
            "interest": format_money(schedule.total_interest),
            "fee": format_money(total_fee),
            "payment": format_money(schedule.total_payment + total_fee),
        },
        "fees": {
            "rate_per_period": percent(Decimal(product.fee_rate_per_period), 4),
            "per_period": format_money(fee),
            "total": format_money(total_fee),
        },
        "penalty": _penalty_terms(product, approved.annual_rate),
        "prepayment": {
            "after_periods": product.prepayment_after_periods,
            "fee_rate": percent(Decimal(product.prepayment_fee_rate), 2),
            "mode_label": str(PrepaymentMode(product.prepayment_mode).label),
        },
    }


def _penalty_terms(product: Product, annual_rate: Decimal) -> dict[str, Any]:
    fixed = product.penalty_annual_rate is not None
    return {
        "annual_rate": percent(product.penalty_rate_for(annual_rate)),
        "multiplier": str(product.penalty_rate_multiplier),
        "is_fixed_rate": fixed,
        "grace_days": product.grace_days,
    }
