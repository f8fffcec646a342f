"""Approval reads: my tasks (including delegated ones), one task for its approver, the
history of an application, and the configuration lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lendcrm.applications.models import Application
from lendcrm.approvals.choices import ActionKind, ApprovalLevel, InstanceStatus, TaskStatus
from lendcrm.approvals.models import (
    ApprovalAction,
    ApprovalChain,
    ApprovalInstance,
    ApprovalRoute,
    ApprovalTask,
    Delegation,
)
from lendcrm.core import clock
from lendcrm.core.errors import NotFound
from lendcrm.identity.scoping import scope_q
from lendcrm.loans.choices import RepaymentMethod


def active_delegations(*, at: datetime) -> QuerySet[Delegation]:
    return Delegation.objects.filter(starts_at__lte=at, ends_at__gt=at, revoked_at__isnull=True)


def delegator_ids(user: Any, *, at: datetime) -> set[int]:
    """Users whose tasks `user` may act on at `at` (they delegated to `user`)."""
    return set(
        active_delegations(at=at).filter(to_user_id=user.pk).values_list("from_user_id", flat=True)
    )


def _my_tasks(user: Any, *, at: datetime) -> QuerySet[ApprovalTask]:
    delegators = delegator_ids(user, at=at)
    return ApprovalTask.objects.filter(Q(assignee_id=user.pk) | Q(assignee_id__in=delegators))


def list_my_tasks(
    user: Any, *, status: str = TaskStatus.OPEN, limit: int = 200
) -> list[ApprovalTask]:
    """我的审批: the user's tasks and those delegated to them now, oldest first."""
    tasks = _my_tasks(user, at=clock.now())
    if status:
        tasks = tasks.filter(status=status)
    return list(
        tasks.select_related(
            "assignee",
            "instance__application__customer",
            "instance__application__product",
        ).order_by("created_at", "pk")[:limit]
    )


def list_instance_tasks(instance: ApprovalInstance) -> list[ApprovalTask]:
    return list(instance.tasks.select_related("assignee", "acted_by").order_by("position", "pk"))


@dataclass(frozen=True)
class HistoryStep:
    """One step for the history partial: who did what at which level, with which terms."""

    instance_id: int
    position: int
    level: str
    level_label: str
    approver: str
    on_behalf_of: str | None
    action: str
    action_label: str
    amount: Decimal | None
    annual_rate: Decimal | None
    term: int | None
    repayment_method: str
    repayment_method_label: str
    note: str
    acted_at: datetime

    @property
    def annual_rate_percent(self) -> str:
        """0.1800 → "18.00%" (display only)."""
        return "" if self.annual_rate is None else f"{self.annual_rate * 100:.2f}%"


def history_for(application: Application) -> list[HistoryStep]:
    """Every submission and approver action on the application, across its runs, in order."""
    actions = (
        ApprovalAction.objects.filter(instance__application=application)
        .select_related("actor", "on_behalf_of")
        .order_by("acted_at", "pk")
    )
    return [
        HistoryStep(
            instance_id=a.instance_id,
            position=a.position,
            level=a.level,
            level_label=str(ApprovalLevel(a.level).label),
            approver=str(a.actor),
            on_behalf_of=str(a.on_behalf_of) if a.on_behalf_of else None,
            action=a.action,
            action_label=str(ActionKind(a.action).label),
            amount=a.amount,
            annual_rate=a.annual_rate,
            term=a.term,
            repayment_method=a.repayment_method,
            repayment_method_label=(
                str(RepaymentMethod(a.repayment_method).label) if a.repayment_method else ""
            ),
            note=a.note,
            acted_at=a.acted_at,
        )
        for a in actions
    ]


def get_open_instance(application: Application) -> ApprovalInstance | None:
    return (
        ApprovalInstance.objects.filter(application=application, status=InstanceStatus.OPEN)
        .select_related("chain")
        .first()
    )


def list_chains() -> list[ApprovalChain]:
    return list(ApprovalChain.objects.prefetch_related("nodes").order_by("code"))


def get_chain(chain_id: Any) -> ApprovalChain:
    try:
        return ApprovalChain.objects.prefetch_related("nodes").get(pk=chain_id)
    except (ApprovalChain.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("审批流不存在")) from exc


def list_routes() -> list[ApprovalRoute]:
    return list(ApprovalRoute.objects.select_related("chain", "product").order_by("priority", "pk"))


def get_route(route_id: Any) -> ApprovalRoute:
    try:
        return ApprovalRoute.objects.select_related("chain", "product").get(pk=route_id)
    except (ApprovalRoute.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("审批路由不存在")) from exc


def list_delegations(user: Any) -> list[Delegation]:
    return list(
        Delegation.objects.filter(Q(from_user_id=user.pk) | Q(to_user_id=user.pk))
        .select_related("from_user", "to_user")
        .order_by("-starts_at", "pk")[:100]
    )


def get_own_delegation(user: Any, delegation_id: Any) -> Delegation:
    try:
        return Delegation.objects.get(pk=delegation_id, from_user_id=user.pk)
    except (Delegation.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("委托不存在")) from exc


def get_task_in_scope(user: Any, task_id: Any) -> ApprovalTask:
    """A task of an application in the user's data scope, or one assigned or delegated to them
    (an approver picked from another branch still reaches their own task). Whether the user may
    act on it is the service's call: a refusal there is audited, a not-found here is not."""
    delegators = delegator_ids(user, at=clock.now())
    visible = scope_q(user, ApprovalTask.scope_fields) | Q(assignee_id=user.pk)
    if delegators:
        visible |= Q(assignee_id__in=delegators)
    try:
        return (
            ApprovalTask.objects.filter(visible)
            .select_related(
                "assignee",
                "node",
                "instance__chain",
                "instance__application__product",
                "instance__application__customer",
            )
            .get(pk=task_id)
        )
    except (ApprovalTask.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("审批任务不存在")) from exc


def is_actionable_by(task: ApprovalTask, user: Any) -> bool:
    """Open, and the user's own or delegated to them now."""
    if task.status != TaskStatus.OPEN:
        return False
    return task.assignee_id == user.pk or task.assignee_id in delegator_ids(user, at=clock.now())
