"""SLA timers: overdue review tasks are escalated to a supervisor once, by the periodic job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from lendcrm.applications.models import Application
from lendcrm.audit.models import AuditEvent
from lendcrm.reviews.choices import ReviewTaskStatus
from lendcrm.reviews.models import ReviewTask
from lendcrm.reviews.services import create_review_task, escalate_overdue_reviews
from lendcrm.reviews.tasks import escalate_overdue_reviews_task
from lendcrm.reviews.tests.conftest import T0, Org

pytestmark = pytest.mark.django_db


def test_an_overdue_task_is_escalated_to_the_branch_supervisor_once(
    org: Org, make_application: Callable[..., Application], frozen: Callable[[datetime], None]
) -> None:
    task = create_review_task(make_application())  # due T0 + 4h
    frozen(T0 + timedelta(hours=4))
    assert escalate_overdue_reviews() == 0  # due now is not overdue yet

    later = T0 + timedelta(hours=4, minutes=1)
    frozen(later)
    assert escalate_overdue_reviews() == 1
    frozen(later + timedelta(hours=1))
    assert escalate_overdue_reviews() == 0  # once only
    assert escalate_overdue_reviews_task.delay().get() == 0

    task.refresh_from_db()
    assert (task.escalated_at, task.escalated_to) == (later, org.supervisor)
    assert AuditEvent.objects.filter(action="reviews.task_escalated").count() == 1


def test_an_overdue_pool_task_is_assigned_to_the_supervisor(
    org: Org, make_application: Callable[..., Application], frozen: Callable[[datetime], None]
) -> None:
    task = create_review_task(make_application())
    ReviewTask.objects.filter(pk=task.pk).update(status=ReviewTaskStatus.OPEN, assignee=None)
    frozen(T0 + timedelta(days=1))

    escalate_overdue_reviews()

    task.refresh_from_db()
    assert (task.status, task.assignee, task.escalated_to) == (
        ReviewTaskStatus.CLAIMED,
        org.supervisor,
        org.supervisor,
    )


def test_done_tasks_are_never_escalated(
    make_application: Callable[..., Application], frozen: Callable[[datetime], None]
) -> None:
    task = create_review_task(make_application())
    ReviewTask.objects.filter(pk=task.pk).update(status=ReviewTaskStatus.DONE)
    frozen(T0 + timedelta(days=1))

    assert escalate_overdue_reviews() == 0
