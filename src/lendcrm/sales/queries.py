"""Scoped reads for sales: tasks, follow-ups, the pipeline board, scripts and settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from lendcrm.core.errors import NotFound
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.scoping import get_scoped, scoped
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.sales.choices import TaskStatus
from lendcrm.sales.models import (
    FollowUpRecord,
    FollowUpTask,
    LeadStageChange,
    RefusalReason,
    Script,
    TaskRule,
)

DUE_SOON = timedelta(minutes=30)
TASK_PAGE_SIZE = 100
BOARD_COLUMN_LIMIT = 50
# The kanban columns, in pipeline order (无效 leads are not worked, so they have no column).
BOARD_STAGES: tuple[LeadStatus, ...] = (
    LeadStatus.NEW,
    LeadStatus.CONTACTED,
    LeadStatus.INTERESTED,
    LeadStatus.PREPARING,
    LeadStatus.APPLIED,
    LeadStatus.REJECTED,
    LeadStatus.DISBURSED,
)


# ---- tasks -----------------------------------------------------------------------------------


def visible_tasks(user: Any) -> QuerySet[FollowUpTask]:
    """Tasks in the user's data scope, plus tasks escalated to them."""
    base = FollowUpTask.objects.all()
    in_scope = scoped(base, user).values("pk")
    return base.filter(Q(pk__in=in_scope) | Q(escalated_to_id=user.pk))


def list_tasks(
    user: Any, *, status: str = "", mine: bool = False, limit: int = TASK_PAGE_SIZE
) -> list[FollowUpTask]:
    """Active tasks (or those of `status`), earliest due first."""
    tasks = visible_tasks(user)
    if status:
        tasks = tasks.filter(status=status)
    else:
        tasks = tasks.filter(status__in=(TaskStatus.OPEN, TaskStatus.ESCALATED))
    if mine:
        tasks = tasks.filter(Q(assignee_id=user.pk) | Q(escalated_to_id=user.pk))
    return list(
        tasks.select_related("lead__channel", "assignee", "escalated_to").order_by("due_at", "pk")[
            :limit
        ]
    )


@dataclass(frozen=True)
class TaskCounts:
    overdue: int
    due_soon: int

    @property
    def total(self) -> int:
        return self.overdue + self.due_soon


def count_due_tasks(user: Any, *, now: datetime) -> TaskCounts:
    """The user's own active tasks that are overdue or due within DUE_SOON (the shell badge)."""
    mine = FollowUpTask.objects.filter(
        Q(assignee_id=user.pk) | Q(escalated_to_id=user.pk),
        status__in=(TaskStatus.OPEN, TaskStatus.ESCALATED),
        due_at__lt=now + DUE_SOON,
    )
    overdue = sum(1 for due in mine.values_list("due_at", flat=True) if due < now)
    return TaskCounts(overdue=overdue, due_soon=mine.count() - overdue)


def get_task_for_user(user: Any, task_id: Any) -> FollowUpTask:
    return get_scoped(FollowUpTask.objects.select_related("lead"), user, task_id)


def list_open_tasks_for_lead(lead: Lead) -> QuerySet[FollowUpTask]:
    return FollowUpTask.objects.filter(
        lead=lead, status__in=(TaskStatus.OPEN, TaskStatus.ESCALATED)
    ).order_by("due_at")


def find_manager_of(user: User) -> User | None:
    """The agent's sales manager: one in the same team, else one in the same branch."""
    managers = User.objects.filter(is_active=True, groups__name=Role.SALES_MANAGER.value).exclude(
        pk=user.pk
    )
    if user.team_id is None:
        return None
    same_team = managers.filter(team_id=user.team_id).order_by("pk").first()
    if same_team is not None:
        return same_team
    branch_id = user.branch_id
    if branch_id is None:
        return None
    return (
        managers.filter(Q(team_id=branch_id) | Q(team__parent_id=branch_id)).order_by("pk").first()
    )


# ---- follow-ups and leads --------------------------------------------------------------------


def get_lead_for_user(user: Any, lead_id: Any) -> Lead:
    return get_scoped(Lead.objects.select_related("owner", "channel", "customer"), user, lead_id)


