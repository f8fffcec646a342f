"""POST /api/v1/decisions/pre-screen and GET /api/v1/decisions/{id}, with bearer tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lendcrm.decisions.tests.factories import make_published, make_strategy
from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token

pytestmark = pytest.mark.django_db


def _headers(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_api_token(user).plaintext}"}


@pytest.fixture
def published(make_user: Callable[..., User], small_definition: dict[str, Any]) -> None:
    maker, checker = make_user(Role.RISK_ANALYST), make_user(Role.RISK_ANALYST)
    make_published(make_strategy(maker), small_definition, maker=maker, checker=checker)


def _post(user: User, body: dict[str, Any]) -> Any:
    return Client().post(
        "/api/v1/decisions/pre-screen",
        body,
        content_type="application/json",
        headers=_headers(user),
    )


@pytest.mark.usefixtures("published")
def test_a_system_caller_pre_screens_input_and_reads_the_decision_back(
    make_user: Callable[..., User],
) -> None:
    caller = make_user(Role.ADMIN)
    response = _post(
        caller,
        {"strategy": "prescreen", "input": {"age": 30, "income": 12000, "mobile": "13800138000"}},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["outcome"], body["limit"], body["pricing_tier"]) == ("approve", "36000.00", "A")
    assert body["arm"] == "champion"
    assert body["applied"] is True
    assert body["rule_results"][0] == {
        "step": "hard",
        "rule_id": "AGE",
        "hit": False,
        "outputs": {},
    }
    again = Client().get(f"/api/v1/decisions/{body['id']}", headers=_headers(caller))
    assert again.status_code == 200
    assert again.json() == body


@pytest.mark.usefixtures("published")
def test_a_missing_required_input_is_a_422_naming_it(make_user: Callable[..., User]) -> None:
    response = _post(make_user(Role.ADMIN), {"input": {"age": 30}})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "income", "message": response.json()["detail"]}]


@pytest.mark.usefixtures("published")
def test_a_missing_manual_review_input_gives_data_incomplete(
    make_user: Callable[..., User],
) -> None:
    response = _post(make_user(Role.RISK_ANALYST), {"input": {"income": 12000}})
    assert response.status_code == 200
    assert response.json()["outcome"] == "manual_review"
    assert response.json()["reason_codes"][0] == "DATA_INCOMPLETE"


@pytest.mark.usefixtures("published")
def test_roles_without_the_capability_are_refused(make_user: Callable[..., User]) -> None:
    response = _post(make_user(Role.SALES), {"input": {"age": 30, "income": 1}})
    assert response.status_code == 403
    assert response["X-Lendcrm-Denied"] == "policy"


@pytest.mark.usefixtures("published")
def test_a_channel_decision_is_hidden_from_a_branch_scoped_reader(
    make_user: Callable[..., User],
) -> None:
    body = _post(make_user(Role.ADMIN), {"input": {"age": 30, "income": 12000}}).json()
    reviewer = make_user(Role.REVIEWER)
    response = Client().get(f"/api/v1/decisions/{body['id']}", headers=_headers(reviewer))
    assert response.status_code == 404


def test_without_a_published_strategy_the_answer_is_not_found(
    make_user: Callable[..., User],
) -> None:
    response = _post(make_user(Role.ADMIN), {"input": {"age": 30}})
    assert response.status_code == 404


def test_an_id_that_is_not_a_decision_is_not_found(make_user: Callable[..., User]) -> None:
    response = Client().get("/api/v1/decisions/not-a-uuid", headers=_headers(make_user(Role.ADMIN)))
    assert response.status_code == 404
