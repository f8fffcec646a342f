"""GET /api/v1/approvals/tasks and POST /api/v1/approvals/tasks/{id}/actions with bearer tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lendcrm.applications.models import Application
from lendcrm.approvals.choices import TaskStatus
from lendcrm.approvals.models import ApprovalChain, ApprovalTask
from lendcrm.approvals.services import start_approval
from lendcrm.approvals.tests.conftest import OPINION, People
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token

pytestmark = pytest.mark.django_db


def _headers(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_api_token(user).plaintext}"}


def _post(user: User, task: ApprovalTask, body: dict[str, Any]) -> Any:
    return Client().post(
        f"/api/v1/approvals/tasks/{task.pk}/actions",
        body,
        content_type="application/json",
        headers=_headers(user),
    )


@pytest.fixture
def task(
    application: Application, people: People, only_chain: Callable[..., ApprovalChain]
) -> ApprovalTask:
    only_chain(("review_supervisor", "single", 1), ("committee", "all_of", 2))
    instance = start_approval(application, acting_user=people.reviewer, opinion=OPINION, note="")
    return instance.tasks.get()


def test_an_approver_lists_their_tasks_with_the_terms_in_effect(task: ApprovalTask) -> None:
    response = Client().get("/api/v1/approvals/tasks", headers=_headers(task.assignee))

    assert response.status_code == 200, response.content
    [row] = response.json()
    assert (row["id"], row["level"], row["delegated"]) == (task.pk, "review_supervisor", False)
    assert (row["amount"], row["annual_rate"], row["term"]) == ("30000.00", "0.1800", 12)


def test_an_approval_moves_the_run_to_the_next_node(task: ApprovalTask) -> None:
    response = _post(task.assignee, task, {"action": "approve", "amount": "28000"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["task_status"], body["instance_status"], body["current_position"]) == (
        "approved",
        "open",
        2,
    )
    assert body["application_status"] == "in_approval"


def test_someone_elses_task_is_refused_with_the_rule(task: ApprovalTask, people: People) -> None:
    intruder = next(s for s in people.supervisors if s != task.assignee)

    response = _post(intruder, task, {"action": "approve"})

    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "acting_user"
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_raising_the_amount_without_a_note_names_the_note_field(task: ApprovalTask) -> None:
    response = _post(task.assignee, task, {"action": "approve", "amount": "90000"})

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "note", "message": response.json()["detail"]}]


def test_an_unknown_action_is_refused(task: ApprovalTask) -> None:
    response = _post(task.assignee, task, {"action": "shrug"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "action"