def list_follow_ups(lead: Lead) -> QuerySet[FollowUpRecord]:
    return FollowUpRecord.objects.filter(lead=lead).select_related("owner", "refusal_reason")


def latest_intent(lead: Lead) -> str:
    last = (
        FollowUpRecord.objects.filter(lead=lead)
        .exclude(intent_after="")
        .order_by("-occurred_at", "-pk")
        .values_list("intent_after", flat=True)
        .first()
    )
    return last or ""


def count_positive_follow_ups(lead: Lead) -> int:
    return FollowUpRecord.objects.filter(lead=lead, intent_after__in=("A", "B")).count()


def list_stage_changes(lead: Lead) -> QuerySet[LeadStageChange]:
    return LeadStageChange.objects.filter(lead=lead).order_by("entered_at", "pk")


@dataclass(frozen=True)
class BoardColumn:
    stage: LeadStatus
    leads: list[Lead]
    total: int


def board_columns(user: Any, *, campaign: str = "") -> list[BoardColumn]:
    """The scoped leads per pipeline stage, most recently changed first (capped per column)."""
    leads = scoped(Lead.objects.select_related("owner", "channel"), user).filter(is_duplicate=False)
    if campaign:
        leads = leads.filter(campaign=campaign)
    columns = []
    for stage in BOARD_STAGES:
        in_stage = leads.filter(status=stage)
        rows = list(in_stage.order_by("-updated_at", "-pk")[:BOARD_COLUMN_LIMIT])
        total = len(rows) if len(rows) < BOARD_COLUMN_LIMIT else in_stage.count()
        columns.append(BoardColumn(stage=stage, leads=rows, total=total))
    return columns


def stage_entered_at(leads: list[Lead]) -> dict[int, datetime]:
    """When each lead entered its current stage (open history period), for 'days in stage'."""
    rows = LeadStageChange.objects.filter(
        lead_id__in=[lead.pk for lead in leads], left_at__isnull=True
    ).values_list("lead_id", "entered_at")
    return dict(rows)


# ---- scripts and settings --------------------------------------------------------------------


@dataclass(frozen=True)
class ScriptFilters:
    q: str = ""
    kind: str = ""
    product: int | None = None
    stage: str = ""


def search_scripts(filters: ScriptFilters, *, active_only: bool = True) -> QuerySet[Script]:
    """The script library (not data-scoped: every rep reads it) filtered by text, product, stage.

    A script without a product or stage applies to all of them.
    """
    scripts = Script.objects.select_related("product")
    if active_only:
        scripts = scripts.filter(is_active=True)
    if filters.q:
        scripts = scripts.filter(Q(title__icontains=filters.q) | Q(body__icontains=filters.q))
    if filters.kind:
        scripts = scripts.filter(kind=filters.kind)
    if filters.product:
        scripts = scripts.filter(Q(product_id=filters.product) | Q(product__isnull=True))
    if filters.stage:
        scripts = scripts.filter(Q(stage=filters.stage) | Q(stage=""))
    return scripts.order_by("kind", "title", "pk")


def get_script(script_id: Any) -> Script:
    script = Script.objects.filter(pk=script_id).first()
    if script is None:
        raise NotFound("script not found", field="script_id")
    return script


def list_task_rules() -> QuerySet[TaskRule]:
    return TaskRule.objects.order_by("event", "pk")


def list_refusal_reasons(*, active_only: bool = False) -> QuerySet[RefusalReason]:
    reasons = RefusalReason.objects.all()
    if active_only:
        reasons = reasons.filter(is_active=True)
    return reasons.order_by("sort_order", "pk")


def find_task_rule(pk: str) -> TaskRule | None:
    return TaskRule.objects.filter(pk=pk).first() if pk.isdigit() else None


def find_refusal_reason(pk: str) -> RefusalReason | None:
    return RefusalReason.objects.filter(pk=pk).first() if pk.isdigit() else None


def find_refusal_reason_by_code(code: str) -> RefusalReason | None:
    return RefusalReason.objects.filter(code=code, is_active=True).first()
