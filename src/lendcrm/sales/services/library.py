"""The script library (话术库), task rules and refusal reasons: kept by sales managers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from lendcrm.audit.services import record_change, record_event
from lendcrm.sales.models import RefusalReason, Script, TaskRule

SCRIPT_FIELDS = ("title", "kind", "product", "stage", "body", "tags", "is_active")
RULE_FIELDS = ("name", "event", "task_kind", "due_minutes", "is_active")
REASON_FIELDS = ("code", "name", "is_opt_out", "is_active", "sort_order")


def save_script(script: Script | None, *, data: Mapping[str, Any], acting_user: Any) -> Script:
    with transaction.atomic():
        target = script or Script()
        _assign(target, data, SCRIPT_FIELDS)
        target.save()
        record_event(
            "sales.script_saved",
            actor=acting_user,
            target=target,
            metadata={"created": script is None, "title": target.title[:100]},
        )
    return target


def save_task_rule(rule: TaskRule | None, *, data: Mapping[str, Any], acting_user: Any) -> TaskRule:
    with transaction.atomic():
        target = rule or TaskRule()
        before = {name: getattr(target, name) for name in RULE_FIELDS} if rule else {}
        _assign(target, data, RULE_FIELDS)
        target.save()
        after = {name: getattr(target, name) for name in RULE_FIELDS}
        record_change(
            "sales.task_rule_saved", actor=acting_user, target=target, before=before, after=after
        )
    return target


def save_refusal_reason(
    reason: RefusalReason | None, *, data: Mapping[str, Any], acting_user: Any
) -> RefusalReason:
    with transaction.atomic():
        target = reason or RefusalReason()
        _assign(target, data, REASON_FIELDS)
        target.save()
        record_event(
            "sales.refusal_reason_saved",
            actor=acting_user,
            target=target,
            metadata={"code": target.code, "active": target.is_active},
        )
    return target


def _assign(target: Any, data: Mapping[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in data:
            setattr(target, name, data[name])
