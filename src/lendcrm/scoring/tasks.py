from __future__ import annotations

from datetime import date

from celery import shared_task

from lendcrm.scoring import services


@shared_task
def check_scorecard_stability_task(as_of: str | None = None) -> int:
    """PSI and CSI of every deployed scorecard for `as_of` (default yesterday); idempotent."""
    day = date.fromisoformat(as_of) if as_of else None
    return len(services.check_deployed_versions(as_of=day))
