"""POST /api/v1/contracts/applications/{id} and GET /api/v1/contracts/{id}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.applications.models import Application
from lendcrm.contracts.tests.conftest import Org
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token


def _client(user: User) -> tuple[Client, dict[str, str]]:
    return Client(), {"Authorization": f"Bearer {issue_api_token(user).plaintext}"}


def _post(user: User, application_id: int) -> Any:
    client, headers = _client(user)
    return client.post(f"/api/v1/contracts/applications/{application_id}", headers=headers)


def test_generate_and_read_a_contract(
    make_application: Callable[..., Application], org: Org
) -> None:
    application = make_application()

    created = _post(org.supervisor, application.pk)

    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "lender_signed"
    assert body["terms"]["loan"]["amount"] == "50,000.00"
    assert len(body["terms"]["schedule"]) == 12
    assert [s["party"] for s in body["signatures"]] == ["lender"]
    client, headers = _client(org.supervisor)
    read = client.get(f"/api/v1/contracts/{body['id']}", headers=headers)
    assert read.status_code == 200
    assert read.json()["pdf_sha256"] == body["pdf_sha256"]
    outsider, outsider_headers = _client(org.other_branch_supervisor)
    assert (
        outsider.get(f"/api/v1/contracts/{body['id']}", headers=outsider_headers).status_code == 404
    )


def test_an_unapproved_application_is_refused(
    make_application: Callable[..., Application], org: Org
) -> None:
    application = make_application(status=ApplicationStatus.MANUAL_REVIEW)

    refused = _post(org.supervisor, application.pk)

    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "application is not approved",
        "errors": [{"field": "status", "message": "application is not approved"}],
    }


def test_a_second_contract_is_a_conflict(
    make_application: Callable[..., Application], org: Org
) -> None:
    application = make_application()
    _post(org.supervisor, application.pk)

    assert _post(org.supervisor, application.pk).status_code == 409


def test_a_sales_rep_may_not_generate(
    make_application: Callable[..., Application], org: Org
) -> None:
    assert _post(org.rep, make_application().pk).status_code == 403
