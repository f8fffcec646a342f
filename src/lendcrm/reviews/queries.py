"""Scoped reads for reviews: the queue (mine, pool, team), one task, and the workspace."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from lendcrm.applications.models import Application
from lendcrm.applications.queries import list_applications_for_customer
from lendcrm.customers.models import BureauReport, Customer
from lendcrm.customers.queries import CustomerProfile, get_customer_profile
from lendcrm.decisions.models import DecisionRecord
from lendcrm.identity.choices import DataScope
from lendcrm.identity.models import User
from lendcrm.identity.roles import scope_of
from lendcrm.identity.scoping import get_scoped, scoped
from lendcrm.reviews.choices import (
    ACTIVE_TASK_STATUSES,
    LEVEL_ORDER,
    ReviewTaskStatus,
)
from lendcrm.reviews.models import PhoneVerification, ReviewOpinion, ReviewRule, ReviewTask
from lendcrm.reviews.services.assignment import eligible_reviewers, level_of
from lendcrm.reviews.services.phone_checks import CallTargetView, call_targets

QUEUE_LIMIT = 200
_TASK_RELATED = ("application__product", "application__customer", "assignee", "escalated_to")


def visible_tasks(user: Any) -> QuerySet[ReviewTask]:
    """Tasks whose application is in the user's data scope."""
    return scoped(ReviewTask.objects.all(), user)


def list_my_tasks(user: Any, *, limit: int = QUEUE_LIMIT) -> list[ReviewTask]:
    """The tasks the user holds, earliest due first."""
    tasks = ReviewTask.objects.filter(assignee_id=user.pk, status=ReviewTaskStatus.CLAIMED)
    return list(tasks.select_related(*_TASK_RELATED).order_by("due_at", "pk")[:limit])


def list_pool_tasks(user: Any, *, limit: int = QUEUE_LIMIT) -> list[ReviewTask]:
    """Unclaimed tasks in scope that the user's level allows them to claim."""
    levels = [code for code, rank in LEVEL_ORDER.items() if rank <= level_of(user)]
    tasks = visible_tasks(user).filter(status=ReviewTaskStatus.OPEN, level__in=levels)
    return list(tasks.select_related(*_TASK_RELATED).order_by("due_at", "pk")[:limit])


def list_team_tasks(user: Any, *, limit: int = QUEUE_LIMIT) -> list[ReviewTask]:
    """Every active task in scope plus those escalated to the user (supervisors' view)."""
    base = ReviewTask.objects.filter(status__in=ACTIVE_TASK_STATUSES)
    in_scope = visible_tasks(user).values("pk")
    tasks = base.filter(Q(pk__in=in_scope) | Q(escalated_to_id=user.pk))
    return list(tasks.select_related(*_TASK_RELATED).order_by("due_at", "pk")[:limit])


def list_tasks(user: Any, *, view: str, limit: int = QUEUE_LIMIT) -> list[ReviewTask]:
    if view == "pool":
        return list_pool_tasks(user, limit=limit)
    if view == "team":
        return list_team_tasks(user, limit=limit)
    return list_my_tasks(user, limit=limit)


def team_workload(user: Any, *, now: datetime) -> list[User]:
    """Review staff the supervisor oversees (their branch, or everyone with the all-records
    scope), each with `held` and `overdue` counts of the tasks they hold, busiest first."""
    staff = User.objects.filter(is_active=True, groups__name__in=list(LEVEL_ORDER)).distinct()
    if scope_of(user) != DataScope.ALL:
        branch_id = user.branch_id
        if branch_id is None:
            return []
        staff = staff.filter(Q(team_id=branch_id) | Q(team__parent_id=branch_id))
    held = Q(review_tasks__status=ReviewTaskStatus.CLAIMED)
    rows = User.objects.filter(pk__in=staff.values("pk")).annotate(
        held=Count("review_tasks", filter=held),
        overdue=Count("review_tasks", filter=held & Q(review_tasks__due_at__lt=now)),
    )
    return list(rows.order_by("-held", "display_name", "pk"))


def get_task_for_user(user: Any, task_id: Any) -> ReviewTask:
    """A task whose application is in the user's scope; NotFound otherwise."""
    tasks = ReviewTask.objects.select_related(
        "application__product", "application__customer", "assignee", "escalated_to", "rule"
    )
    return get_scoped(tasks, user, task_id)


def list_reassign_candidates(task: ReviewTask) -> list[User]:
    """Who a supervisor may give the task to, least busy first (with `workload`)."""
    users = User.objects.filter(pk__in=eligible_reviewers(task).values("pk")).annotate(
        workload=Count("review_tasks", filter=Q(review_tasks__status=ReviewTaskStatus.CLAIMED))
    )
    return list(users.order_by("workload", "display_name", "pk"))


def list_rules() -> list[ReviewRule]:
    return list(ReviewRule.objects.select_related("product").order_by("priority", "pk"))


def find_rule(rule_id: Any) -> ReviewRule | None:
    """The rule with this id, or None (a new rule) for an empty or unknown id."""
    if not str(rule_id or "").isdigit():
        return None
    return ReviewRule.objects.filter(pk=int(rule_id)).first()


# ---- the reviewer workspace ------------------------------------------------------------------


@dataclass
class Workspace:
    """Everything the reviewer workspace shows, read in a bounded number of queries."""

    task: ReviewTask
    application: Application
    customer: Customer
    profile: CustomerProfile
    other_applications: list[Application]
    decision: DecisionRecord | None
    bureau: BureauReport | None
    call_targets: list[CallTargetView]
    phone_checks: list[PhoneVerification]
    opinion: ReviewOpinion | None
    multi_lending: dict[str, Any] = field(default_factory=dict)


def latest_decision(application: Application) -> DecisionRecord | None:
    """The applied decision record of the application (its pre-screen), newest first."""
    return (
        DecisionRecord.objects.filter(application=application, applied=True)
        .select_related("strategy_version__strategy")
        .order_by("-created_at")
        .first()
    )


def multi_lending_view(record: DecisionRecord | None) -> dict[str, Any]:
    """The ml_* inputs the decision saw, and where they came from."""
    if record is None or not isinstance(record.input_snapshot, dict):
        return {}
    inputs = record.input_snapshot.get("inputs") or {}
    sources = record.input_snapshot.get("sources") or {}
    rows = sorted((k, v) for k, v in inputs.items() if str(k).startswith("ml_"))
    return {"rows": rows, "source": sources.get("multilending", "")}


def load_workspace(user: Any, task_id: Any) -> Workspace:
    task = get_task_for_user(user, task_id)
    application = task.application
    customer = application.customer
    profile = get_customer_profile(customer)
    decision = latest_decision(application)
    opinion = None
    if task.status == ReviewTaskStatus.DONE:
        opinion = ReviewOpinion.objects.filter(task=task).select_related("reviewer").first()
    others = [
        a for a in list_applications_for_customer(user, customer.pk) if a.pk != application.pk
    ]
    return Workspace(
        task=task,
        application=application,
        customer=customer,
        profile=profile,
        other_applications=others,
        decision=decision,
        bureau=profile.bureau_reports[0] if profile.bureau_reports else None,
        call_targets=call_targets(application, profile.contacts),
        phone_checks=list(
            PhoneVerification.objects.filter(application=application)
            .select_related("reviewer")
            .order_by("-called_at", "-pk")
        ),
        opinion=opinion,
        multi_lending=multi_lending_view(decision),
    )
