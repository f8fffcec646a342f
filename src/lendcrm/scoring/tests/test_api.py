from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token
from lendcrm.scoring.models import ScoreRecord
from lendcrm.scoring.scorer import Scorer
from lendcrm.scoring.tests.factories import make_deployed_version, make_user, make_version

pytestmark = pytest.mark.django_db


def _headers(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_api_token(user).plaintext}"}


@pytest.mark.smoke
def test_scoring_one_applicant_returns_score_points_and_reason_codes(card: dict[str, Any]) -> None:
    version = make_deployed_version(card)
    applicant = {
        "monthly_income": 4200,
        "debt_to_income": 0.95,
        "card_utilisation": None,
        "overdue_count_12m": 3,
        "age": 23,
        "city_tier": "五线",
        "employment_type": "freelancer",
    }
    response = Client().post(
        f"/api/v1/scorecards/{version.pk}/score",
        {"variables": applicant},
        content_type="application/json",
        headers=_headers(make_user(Role.RISK_ANALYST)),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    expected = Scorer(card).score_row(applicant)
    assert body["score"] == pytest.approx(expected.score, abs=1e-9)
    assert body["points"] == pytest.approx(expected.points)
    assert body["reason_codes"] == expected.reason_codes
    assert len(body["reason_codes"]) == 4
    assert ScoreRecord.objects.get().version_id == version.pk


def test_scoring_with_a_draft_is_a_conflict(card: dict[str, Any]) -> None:
    version = make_version(card)
    response = Client().post(
        f"/api/v1/scorecards/{version.pk}/score",
        {"variables": {"age": 30}},
        content_type="application/json",
        headers=_headers(make_user(Role.ADMIN)),
    )
    assert response.status_code == 409


def test_the_registry_lists_versions_and_shows_one_with_its_card(card: dict[str, Any]) -> None:
    version = make_deployed_version(card)
    headers = _headers(make_user(Role.RISK_ANALYST))
    listed = Client().get("/api/v1/scorecards", headers=headers).json()
    assert [(v["id"], v["status"], v["model"]) for v in listed] == [
        (version.pk, "deployed", "申请评分卡A")
    ]
    detail = Client().get(f"/api/v1/scorecards/{version.pk}", headers=headers).json()
    assert detail["card"]["variables"][0]["name"] == "monthly_income"
    assert detail["metrics"]["test"]["ks"] == card["metrics"]["test"]["ks"]
    missing = Client().get(f"/api/v1/scorecards/{version.pk + 1000}", headers=headers)
    assert missing.status_code == 404


def test_a_role_without_the_scoring_capability_is_refused(card: dict[str, Any]) -> None:
    version = make_deployed_version(card)
    response = Client().get(
        f"/api/v1/scorecards/{version.pk}", headers=_headers(make_user(Role.SALES))
    )
    assert response.status_code == 403
