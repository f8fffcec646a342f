"""Lead status changes: the one place that assigns Lead.status, against an allowed table."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core.errors import Conflict, DomainError
from lendcrm.customers.timeline import record_stage_interaction
from lendcrm.leads.choices import LeadStatus
from lendcrm.leads.models import Lead
from lendcrm.sales.stage_history import record_stage_change

S = LeadStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.CONTACTED, S.INVALID}),
    S.CONTACTED: frozenset({S.INTERESTED, S.REJECTED, S.INVALID}),
    S.INTERESTED: frozenset({S.PREPARING, S.REJECTED, S.INVALID, S.CONTACTED}),
    S.PREPARING: frozenset({S.APPLIED, S.REJECTED, S.INTERESTED, S.CONTACTED}),
    S.APPLIED: frozenset({S.REJECTED, S.DISBURSED, S.PREPARING}),
    S.REJECTED: frozenset(),
    S.DISBURSED: frozenset(),
    S.INVALID: frozenset({S.NEW}),  # a wrongly screened lead may be reopened
}
OPEN_STATUSES = frozenset({S.NEW, S.CONTACTED, S.INTERESTED, S.PREPARING})
# Moving back in the pipeline is allowed only with a written reason.
BACKWARD_TRANSITIONS = frozenset(
    {
        (S.INTERESTED, S.CONTACTED),
        (S.PREPARING, S.INTERESTED),
        (S.PREPARING, S.CONTACTED),
        (S.APPLIED, S.PREPARING),
    }
)


def can_transition(current: str, to: str) -> bool:
    return to in ALLOWED_TRANSITIONS.get(current, frozenset())


def mark_invalid_on_arrival(lead: Lead, *, reason: str) -> None:
    """Screening of a lead not yet saved: NEW → INVALID with the reason (saved by the caller)."""
    if not can_transition(lead.status, S.INVALID):
        raise Conflict(_("该线索状态不能标记为无效"), field="status")
    lead.status = S.INVALID
    lead.invalid_reason = reason[:200]


def transition_lead(lead: Lead, *, to: str, acting_user: Any = None, reason: str = "") -> Lead:
    with transaction.atomic():
        locked = Lead.objects.select_for_update(of=("self",)).get(pk=lead.pk)
        if not can_transition(locked.status, to):
            raise Conflict(
                _("线索不能从“%(from)s”变为“%(to)s”")
                % {"from": locked.get_status_display(), "to": LeadStatus(to).label},
                field="status",
            )
        if (locked.status, to) in BACKWARD_TRANSITIONS and not reason.strip():
            raise DomainError(_("退回上一阶段必须填写原因"), field="reason")
        previous = locked.status
        locked.status = to
        locked.invalid_reason = reason[:200] if to == S.INVALID else ""
        locked.save(update_fields=["status", "invalid_reason", "updated_at"])
        record_stage_change(
            locked, previous=previous, to=to, acting_user=acting_user, reason=reason
        )
        record_stage_interaction(locked, previous=previous, to=to, actor=acting_user, reason=reason)
        record_event(
            "lead.status_changed",
            actor=acting_user,
            target=locked,
            metadata={"from": previous, "to": to, "reason": reason[:200]},
        )
    return locked
