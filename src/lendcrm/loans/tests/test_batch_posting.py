"""Batch posting equals posting one by one, to the cent, and keeps the audit chain whole."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from lendcrm.audit.models import AuditEvent
from lendcrm.audit.services import verify_chain
from lendcrm.core import bulk
from lendcrm.loans.choices import LoanStatus, PaymentSource, RepaymentMethod
from lendcrm.loans.models import CreditLine, Installment, JournalLine, Loan, Payment
from lendcrm.loans.services.batch_posting import BatchPayment, post_batch
from lendcrm.loans.services.end_of_day import run_end_of_day
from lendcrm.loans.services.ledger_verification import verify_ledger
from lendcrm.loans.services.repayments import post_payment
from lendcrm.loans.tests.factories import make_loan

pytestmark = pytest.mark.django_db

METHODS = list(RepaymentMethod)


def twin_loans(rng: random.Random, count: int) -> list[tuple[Loan, Loan]]:
    """Pairs of identical loans: one is posted one by one, its twin in batches."""
    pairs = []
    for _ in range(count):
        terms: dict[str, Any] = {
            "amount": Decimal(rng.randrange(100_000, 5_000_000)).scaleb(-2),
            "term": rng.choice([3, 6, 12]),
            "method": rng.choice(METHODS),
        }
        revolving = rng.random() < 0.5
        pair = (make_loan(**terms), make_loan(**terms))
        CreditLine.objects.filter(loans__in=pair).update(revolving=revolving)
        pairs.append(pair)
    return pairs


def state_of(loan: Loan) -> dict[str, Any]:
    loan.refresh_from_db()
    return {
        "loan": [
            getattr(loan, name)
            for name in (
                "status",
                "dpd",
                "bucket",
                "principal_balance",
                "interest_balance",
                "penalty_balance",
                "fee_balance",
                "credit_balance",
                "paid_off_on",
            )
        ],
        "line": CreditLine.objects.values_list("revolving", "available").get(loans=loan),
        "installments": list(
            Installment.objects.filter(loan=loan)
            .order_by("period")
            .values_list(
                "period",
                "status",
                "paid_on",
                "principal_paid",
                "interest_paid",
                "fee_paid",
                "penalty_paid",
            )
        ),
        "journal": list(
            JournalLine.objects.filter(loan=loan)
            .order_by("entry_id", "account")
            .values_list("entry__kind", "entry__business_date", "account", "debit", "credit")
        ),
        "payments": list(
            Payment.objects.filter(loan=loan)
            .order_by("pk")
            .values_list("amount", "value_date", "status", "allocation")
        ),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("copy_every_batch", [False, True], ids=["insert", "copy"])
def test_batches_leave_every_loan_as_posting_one_by_one_does(
    seed: int, copy_every_batch: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if copy_every_batch:  # large batches write by COPY on PostgreSQL: make these small ones too
        monkeypatch.setattr(bulk, "COPY_FROM", 1)
    rng = random.Random(seed)
    pairs = twin_loans(rng, 8)
    run_end_of_day(date(2025, 4, 20))  # some loans due or overdue, with penalty accrued
    value_dates = [date(2025, 4, 20) + timedelta(days=n) for n in range(0, 60, 15)]

    for round_number, on in enumerate(value_dates):
        batch = []
        for n, (single, twin) in enumerate(pairs):
            if rng.random() < 0.3:
                continue  # this loan pays nothing this round
            amount = Decimal(rng.randrange(1, 900_000)).scaleb(-2)  # partial, full or too much
            txn = f"S{seed}-{round_number}-{n}"
            post_payment(
                single,
                amount=amount,
                channel="pay",
                channel_txn_id=txn,
                value_date=on,
                source=PaymentSource.WEBHOOK,
            )
            batch.append(BatchPayment(n, twin.pk, amount, "pay-batch", txn, on))
        results = post_batch(batch)
        assert {result.outcome for result in results} <= {"posted"}

    for single, twin in pairs:
        assert state_of(single) == state_of(twin)
    assert verify_ledger().ok


def test_a_repeated_transaction_is_a_duplicate_and_moves_nothing() -> None:
    loan = make_loan()
    item = BatchPayment("a", loan.pk, Decimal("1120.00"), "pay", "T1", date(2025, 2, 15))
    first = post_batch([item])
    before = state_of(loan)

    again = post_batch([item])

    assert first[0].outcome == "posted"
    assert (again[0].outcome, again[0].payment_id) == ("duplicate", first[0].payment_id)
    assert state_of(loan) == before


def test_a_loan_that_cannot_take_money_fails_alone() -> None:
    good, closed = make_loan(), make_loan()
    Loan.objects.filter(pk=closed.pk).update(status=LoanStatus.WRITTEN_OFF)
    on = date(2025, 2, 15)

    results = post_batch(
        [
            BatchPayment("good", good.pk, Decimal("1120.00"), "pay", "G1", on),
            BatchPayment("closed", closed.pk, Decimal("1120.00"), "pay", "C1", on),
        ]
    )

    assert [(r.key, r.outcome) for r in results] == [("good", "posted"), ("closed", "failed")]
    assert "written" in results[1].error.lower() or "核销" in results[1].error
    assert not Payment.objects.filter(loan=closed).exists()


def test_a_batch_takes_one_payment_per_loan() -> None:
    loan = make_loan()
    on = date(2025, 2, 15)
    with pytest.raises(ValueError, match="one payment per loan"):
        post_batch(
            [
                BatchPayment(1, loan.pk, Decimal("1.00"), "pay", "A", on),
                BatchPayment(2, loan.pk, Decimal("1.00"), "pay", "B", on),
            ]
        )


def test_each_posting_is_one_audit_event_on_an_unbroken_chain() -> None:
    loans = [make_loan() for _ in range(5)]
    on = date(2025, 2, 15)

    results = post_batch(
        [
            BatchPayment(n, loan.pk, Decimal("500.00"), "pay", f"T{n}", on)
            for n, loan in enumerate(loans)
        ]
    )

    posted = AuditEvent.objects.filter(action="loans.payment_posted").order_by("sequence")
    assert [int(event.object_id) for event in posted] == [r.payment_id for r in results]
    assert verify_chain().broken is None
