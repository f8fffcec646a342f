from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from lendcrm.loans.choices import EodRunStatus, LoanStatus
from lendcrm.loans.models import EodRun, Loan
from lendcrm.loans.tasks import run_end_of_day_task
from lendcrm.loans.tests.factories import make_loan

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_the_scheduled_task_runs_end_of_day_in_process_without_redis() -> None:
    loan = make_loan()

    run_end_of_day_task.delay("2025-02-16")

    assert EodRun.objects.get(business_date=date(2025, 2, 16)).status == EodRunStatus.COMPLETED
    assert Loan.objects.get(pk=loan.pk).status == LoanStatus.OVERDUE


def test_the_eod_command_shows_progress(capsys: pytest.CaptureFixture[str]) -> None:
    make_loan()

    call_command("eod", date="2025-02-15")
    call_command("eod", date="2025-02-15")

    out = capsys.readouterr().out
    assert "2025-02-15 chunks 1/1 (100%) completed" in out
    assert "end of day 2025-02-15 already done" in out


def test_worker_dispatch_runs_each_date_as_a_group_of_chunks_then_the_next() -> None:
    from lendcrm.loans.tasks import dispatch_next_date
    from lendcrm.loans.tests.factories import make_loan as another_loan

    for _ in range(3):
        another_loan()
    call_command("eod", date="2025-02-14", chunk_size=1)

    dispatch_next_date(date(2025, 2, 17), chunk_size=2)

    runs = EodRun.objects.order_by("business_date")
    assert [r.business_date.day for r in runs] == [14, 15, 16, 17]
    assert all(r.status == EodRunStatus.COMPLETED for r in runs)
    assert [r.chunks.count() for r in runs] == [3, 2, 2, 2]
