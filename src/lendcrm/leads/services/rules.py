"""Settings of lead managers: screening rules, the lead blacklist and assignment rules."""

from __future__ import annotations

from datetime import time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.identity.models import User
from lendcrm.leads.choices import AssignmentStrategy, BlacklistKind
from lendcrm.leads.models import (
    AssignmentMember,
    AssignmentRule,
    Channel,
    LeadBlacklist,
    ScreeningRule,
)
from lendcrm.leads.services.capture import lead_index


def _regions(values: list[str]) -> list[str]:
    cleaned = sorted({v.strip() for v in values if v.strip()})
    if any(not v.isdigit() or len(v) > 6 for v in cleaned):
        raise DomainError(_("地区须为 2–6 位行政区划代码前缀，如 11、4403"), field="regions")
    return cleaned


def create_screening_rule(
    *,
    name: str,
    channel: Channel | None,
    min_age: int | None,
    max_age: int | None,
    allowed_regions: list[str],
    check_blacklist: bool,
    require_consent: bool,
    acting_user: Any,
) -> ScreeningRule:
    if min_age is not None and max_age is not None and min_age > max_age:
        raise DomainError(_("最小年龄不能大于最大年龄"), field="min_age")
    with transaction.atomic():
        rule = ScreeningRule.objects.create(
            name=name.strip()[:100] or _("筛查规则"),
            channel=channel,
            min_age=min_age,
            max_age=max_age,
            allowed_regions=_regions(allowed_regions),
            check_blacklist=check_blacklist,
            require_consent=require_consent,
        )
        record_event(
            "screening_rule.created",
            actor=acting_user,
            target=rule,
            metadata={"min_age": min_age, "max_age": max_age, "regions": rule.allowed_regions},
        )
    return rule


def set_screening_rule_active(rule: ScreeningRule, *, active: bool, acting_user: Any) -> None:
    with transaction.atomic():
        ScreeningRule.objects.filter(pk=rule.pk).update(is_active=active)
        record_event(
            "screening_rule.updated", actor=acting_user, target=rule, metadata={"active": active}
        )


def add_to_blacklist(*, kind: str, value: str, reason: str, acting_user: Any) -> LeadBlacklist:
    """Only the blind index of the phone or ID number is kept."""
    if kind not in BlacklistKind.values or not value.strip():
        raise DomainError(_("请填写手机号或身份证号"), field="value")
    field_name = "mobile_index" if kind == BlacklistKind.MOBILE else "id_number_index"
    try:
        with transaction.atomic():
            entry = LeadBlacklist.objects.create(
                kind=kind, value_index=lead_index(field_name, value), reason=reason[:200]
            )
            record_event(
                "lead_blacklist.added", actor=acting_user, target=entry, metadata={"kind": kind}
            )
    except IntegrityError as exc:
        raise Conflict(_("该号码已在黑名单中"), field="value") from exc
    return entry


def save_assignment_rule(
    *, channel: Channel | None, strategy: str, sla_minutes: int, acting_user: Any
) -> AssignmentRule:
    """Create or update the rule of a channel (or the default rule when channel is None)."""
    if strategy not in AssignmentStrategy.values:
        raise DomainError(_("未知的分配策略"), field="strategy")
    if not 1 <= sla_minutes <= 7 * 24 * 60:
        raise DomainError(_("首呼时限须在 1 分钟到 7 天之间"), field="first_contact_sla_minutes")
    with transaction.atomic():
        rule, created = AssignmentRule.objects.update_or_create(
            channel=channel,
            defaults={"strategy": strategy, "first_contact_sla_minutes": sla_minutes},
        )
        record_event(
            "assignment_rule.saved",
            actor=acting_user,
            target=rule,
            metadata={"strategy": strategy, "sla_minutes": sla_minutes, "created": created},
        )
    return rule


def save_assignment_member(
    rule: AssignmentRule,
    *,
    agent: User,
    weight: int,
    regions: list[str],
    max_open_leads: int,
    work_start: time | None,
    work_end: time | None,
    acting_user: Any,
) -> AssignmentMember:
    if (work_start is None) != (work_end is None):
        raise DomainError(_("上班和下班时间须同时填写"), field="work_start")
    with transaction.atomic():
        member, _created = AssignmentMember.objects.update_or_create(
            rule=rule,
            agent=agent,
            defaults={
                "weight": weight,
                "regions": _regions(regions),
                "max_open_leads": max_open_leads,
                "work_start": work_start,
                "work_end": work_end,
            },
        )
        record_event(
            "assignment_member.saved",
            actor=acting_user,
            target=rule,
            metadata={"agent_id": agent.pk, "weight": weight, "max_open_leads": max_open_leads},
        )
    return member
