"""Review rules (分单规则): added and edited by review supervisors, audited."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core.errors import DomainError
from lendcrm.identity.models import User
from lendcrm.loans.models import Product
from lendcrm.reviews.choices import ReviewLevel
from lendcrm.reviews.models import ReviewRule


@dataclass(frozen=True)
class RuleInput:
    name: str
    product: Product | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    risk_grades: list[str] = field(default_factory=list)
    min_level: str = ReviewLevel.REVIEWER
    priority: int = 100
    sla_minutes: int = 240
    is_active: bool = True


def save_review_rule(rule: ReviewRule | None, *, data: RuleInput, acting_user: User) -> ReviewRule:
    """Create a rule (rule=None) or change one; the amount band must not be inverted."""
    low, high = data.min_amount, data.max_amount
    if low is not None and high is not None and low > high:
        raise DomainError(_("金额上限不能小于下限"), field="max_amount")
    if data.min_level not in ReviewLevel.values:
        raise DomainError(_("请选择信审级别"), field="min_level")
    if data.sla_minutes <= 0:
        raise DomainError(_("处理时限须大于 0"), field="sla_minutes")
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    values["risk_grades"] = sorted({g.strip().upper() for g in data.risk_grades if g.strip()})
    with transaction.atomic():
        created = rule is None
        rule = rule or ReviewRule()
        for name, value in values.items():
            setattr(rule, name, value)
        rule.save()
        record_event(
            "reviews.rule_created" if created else "reviews.rule_changed",
            actor=acting_user,
            target=rule,
            metadata={
                "name": rule.name,
                "product": rule.product_id,
                "min_amount": str(rule.min_amount or ""),
                "max_amount": str(rule.max_amount or ""),
                "risk_grades": rule.risk_grades,
                "min_level": rule.min_level,
                "priority": rule.priority,
                "sla_minutes": rule.sla_minutes,
                "is_active": rule.is_active,
            },
        )
    return rule
