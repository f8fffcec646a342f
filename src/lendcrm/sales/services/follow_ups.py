"""Logging a follow-up (跟进记录) and everything it sets off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import DomainError, FieldProblem
from lendcrm.customers.choices import InteractionKind
from lendcrm.customers.tags import evaluate_auto_tags
from lendcrm.customers.timeline import record_interaction
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.leads.services.assignment import record_first_contact
from lendcrm.leads.transitions import transition_lead
from lendcrm.sales import queries
from lendcrm.sales.choices import (
    CONTACT_RESULTS,
    REFUSAL_RESULTS,
    FollowUpChannel,
    FollowUpResult,
    IntentLevel,
)
from lendcrm.sales.models import FollowUpRecord, RefusalReason
from lendcrm.sales.services.follow_up_tasks import complete_open_tasks, create_follow_up_tasks


@dataclass(frozen=True)
class FollowUpInput:
    channel: str
    result: str
    intent_after: str = ""
    refusal_reason: RefusalReason | None = None
    refusal_note: str = ""
    next_follow_up_at: datetime | None = None
    note: str = ""


def validate_follow_up(data: FollowUpInput, *, now: datetime) -> list[FieldProblem]:
    """Every problem with the input, each naming its field."""
    problems = []
    if data.channel not in FollowUpChannel.values:
        problems.append(FieldProblem("channel", _("请选择跟进方式")))
    if data.result not in FollowUpResult.values:
        problems.append(FieldProblem("result", _("请选择跟进结果")))
    if data.intent_after and data.intent_after not in IntentLevel.values:
        problems.append(FieldProblem("intent_after", _("意向等级无效")))
    if data.result in REFUSAL_RESULTS:
        if data.refusal_reason is None or not data.refusal_reason.is_active:
            problems.append(FieldProblem("refusal_reason", _("客户拒绝时必须选择拒绝原因")))
    elif data.refusal_reason is not None:
        problems.append(FieldProblem("refusal_reason", _("只有客户拒绝时才填写拒绝原因")))
    if data.next_follow_up_at is not None and data.next_follow_up_at <= now:
        problems.append(FieldProblem("next_follow_up_at", _("下次跟进时间必须晚于现在")))
    if data.next_follow_up_at is not None and data.result in REFUSAL_RESULTS:
        problems.append(FieldProblem("next_follow_up_at", _("客户已拒绝，不能安排下次跟进")))
    return problems


def log_follow_up(lead: Lead, *, data: FollowUpInput, acting_user: Any) -> FollowUpRecord:
    """Record one follow-up of a lead already fetched through the caller's data scope.

    It completes the lead's open tasks, schedules the next one, moves a NEW lead to CONTACTED
    on the first real contact, adds the event to the timeline and re-evaluates automatic tags.
    """
    now = clock.now()
    problems = validate_follow_up(data, now=now)
    if problems:
        raise DomainError(problems[0].message, problems=problems)
    with transaction.atomic():
        locked = Lead.objects.select_for_update(of=("self",)).get(pk=lead.pk)
        record = FollowUpRecord.objects.create(
            lead=locked,
            channel=data.channel,
            result=data.result,
            intent_before=queries.latest_intent(locked),
            intent_after=data.intent_after,
            refusal_reason=data.refusal_reason if data.result in REFUSAL_RESULTS else None,
            refusal_note=data.refusal_note[:300],
            next_follow_up_at=data.next_follow_up_at,
            note=data.note,
            occurred_at=now,
            owner_id=locked.owner_id or getattr(acting_user, "pk", None),
            team_id=locked.team_id,
            branch_id=locked.branch_id,
        )
        complete_open_tasks(locked, now=now)
        if data.result in CONTACT_RESULTS:
            record_first_contact(locked, at=now)
            if locked.status == LeadStatus.NEW:
                locked = transition_lead(locked, to=LeadStatus.CONTACTED, acting_user=acting_user)
        create_follow_up_tasks(locked, now=now, next_at=data.next_follow_up_at)
        record_interaction(
            kind=InteractionKind.FOLLOW_UP,
            summary=_summary(record),
            lead=locked,
            customer=locked.customer,
            actor=acting_user,
            occurred_at=now,
            ref=f"sales.followuprecord:{record.pk}",
        )
        _evaluate_tags(locked, record, acting_user)
        record_event(
            "sales.follow_up_logged",
            actor=acting_user,
            target=record,
            metadata={
                "lead_id": locked.pk,
                "result": record.result,
                "intent": [record.intent_before, record.intent_after],
                "refusal_reason": record.refusal_reason.code if record.refusal_reason else "",
            },
        )
    return record


def _evaluate_tags(lead: Lead, record: FollowUpRecord, acting_user: Any) -> None:
    """Automatic tags (高意向, 价格敏感, 拒绝推销) from what this follow-up tells us."""
    reason = record.refusal_reason
    evaluate_auto_tags(
        lead=None if lead.customer_id else lead,
        customer=lead.customer,
        positive_follow_ups=queries.count_positive_follow_ups(lead),
        refusal_reason=reason.name if reason is not None else None,
        opted_out=reason.is_opt_out if reason is not None else None,
        acting_user=acting_user,
        event="follow_up_logged",
    )


def _summary(record: FollowUpRecord) -> str:
    parts = [f"{record.get_channel_display()}：{record.get_result_display()}"]
    if record.intent_before != record.intent_after and record.intent_after:
        parts.append(
            _("意向 %(before)s→%(after)s")
            % {"before": record.intent_before or "-", "after": record.intent_after}
        )
    if record.refusal_reason is not None:
        parts.append(_("拒绝原因：%(reason)s") % {"reason": record.refusal_reason.name})
    if record.note:
        parts.append(record.note)
    return "；".join(parts)
