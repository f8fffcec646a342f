"""Moving a lead along the sales pipeline (销售阶段) from the board, the list or the API."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.core.errors import DomainError
from lendcrm.customers.choices import InteractionKind
from lendcrm.customers.timeline import record_interaction
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.leads.transitions import transition_lead
from lendcrm.sales.queries import BOARD_STAGES


def move_lead_stage(lead: Lead, *, to: str, reason: str = "", acting_user: Any) -> Lead:
    """A scoped lead to another pipeline stage; backward moves need a reason (transitions)."""
    if to not in BOARD_STAGES:
        raise DomainError(_("请选择有效的销售阶段"), field="to")
    if to == lead.status:
        raise DomainError(
            _("线索已在“%(stage)s”阶段") % {"stage": LeadStatus(to).label}, field="to"
        )
    previous = LeadStatus(lead.status).label
    with transaction.atomic():
        moved = transition_lead(lead, to=to, acting_user=acting_user, reason=reason.strip())
        summary = _("销售阶段：%(from)s → %(to)s") % {"from": previous, "to": LeadStatus(to).label}
        if reason.strip():
            summary += _("；原因：%(reason)s") % {"reason": reason.strip()}
        record_interaction(
            kind=InteractionKind.STAGE_CHANGE,
            summary=summary,
            lead=moved,
            customer=moved.customer,
            actor=acting_user,
            ref=f"leads.lead:{moved.pk}",
        )
    return moved
