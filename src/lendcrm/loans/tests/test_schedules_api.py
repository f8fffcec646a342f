"""`POST /api/v1/schedules/preview`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from lendcrm.identity.services import issue_api_token
from lendcrm.identity.tests.factories import UserFactory

URL = "/api/v1/schedules/preview"
MORTGAGE = {
    "principal": "1000000",
    "annual_rate": "0.049",
    "term": 360,
    "method": "equal_installment",
    "start_date": "2025-01-15",
}


@pytest.fixture
def token(db: None) -> str:
    return issue_api_token(UserFactory()).plaintext


def post(body: dict[str, Any], token: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().post(URL, json.dumps(body), content_type="application/json", **headers)


def test_preview_returns_the_schedule(token: str) -> None:
    response = post(MORTGAGE, token)

    assert response.status_code == 200
    body = response.json()
    assert body["installments"][0] == {
        "period": 1,
        "due_date": "2025-02-15",
        "principal": "1223.94",
        "interest": "4083.33",
        "payment": "5307.27",
        "balance": "998776.06",
    }
    assert len(body["installments"]) == 360
    assert (body["total_principal"], body["total_interest"]) == ("1000000.00", "910615.12")
    assert body["apr"] == "0.049000"


def test_preview_with_the_daily_convention(token: str) -> None:
    body = {**MORTGAGE, "term": 2, "method": "interest_first", "convention": "actual_365"}

    response = post({**body, "principal": "36500", "annual_rate": "0.1"}, token)

    assert response.status_code == 200
    assert [row["interest"] for row in response.json()["installments"]] == ["310.00", "280.00"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"principal": "0"}, "principal"),
        ({"principal": "abc"}, "principal"),
        ({"annual_rate": "-0.01"}, "annual_rate"),
        ({"term": 0}, "term"),
        ({"method": "weekly"}, "method"),
        ({"start_date": "2025-02-30"}, "start_date"),
        ({"convention": "30e/360"}, "convention"),
    ],
)
def test_invalid_input_is_422_naming_the_field(
    token: str, change: dict[str, Any], field: str
) -> None:
    response = post({**MORTGAGE, **change}, token)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_missing_field_is_422(token: str) -> None:
    response = post({k: v for k, v in MORTGAGE.items() if k != "term"}, token)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "term"


@pytest.mark.django_db
def test_needs_a_token() -> None:
    assert post(MORTGAGE, None).status_code == 401
