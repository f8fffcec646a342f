"""Staff and connected systems log contacts on a customer's timeline (通话, 短信, 面谈, 备注, App 行为).

Calls may link their recording; events the system records itself (assignment, stage change,
application, tags) are not logged by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _

from lendcrm.audit.services import record_event
from lendcrm.core import clock
from lendcrm.core.errors import DomainError
from lendcrm.customers.choices import InteractionKind
from lendcrm.customers.models import Customer, Interaction
from lendcrm.customers.profile import check_can_edit
from lendcrm.customers.timeline import record_interaction

K = InteractionKind
LOGGABLE_KINDS = (K.CALL, K.SMS, K.MEETING, K.NOTE, K.APP_EVENT)
CLOCK_SKEW = timedelta(minutes=5)


def log_interaction(
    customer: Customer,
    *,
    kind: str,
    summary: str,
    acting_user: Any,
    occurred_at: datetime | None = None,
    recording_url: str = "",
) -> Interaction:
    check_can_edit(acting_user)
    if kind not in LOGGABLE_KINDS:
        raise DomainError(_("类型：只能记录电话、短信、面谈、备注或 App 行为"), field="kind")
    if not summary.strip():
        raise DomainError(_("内容：请填写互动内容"), field="summary")
    now = clock.now()
    if occurred_at is not None and occurred_at > now + CLOCK_SKEW:
        raise DomainError(_("发生时间：不能晚于当前时间"), field="occurred_at")
    recording_url = recording_url.strip()
    if recording_url:
        if kind != K.CALL:
            raise DomainError(_("录音链接：只有电话可以关联录音"), field="recording_url")
        if urlsplit(recording_url).scheme not in ("http", "https"):
            raise DomainError(_("录音链接：请填写 http 或 https 地址"), field="recording_url")
    with transaction.atomic():
        interaction = record_interaction(
            kind=kind,
            summary=summary,
            customer=customer,
            actor=acting_user,
            occurred_at=occurred_at or now,
            recording_url=recording_url,
        )
        record_event(
            "customer.interaction_logged",
            actor=acting_user,
            target=customer,
            metadata={
                "kind": kind,
                "interaction": interaction.pk,
                "recording": bool(recording_url),
            },
        )
    return interaction
