"""The reviews API: the queue, claim and release, and the opinion."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lendcrm.applications.models import Application
from lendcrm.identity.services import issue_api_token
from lendcrm.reviews.choices import ReviewTaskStatus
from lendcrm.reviews.models import ReviewTask
from lendcrm.reviews.services import create_review_task
from lendcrm.reviews.tests.conftest import Org

pytestmark = pytest.mark.django_db


def _api(user: Any) -> Client:
    token = issue_api_token(user).plaintext
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def pool_task(make_application: Any) -> ReviewTask:
    task = create_review_task(make_application())
    ReviewTask.objects.filter(pk=task.pk).update(status=ReviewTaskStatus.OPEN, assignee=None)
    return task


def test_claim_list_and_release(pool_task: ReviewTask, org: Org) -> None:
    api = _api(org.reviewer)
    pool = api.get("/api/v1/reviews/tasks?view=pool").json()
    assert [t["id"] for t in pool] == [pool_task.pk]

    claimed = api.post(f"/api/v1/reviews/tasks/{pool_task.pk}/claim")
    assert claimed.status_code == 200
    assert claimed.json()["status"] == "claimed"
    again = _api(org.reviewer2).post(f"/api/v1/reviews/tasks/{pool_task.pk}/claim")
    assert again.status_code == 409
    mine = api.get("/api/v1/reviews/tasks").json()
    assert [t["id"] for t in mine] == [pool_task.pk]

    released = api.post(f"/api/v1/reviews/tasks/{pool_task.pk}/release")
    assert released.json()["status"] == "open"


def test_the_opinion_errors_name_the_field(pool_task: ReviewTask, org: Org) -> None:
    api = _api(org.reviewer)
    api.post(f"/api/v1/reviews/tasks/{pool_task.pk}/claim")
    body = {
        "recommendation": "approve",
        "approved_amount": "40000.00",
        "approved_rate": "0.5",
        "approved_term": 36,
        "approved_method": "equal_installment",
    }

    refused = api.post(
        f"/api/v1/reviews/tasks/{pool_task.pk}/opinion", body, content_type="application/json"
    )

    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["approved_rate", "approved_term"]


def test_a_decline_through_the_api(pool_task: ReviewTask, org: Org) -> None:
    api = _api(org.reviewer)
    api.post(f"/api/v1/reviews/tasks/{pool_task.pk}/claim")

    response = api.post(
        f"/api/v1/reviews/tasks/{pool_task.pk}/opinion",
        {"recommendation": "decline", "comment": "多头严重", "risk_points": ["multi_lending"]},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["application_status"] == "declined"
    assert Application.objects.get(pk=pool_task.application_id).status == "declined"


def test_outside_the_scope_a_task_is_not_found(pool_task: ReviewTask, org: Org) -> None:
    response = _api(org.outsider).post(f"/api/v1/reviews/tasks/{pool_task.pk}/claim")

    assert response.status_code == 404
