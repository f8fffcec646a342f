"""record_event(): the single way anything writes to the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import models, transaction

from lendcrm.audit.chain import canonical_payload, entry_hash
from lendcrm.audit.models import AuditChainHead, AuditEvent
from lendcrm.core import clock
from lendcrm.core.middleware import current_request_context


def record_event(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    username: str = "",
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Callers pass masked values only in changes/metadata."""
    context = current_request_context()
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    actor_username = actor_obj.get_username() if actor_obj is not None else username
    fields: dict[str, Any] = {
        "occurred_at": clock.now().astimezone(UTC),
        "actor_username": actor_username,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "ip_address": ip_address if ip_address is not None else context.ip_address,
        "user_agent": (user_agent if user_agent is not None else context.user_agent)[:300],
        "changes": dict(changes or {}),
        "metadata": dict(metadata or {}),
    }
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        sequence = head.sequence + 1
        digest = entry_hash(head.last_hash, canonical_payload(sequence=sequence, **fields))
        event = AuditEvent.objects.create(
            sequence=sequence,
            actor=actor_obj,
            prev_hash=head.last_hash,
            entry_hash=digest,
            **fields,
        )
        AuditChainHead.objects.filter(pk=1).update(sequence=sequence, last_hash=digest)
    return event


def diff_fields(
    before: Mapping[str, Any], after: Mapping[str, Any], masked: Iterable[str] = ()
) -> dict[str, dict[str, Any]]:
    """{field: {"before": .., "after": ..}} for changed fields; sensitive ones show as changed only."""
    hidden = set(masked)
    changes: dict[str, dict[str, Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = (
                {"before": "***", "after": "***"}
                if name in hidden
                else {"before": old, "after": new}
            )
    return changes


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


def verify_chain(*, batch_size: int = 5000) -> ChainBreak | None:
    """Walk the chain in order; return the first broken record, or None when intact."""
    prev = "0" * 64
    expected_sequence = 1
    last_seen = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=last_seen).order_by("sequence")[:batch_size]
        )
        if not batch:
            break
        for event in batch:
            problem = _check_event(event, prev, expected_sequence)
            if problem:
                return ChainBreak(sequence=event.sequence, reason=problem)
            prev, expected_sequence, last_seen = (
                event.entry_hash,
                event.sequence + 1,
                event.sequence,
            )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.sequence != last_seen:
        return ChainBreak(sequence=last_seen + 1, reason="record missing at the end of the chain")
    return None


def _check_event(event: AuditEvent, prev: str, expected_sequence: int) -> str:
    if event.sequence != expected_sequence:
        return f"record {expected_sequence} is missing"
    if event.prev_hash != prev:
        return "previous-hash link does not match"
    payload = canonical_payload(
        sequence=event.sequence,
        occurred_at=event.occurred_at.astimezone(UTC),
        actor_username=event.actor_username,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        ip_address=event.ip_address,
        user_agent=event.user_agent,
        changes=event.changes,
        metadata=event.metadata,
    )
    if entry_hash(prev, payload) != event.entry_hash:
        return "contents do not match the record's hash"
    return ""
