"""Writes of the privacy app: audited, time-limited reveals of masked personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import DomainError, PermissionDenied
from lendcrm.core.logging import scrub
from lendcrm.identity.roles import can
from lendcrm.privacy.masking import rule_for
from lendcrm.privacy.models import RevealGrant

REVEAL_TTL = timedelta(minutes=5)
MIN_REASON_LENGTH = 4
MAX_REASON_LENGTH = 200


class InvalidInput(DomainError):
    """The request itself is malformed (HTTP 422), before any business rule applies."""

    status_code = 422


@dataclass(frozen=True)
class RevealedValue:
    field: str
    value: str
    expires_at: datetime


def reveal_field(*, user: Any, instance: models.Model, field: str, reason: str) -> RevealedValue:
    """Show one sensitive field unmasked to `user` for REVEAL_TTL, with an audit record.

    Input is checked first (422), then the capability: a refusal is itself audited. The
    reason is stored with anything that looks like an ID, card or mobile number masked, and
    the value itself is never written anywhere.
    """
    rule = rule_for(instance)
    field = field.strip()
    reason = scrub(" ".join(reason.split()))
    if field not in rule.fields:
        raise InvalidInput(_("没有可显示的字段“%(field)s”") % {"field": field[:40]}, field="field")
    if len(reason) < MIN_REASON_LENGTH:
        raise InvalidInput(
            _("请填写查看原因（至少 %(count)d 个字）") % {"count": MIN_REASON_LENGTH},
            field="reason",
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(
            _("查看原因最多 %(count)d 个字") % {"count": MAX_REASON_LENGTH}, field="reason"
        )
    if not can(user, rule.reveal_capability):
        record_event(
            f"{rule.audit_prefix}.reveal_denied",
            actor=user,
            target=instance,
            metadata={"field": field, "reason": reason},
        )
        raise PermissionDenied(_("您的角色无权查看完整的个人信息，本次请求已记录。"))
    return _grant(
        user=user, instance=instance, field=field, reason=reason, prefix=rule.audit_prefix
    )


def _grant(
    *, user: Any, instance: models.Model, field: str, reason: str, prefix: str
) -> RevealedValue:
    now = clock.now()
    with transaction.atomic():
        grant = RevealGrant.objects.create(
            user=user,
            object_type=instance._meta.label_lower,
            object_id=str(instance.pk),
            field=field,
            reason=reason,
            created_at=now,
            expires_at=now + REVEAL_TTL,
        )
        record_event(
            f"{prefix}.revealed",
            actor=user,
            target=instance,
            metadata={
                "field": field,
                "reason": reason,
                "grant_id": grant.pk,
                "expires_at": grant.expires_at.isoformat(),
            },
        )
    value = getattr(instance, field)
    return RevealedValue(
        field=field, value="" if value is None else str(value), expires_at=grant.expires_at
    )
