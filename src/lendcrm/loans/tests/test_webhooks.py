from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from lendcrm.audit.models import AuditEvent
from lendcrm.integrations.payments.fake import signed_webhook
from lendcrm.loans.choices import PostingStatus
from lendcrm.loans.models import Loan, Payment
from lendcrm.loans.tests.factories import WEBHOOK_SECRET, make_channel, make_loan

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]
URL = "/api/v1/payments/webhook"
DUE = date(2025, 2, 15)


def send(client: Client, body: bytes, signature: str) -> tuple[int, dict[str, object]]:
    response = client.post(
        URL, data=body, content_type="application/json", headers={"X-Signature": signature}
    )
    return response.status_code, response.json()


def notice(
    loan: Loan, txn: str, amount: str, event: str = "payment.succeeded"
) -> tuple[bytes, str]:
    return signed_webhook(
        WEBHOOK_SECRET,
        txn_id=txn,
        loan_no=loan.loan_no,
        amount=Decimal(amount),
        paid_on=DUE,
        event=event,
    )


def test_a_signed_notice_posts_the_payment(client: Client) -> None:
    make_channel()
    loan = make_loan()

    status, body = send(client, *notice(loan, "T1", "1120.00"))

    loan.refresh_from_db()
    assert (status, body["outcome"]) == (200, "posted")
    assert loan.principal_balance == Decimal("11000.00")


def test_a_duplicate_notice_changes_nothing(client: Client) -> None:
    make_channel()
    loan = make_loan()
    body, signature = notice(loan, "T1", "1120.00")

    send(client, body, signature)
    status, answer = send(client, body, signature)

    loan.refresh_from_db()
    assert (status, answer["outcome"]) == (200, "duplicate")
    assert Payment.objects.filter(loan=loan).count() == 1
    assert loan.principal_balance == Decimal("11000.00")


def test_notices_out_of_order_end_in_the_same_balances(client: Client) -> None:
    make_channel()
    first, second = make_loan(), make_loan()

    send(client, *notice(first, "A1", "500.00"))
    send(client, *notice(first, "A2", "620.00"))
    send(client, *notice(second, "B2", "620.00"))
    send(client, *notice(second, "B1", "500.00"))

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.principal_balance, first.interest_balance) == (
        Decimal("11000.00"),
        Decimal("0.00"),
    )
    assert (second.principal_balance, second.interest_balance) == (
        first.principal_balance,
        first.interest_balance,
    )


def test_a_reversal_arriving_before_its_payment_keeps_the_payment_out(client: Client) -> None:
    make_channel()
    loan = make_loan()

    status, answer = send(client, *notice(loan, "R1", "1120.00", event="payment.reversed"))
    assert (status, answer["outcome"]) == (200, "reversal_recorded")
    status, answer = send(client, *notice(loan, "R1", "1120.00"))

    loan.refresh_from_db()
    assert answer["outcome"] == "duplicate"
    assert Payment.objects.get(channel_txn_id="R1").status == PostingStatus.REVERSED
    assert loan.principal_balance == Decimal("12000.00")


def test_a_reversal_after_the_payment_reverses_it(client: Client) -> None:
    make_channel()
    loan = make_loan()
    send(client, *notice(loan, "R1", "1120.00"))

    status, answer = send(client, *notice(loan, "R1", "1120.00", event="payment.reversed"))

    loan.refresh_from_db()
    assert (status, answer["outcome"]) == (200, "reversed")
    assert loan.principal_balance == Decimal("12000.00")


def test_a_bad_signature_is_refused_and_audited(client: Client) -> None:
    make_channel()
    loan = make_loan()
    body, _signature = notice(loan, "T1", "1120.00")

    status, _answer = send(client, body, "0" * 64)

    loan.refresh_from_db()
    assert status == 401
    assert loan.principal_balance == Decimal("12000.00")
    assert AuditEvent.objects.filter(action="loans.webhook_rejected").count() == 1


def test_a_tampered_body_is_refused(client: Client) -> None:
    make_channel()
    loan = make_loan()
    body, signature = notice(loan, "T1", "1.00")

    status, _answer = send(client, body.replace(b'"1.00"', b'"9999.00"'), signature)

    assert status == 401
    assert not Payment.objects.exists()
