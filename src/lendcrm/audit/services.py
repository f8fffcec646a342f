"""Writes to the audit log. record_event() is the single way anything is appended.

Appends take the chain head's row lock until the caller's transaction ends, so record the
event as the last step of a business operation: the lock is then held only briefly, and rows
are always locked in the same order (business rows first, chain head last).

High-volume writers use queue_event() instead: the event is stored in the caller's transaction
without touching the chain head, and seal_pending_events() appends it to the chain moments
after the commit (audit.sealing, ADR 0013).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import models, transaction

from lendcrm.audit import sealing
from lendcrm.audit.chain import (
    canonical_payload,
    clean_ip,
    clean_text,
    entry_hash,
    to_json_value,
)
from lendcrm.audit.models import (
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    PendingAuditEvent,
)
from lendcrm.audit.queries import EventFilters, count_events, newest_sequence
from lendcrm.audit.redaction import mask_value, scrub_json, sensitive_fields_of
from lendcrm.audit.verification import ChainBreak, ChainReport, verify_chain
from lendcrm.core import clock
from lendcrm.core.logging import scrub
from lendcrm.core.middleware import current_request_context

__all__ = [
    "ChainBreak",
    "ChainReport",
    "ExportPlan",
    "diff_fields",
    "queue_event",
    "record_change",
    "record_event",
    "record_events",
    "run_verification",
    "seal_pending_events",
    "snapshot",
    "start_export",
    "verify_chain",
]


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
    """Append one event to the chain. Callers pass masked values only in changes/metadata.

    Anything in changes/metadata that still looks like an ID number, bank card or mobile
    number is masked here too. Address and user agent default to the current request's.
    """
    fields = _event_fields(
        action,
        actor=actor,
        target=target,
        object_type=object_type,
        object_id=object_id,
        changes=changes,
        metadata=metadata,
        username=username,
        ip_address=ip_address,
        user_agent=user_agent,
    )
    # No savepoint: an event that cannot be written must fail the caller's whole operation.
    with transaction.atomic(savepoint=False):
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        sequence = head.sequence + 1
        digest = entry_hash(head.last_hash, canonical_payload(sequence=sequence, **fields))
        event = AuditEvent.objects.create(
            sequence=sequence, prev_hash=head.last_hash, entry_hash=digest, **fields
        )
        AuditChainHead.objects.filter(pk=1).update(sequence=sequence, last_hash=digest)
    return event


def record_events(events: Sequence[Mapping[str, Any]]) -> list[AuditEvent]:
    """Append many events under one lock of the chain head, in the order given.

    Each item holds record_event's keyword arguments (`action` included). The chain is the
    same as if record_event had been called once per item; batch writers (the payment inbox)
    use this so the head is locked once per batch instead of once per event.
    """
    fields = [_event_fields(**_with_defaults(event)) for event in events]
    if not fields:
        return []
    with transaction.atomic(savepoint=False):
        return _append_locked(fields, head=_locked_head())


def _locked_head() -> AuditChainHead:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    return head


def _append_locked(
    fields: Sequence[Mapping[str, Any]], *, head: AuditChainHead
) -> list[AuditEvent]:
    """Chain `fields` (event columns, database form) after the locked `head`."""
    sequence, last_hash = head.sequence, head.last_hash
    rows = []
    for item in fields:
        sequence += 1
        digest = entry_hash(last_hash, canonical_payload(sequence=sequence, **item))
        rows.append(AuditEvent(sequence=sequence, prev_hash=last_hash, entry_hash=digest, **item))
        last_hash = digest
    # The model's manager refuses bulk writes to everyone else; this is the chain's writer.
    created = models.QuerySet[AuditEvent](AuditEvent).bulk_create(rows)
    AuditChainHead.objects.filter(pk=1).update(sequence=sequence, last_hash=last_hash)
    return created


def queue_event(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> None:
    """Store an event in the caller's transaction; it joins the chain shortly after commit.

    For operations too frequent to serialise on the chain head's lock until they commit (one
    pre-screen per API call). The event commits or rolls back with the caller's change, so
    "every decision is audited" holds; it is sealed into the hash chain, in id order, by
    seal_pending_events(), which a background sealer runs moments after the commit.
    """
    fields = _event_fields(
        action,
        actor=actor,
        target=target,
        object_type="",
        object_id="",
        changes=None,
        metadata=metadata,
        username="",
        ip_address=None,
        user_agent=None,
    )
    PendingAuditEvent(**fields).save()
    transaction.on_commit(sealing.request_sealing, robust=True)


PENDING_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "user_agent",
    "changes",
    "metadata",
)


def seal_pending_events(*, batch_size: int = 500) -> int:
    """Move every committed pending event into the chain, oldest first; returns how many.

    Each batch is one transaction holding the chain head's lock only for its own few
    statements. Events are hashed exactly as read back, so verification sees the same bytes.
    """
    sealed = 0
    while True:
        with transaction.atomic():
            count = _seal_batch(batch_size)
        sealed += count
        if count < batch_size:
            return sealed


def _seal_batch(batch_size: int) -> int:
    head = _locked_head()
    # Read after the head's lock is held: a concurrent sealer has finished and committed.
    pending = list(
        PendingAuditEvent.objects.order_by("id").values("id", *PENDING_COLUMNS)[:batch_size]
    )
    if not pending:
        return 0
    fields = [{name: row[name] for name in PENDING_COLUMNS} for row in pending]
    for item in fields:
        item["occurred_at"] = item["occurred_at"].astimezone(UTC)
    _append_locked(fields, head=head)
    # Sealed copies exist now, so the database lets the pending rows go (migration 0008).
    models.QuerySet[PendingAuditEvent](PendingAuditEvent).filter(
        pk__in=[row["id"] for row in pending]
    ).delete()
    return len(pending)


def _with_defaults(event: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "actor": None,
        "target": None,
        "object_type": "",
        "object_id": "",
        "changes": None,
        "metadata": None,
        "username": "",
        "ip_address": None,
        "user_agent": None,
        **event,
    }


def _event_fields(
    action: str,
    *,
    actor: Any,
    target: models.Model | None,
    object_type: str,
    object_id: str,
    changes: Mapping[str, Any] | None,
    metadata: Mapping[str, Any] | None,
    username: str,
    ip_address: str | None,
    user_agent: str | None,
) -> dict[str, Any]:
    """The event's columns, already in the exact form the database will return them."""
    context = current_request_context()
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or str(target.pk)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    # A name typed at a failed login is free text and may be a phone number.
    actor_username = actor_obj.get_username() if actor_obj is not None else scrub(username)
    return {
        "occurred_at": clock.now().astimezone(UTC),
        "actor_id": actor_obj.pk if actor_obj is not None else None,
        "actor_username": clean_text(actor_username, 150),
        "action": clean_text(action, 80),
        "object_type": clean_text(object_type, 80),
        "object_id": clean_text(object_id, 64),
        "ip_address": clean_ip(ip_address if ip_address is not None else context.ip_address),
        "user_agent": clean_text(user_agent if user_agent is not None else context.user_agent, 300),
        "changes": scrub_json(to_json_value(dict(changes or {}))),
        "metadata": scrub_json(to_json_value(dict(metadata or {}))),
    }


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields' current values as plain JSON data, unmasked: pass it to record_change.

    A foreign key is recorded by its id; money stays an exact decimal string.
    """
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = to_json_value(getattr(instance, attname))
    return values


def record_change(
    action: str,
    *,
    actor: Any,
    target: models.Model,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    metadata: Mapping[str, Any] | None = None,
    sensitive: Iterable[str] = (),
) -> AuditEvent:
    """Record what changed on `target`: {field: {"before", "after"}} for changed fields only.

    Fields in the model's `sensitive_fields` (and in `sensitive`) are stored masked by kind:
    an ID number as 110105********1234, a mobile as 138****5678.
    """
    hidden = sensitive_fields_of(type(target)) | set(sensitive)
    changes = diff_fields(to_json_value(dict(before)), to_json_value(dict(after)), masked=hidden)
    return record_event(action, actor=actor, target=target, changes=changes, metadata=metadata)


def diff_fields(
    before: Mapping[str, Any], after: Mapping[str, Any], masked: Iterable[str] = ()
) -> dict[str, dict[str, Any]]:
    """{field: {"before": .., "after": ..}} for changed fields; masked fields show masked values.

    The comparison uses the real values, so a change that masks to the same text is still
    recorded.
    """
    hidden = set(masked)
    changes: dict[str, dict[str, Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in hidden:
            old, new = mask_value(name, old), mask_value(name, new)
        changes[name] = {"before": old, "after": new}
    return changes


@dataclass(frozen=True)
class ExportPlan:
    """An export fixed at the moment it was requested: the matching events up to `up_to`."""

    filters: EventFilters
    up_to: int
    row_count: int
    event: AuditEvent


def start_export(filters: EventFilters, *, actor: Any) -> ExportPlan:
    """Record that `actor` exports the events matching `filters`, with the row count.

    The log only grows, so the rows up to the newest sequence seen now are exactly the rows
    that will be streamed.
    """
    with transaction.atomic():
        up_to = newest_sequence(EventFilters())
        row_count = count_events(filters, up_to=up_to)
        event = record_event(
            "audit.exported",
            actor=actor,
            object_type="audit.auditevent",
            metadata={
                "row_count": row_count,
                "filters": filters.as_params(),
                "up_to_sequence": up_to,
                "format": "csv",
            },
        )
    return ExportPlan(filters=filters, up_to=up_to, row_count=row_count, event=event)


def run_verification(*, batch_size: int = 5000) -> ChainReport:
    """Verify the whole chain, keep checkpoints of what was found intact, and log the outcome.

    The outcome is itself an audit event, so the log shows when it was last checked and with
    what result.
    """
    seal_pending_events()  # what has been committed is checked too
    report = verify_chain(batch_size=batch_size)
    with transaction.atomic():
        verified_at = clock.now()
        for sequence, digest in report.milestones:
            if not AuditCheckpoint.objects.filter(sequence=sequence).exists():
                AuditCheckpoint.objects.create(
                    sequence=sequence, entry_hash=digest, verified_at=verified_at
                )
        broken = report.broken
        record_event(
            "audit.chain_verified" if broken is None else "audit.chain_broken",
            object_type="audit.auditevent",
            object_id=str(broken.sequence) if broken else "",
            metadata={
                "checked": report.checked,
                "last_sequence": report.last_sequence,
                "reason": broken.reason if broken else "",
            },
        )
    return report
