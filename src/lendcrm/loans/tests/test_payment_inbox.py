"""The webhook inbox: stored once, posted in arrival order, by parallel workers exactly once."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from lendcrm.integrations.payments.fake import signed_webhook
from lendcrm.loans.choices import LoanStatus, NoticeStatus, PostingStatus
from lendcrm.loans.models import Loan, Payment, PaymentNotice
from lendcrm.loans.services import inbox, webhooks
from lendcrm.loans.tests.factories import WEBHOOK_SECRET, make_channel, make_loan

URL = "/api/v1/payments/webhook"
DUE = date(2025, 2, 15)


def send(client: Client, loan: Loan, txn: str, amount: str, event: str = "payment.succeeded"):  # type: ignore[no-untyped-def]
    body, signature = signed_webhook(
        WEBHOOK_SECRET,
        txn_id=txn,
        loan_no=loan.loan_no,
        amount=Decimal(amount),
        paid_on=DUE,
        event=event,
    )
    response = client.post(
        URL, data=body, content_type="application/json", headers={"X-Signature": signature}
    )
    return response.status_code, response.json()


@pytest.fixture
def queued(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Workers post the inbox: the webhook only stores and asks for a wake-up."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    wake_ups: list[int] = []
    monkeypatch.setattr(webhooks, "request_posting", lambda: wake_ups.append(1))
    return wake_ups


@pytest.mark.django_db(transaction=True)
def test_with_workers_the_webhook_stores_and_a_batch_posts(
    client: Client, queued: list[int]
) -> None:
    make_channel()
    loans = [make_loan() for _ in range(3)]

    answers = [send(client, loan, f"T{n}", "1120.00") for n, loan in enumerate(loans)]

    assert [(status, body["outcome"]) for status, body in answers] == [(200, "accepted")] * 3
    assert len(queued) == 3
    assert not Payment.objects.exists()
    assert inbox.drain(idle_seconds=0) == 3
    assert set(PaymentNotice.objects.values_list("status", flat=True)) == {NoticeStatus.POSTED}
    for loan in loans:
        loan.refresh_from_db()
        assert loan.principal_balance == Decimal("11000.00")


@pytest.mark.django_db(transaction=True)
def test_a_redelivery_is_stored_once_and_answered_from_the_first(
    client: Client, queued: list[int]
) -> None:
    make_channel()
    loan = make_loan()

    first = send(client, loan, "T1", "1120.00")
    waiting = send(client, loan, "T1", "1120.00")
    inbox.drain(idle_seconds=0)
    after = send(client, loan, "T1", "1120.00")

    assert [first[1]["outcome"], waiting[1]["outcome"], after[1]["outcome"]] == [
        "accepted",
        "accepted",
        "duplicate",
    ]
    assert first[1]["notice_id"] == after[1]["notice_id"]
    assert PaymentNotice.objects.count() == 1
    assert Payment.objects.count() == 1
    assert len(queued) == 1  # a redelivery asks no second wake-up


@pytest.mark.django_db(transaction=True)
def test_one_drain_posts_in_arrival_order_across_reversals_and_repeats(
    client: Client, queued: list[int]
) -> None:
    make_channel()
    early, late, twice = make_loan(), make_loan(), make_loan()
    send(client, early, "E1", "1120.00", event="payment.reversed")  # before its payment
    send(client, early, "E1", "1120.00")
    send(client, late, "L1", "1120.00")
    send(client, late, "L1", "1120.00", event="payment.reversed")  # after its payment
    send(client, twice, "W1", "500.00")
    send(client, twice, "W2", "620.00")  # same loan twice in one drain

    inbox.drain(idle_seconds=0)

    by_txn = {(n.txn_id, n.event): n.status for n in PaymentNotice.objects.all()}
    assert by_txn == {
        ("E1", "payment.reversed"): NoticeStatus.REVERSAL_RECORDED,
        ("E1", "payment.succeeded"): NoticeStatus.DUPLICATE,
        ("L1", "payment.succeeded"): NoticeStatus.POSTED,
        ("L1", "payment.reversed"): NoticeStatus.REVERSED,
        ("W1", "payment.succeeded"): NoticeStatus.POSTED,
        ("W2", "payment.succeeded"): NoticeStatus.POSTED,
    }
    for loan in (early, late):
        loan.refresh_from_db()
        assert loan.principal_balance == Decimal("12000.00")
    twice.refresh_from_db()
    assert (twice.principal_balance, twice.interest_balance) == (
        Decimal("11000.00"),
        Decimal("0.00"),
    )
    assert Payment.objects.get(channel_txn_id="L1").status == PostingStatus.REVERSED


@pytest.mark.django_db(transaction=True)
def test_a_notice_that_cannot_post_is_kept_with_its_reason(
    client: Client, queued: list[int]
) -> None:
    make_channel()
    good, closed = make_loan(), make_loan()
    send(client, good, "G1", "1120.00")
    send(client, closed, "C1", "1120.00")
    Loan.objects.filter(pk=closed.pk).update(status=LoanStatus.WRITTEN_OFF)

    inbox.drain(idle_seconds=0)

    failed = PaymentNotice.objects.get(txn_id="C1")
    assert failed.status == NoticeStatus.FAILED
    assert failed.error
    assert PaymentNotice.objects.get(txn_id="G1").status == NoticeStatus.POSTED
    status, body = send(client, closed, "C1", "1120.00")
    assert status == 409
    assert body["errors"][0]["field"] == "body"


@pytest.mark.django_db(transaction=True)
def test_an_unknown_loan_is_refused_at_the_door(client: Client, queued: list[int]) -> None:
    make_channel()
    loan = make_loan()
    Loan.objects.filter(pk=loan.pk).update(loan_no="GONE")  # the notice names the old number

    status, body = send(client, loan, "U1", "1.00")

    assert status == 404
    assert body["errors"][0]["field"] == "loan_no"
    assert not PaymentNotice.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_post_every_notice_exactly_once_without_deadlocks(
    client: Client, queued: list[int]
) -> None:
    make_channel()
    loans = [make_loan() for _ in range(16)]
    for round_number, amount in enumerate(("300.00", "400.00", "420.00")):
        for n, loan in enumerate(loans):  # every loan repeats: runs end, workers interleave
            send(client, loan, f"R{round_number}-{n}", amount)
    handled: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            while count := inbox.post_received(limit=7):
                handled.append(count)
        except BaseException as exc:  # a deadlock would surface here
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(handled) == 48
    assert Payment.objects.count() == 48
    assert not PaymentNotice.objects.exclude(status=NoticeStatus.POSTED).exists()
    for loan in loans:
        loan.refresh_from_db()
        assert (loan.principal_balance, loan.interest_balance) == (
            Decimal("11000.00"),
            Decimal("0.00"),
        )
