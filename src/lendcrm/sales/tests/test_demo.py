"""Demo sales activity: deterministic and idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from lendcrm.demo.services import seed_demo
from lendcrm.sales.models import FollowUpRecord, FollowUpTask, LeadStageChange, Script

pytestmark = pytest.mark.django_db
AS_OF = date(2024, 6, 1)


def _history() -> list[tuple[str, str, object, object]]:
    return list(
        LeadStageChange.objects.order_by("lead__seed_key", "entered_at", "pk").values_list(
            "lead__seed_key", "stage", "entered_at", "duration_seconds"
        )
    )


def test_the_demo_gets_scripts_history_follow_ups_and_tasks_once() -> None:
    seed_demo(customers=15, seed=4, as_of=AS_OF)
    first = _history()
    counts = (FollowUpRecord.objects.count(), FollowUpTask.objects.count(), Script.objects.count())

    seed_demo(customers=15, seed=4, as_of=AS_OF)

    assert first
    assert counts[0] > 0
    assert counts[1] > 0
    assert counts[2] >= 5
    assert _history() == first
    assert (
        FollowUpRecord.objects.count(),
        FollowUpTask.objects.count(),
        Script.objects.count(),
    ) == counts
