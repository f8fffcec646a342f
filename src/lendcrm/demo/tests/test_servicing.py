"""Demo loans: created for disbursed applications, repaid or defaulted by risk, idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from statistics import median

import pytest

from lendcrm.applications.choices import ApplicationStatus
from lendcrm.demo.risk import default_probability
from lendcrm.demo.services import seed_demo
from lendcrm.loans.choices import InstallmentStatus
from lendcrm.loans.models import Installment, JournalLine, Loan, Payment
from lendcrm.loans.services.ledger_verification import verify_ledger

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)
SEED = 7
CUSTOMERS = 2000


def test_seeding_services_disbursed_applications_by_risk() -> None:
    first = seed_demo(customers=CUSTOMERS, seed=SEED, as_of=AS_OF)

    loans = list(Loan.objects.select_related("application", "customer"))
    assert first.loans_created == len(loans) > 50
    assert all(loan.application.status == ApplicationStatus.DISBURSED for loan in loans)
    assert len({loan.application_id for loan in loans}) == len(loans)
    assert not Loan.objects.filter(installments__isnull=True).exists()
    assert Payment.objects.count() == first.payments_created > 0
    result = verify_ledger()
    assert result.ok, result.describe()
    assert all(debit == credit for debit, credit in _entry_totals().values())
    assert result.loans_checked == len(loans)

    overdue = set(
        Installment.objects.filter(status=InstallmentStatus.OVERDUE).values_list(
            "loan_id", flat=True
        )
    )
    assert first.defaulted > 0
    assert overdue
    risk = {loan.pk: default_probability(loan.customer, on=loan.start_date) for loan in loans}
    cut = median(risk.values())
    high = [pk for pk in risk if risk[pk] > cut]
    low = [pk for pk in risk if risk[pk] <= cut]
    assert len(overdue & set(high)) / len(high) > len(overdue & set(low)) / len(low)

    again = seed_demo(customers=CUSTOMERS, seed=SEED, as_of=AS_OF)
    assert (again.loans_created, again.payments_created, again.defaulted) == (0, 0, 0)
    assert Loan.objects.count() == len(loans)


def _entry_totals() -> dict[int, tuple[Decimal, Decimal]]:
    totals: dict[int, tuple[Decimal, Decimal]] = {}
    for entry, debit, credit in JournalLine.objects.values_list("entry_id", "debit", "credit"):
        before = totals.get(entry, (Decimal(0), Decimal(0)))
        totals[entry] = (before[0] + debit, before[1] + credit)
    return totals
