"""Approvals endpoints under /api/v1/approvals: my tasks, and acting on one."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from lendcrm.approvals import queries
from lendcrm.approvals.choices import TaskStatus
from lendcrm.approvals.models import ApprovalTask
from lendcrm.approvals.schemas import ActionIn, ActionOut, TaskOut
from lendcrm.approvals.services import act, current_terms
from lendcrm.approvals.terms import ApprovalTerms

router = Router(tags=["approvals"])


def _task_out(task: ApprovalTask, caller_id: int | None) -> TaskOut:
    instance = task.instance
    application = instance.application
    return TaskOut(
        id=task.pk,
        application_id=application.pk,
        application_no=application.application_no,
        product=application.product.code,
        requested_amount=application.amount,
        level=task.level,
        kind=task.kind,
        position=task.position,
        status=task.status,
        assignee_id=task.assignee_id,
        delegated=task.assignee_id != caller_id,
        amount=instance.current_amount,
        annual_rate=instance.current_rate,
        term=instance.current_term,
        repayment_method=instance.current_method,
        created_at=task.created_at,
    )


@router.get("/tasks", response=list[TaskOut])
def list_tasks_api(request: HttpRequest, status: str = TaskStatus.OPEN) -> list[TaskOut]:
    """我的审批: the caller's tasks and those delegated to them now (open ones by default)."""
    tasks = queries.list_my_tasks(request.user, status=status if status != "all" else "")
    return [_task_out(task, request.user.pk) for task in tasks]


@router.post("/tasks/{int:task_id}/actions", response=ActionOut)
def act_api(request: HttpRequest, task_id: int, payload: ActionIn) -> ActionOut:
    """Approve (optionally with new terms), reject or return one task. Refusals name the rule."""
    task = queries.get_task_in_scope(request.user, task_id)
    terms = None
    if payload.action == "approve":
        previous = current_terms(task.instance)
        terms = ApprovalTerms(
            amount=previous.amount if payload.amount is None else payload.amount,
            annual_rate=previous.annual_rate
            if payload.annual_rate is None
            else payload.annual_rate,
            term=previous.term if payload.term is None else payload.term,
            repayment_method=payload.repayment_method or previous.repayment_method,
        )
    act(task, action=payload.action, acting_user=request.user, terms=terms, note=payload.note)
    task.refresh_from_db()
    instance = task.instance
    instance.refresh_from_db()
    application = instance.application
    application.refresh_from_db(fields=["status"])
    return ActionOut(
        task_id=task.pk,
        task_status=task.status,
        instance_id=instance.pk,
        instance_status=instance.status,
        current_position=instance.current_position,
        application_id=application.pk,
        application_status=application.status,
    )
