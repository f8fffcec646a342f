"""Days past due (DPD) and the delinquency bucket (账龄): pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.conf import settings

# Upper DPD bound of M1, M2, ...: M1 = 1–30, ..., M6 = 151–180, beyond the last bound M7.
DEFAULT_BOUNDS: tuple[int, ...] = (30, 60, 90, 120, 150, 180)


def bucket_bounds() -> tuple[int, ...]:
    """The configured bounds (setting LENDCRM_DPD_BUCKETS), else the M1–M7 default."""
    return tuple(getattr(settings, "LENDCRM_DPD_BUCKETS", DEFAULT_BOUNDS))


def bucket_for(dpd: int, bounds: Sequence[int] | None = None) -> str:
    bounds = bucket_bounds() if bounds is None else bounds
    if dpd <= 0:
        return "M0"
    for index, upper in enumerate(bounds, start=1):
        if dpd <= upper:
            return f"M{index}"
    return f"M{len(bounds) + 1}"


def dpd_on(business_date: date, oldest_overdue_due_date: date | None) -> int:
    if oldest_overdue_due_date is None:
        return 0
    return max(0, (business_date - oldest_overdue_due_date).days)
