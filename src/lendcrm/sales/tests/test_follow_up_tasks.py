"""Follow-up tasks: created from events by rule, escalated when overdue, listed by due time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lendcrm.audit.models import AuditEvent
from lendcrm.config.schedule import BEAT_SCHEDULE
from lendcrm.identity.services import issue_api_token
from lendcrm.leads.choices import AssignmentStrategy, LeadStatus
from lendcrm.leads.models import AssignmentMember, AssignmentRule, Channel, Lead
from lendcrm.leads.services.capture import capture_leads
from lendcrm.leads.tests.helpers import lead_input
from lendcrm.sales import queries
from lendcrm.sales.choices import TaskKind, TaskStatus
from lendcrm.sales.models import FollowUpTask
from lendcrm.sales.services.follow_up_tasks import (
    create_no_application_tasks,
    escalate_overdue_tasks,
)
from lendcrm.sales.tasks import escalate_overdue_tasks_task
from lendcrm.sales.tests.conftest import T0, Org

pytestmark = pytest.mark.django_db
THREE_DAYS = timedelta(days=3)


def _task(lead: Lead, *, due_at: datetime, kind: str = TaskKind.FOLLOW_UP) -> FollowUpTask:
    assert lead.owner is not None
    return FollowUpTask.objects.create(
        lead=lead,
        assignee=lead.owner,
        team_id=lead.team_id,
        branch_id=lead.branch_id,
        kind=kind,
        due_at=due_at,
    )


def test_an_assigned_lead_gets_a_first_call_due_5_minutes_later(
    org: Org, channel: Channel, frozen: Callable[[datetime], None]
) -> None:
    rule = AssignmentRule.objects.create(strategy=AssignmentStrategy.ROUND_ROBIN)
    AssignmentMember.objects.create(rule=rule, agent=org.rep)

    [result] = capture_leads(channel, [lead_input(1)])

    [task] = FollowUpTask.objects.filter(lead_id=result.lead_id)
    assert (task.kind, task.status, task.assignee) == (
        TaskKind.FIRST_CALL,
        TaskStatus.OPEN,
        org.rep,
    )
    assert task.due_at == T0 + timedelta(minutes=5)
    assert task.team_id == org.rep.team_id


def test_a_second_follow_up_comes_3_days_after_assignment_only_without_an_application(
    org: Org, make_lead: Callable[..., Lead]
) -> None:
    waiting = make_lead(org.rep, status=LeadStatus.CONTACTED)
    applied = make_lead(org.rep, status=LeadStatus.APPLIED)

    assert create_no_application_tasks(now=T0 + THREE_DAYS - timedelta(minutes=1)) == 0
    assert create_no_application_tasks(now=T0 + THREE_DAYS + timedelta(minutes=1)) == 1
    assert create_no_application_tasks(now=T0 + THREE_DAYS + timedelta(hours=1)) == 0

    [task] = FollowUpTask.objects.all()
    assert (task.lead, task.kind, task.due_at) == (waiting, TaskKind.FOLLOW_UP, T0 + THREE_DAYS)
    assert not FollowUpTask.objects.filter(lead=applied).exists()


def test_an_overdue_task_is_escalated_to_the_manager_once(
    org: Org, make_lead: Callable[..., Lead]
) -> None:
    task = _task(make_lead(org.rep), due_at=T0 + timedelta(minutes=5))

    assert escalate_overdue_tasks(now=T0 + timedelta(minutes=4)) == 0
    assert escalate_overdue_tasks(now=T0 + timedelta(minutes=6)) == 1
    assert escalate_overdue_tasks(now=T0 + timedelta(minutes=11)) == 0

    task.refresh_from_db()
    assert (task.status, task.escalated_to) == (TaskStatus.ESCALATED, org.manager)
    assert task.escalated_at == T0 + timedelta(minutes=6)
    assert AuditEvent.objects.filter(action="sales.task_escalated").count() == 1
    assert task in queries.list_tasks(org.manager, mine=True)


def test_a_task_without_a_manager_to_escalate_to_stays_open(
    org: Org, make_lead: Callable[..., Lead]
) -> None:
    task = _task(make_lead(org.other_rep), due_at=T0)

    assert escalate_overdue_tasks(now=T0 + timedelta(hours=1)) == 0

    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_reps_task_list_is_sorted_by_due_time_and_holds_only_own_tasks(
    org: Org, make_lead: Callable[..., Lead]
) -> None:
    late = _task(make_lead(org.rep), due_at=T0 + timedelta(hours=3))
    early = _task(make_lead(org.rep), due_at=T0 + timedelta(hours=1))
    middle = _task(make_lead(org.rep), due_at=T0 + timedelta(hours=2))
    colleagues = _task(make_lead(org.rep2), due_at=T0)

    assert queries.list_tasks(org.rep) == [early, middle, late]
    assert queries.list_tasks(org.manager) == [colleagues, early, middle, late]
    assert queries.list_tasks(org.other_rep) == []


def test_the_tasks_api_lists_own_tasks_by_due_time(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    second = _task(make_lead(org.rep), due_at=T0 + timedelta(hours=2))
    first = _task(make_lead(org.rep), due_at=T0 - timedelta(hours=1))
    _task(make_lead(org.other_rep), due_at=T0)
    token = issue_api_token(org.rep).plaintext

    response = Client().get("/api/v1/sales/tasks", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    body = response.json()
    assert [t["id"] for t in body] == [first.pk, second.pk]
    assert [t["overdue"] for t in body] == [True, False]


def test_the_badge_counts_overdue_and_due_soon_tasks(
    org: Org, make_lead: Callable[..., Lead]
) -> None:
    _task(make_lead(org.rep), due_at=T0 - timedelta(minutes=1))
    _task(make_lead(org.rep), due_at=T0 + timedelta(minutes=10))
    _task(make_lead(org.rep), due_at=T0 + timedelta(days=1))

    counts = queries.count_due_tasks(org.rep, now=T0)

    assert (counts.overdue, counts.due_soon, counts.total) == (1, 1, 2)


def test_the_badge_fragment_and_task_page_render(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    _task(make_lead(org.rep), due_at=T0 - timedelta(minutes=1))
    client = Client()
    client.force_login(org.rep)

    badge = client.get("/sales/tasks/badge/")
    page = client.get("/sales/tasks/")

    assert badge.status_code == 200
    assert 'data-overdue="1"' in badge.content.decode()
    assert page.status_code == 200
    assert "已逾期" in page.content.decode()


def _queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_task_and_board_pages_do_not_query_per_row(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    client = Client()
    client.force_login(org.manager)
    _task(make_lead(org.rep), due_at=T0)
    client.get("/sales/tasks/")  # warm the session and role caches
    few = (_queries_for(client, "/sales/tasks/"), _queries_for(client, "/sales/pipeline/"))

    for hours in range(1, 6):
        _task(make_lead(org.rep2, status=LeadStatus.CONTACTED), due_at=T0 + timedelta(hours=hours))
    many = (_queries_for(client, "/sales/tasks/"), _queries_for(client, "/sales/pipeline/"))

    assert many == few


def test_the_sla_jobs_are_scheduled_once_and_call_the_services(
    org: Org, make_lead: Callable[..., Lead], frozen: Callable[[datetime], None]
) -> None:
    names = [entry["task"] for entry in BEAT_SCHEDULE.values()]
    task = _task(make_lead(org.rep), due_at=T0 - timedelta(minutes=1))

    assert names.count("lendcrm.sales.tasks.escalate_overdue_tasks_task") == 1
    assert names.count("lendcrm.sales.tasks.create_no_application_tasks_task") == 1
    assert escalate_overdue_tasks_task() == 1
    assert escalate_overdue_tasks_task() == 0
    task.refresh_from_db()
    assert task.escalated_to == org.manager
