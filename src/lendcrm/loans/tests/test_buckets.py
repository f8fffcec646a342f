from __future__ import annotations

from datetime import date

import pytest

from lendcrm.loans.buckets import bucket_for, dpd_on


@pytest.mark.parametrize(
    ("dpd", "bucket"),
    [
        (0, "M0"),
        (1, "M1"),
        (30, "M1"),
        (31, "M2"),
        (60, "M2"),
        (90, "M3"),
        (91, "M4"),
        (150, "M5"),
        (151, "M6"),
        (180, "M6"),
        (181, "M7"),
        (999, "M7"),
    ],
)
def test_default_buckets(dpd: int, bucket: str) -> None:
    assert bucket_for(dpd) == bucket


def test_buckets_follow_the_configured_bounds() -> None:
    assert bucket_for(20, bounds=(15, 45)) == "M2"
    assert bucket_for(46, bounds=(15, 45)) == "M3"


def test_dpd_counts_days_since_the_oldest_overdue_due_date() -> None:
    assert dpd_on(date(2025, 3, 18), date(2025, 2, 15)) == 31
    assert dpd_on(date(2025, 3, 18), None) == 0
