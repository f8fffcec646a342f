"""Approval pages: my tasks, the task page with the history and the form, delegations,
and the configuration pages."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.approvals import queries
from lendcrm.approvals.models import ApprovalChain, ApprovalRoute, ApprovalTask, Delegation
from lendcrm.approvals.services import start_approval
from lendcrm.approvals.tests.conftest import OPINION, People
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def task(
    application: Application, people: People, only_chain: Callable[..., ApprovalChain]
) -> ApprovalTask:
    only_chain(("review_supervisor", "single", 1))
    instance = start_approval(
        application, acting_user=people.reviewer, opinion=OPINION, note="收入稳定"
    )
    return instance.tasks.get()


def test_my_approvals_lists_the_open_task(task: ApprovalTask) -> None:
    response = signed_in(task.assignee).get(reverse("approvals:tasks"))

    assert response.status_code == 200
    assert f'data-task-id="{task.pk}"' in response.content.decode()


def test_the_task_page_shows_the_previous_terms_and_approves(task: ApprovalTask) -> None:
    client = signed_in(task.assignee)
    url = reverse("approvals:task", args=[task.pk])

    page = client.get(url).content.decode()
    assert "收入稳定" in page
    assert "18.00%" in page
    assert 'id="approval-form"' in page

    response = client.post(
        url,
        {
            "action": "approve",
            "amount": "30000.00",
            "annual_rate_percent": "18.00",
            "term": "12",
            "repayment_method": "equal_installment",
            "note": "同意",
        },
    )

    assert response.status_code == 302
    task.refresh_from_db()
    task.instance.application.refresh_from_db()
    assert task.instance.application.status == ApplicationStatus.APPROVED
    assert task.instance.application.approved_rate == Decimal("0.1800")


def test_the_form_shows_the_note_rule_on_a_raised_amount(task: ApprovalTask) -> None:
    response = signed_in(task.assignee).post(
        reverse("approvals:task", args=[task.pk]),
        {
            "action": "approve",
            "amount": "60000.00",
            "annual_rate_percent": "18.00",
            "term": "12",
            "repayment_method": "equal_installment",
        },
    )

    assert response.status_code == 400
    assert "必须填写说明" in response.content.decode()


def test_another_supervisor_sees_the_page_without_the_form(
    task: ApprovalTask, people: People
) -> None:
    other = next(s for s in people.supervisors if s != task.assignee)

    page = signed_in(other).get(reverse("approvals:task", args=[task.pk])).content.decode()

    assert 'id="approval-form"' not in page


def test_the_history_partial_renders_each_step(task: ApprovalTask) -> None:
    html = render_to_string(
        "approvals/_history.html",
        {"approval_history": queries.history_for(task.instance.application)},
    )

    assert 'data-step-action="submit"' in html
    assert "18.00%" in html


def test_a_user_delegates_their_tasks(people: People) -> None:
    away = people.supervisors[0]

    response = signed_in(away).post(
        reverse("approvals:delegations"),
        {
            "to_user": people.supervisors[1].pk,
            "starts_at": "2030-01-01T09:00",
            "ends_at": "2030-01-08T18:00",
            "reason": "年假",
        },
    )

    assert response.status_code == 302
    assert Delegation.objects.get().to_user == people.supervisors[1]


def test_a_director_edits_a_chain_and_a_route(people: People) -> None:
    client = signed_in(people.directors[0])
    chain = ApprovalChain.objects.create(code="X", name="旧")

    response = client.post(
        reverse("approvals:chain_edit", args=[chain.pk]),
        {
            "name": "新审批流",
            "is_active": "on",
            "nodes-TOTAL_FORMS": "3",
            "nodes-INITIAL_FORMS": "0",
            "nodes-0-level": "review_supervisor",
            "nodes-0-kind": "single",
            "nodes-0-approver_count": "1",
            "nodes-1-level": "committee",
            "nodes-1-kind": "all_of",
            "nodes-1-approver_count": "2",
            "nodes-2-level": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert [(n.level, n.kind) for n in chain.nodes.order_by("position")] == [
        ("review_supervisor", "single"),
        ("committee", "all_of"),
    ]

    response = client.post(
        reverse("approvals:route_new"),
        {"name": "C 级全部", "priority": "1", "risk_grades": "c, b", "chain": chain.pk},
    )
    assert response.status_code == 302
    assert ApprovalRoute.objects.get(name="C 级全部").risk_grades == ["B", "C"]
    assert "新审批流" in client.get(reverse("approvals:settings")).content.decode()


def test_a_chain_whose_levels_go_down_is_refused(people: People) -> None:
    response = signed_in(people.directors[0]).post(
        reverse("approvals:chain_new"),
        {
            "code": "DOWN",
            "name": "倒序",
            "nodes-TOTAL_FORMS": "2",
            "nodes-INITIAL_FORMS": "0",
            "nodes-0-level": "committee",
            "nodes-0-kind": "any_of",
            "nodes-0-approver_count": "2",
            "nodes-1-level": "review_supervisor",
            "nodes-1-kind": "single",
            "nodes-1-approver_count": "1",
        },
    )

    assert response.status_code == 400
    assert "由低到高" in response.content.decode()


def test_a_reviewer_may_not_open_the_configuration() -> None:
    reviewer = UserFactory(roles=[Role.REVIEWER])

    response = signed_in(reviewer).get(reverse("approvals:settings"))

    assert response.status_code == 403


def test_an_approver_from_another_branch_reaches_their_own_task(
    application: Application, people: People, only_chain: Callable[..., ApprovalChain]
) -> None:
    only_chain(("review_supervisor", "all_of", 4))  # three in the branch, so the outsider too
    instance = start_approval(application, acting_user=people.reviewer, opinion=OPINION, note="")
    task = instance.tasks.get(assignee=people.outsider)

    page = signed_in(people.outsider).get(reverse("approvals:task", args=[task.pk]))

    assert page.status_code == 200
    assert 'id="approval-form"' in page.content.decode()


def test_my_approvals_costs_the_same_queries_for_one_task_or_many(
    make_application: Callable[..., Application],
    people: People,
    only_chain: Callable[..., ApprovalChain],
    django_assert_num_queries: Any,
) -> None:
    only_chain(("committee", "all_of", 4))
    member = people.committee[0]
    client = signed_in(member)
    start_approval(make_application(), acting_user=people.reviewer, opinion=OPINION, note="")
    client.get(reverse("approvals:tasks"))  # warm the session and role caches
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("approvals:tasks"))
    for _ in range(3):
        start_approval(make_application(), acting_user=people.reviewer, opinion=OPINION, note="")

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("approvals:tasks"))

    assert response.content.decode().count("data-task-id=") == 4


def test_a_second_approval_on_an_any_one_node_is_refused_on_the_page(
    application: Application, people: People, only_chain: Callable[..., ApprovalChain]
) -> None:
    only_chain(("committee", "any_of", 2))
    instance = start_approval(application, acting_user=people.reviewer, opinion=OPINION, note="")
    first, second = instance.tasks.order_by("pk")
    form = {
        "action": "approve",
        "amount": "30000.00",
        "annual_rate_percent": "18.00",
        "term": "12",
        "repayment_method": "equal_installment",
    }
    signed_in(first.assignee).post(reverse("approvals:task", args=[first.pk]), form)

    response = signed_in(second.assignee).post(reverse("approvals:task", args=[second.pk]), form)

    assert response.status_code == 409
    assert "已取消" in response.content.decode()
