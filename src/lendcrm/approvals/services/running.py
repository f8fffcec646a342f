"""Running a chain: submitting the reviewer's opinion, approvers' actions. Each is atomic
and writes its audit events last.

Locking: every action on an instance first takes the instance's row lock, then re-reads its
task, then locks the application row (never the joined product: `of=("self",)`); two
concurrent actions on one instance are therefore serialised, and the second one sees the
first one's result (tests/test_concurrency.py). Submission locks the application row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.applications import workflow
from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.approvals import queries
from lendcrm.approvals.assignment import acted_user_ids, own_work_user_ids, pick_approvers
from lendcrm.approvals.choices import (
    TASK_ACTIONS,
    ActionKind,
    ApprovalLevel,
    InstanceStatus,
    NodeKind,
    TaskStatus,
)
from lendcrm.approvals.models import (
    ApprovalAction,
    ApprovalInstance,
    ApprovalNode,
    ApprovalTask,
)
from lendcrm.approvals.routing import find_route
from lendcrm.approvals.terms import ApprovalTerms, check_terms_for_product, needs_note
from lendcrm.approvals.transitions import can_start_approval, transition_application
from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import Conflict, DomainError, PermissionDenied
from lendcrm.identity.roles import can

# ---- start -----------------------------------------------------------------------------------


def start_approval(
    application: Application, *, acting_user: Any, opinion: ApprovalTerms, note: str
) -> ApprovalInstance:
    """The reviewer's opinion recommends approval: route, open the instance, assign node one."""
    opinion = opinion.normalised()
    with transaction.atomic():
        app = (
            Application.objects.select_for_update(of=("self",))
            .select_related("product")
            .get(pk=application.pk)
        )
        _check_can_submit(app, acting_user)
        check_terms_for_product(opinion, app.product)
        route = find_route(app, amount=opinion.amount)
        first = route.chain.nodes.order_by("position").first()
        if first is None:
            raise DomainError(
                _("审批流 %(chain)s 没有节点") % {"chain": route.chain}, field="route"
            )
        now = clock.now()
        instance = ApprovalInstance.objects.create(
            application=app,
            chain=route.chain,
            route=route,
            current_position=first.position,
            submitted_by=acting_user,
            **_terms_fields(opinion),
        )
        ApprovalAction.objects.create(
            instance=instance,
            position=0,
            level=ApprovalLevel.REVIEWER,
            action=ActionKind.SUBMIT,
            actor=acting_user,
            note=note.strip(),
            acted_at=now,
            **_action_terms(opinion),
        )
        transition_application(app, to=ApplicationStatus.IN_APPROVAL)
        app.save(update_fields=["status", "updated_at"])
        tasks = _open_node(instance, first)
        record_event(
            "approvals.submitted",
            actor=acting_user,
            target=app,
            metadata={
                "instance": instance.pk,
                "chain": route.chain.code,
                "route": route.pk,
                "terms": _terms_for_audit(opinion),
                "node": first.position,
                "assignees": [t.assignee_id for t in tasks],
            },
        )
    application.status = app.status
    return instance


def _check_can_submit(app: Application, acting_user: Any) -> None:
    if not can(acting_user, "applications.review"):
        raise PermissionDenied(_("只有信审员可以提交审批"), field="acting_user")
    if acting_user.pk in (app.owner_id, app.created_by_id):
        raise PermissionDenied(_("不能审核自己经办的进件"), field="acting_user")
    if not can_start_approval(app):
        raise Conflict(
            _("进件状态为“%(status)s”，不能提交审批") % {"status": app.get_status_display()},
            field="status",
        )
    if ApprovalInstance.objects.filter(application=app, status=InstanceStatus.OPEN).exists():
        raise Conflict(_("该进件已在审批中"), field="status")


def _open_node(instance: ApprovalInstance, node: ApprovalNode) -> list[ApprovalTask]:
    approvers = pick_approvers(instance, node)
    return [
        ApprovalTask.objects.create(
            instance=instance,
            node=node,
            position=node.position,
            level=node.level,
            kind=node.kind,
            assignee=approver,
        )
        for approver in approvers
    ]


# ---- act -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    node_completed: bool
    next_position: int | None
    instance_status: str


def act(
    task: ApprovalTask,
    *,
    action: str,
    acting_user: Any,
    terms: ApprovalTerms | None = None,
    note: str = "",
) -> ApprovalTask:
    """Approve, reject or return one task. Refusals (not yours, out of order, twice, own work)
    raise PermissionDenied or Conflict and are audited as approvals.refused."""
    if action not in TASK_ACTIONS:
        raise DomainError(_("未知的审批操作"), field="action")
    try:
        with transaction.atomic():
            return _act_locked(
                task.pk, action=action, acting_user=acting_user, terms=terms, note=note.strip()
            )
    except (PermissionDenied, Conflict) as exc:
        record_event(
            "approvals.refused",
            actor=acting_user,
            target=task.instance.application,
            metadata={
                "instance": task.instance_id,
                "task": task.pk,
                "action": action,
                "reason": exc.message,
            },
        )
        raise


