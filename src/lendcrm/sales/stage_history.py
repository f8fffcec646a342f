"""Time in stage: leads.transitions calls record_stage_change() for every status change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lendcrm.core import clock
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.sales.models import LeadStageChange


def record_stage_change(
    lead: Lead, *, previous: str, to: str, acting_user: Any = None, reason: str = ""
) -> LeadStageChange:
    """Close the period in `previous` and open one in `to` (inside the caller's transaction).

    A lead that never had a recorded period (created before this history existed) gets its
    NEW period back-filled from its creation time; other unknown entry times are left out
    rather than guessed.
    """
    now = clock.now()
    open_period = (
        LeadStageChange.objects.select_for_update()
        .filter(lead=lead, left_at__isnull=True)
        .order_by("-entered_at", "-pk")
        .first()
    )
    if open_period is not None:
        _close(open_period, now)
    elif previous == LeadStatus.NEW and lead.created_at is not None:
        _close(LeadStageChange(lead=lead, stage=LeadStatus.NEW, entered_at=lead.created_at), now)
    actor = acting_user if getattr(acting_user, "is_authenticated", False) else None
    return LeadStageChange.objects.create(
        lead=lead,
        stage=to,
        previous_stage=previous,
        entered_at=now,
        reason=reason[:200],
        changed_by=actor,
    )


def _close(period: LeadStageChange, now: datetime) -> None:
    period.left_at = max(now, period.entered_at)
    period.duration_seconds = int((period.left_at - period.entered_at).total_seconds())
    period.save()
