"""Sales endpoints: /api/v1/sales/tasks, and follow-ups and stage moves under /api/v1/leads."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from lendcrm.core import clock
from lendcrm.core.errors import DomainError
from lendcrm.sales import queries
from lendcrm.sales.models import FollowUpTask
from lendcrm.sales.schemas import (
    FollowUpIn,
    FollowUpOut,
    StageIn,
    StageOut,
    TaskListQuery,
    TaskOut,
)
from lendcrm.sales.services.follow_ups import FollowUpInput, log_follow_up
from lendcrm.sales.services.pipeline import move_lead_stage

router = Router(tags=["sales"])
lead_router = Router(tags=["sales"])


def _task_out(task: FollowUpTask, now: object) -> TaskOut:
    return TaskOut(
        id=task.pk,
        lead_id=task.lead_id,
        lead_name=task.lead.name,
        kind=task.kind,
        status=task.status,
        due_at=task.due_at,
        overdue=task.due_at < now,  # type: ignore[operator]
        assignee=str(task.assignee),
        escalated_to=str(task.escalated_to) if task.escalated_to else None,
    )


@router.get("/tasks", response=list[TaskOut])
def list_tasks_api(request: HttpRequest, query: Query[TaskListQuery]) -> list[TaskOut]:
    """The caller's visible active tasks (or those of `status`), earliest due first."""
    tasks = queries.list_tasks(
        request.user, status=query.status, mine=query.mine, limit=query.limit
    )
    now = clock.now()
    return [_task_out(task, now) for task in tasks]


@lead_router.post("/{int:lead_id}/follow-ups", response={201: FollowUpOut})
def log_follow_up_api(
    request: HttpRequest, lead_id: int, payload: FollowUpIn
) -> tuple[int, FollowUpOut]:
    """Log a follow-up (跟进记录); a refusal needs `refusal_reason`."""
    lead = queries.get_lead_for_user(request.user, lead_id)
    reason = None
    if payload.refusal_reason:
        reason = queries.find_refusal_reason_by_code(payload.refusal_reason)
        if reason is None:
            raise DomainError(_("拒绝原因不存在"), field="refusal_reason")
    data = FollowUpInput(
        channel=payload.channel,
        result=payload.result,
        intent_after=payload.intent_after,
        refusal_reason=reason,
        refusal_note=payload.refusal_note,
        next_follow_up_at=payload.next_follow_up_at,
        note=payload.note,
    )
    record = log_follow_up(lead, data=data, acting_user=request.user)
    record.lead.refresh_from_db(fields=["status"])
    return 201, FollowUpOut(
        id=record.pk,
        lead_id=record.lead_id,
        channel=record.channel,
        result=record.result,
        intent_before=record.intent_before,
        intent_after=record.intent_after,
        refusal_reason=record.refusal_reason.code if record.refusal_reason else "",
        lead_status=record.lead.status,
    )


@lead_router.post("/{int:lead_id}/stage", response=StageOut)
def move_stage_api(request: HttpRequest, lead_id: int, payload: StageIn) -> StageOut:
    """Move the lead to another pipeline stage; moving back needs a `reason`."""
    lead = queries.get_lead_for_user(request.user, lead_id)
    moved = move_lead_stage(lead, to=payload.to, reason=payload.reason, acting_user=request.user)
    return StageOut(id=moved.pk, status=moved.status)