def _act_locked(
    task_id: int, *, action: str, acting_user: Any, terms: ApprovalTerms | None, note: str
) -> ApprovalTask:
    task = ApprovalTask.objects.select_related("instance").get(pk=task_id)
    instance = ApprovalInstance.objects.select_for_update().get(pk=task.instance_id)
    task = ApprovalTask.objects.select_related("assignee").get(pk=task_id)  # after the lock
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("product")
        .get(pk=instance.application_id)
    )
    instance.application = application
    now = clock.now()
    _check_turn(instance, task)
    principal = _check_actor(task, acting_user, now=now)
    _check_four_eyes(instance, task, acting_user)
    agreed = _agreed_terms(instance, application, action=action, terms=terms, note=note)
    task.status = _TASK_STATUS[action]
    task.acted_by = acting_user
    task.decided_at = now
    task.save(update_fields=["status", "acted_by", "decided_at", "updated_at"])
    ApprovalAction.objects.create(
        instance=instance,
        task=task,
        position=task.position,
        level=task.level,
        action=action,
        actor=acting_user,
        on_behalf_of=principal,
        note=note,
        acted_at=now,
        **(_action_terms(agreed) if agreed else {}),
    )
    if agreed is not None:
        outcome = _after_approval(instance, application, task, agreed, now=now)
    else:
        outcome = _close_without_approval(instance, application, action=action, now=now)
    _audit_action(instance, task, action, acting_user, principal, agreed, note, outcome)
    return task


_TASK_STATUS: dict[str, str] = {
    ActionKind.APPROVE: TaskStatus.APPROVED,
    ActionKind.REJECT: TaskStatus.REJECTED,
    ActionKind.RETURN: TaskStatus.RETURNED,
}


def _check_turn(instance: ApprovalInstance, task: ApprovalTask) -> None:
    if instance.status != InstanceStatus.OPEN:
        raise Conflict(_("审批已结束，不能再处理"), field="task")
    if task.status != TaskStatus.OPEN:
        raise Conflict(
            _("该审批任务已是“%(status)s”，不能再处理") % {"status": task.get_status_display()},
            field="task",
        )
    if task.position != instance.current_position:
        raise Conflict(_("审批顺序错误：上一级审批尚未完成"), field="task")


def _check_actor(task: ApprovalTask, acting_user: Any, *, now: datetime) -> Any:
    """None when the assignee acts; the assignee when their delegate acts; else refused."""
    if not can(acting_user, "approvals.act"):
        raise PermissionDenied(_("您的角色无权审批"), field="acting_user")
    if task.assignee_id == acting_user.pk:
        return None
    if task.assignee_id in queries.delegator_ids(acting_user, at=now):
        return task.assignee
    raise PermissionDenied(_("这不是您的审批任务，也未委托给您"), field="acting_user")


def _check_four_eyes(instance: ApprovalInstance, task: ApprovalTask, acting_user: Any) -> None:
    people = {acting_user.pk, task.assignee_id}
    if people & own_work_user_ids(instance.application):
        raise PermissionDenied(_("不能审批自己经办或提交的进件"), field="acting_user")
    if people & acted_user_ids(instance):
        raise PermissionDenied(_("同一人不能重复审批同一进件"), field="acting_user")


def _agreed_terms(
    instance: ApprovalInstance,
    application: Application,
    *,
    action: str,
    terms: ApprovalTerms | None,
    note: str,
) -> ApprovalTerms | None:
    """The terms an approval settles on (None for reject/return, which need a reason)."""
    if action != ActionKind.APPROVE:
        if not note:
            raise DomainError(_("拒绝或退回必须填写原因"), field="note")
        return None
    previous = current_terms(instance)
    proposed = previous if terms is None else terms.normalised()
    check_terms_for_product(proposed, application.product)
    raised = needs_note(previous, proposed)
    if raised and not note:
        raise DomainError(
            _("提高金额或降低利率（相对上一级 %(amount)s / %(rate)s）必须填写说明")
            % {"amount": previous.amount, "rate": previous.annual_rate},
            field="note",
        )
    return proposed


