from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from lendcrm.identity.choices import Role
from lendcrm.identity.models import User
from lendcrm.identity.services import issue_api_token
from lendcrm.loans.models import CreditLine, LineAdjustment, Loan
from lendcrm.loans.tests.factories import (
    make_customer,
    make_line,
    make_loan,
    make_org,
    make_product,
    make_user,
)

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user: User) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {issue_api_token(user).plaintext}"}

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1/loans{path}", headers=self.headers)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            f"/api/v1/loans{path}",
            data=json.dumps(body),
            content_type="application/json",
            headers=self.headers,
        )


def test_a_manager_opens_a_line_and_draws_on_it() -> None:
    _branch, team = make_org()
    manager = make_user(Role.ADMIN, team=team)
    customer = make_customer(team=team)
    product = make_product()
    api = Api(manager)

    opened = api.post(
        "/lines",
        {
            "customer_id": customer.pk,
            "product_id": product.pk,
            "limit": "20000",
            "annual_rate": "0.18",
            "valid_from": "2024-01-01",
            "valid_until": "2030-01-01",
        },
    )
    assert opened.status_code == 201, opened.content
    drawn = api.post(
        f"/lines/{opened.json()['id']}/drawdowns",
        {"amount": "5000", "term": 6, "method": "equal_installment"},
    )

    assert drawn.status_code == 201
    assert drawn.json()["loan_status"] == "active"
    line = api.get(f"/lines/{opened.json()['id']}").json()
    assert line["available"] == "15000.00"


def test_a_drawdown_over_the_available_limit_is_a_conflict() -> None:
    manager = make_user(Role.ADMIN)
    line = make_line(limit=Decimal("1000.00"))

    response = Api(manager).post(
        f"/lines/{line.pk}/drawdowns", {"amount": "1500", "term": 6, "method": "equal_installment"}
    )

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "amount"


def test_loan_schedule_journal_and_balances_are_readable() -> None:
    viewer = make_user(Role.AUDITOR)
    loan = make_loan()
    api = Api(viewer)

    detail = api.get(f"/{loan.pk}").json()
    schedule = api.get(f"/{loan.pk}/schedule").json()
    journal = api.get(f"/{loan.pk}/journal").json()

    assert detail["balances"]["principal"] == "12000.00"
    assert [row["principal_due"] for row in schedule[:2]] == ["1000.00", "1000.00"]
    assert journal[0]["kind"] == "disbursement"


def test_manual_payment_by_api_is_idempotent_by_reference() -> None:
    _branch, team = make_org()
    poster = make_user(Role.COLLECTION_MANAGER, team=team)
    loan = make_loan(customer=make_customer(team=team))
    api = Api(poster)
    body = {"amount": "1120.00", "value_date": "2025-02-15", "reference": "BANK-1"}

    first = api.post(f"/{loan.pk}/payments", body)
    again = api.post(f"/{loan.pk}/payments", body)

    assert (first.status_code, again.status_code) == (201, 200)
    assert Loan.objects.get(pk=loan.pk).principal_balance == Decimal("11000.00")


def test_reversal_by_api() -> None:
    poster = make_user(Role.ADMIN)
    loan = make_loan()
    api = Api(poster)
    payment = api.post(
        f"/{loan.pk}/payments", {"amount": "100", "value_date": "2025-02-15", "reference": "X"}
    ).json()

    reversed_ = api.post(f"/payments/{payment['id']}/reversal", {"reason": "keyed twice"})

    assert reversed_.json()["status"] == "reversed"


def test_a_viewer_cannot_post_payments() -> None:
    viewer = make_user(Role.AUDITOR)
    loan = make_loan()

    response = Api(viewer).post(
        f"/{loan.pk}/payments", {"amount": "1", "value_date": "2025-02-15", "reference": "R"}
    )

    assert response.status_code == 403


def test_loans_outside_the_scope_are_not_found() -> None:
    _b1, team_one = make_org()
    _b2, team_two = make_org()
    sales = make_user(Role.SALES, team=team_one)
    mine = make_loan(customer=make_customer(owner=sales, team=team_one))
    theirs = make_loan(customer=make_customer(team=team_two))
    api = Api(sales)

    assert api.get(f"/{mine.pk}").status_code == 200
    assert api.get(f"/{theirs.pk}").status_code == 404
    assert [line["id"] for line in api.get("/lines").json()] == [mine.line_id]


def test_limit_adjustment_needs_another_approver() -> None:
    operator = make_user(Role.ADMIN)
    approver = make_user(Role.REVIEW_DIRECTOR)
    line = make_line()
    api = Api(operator)

    same = api.post(
        f"/lines/{line.pk}/adjustments",
        {
            "kind": "limit",
            "reason": "收入提升",
            "approver": operator.username,
            "new_limit": "80000",
        },
    )
    other = api.post(
        f"/lines/{line.pk}/adjustments",
        {
            "kind": "limit",
            "reason": "收入提升",
            "approver": approver.username,
            "new_limit": "80000",
        },
    )

    assert same.status_code == 403
    assert other.json()["limit"] == "80000.00"
    assert LineAdjustment.objects.get(line=line).approver == approver
    assert CreditLine.objects.get(pk=line.pk).available == Decimal("80000.00")


def test_reconciliation_import_reports_each_row() -> None:
    poster = make_user(Role.ADMIN)
    loan = make_loan()
    csv_text = (
        "txn_id,loan_no,amount,paid_on\n"
        f"R1,{loan.loan_no},1120.00,2025-02-15\n"
        f"R1,{loan.loan_no},1120.00,2025-02-15\n"
        "R2,NOPE,10.00,2025-02-15\n"
        f"R3,{loan.loan_no},abc,2025-02-15\n"
    )

    rows = Api(poster).post("/reconciliation", {"channel": "bank-a", "csv": csv_text}).json()

    assert [r["outcome"] for r in rows] == ["posted", "duplicate", "error", "error"]
    assert rows[2]["message"] == "unknown loan"
