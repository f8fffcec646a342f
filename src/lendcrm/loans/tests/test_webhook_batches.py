"""Batch notices: one signed call, an answer per item, bad items rejected by position."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from lendcrm.audit.models import AuditEvent
from lendcrm.integrations.payments.fake import signed_webhook_batch
from lendcrm.loans.models import Loan, Payment, PaymentNotice
from lendcrm.loans.tests.factories import WEBHOOK_SECRET, make_channel, make_loan

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]
URL = "/api/v1/payments/webhook/batch"
DUE = date(2025, 2, 15)


def item(loan: Loan | None, txn: str, amount: str = "1120.00", **extra: Any) -> dict[str, Any]:
    return {
        "event": "payment.succeeded",
        "txn_id": txn,
        "loan_no": loan.loan_no if loan else "NO-SUCH-LOAN",
        "amount": amount,
        "paid_on": DUE.isoformat(),
        **extra,
    }


def send(client: Client, notices: list[dict[str, Any]], signature: str = "") -> Any:
    body, good = signed_webhook_batch(WEBHOOK_SECRET, notices)
    return client.post(
        URL, data=body, content_type="application/json", headers={"X-Signature": signature or good}
    )


def test_each_notice_of_a_batch_is_posted_and_answered(client: Client) -> None:
    make_channel()
    loans = [make_loan() for _ in range(3)]

    response = send(client, [item(loan, f"B{n}") for n, loan in enumerate(loans)])

    assert response.status_code == 200
    assert [a["outcome"] for a in response.json()] == ["posted"] * 3
    for loan in loans:
        loan.refresh_from_db()
        assert loan.principal_balance == Decimal("11000.00")


def test_bad_items_are_rejected_by_position_and_the_rest_are_posted(client: Client) -> None:
    make_channel()
    loan = make_loan()

    response = send(
        client,
        [item(loan, "OK1"), item(None, "X1"), item(loan, "X2", amount="-5"), "not an object"],
    )

    answers = response.json()
    assert [a["outcome"] for a in answers] == ["posted", "rejected", "rejected", "rejected"]
    assert answers[1]["field"] == "notices[1].loan_no"
    assert answers[2]["field"] == "notices[2]"
    assert answers[3]["field"] == "notices[3]"
    assert Payment.objects.count() == 1


def test_a_resent_batch_changes_nothing_and_repeats_within_a_batch_count_once(
    client: Client,
) -> None:
    make_channel()
    loan = make_loan()
    notices = [item(loan, "R1", "500.00"), item(loan, "R1", "500.00"), item(loan, "R2", "620.00")]

    first = send(client, notices).json()
    again = send(client, notices).json()

    assert [a["outcome"] for a in first] == ["posted", "duplicate", "posted"]
    assert [a["outcome"] for a in again] == ["duplicate", "duplicate", "duplicate"]
    assert PaymentNotice.objects.count() == 2
    loan.refresh_from_db()
    assert (loan.principal_balance, loan.interest_balance) == (
        Decimal("11000.00"),
        Decimal("0.00"),
    )


def test_a_bad_signature_refuses_the_whole_batch_and_is_audited(client: Client) -> None:
    make_channel()
    loan = make_loan()

    response = send(client, [item(loan, "S1")], signature="0" * 64)

    assert response.status_code == 401
    assert not PaymentNotice.objects.exists()
    assert AuditEvent.objects.filter(action="loans.webhook_rejected").exists()


@pytest.mark.parametrize(
    ("notices", "message"), [([], "non-empty"), ([{"txn_id": "x"}] * 1001, "at most 1000")]
)
def test_an_empty_or_oversized_batch_names_the_field(
    client: Client, notices: list[Any], message: str
) -> None:
    make_channel()

    response = send(client, notices)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "notices"
    assert message in response.json()["detail"]
