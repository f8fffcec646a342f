"""Delegation while away (委托代理): who may act on whose approval tasks, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.approvals.models import Delegation
from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import DomainError, PermissionDenied
from lendcrm.identity.roles import can


def create_delegation(
    *,
    from_user: Any,
    to_user: Any,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
    acting_user: Any,
) -> Delegation:
    """While away, `from_user`'s approval tasks may be acted on by `to_user` (委托代理)."""
    if acting_user.pk != from_user.pk and not can(acting_user, "approvals.manage"):
        raise PermissionDenied(_("只能委托自己的审批任务"), field="from_user")
    if from_user.pk == to_user.pk:
        raise DomainError(_("不能委托给自己"), field="to_user")
    if not to_user.is_active or not can(to_user, "approvals.act"):
        raise DomainError(_("代理人必须是有审批权限的在职员工"), field="to_user")
    if ends_at <= starts_at:
        raise DomainError(_("结束时间必须晚于开始时间"), field="ends_at")
    with transaction.atomic():
        delegation = Delegation.objects.create(
            from_user=from_user,
            to_user=to_user,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason.strip(),
        )
        record_event(
            "approvals.delegation_created",
            actor=acting_user,
            target=delegation,
            metadata={
                "from_user": from_user.pk,
                "to_user": to_user.pk,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
        )
    return delegation


def revoke_delegation(delegation: Delegation, *, acting_user: Any) -> Delegation:
    if acting_user.pk != delegation.from_user_id and not can(acting_user, "approvals.manage"):
        raise PermissionDenied(_("只能撤销自己的委托"), field="delegation")
    with transaction.atomic():
        delegation.revoked_at = clock.now()
        delegation.save(update_fields=["revoked_at", "updated_at"])
        record_event("approvals.delegation_revoked", actor=acting_user, target=delegation)
    return delegation
