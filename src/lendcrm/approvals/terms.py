"""Approval terms (核准条件) and the pure rules comparing one level's terms with the previous."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from lendcrm.core.errors import DomainError, FieldProblem
from lendcrm.core.money import to_money
from lendcrm.loans.models import Product

RATE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class ApprovalTerms:
    """Amount, annual rate (a fraction, 0.1800 = 18%), term in periods, repayment method."""

    amount: Decimal
    annual_rate: Decimal
    term: int
    repayment_method: str

    def normalised(self) -> ApprovalTerms:
        return ApprovalTerms(
            amount=to_money(self.amount),
            annual_rate=Decimal(self.annual_rate).quantize(RATE_PLACES),
            term=int(self.term),
            repayment_method=str(self.repayment_method),
        )


def needs_note(previous: ApprovalTerms, proposed: ApprovalTerms) -> list[str]:
    """What makes `proposed` more generous than `previous`: a raised amount, a lowered rate."""
    reasons = []
    if proposed.amount > previous.amount:
        reasons.append("amount")
    if proposed.annual_rate < previous.annual_rate:
        reasons.append("annual_rate")
    return reasons


def check_terms_for_product(terms: ApprovalTerms, product: Product) -> None:
    """Refuse terms the product cannot lend on, naming each offending field."""
    problems: list[FieldProblem] = []
    if terms.amount <= 0 or not product.min_amount <= terms.amount <= product.max_amount:
        problems.append(
            FieldProblem(
                "amount",
                _("金额须在产品范围 %(low)s–%(high)s 内")
                % {"low": product.min_amount, "high": product.max_amount},
            )
        )
    if not product.min_rate <= terms.annual_rate <= product.max_rate:
        problems.append(
            FieldProblem(
                "annual_rate",
                _("年利率须在产品范围 %(low)s–%(high)s 内")
                % {"low": product.min_rate, "high": product.max_rate},
            )
        )
    if product.terms and terms.term not in product.terms:
        problems.append(FieldProblem("term", _("产品不支持该期数")))
    if product.repayment_methods and terms.repayment_method not in product.repayment_methods:
        problems.append(FieldProblem("repayment_method", _("产品不支持该还款方式")))
    if problems:
        raise DomainError(problems[0].message, problems=problems)
