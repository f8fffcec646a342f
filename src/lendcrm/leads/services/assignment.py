"""Assigning leads to agents: on arrival, on a breached first-contact SLA, and by a manager."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.bulk import insert_rows
from lendcrm.core.errors import DomainError
from lendcrm.customers.timeline import record_assignment_interactions
from lendcrm.identity.models import User
from lendcrm.leads.assignment import AgentSlot, Allocator
from lendcrm.leads.choices import AssignmentReason, LeadStatus
from lendcrm.leads.models import AssignmentMember, AssignmentRule, Channel, Lead, LeadAssignment
from lendcrm.leads.transitions import OPEN_STATUSES
from lendcrm.sales.services.follow_up_tasks import create_tasks_on_assignment

SLA_BATCH = 500
_RULE_REASONS = frozenset({AssignmentReason.ARRIVAL, AssignmentReason.SLA_BREACH})


@dataclass
class AssignmentPlan:
    """An assignment rule loaded once and applied to many leads in memory."""

    rule: AssignmentRule | None
    allocator: Allocator | None
    agents: dict[int, User] = field(default_factory=dict)
    made: list[tuple[Lead, str, int | None]] = field(default_factory=list)

    @property
    def sla(self) -> timedelta:
        return timedelta(minutes=self.rule.first_contact_sla_minutes if self.rule else 30)


def rule_for_channel(channel: Channel) -> AssignmentRule | None:
    """The channel's own active rule, else the default rule (no channel)."""
    rules = AssignmentRule.objects.filter(is_active=True).filter(
        Q(channel=channel) | Q(channel__isnull=True)
    )
    return min(rules, key=lambda r: r.channel_id is None, default=None)


def load_plan(channel: Channel) -> AssignmentPlan:
    rule = rule_for_channel(channel)
    if rule is None:
        return AssignmentPlan(rule=None, allocator=None)
    members = list(
        AssignmentMember.objects.filter(rule=rule, agent__is_active=True).select_related(
            "agent__team__parent"
        )
    )
    open_counts = open_lead_counts(m.agent_id for m in members)
    slots = [
        AgentSlot(
            agent_id=m.agent_id,
            weight=m.weight,
            regions=tuple(m.regions or ()),
            capacity_left=m.max_open_leads - open_counts.get(m.agent_id, 0),
            work_start=m.work_start,
            work_end=m.work_end,
            assigned_total=m.assigned_total,
        )
        for m in members
    ]
    allocator = Allocator(slots, strategy=rule.strategy)
    return AssignmentPlan(
        rule=rule, allocator=allocator, agents={m.agent_id: m.agent for m in members}
    )


def open_lead_counts(agent_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Lead.objects.filter(owner_id__in=list(agent_ids), status__in=OPEN_STATUSES)
        .values("owner_id")
        .annotate(n=Count("id"))
    )
    return {row["owner_id"]: row["n"] for row in rows}


def set_owner(lead: Lead, agent: User, *, now: datetime, sla: timedelta | None) -> None:
    lead.owner = agent
    lead.team_id = agent.team_id
    lead.branch_id = agent.branch_id
    lead.assigned_at = now
    lead.first_contact_due_at = now + sla if sla is not None else None


def assign_in_plan(
    plan: AssignmentPlan, lead: Lead, *, now: datetime, reason: str, exclude: int | None = None
) -> bool:
    """Give the lead an agent from the plan (not yet saved); False when nobody is available."""
    if plan.allocator is None:
        return False
    at = timezone.localtime(now).time()
    slot = plan.allocator.pick(at=at, region_code=(lead.id_number or "")[:6], exclude=exclude)
    if slot is None:
        return False
    previous = lead.owner_id
    set_owner(lead, plan.agents[slot.agent_id], now=now, sla=plan.sla)
    plan.made.append((lead, reason, previous))
    return True


