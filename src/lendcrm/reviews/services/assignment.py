"""Review tasks (信审任务): created per application, assigned by rule and workload, claimed from
the pool and released back, reassigned by a supervisor.

Locking: every change of a task locks its row (`select_for_update`) inside a short atomic
block and re-reads its status, so two reviewers never hold the same task.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils.translation import gettext as _

from lendcrm.applications.models import Application
from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.identity.choices import DataScope, Role
from lendcrm.identity.models import User
from lendcrm.identity.policy import ROLE_SCOPES
from lendcrm.identity.roles import can, roles_of
from lendcrm.reviews.choices import (
    ACTIVE_TASK_STATUSES,
    LEVEL_ORDER,
    ReviewLevel,
    ReviewTaskStatus,
    roles_at_or_above,
)
from lendcrm.reviews.models import ReviewRule, ReviewTask

DEFAULT_SLA_MINUTES = 240


def rule_matches(rule: ReviewRule, application: Application) -> bool:
    """Product (empty = any), amount band (inclusive, open ends) and risk grade (empty = any)."""
    amount = Decimal(application.amount)
    return (
        (rule.product_id is None or rule.product_id == application.product_id)
        and (rule.min_amount is None or amount >= rule.min_amount)
        and (rule.max_amount is None or amount <= rule.max_amount)
        and (not rule.risk_grades or application.risk_grade in rule.risk_grades)
    )


def match_rule(application: Application) -> ReviewRule | None:
    """The active rule with the lowest priority number that matches the application."""
    rules = ReviewRule.objects.filter(is_active=True).order_by("priority", "pk")
    return next((rule for rule in rules if rule_matches(rule, application)), None)


def level_of(user: User) -> int:
    """The user's highest review level (0 when they hold no review role)."""
    return max((LEVEL_ORDER.get(role.value, 0) for role in roles_of(user)), default=0)


def eligible_reviewers(task: ReviewTask) -> QuerySet[User]:
    """Active users at or above the task's level who can see its application: same branch,
    or a role whose data scope is all records."""
    application = task.application
    roles = roles_at_or_above(task.level)
    see_all = [code for code in roles if ROLE_SCOPES[Role(code)] == DataScope.ALL]
    in_branch = Q(pk__in=[])
    if application.branch_id is not None:
        in_branch = Q(team_id=application.branch_id) | Q(team__parent_id=application.branch_id)
    return (
        User.objects.filter(is_active=True, groups__name__in=roles)
        .filter(in_branch | Q(groups__name__in=see_all))
        .distinct()
    )


def pick_reviewer(task: ReviewTask) -> User | None:
    """The eligible reviewer with the fewest claimed tasks; ties go to the one idle longest
    (oldest last assignment, never assigned first), then the lowest id."""
    candidates = User.objects.filter(pk__in=eligible_reviewers(task).values("pk")).annotate(
        workload=Count("review_tasks", filter=Q(review_tasks__status=ReviewTaskStatus.CLAIMED)),
        last_assigned=Max("review_tasks__assigned_at"),
    )
    return candidates.order_by("workload", F("last_assigned").asc(nulls_first=True), "pk").first()


@transaction.atomic
def create_review_task(application: Application, *, now: datetime | None = None) -> ReviewTask:
    """Open the review of an application that the pre-screen sent to manual review, and assign
    it by rule. Idempotent: the application's active task is returned when there is one."""
    now = now or clock.now()
    existing = (
        ReviewTask.objects.select_for_update()
        .filter(application=application, status__in=ACTIVE_TASK_STATUSES)
        .first()
    )
    if existing is not None:
        return existing
    rule = match_rule(application)
    task = ReviewTask.objects.create(
        application=application,
        rule=rule,
        level=rule.min_level if rule else ReviewLevel.REVIEWER,
        due_at=now + timedelta(minutes=rule.sla_minutes if rule else DEFAULT_SLA_MINUTES),
    )
    record_event(
        "reviews.task_created",
        target=task,
        metadata={"application": application.pk, "rule": rule.pk if rule else None},
    )
    return assign_review_task(task, now=now)


