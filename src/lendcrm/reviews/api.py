"""Reviews endpoints under /api/v1/reviews: the queue, claim and release, and the opinion."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Status

from lendcrm.core import clock
from lendcrm.identity.models import User
from lendcrm.identity.roles import can
from lendcrm.reviews import queries, services
from lendcrm.reviews.models import ReviewTask
from lendcrm.reviews.schemas import OpinionIn, OpinionOut, ReviewTaskOut, TaskListQuery

router = Router(tags=["reviews"])


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _task_out(task: ReviewTask, now: datetime) -> ReviewTaskOut:
    application = task.application
    return ReviewTaskOut(
        id=task.pk,
        application_id=application.pk,
        application_no=application.application_no,
        product=application.product.name,
        amount=application.amount,
        risk_grade=application.risk_grade,
        level=task.level,
        status=task.status,
        assignee=str(task.assignee) if task.assignee else None,
        due_at=task.due_at,
        overdue=task.due_at < now,
        escalated_at=task.escalated_at,
    )


@router.get("/tasks", response=list[ReviewTaskOut])
def list_tasks_api(request: HttpRequest, query: Query[TaskListQuery]) -> list[ReviewTaskOut]:
    """`view=mine` (held by the caller, earliest due first), `pool` (claimable) or `team`
    (supervisors: every active task in scope)."""
    view = query.view
    if view == "team" and not can(request.user, "applications.assign"):
        view = "mine"
    now = clock.now()
    return [
        _task_out(t, now) for t in queries.list_tasks(request.user, view=view, limit=query.limit)
    ]


@router.post("/tasks/{int:task_id}/claim", response=ReviewTaskOut)
def claim_task_api(request: HttpRequest, task_id: int) -> ReviewTaskOut:
    """Take a task from the pool; 409 when someone else was first."""
    task = queries.get_task_for_user(request.user, task_id)
    services.claim_review_task(task.pk, acting_user=_user(request))
    return _task_out(queries.get_task_for_user(request.user, task_id), clock.now())


@router.post("/tasks/{int:task_id}/release", response=ReviewTaskOut)
def release_task_api(request: HttpRequest, task_id: int) -> ReviewTaskOut:
    """Put a task the caller holds back in the pool."""
    task = queries.get_task_for_user(request.user, task_id)
    services.release_review_task(task.pk, acting_user=_user(request))
    return _task_out(queries.get_task_for_user(request.user, task_id), clock.now())


@router.post("/tasks/{int:task_id}/opinion", response={201: OpinionOut})
def record_opinion_api(
    request: HttpRequest, task_id: int, payload: OpinionIn
) -> Status[OpinionOut]:
    """Record the review opinion; errors name the field (approved_amount, approved_rate,
    approved_term, approved_method, comment)."""
    task = queries.get_task_for_user(request.user, task_id)
    data = services.OpinionInput(**payload.dict())
    opinion = services.record_opinion(task.pk, data=data, acting_user=_user(request))
    opinion.application.refresh_from_db(fields=["status"])
    return Status(
        201,
        OpinionOut(
            id=opinion.pk,
            task_id=task.pk,
            application_id=opinion.application_id,
            application_status=opinion.application.status,
            recommendation=opinion.recommendation,
            approved_amount=opinion.approved_amount,
            approved_rate=opinion.approved_rate,
            approved_term=opinion.approved_term,
            approved_method=opinion.approved_method,
            risk_points=list(opinion.risk_points),
        ),
    )