def record_assignments(
    made: Sequence[tuple[Lead, str, int | None]], *, rule: AssignmentRule | None, acting_user: Any
) -> None:
    """History rows for saved leads, and the rule members' running totals."""
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    rows: list[LeadAssignment] = []
    totals: Counter[int] = Counter()
    for lead, reason, previous in made:
        agent_id = lead.owner_id
        if agent_id is None:
            continue
        rows.append(
            LeadAssignment(
                lead_id=lead.pk,
                agent_id=agent_id,
                previous_agent_id=previous,
                reason=reason,
                assigned_by=actor,
            )
        )
        if reason in _RULE_REASONS:
            totals[agent_id] += 1
    insert_rows(LeadAssignment, rows)
    for agent_id, n in totals.items():
        AssignmentMember.objects.filter(rule=rule, agent_id=agent_id).update(
            assigned_total=F("assigned_total") + n
        )
    # Follow-up tasks (首呼) are rows of the same change, so they are written in its transaction.
    create_tasks_on_assignment([lead for lead, _reason, _previous in made])
    record_assignment_interactions(made, actor=actor)  # the customer/lead timeline


def reassign_overdue_leads(*, now: datetime | None = None) -> int:
    """Hand leads whose first-contact SLA has passed (and unassigned new leads) to another agent."""
    now = now or clock.now()
    moved = 0
    overdue = Lead.objects.filter(
        status=LeadStatus.NEW, is_duplicate=False, first_contact_at__isnull=True
    ).filter(Q(first_contact_due_at__lt=now) | Q(owner__isnull=True))
    for channel_id in overdue.values_list("channel_id", flat=True).distinct():
        moved += _reassign_channel(overdue.filter(channel_id=channel_id), channel_id, now)
    return moved


def _reassign_channel(leads: Any, channel_id: int, now: datetime) -> int:
    with transaction.atomic():
        batch = list(leads.select_for_update(skip_locked=True).order_by("id")[:SLA_BATCH])
        plan = load_plan(Channel.objects.get(pk=channel_id))
        for lead in batch:
            reason = AssignmentReason.SLA_BREACH if lead.owner_id else AssignmentReason.ARRIVAL
            assign_in_plan(plan, lead, now=now, reason=reason, exclude=lead.owner_id)
        saved = [lead for lead, _r, _p in plan.made]
        Lead.objects.bulk_update(
            saved, ["owner", "team", "branch", "assigned_at", "first_contact_due_at", "updated_at"]
        )
        record_assignments(plan.made, rule=plan.rule, acting_user=None)
        if saved:
            record_event(
                "lead.reassigned_sla",
                object_type="leads.lead",
                metadata={"channel_id": channel_id, "leads": [lead.pk for lead in saved]},
            )
    return len(saved)


def reassign_leads(leads: Sequence[Lead], *, to_agent: User, acting_user: Any) -> int:
    """A manager's bulk reassignment of leads already fetched through their data scope."""
    if not to_agent.is_active:
        raise DomainError(_("该员工已停用，不能接收线索"), field="agent")
    now = clock.now()
    with transaction.atomic():
        locked = list(
            Lead.objects.select_for_update(of=("self",)).filter(pk__in=[ld.pk for ld in leads])
        )
        made = [(lead, AssignmentReason.MANUAL, lead.owner_id) for lead in locked]
        for lead in locked:
            set_owner(lead, to_agent, now=now, sla=_keep_sla(lead))
        Lead.objects.bulk_update(
            locked, ["owner", "team", "branch", "assigned_at", "first_contact_due_at"]
        )
        record_assignments(made, rule=None, acting_user=acting_user)
        record_event(
            "lead.reassigned",
            actor=acting_user,
            object_type="leads.lead",
            metadata={"agent_id": to_agent.pk, "leads": [lead.pk for lead in locked]},
        )
    return len(locked)


def _keep_sla(lead: Lead) -> timedelta | None:
    if lead.first_contact_due_at is None or lead.assigned_at is None:
        return None
    return lead.first_contact_due_at - lead.assigned_at


def record_first_contact(lead: Lead, *, at: datetime) -> bool:
    """Stamp the lead's first contact (首呼) once; it ends the first-contact SLA."""
    updated = Lead.objects.filter(pk=lead.pk, first_contact_at__isnull=True).update(
        first_contact_at=at, updated_at=at
    )
    if updated:
        lead.first_contact_at = at
    return bool(updated)
