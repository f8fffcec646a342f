"""Follow-up tasks: created by rule on events, completed by follow-ups, escalated when overdue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.bulk import insert_rows
from lendcrm.identity.models import User
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.sales.choices import TaskEvent, TaskKind, TaskStatus
from lendcrm.sales.models import FollowUpTask, TaskRule
from lendcrm.sales.queries import find_manager_of

ACTIVE_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.ESCALATED)
# A lead in one of these stages has not yet reached an application.
NO_APPLICATION_STATUSES = (
    LeadStatus.NEW,
    LeadStatus.CONTACTED,
    LeadStatus.INTERESTED,
    LeadStatus.PREPARING,
)
ESCALATION_BATCH = 500


def active_rules(event: str) -> list[TaskRule]:
    return list(TaskRule.objects.filter(event=event, is_active=True).order_by("pk"))


def _new_task(
    lead: Lead, *, kind: str, due_at: datetime, rule: TaskRule | None, dedupe_key: str | None = None
) -> FollowUpTask:
    assert lead.owner is not None
    return FollowUpTask(
        lead=lead,
        customer_id=lead.customer_id,
        assignee=lead.owner,
        team_id=lead.team_id,
        branch_id=lead.branch_id,
        kind=kind,
        rule=rule,
        due_at=due_at,
        dedupe_key=dedupe_key,
    )


def create_tasks_on_assignment(leads: Sequence[Lead], *, now: datetime | None = None) -> int:
    """Called by the lead assignment service for freshly (re)assigned, saved leads.

    The lead's unfinished tasks are cancelled (the previous agent no longer works it) and the
    new agent gets a task per active `lead_assigned` rule: the first call (首呼) while nobody has
    spoken with the person yet, a follow-up otherwise.
    """
    now = now or clock.now()
    owned = [
        lead
        for lead in leads
        if lead.owner_id is not None and lead.pk is not None and not lead.is_duplicate
    ]
    rules = active_rules(TaskEvent.LEAD_ASSIGNED)
    if not owned or not rules:
        return 0
    FollowUpTask.objects.filter(
        lead__in=[lead.pk for lead in owned], status__in=ACTIVE_TASK_STATUSES
    ).update(status=TaskStatus.CANCELLED, updated_at=now)
    tasks = []
    for lead in owned:
        for rule in rules:
            kind = rule.task_kind
            if kind == TaskKind.FIRST_CALL and lead.first_contact_at is not None:
                kind = TaskKind.FOLLOW_UP
            due = (lead.assigned_at or now) + timedelta(minutes=rule.due_minutes)
            tasks.append(_new_task(lead, kind=kind, due_at=due, rule=rule))
    insert_rows(FollowUpTask, tasks)
    return len(tasks)


def create_follow_up_tasks(lead: Lead, *, now: datetime, next_at: datetime | None) -> int:
    """After a follow-up: the agreed callback when one was given, else the rule's follow-up."""
    if lead.owner_id is None or lead.status not in NO_APPLICATION_STATUSES:
        return 0
    if next_at is not None:
        _new_task(lead, kind=TaskKind.CALLBACK, due_at=next_at, rule=None).save()
        return 1
    rules = active_rules(TaskEvent.FOLLOW_UP_LOGGED)
    for rule in rules:
        due = now + timedelta(minutes=rule.due_minutes)
        _new_task(lead, kind=rule.task_kind, due_at=due, rule=rule).save()
    return len(rules)


def create_no_application_tasks(*, now: datetime | None = None) -> int:
    """Second follow-ups (二次跟进) for leads assigned N minutes ago that have not applied.

    Idempotent: the task's dedupe key (rule, lead) makes each exist at most once.
    """
    now = now or clock.now()
    created = 0
    for rule in active_rules(TaskEvent.NO_APPLICATION_AFTER):
        threshold = now - timedelta(minutes=rule.due_minutes)
        taken = FollowUpTask.objects.filter(rule=rule).values("lead_id")
        leads = (
            Lead.objects.filter(
                status__in=NO_APPLICATION_STATUSES,
                owner__isnull=False,
                assigned_at__lte=threshold,
                is_duplicate=False,
            )
            .exclude(pk__in=taken)
            .select_related("owner")
            .order_by("pk")[:ESCALATION_BATCH]
        )
        tasks = [
            _new_task(
                lead,
                kind=rule.task_kind,
                due_at=(lead.assigned_at or now) + timedelta(minutes=rule.due_minutes),
                rule=rule,
                dedupe_key=f"rule:{rule.pk}:lead:{lead.pk}",
            )
            for lead in leads
        ]
        FollowUpTask.objects.bulk_create(tasks, ignore_conflicts=True)
        created += len(tasks)
    return created


def complete_open_tasks(lead: Lead, *, now: datetime) -> int:
    return FollowUpTask.objects.filter(lead=lead, status__in=ACTIVE_TASK_STATUSES).update(
        status=TaskStatus.DONE, completed_at=now, updated_at=now
    )


def escalate_overdue_tasks(*, now: datetime | None = None) -> int:
    """Open tasks past their due time go to the agent's sales manager, once each.

    Rows are locked and skipped when another worker holds them, so two runs never escalate the
    same task twice; an escalated task is no longer OPEN, so a later run leaves it alone.
    """
    now = now or clock.now()
    escalated = 0
    managers: dict[int, User | None] = {}
    with transaction.atomic():
        overdue = list(
            FollowUpTask.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=TaskStatus.OPEN, due_at__lt=now)
            .select_related("assignee__team__parent")
            .order_by("due_at", "pk")[:ESCALATION_BATCH]
        )
        for task in overdue:
            if task.assignee_id not in managers:
                managers[task.assignee_id] = find_manager_of(task.assignee)
            manager = managers[task.assignee_id]
            if manager is None:
                continue
            task.status = TaskStatus.ESCALATED
            task.escalated_to = manager
            task.escalated_at = now
            task.save(update_fields=["status", "escalated_to", "escalated_at", "updated_at"])
            record_event(
                "sales.task_escalated",
                target=task,
                metadata={"lead_id": task.lead_id, "assignee": task.assignee_id, "to": manager.pk},
            )
            escalated += 1
    return escalated
