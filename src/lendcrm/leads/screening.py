"""Pre-screen rules for arriving leads: pure evaluation of plain data, first failing reason wins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from lendcrm.core.cn_ids import age_on


@dataclass(frozen=True)
class ScreeningPolicy:
    min_age: int | None = None
    max_age: int | None = None
    allowed_regions: tuple[str, ...] = ()  # province (or finer) prefixes of the ID region code
    check_blacklist: bool = True
    require_consent: bool = True


@dataclass(frozen=True)
class ScreeningFacts:
    birth_date: date | None
    region_code: str
    consent: bool
    blacklisted: bool


def screen_lead(
    facts: ScreeningFacts, policies: Sequence[ScreeningPolicy], *, today: date
) -> str | None:
    """The reason the lead is invalid, or None. Age and region need an ID number to judge."""
    for policy in policies:
        reason = _first_failure(facts, policy, today)
        if reason:
            return reason
    return None


def _first_failure(facts: ScreeningFacts, policy: ScreeningPolicy, today: date) -> str | None:
    if policy.check_blacklist and facts.blacklisted:
        return _("命中黑名单")
    if policy.require_consent and not facts.consent:
        return _("缺少客户授权")
    if facts.birth_date is not None:
        age = age_on(facts.birth_date, today)
        if policy.min_age is not None and age < policy.min_age:
            return _("年龄 %(age)d 岁低于下限 %(limit)d 岁") % {"age": age, "limit": policy.min_age}
        if policy.max_age is not None and age > policy.max_age:
            return _("年龄 %(age)d 岁高于上限 %(limit)d 岁") % {"age": age, "limit": policy.max_age}
    allowed = tuple(policy.allowed_regions)
    if allowed and facts.region_code and not facts.region_code.startswith(allowed):
        return _("地区 %(region)s 不在准入范围内") % {"region": facts.region_code[:2]}
    return None