@transaction.atomic
def assign_review_task(task: ReviewTask, *, now: datetime | None = None) -> ReviewTask:
    """Give a pool task to the least busy eligible reviewer; with nobody eligible it stays in
    the pool for someone to claim."""
    now = now or clock.now()
    task = _locked(task)
    if task.status != ReviewTaskStatus.OPEN:
        return task
    reviewer = pick_reviewer(task)
    if reviewer is None:
        return task
    _hold(task, reviewer, now=now)
    record_event(
        "reviews.task_assigned",
        target=task,
        metadata={"application": task.application_id, "to": reviewer.pk, "by": "rule"},
    )
    return task


def claim_review_task(task: ReviewTask | int, *, acting_user: User) -> ReviewTask:
    """Take a task from the pool. The row lock makes the first claimer win; the second gets
    a conflict."""
    with transaction.atomic():
        task = _locked(task)
        if task.status != ReviewTaskStatus.OPEN:
            raise Conflict(_("该任务已被领取或已完成"), field="task")
        _check_level(acting_user, task, field="task")
        _hold(task, acting_user, now=clock.now())
        record_event(
            "reviews.task_claimed",
            actor=acting_user,
            target=task,
            metadata={"application": task.application_id},
        )
    return task


def release_review_task(task: ReviewTask | int, *, acting_user: User) -> ReviewTask:
    """Put a held task back in the pool (its due time does not move)."""
    with transaction.atomic():
        task = _locked(task)
        if task.status != ReviewTaskStatus.CLAIMED:
            raise Conflict(_("只有处理中的任务可以退回任务池"), field="task")
        if task.assignee_id != acting_user.pk:
            raise PermissionDenied(_("只能退回自己名下的任务"), field="task")
        task.status = ReviewTaskStatus.OPEN
        task.assignee = None
        task.save(update_fields=["status", "assignee", "updated_at"])
        record_event(
            "reviews.task_released",
            actor=acting_user,
            target=task,
            metadata={"application": task.application_id},
        )
    return task


def reassign_review_task(
    task: ReviewTask, to_user: User, acting_user: User, reason: str
) -> ReviewTask:
    """A supervisor (capability applications.assign) gives the task to another reviewer."""
    if not can(acting_user, "applications.assign"):
        raise PermissionDenied(_("只有信审主管可以改派任务"), field="to_user")
    reason = reason.strip()
    if not reason:
        raise DomainError(_("请填写改派原因"), field="reason")
    if not to_user.is_active:
        raise DomainError(_("该用户已停用"), field="to_user")
    with transaction.atomic():
        task = _locked(task)
        if task.status not in ACTIVE_TASK_STATUSES:
            raise Conflict(_("任务已结束，不能改派"), field="task")
        _check_level(to_user, task, field="to_user")
        if not eligible_reviewers(task).filter(pk=to_user.pk).exists():
            raise DomainError(_("该用户不能查看此进件"), field="to_user")
        previous = task.assignee_id
        _hold(task, to_user, now=clock.now())
        record_event(
            "reviews.task_reassigned",
            actor=acting_user,
            target=task,
            metadata={
                "application": task.application_id,
                "from": previous,
                "to": to_user.pk,
                "reason": reason,
            },
        )
    return task


def _locked(task: ReviewTask | int) -> ReviewTask:
    """The task's row, locked until the end of the transaction, read afresh."""
    return (
        ReviewTask.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=task if isinstance(task, int) else task.pk)
    )


def _hold(task: ReviewTask, user: User, *, now: datetime) -> None:
    task.status = ReviewTaskStatus.CLAIMED
    task.assignee = user
    task.assigned_at = now
    task.save(update_fields=["status", "assignee", "assigned_at", "updated_at"])


def _check_level(user: User, task: ReviewTask, *, field: str) -> None:
    if level_of(user) < LEVEL_ORDER[task.level]:
        raise PermissionDenied(
            _("该任务需要%(level)s或以上级别") % {"level": ReviewLevel(task.level).label},
            field=field,
        )
