"""Who approves at a node: active holders of the level's role, least loaded first, never
anyone whose own work the application is or who already acted in this run (four eyes)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from lendcrm.applications.models import Application
from lendcrm.approvals.choices import LEVEL_ROLES, ApprovalLevel, TaskStatus
from lendcrm.approvals.models import ApprovalAction, ApprovalInstance, ApprovalNode
from lendcrm.core.errors import Conflict
from lendcrm.identity.models import User


def own_work_user_ids(application: Application) -> set[int]:
    """The owner (account manager), whoever keyed it in, and every reviewer who submitted it
    for approval."""
    ids = set(
        ApprovalInstance.objects.filter(application=application).values_list(
            "submitted_by_id", flat=True
        )
    )
    ids.update(
        user_id
        for user_id in (application.owner_id, application.created_by_id)
        if user_id is not None
    )
    return ids


def acted_user_ids(instance: ApprovalInstance) -> set[int]:
    """Everyone who acted in this run, themselves or through a delegate."""
    ids: set[int] = set()
    for actor_id, principal_id in ApprovalAction.objects.filter(instance=instance).values_list(
        "actor_id", "on_behalf_of_id"
    ):
        ids.add(actor_id)
        if principal_id is not None:
            ids.add(principal_id)
    return ids


def _candidates(level: str, *, excluded: set[int], branch_id: int | None) -> QuerySet[User]:
    role = LEVEL_ROLES[level]
    users = (
        User.objects.filter(is_active=True, groups__name=role.value)
        .exclude(pk__in=excluded)
        .annotate(
            open_tasks=Count(
                "approval_tasks",
                filter=Q(approval_tasks__status=TaskStatus.OPEN),
                distinct=True,
            )
        )
    )
    order: list[Any] = ["open_tasks", "pk"]
    if level == ApprovalLevel.REVIEW_SUPERVISOR and branch_id is not None:
        users = users.annotate(
            away=Case(
                When(Q(team_id=branch_id) | Q(team__parent_id=branch_id), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        order.insert(0, "away")
    return users.order_by(*order)


def pick_approvers(instance: ApprovalInstance, node: ApprovalNode) -> list[User]:
    """`node.approver_count` users for the node, or Conflict when there are not enough."""
    application = instance.application
    excluded = own_work_user_ids(application) | acted_user_ids(instance)
    excluded |= set(instance.tasks.values_list("assignee_id", flat=True))
    excluded.add(instance.submitted_by_id)
    chosen = list(
        _candidates(node.level, excluded=excluded, branch_id=application.branch_id)[
            : node.approver_count
        ]
    )
    if len(chosen) < node.approver_count:
        raise Conflict(
            _("%(level)s 可分配的审批人不足：需要 %(needed)s 人，可用 %(found)s 人")
            % {
                "level": ApprovalLevel(node.level).label,
                "needed": node.approver_count,
                "found": len(chosen),
            },
            field="approvers",
        )
    return chosen