def _after_approval(
    instance: ApprovalInstance,
    application: Application,
    task: ApprovalTask,
    agreed: ApprovalTerms,
    *,
    now: datetime,
) -> _Outcome:
    for name, value in _terms_fields(agreed).items():
        setattr(instance, name, value)
    siblings = instance.tasks.filter(position=task.position).exclude(pk=task.pk)
    if task.kind == NodeKind.ALL_OF and siblings.exclude(status=TaskStatus.APPROVED).exists():
        instance.save(update_fields=[*_terms_fields(agreed), "updated_at"])
        return _Outcome(False, task.position, instance.status)
    siblings.filter(status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, decided_at=now, updated_at=now
    )
    following = instance.chain.nodes.filter(position__gt=task.position).order_by("position")
    node = following.first()
    if node is not None:
        instance.current_position = node.position
        instance.save(update_fields=[*_terms_fields(agreed), "current_position", "updated_at"])
        _open_node(instance, node)
        return _Outcome(True, node.position, instance.status)
    instance.status = InstanceStatus.APPROVED
    instance.closed_at = now
    instance.save(update_fields=[*_terms_fields(agreed), "status", "closed_at", "updated_at"])
    transition_application(application, to=ApplicationStatus.APPROVED)
    application.approved_amount = agreed.amount
    application.approved_rate = agreed.annual_rate
    application.approved_term = agreed.term
    application.approved_method = agreed.repayment_method
    application.decided_at = now
    application.save(
        update_fields=[
            "status",
            "approved_amount",
            "approved_rate",
            "approved_term",
            "approved_method",
            "decided_at",
            "updated_at",
        ]
    )
    return _Outcome(True, None, instance.status)


def _close_without_approval(
    instance: ApprovalInstance, application: Application, *, action: str, now: datetime
) -> _Outcome:
    instance.tasks.filter(status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED, decided_at=now, updated_at=now
    )
    instance.status = (
        InstanceStatus.REJECTED if action == ActionKind.REJECT else InstanceStatus.RETURNED
    )
    instance.closed_at = now
    instance.save(update_fields=["status", "closed_at", "updated_at"])
    if action == ActionKind.REJECT:
        transition_application(application, to=ApplicationStatus.DECLINED)
        application.decided_at = now
        application.save(update_fields=["status", "decided_at", "updated_at"])
    else:
        transition_application(application, to=ApplicationStatus.RETURNED)
        application.save(update_fields=["status", "updated_at"])
    return _Outcome(True, None, instance.status)


def _audit_action(
    instance: ApprovalInstance,
    task: ApprovalTask,
    action: str,
    acting_user: Any,
    principal: Any,
    agreed: ApprovalTerms | None,
    note: str,
    outcome: _Outcome,
) -> None:
    metadata: dict[str, Any] = {
        "instance": instance.pk,
        "task": task.pk,
        "node": task.position,
        "level": task.level,
        "on_behalf_of": principal.pk if principal is not None else None,
        "note": note[:200],
        "node_completed": outcome.node_completed,
        "next_node": outcome.next_position,
        "instance_status": outcome.instance_status,
    }
    if agreed is not None:
        metadata["terms"] = _terms_for_audit(agreed)
    event = {
        ActionKind.APPROVE: "approvals.approved",
        ActionKind.REJECT: "approvals.rejected",
        ActionKind.RETURN: "approvals.returned",
    }[ActionKind(action)]
    record_event(event, actor=acting_user, target=instance.application, metadata=metadata)
    if outcome.instance_status == InstanceStatus.APPROVED:
        record_event(
            "approvals.completed",
            actor=acting_user,
            target=instance.application,
            metadata={"instance": instance.pk, "terms": metadata["terms"]},
        )
        workflow.on_approved(instance.application, acting_user=acting_user)


# ---- terms helpers ---------------------------------------------------------------------------


def current_terms(instance: ApprovalInstance) -> ApprovalTerms:
    return ApprovalTerms(
        amount=instance.current_amount,
        annual_rate=instance.current_rate,
        term=instance.current_term,
        repayment_method=instance.current_method,
    )


def _terms_fields(terms: ApprovalTerms) -> dict[str, Any]:
    return {
        "current_amount": terms.amount,
        "current_rate": terms.annual_rate,
        "current_term": terms.term,
        "current_method": terms.repayment_method,
    }


def _action_terms(terms: ApprovalTerms) -> dict[str, Any]:
    return {
        "amount": terms.amount,
        "annual_rate": terms.annual_rate,
        "term": terms.term,
        "repayment_method": terms.repayment_method,
    }


def _terms_for_audit(terms: ApprovalTerms) -> dict[str, str | int]:
    return {
        "amount": str(terms.amount),
        "annual_rate": str(terms.annual_rate),
        "term": terms.term,
        "repayment_method": terms.repayment_method,
    }
