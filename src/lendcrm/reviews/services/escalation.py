"""SLA timers of review tasks: overdue tasks are escalated to a review supervisor, once each."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.reviews.choices import ACTIVE_TASK_STATUSES, ReviewTaskStatus
from lendcrm.reviews.models import ReviewTask

ESCALATION_BATCH = 500


def find_supervisor_for(task: ReviewTask) -> User | None:
    """An active review supervisor of the application's branch with the fewest held tasks,
    else any review director."""
    supervisors = User.objects.filter(is_active=True, groups__name=Role.REVIEW_SUPERVISOR.value)
    branch_id = task.application.branch_id
    if branch_id is not None:
        in_branch = supervisors.filter(Q(team_id=branch_id) | Q(team__parent_id=branch_id))
        found = _least_busy(in_branch)
        if found is not None:
            return found
    return _least_busy(User.objects.filter(is_active=True, groups__name=Role.REVIEW_DIRECTOR.value))


def _least_busy(users: QuerySet[User]) -> User | None:
    return (
        users.annotate(
            held=Count("review_tasks", filter=Q(review_tasks__status=ReviewTaskStatus.CLAIMED))
        )
        .order_by("held", "pk")
        .first()
    )


def escalate_overdue_reviews(now: datetime | None = None) -> int:
    """Active tasks past their due time are marked escalated and shown to a supervisor; a task
    still in the pool is also assigned to that supervisor.

    Idempotent: a task is escalated once (escalated_at is set), and locked rows are skipped,
    so two overlapping runs never escalate the same task twice.
    """
    now = now or clock.now()
    escalated = 0
    with transaction.atomic():
        overdue = list(
            ReviewTask.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=ACTIVE_TASK_STATUSES, due_at__lt=now, escalated_at__isnull=True)
            .select_related("application")
            .order_by("due_at", "pk")[:ESCALATION_BATCH]
        )
        for task in overdue:
            supervisor = find_supervisor_for(task)
            task.escalated_at = now
            task.escalated_to = supervisor
            fields = ["escalated_at", "escalated_to", "updated_at"]
            if task.status == ReviewTaskStatus.OPEN and supervisor is not None:
                task.status, task.assignee, task.assigned_at = (
                    ReviewTaskStatus.CLAIMED,
                    supervisor,
                    now,
                )
                fields += ["status", "assignee", "assigned_at"]
            task.save(update_fields=fields)
            record_event(
                "reviews.task_escalated",
                target=task,
                metadata={
                    "application": task.application_id,
                    "assignee": task.assignee_id,
                    "to": supervisor.pk if supervisor else None,
                },
            )
            escalated += 1
    return escalated
