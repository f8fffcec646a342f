"""Walks the hash chain and reports the first record that breaks it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.db.models import Max, Min

from lendcrm.audit.chain import GENESIS_HASH, canonical_payload, entry_hash
from lendcrm.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent

# A full walk leaves a checkpoint every this many records; the auditor's page walks from one.
CHECKPOINT_EVERY = 10_000

_CHECKPOINT_MISMATCH = "record no longer matches its checkpoint"

CHAIN_COLUMNS = (
    "sequence",
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
    "prev_hash",
    "entry_hash",
)


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    """Records after `started_after` up to `last_sequence` were walked (`checked` of them).

    `broken` is the first break, or None when intact; `milestones` are (sequence, hash) pairs
    at every CHECKPOINT_EVERY-th record found intact, for new checkpoints.
    """

    checked: int
    last_sequence: int
    last_hash: str
    broken: ChainBreak | None
    started_after: int = 0
    milestones: tuple[tuple[int, str], ...] = ()

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass
class _Walk:
    prev: str = GENESIS_HASH
    last_seen: int = 0
    checked: int = 0
    started_after: int = 0
    milestones: list[tuple[int, str]] = field(default_factory=list)

    def report(self, broken: ChainBreak | None = None) -> ChainReport:
        return ChainReport(
            self.checked,
            self.last_seen,
            self.prev,
            broken,
            self.started_after,
            tuple(self.milestones),
        )


def verify_chain(
    *, batch_size: int = 5000, up_to: int | None = None, start: AuditCheckpoint | None = None
) -> ChainReport:
    """Walk the chain in sequence order, in batches, from the first record or from `start`.

    Without `up_to` the whole chain is checked against the chain head, which catches records
    removed from the end and records added behind the head's back. With `up_to` the walk
    stops at that record (the auditor's "does the chain verify up to here?"). Every record
    that has a checkpoint must still carry the checkpoint's hash.
    """
    head = AuditChainHead.objects.filter(pk=1).first()
    end = up_to if up_to is not None else (head.sequence if head else 0)
    walk = _Walk()
    if start is not None:
        walk = _Walk(start.entry_hash, start.sequence, 0, start.sequence)
        if _hash_at(start.sequence) != start.entry_hash:
            return walk.report(ChainBreak(start.sequence, _CHECKPOINT_MISMATCH))
    known = dict(
        AuditCheckpoint.objects.filter(sequence__gt=walk.last_seen, sequence__lte=end).values_list(
            "sequence", "entry_hash"
        )
    )
    # Windows of consecutive sequences keep every query on the unique index, whatever the
    # planner's statistics say (a freshly loaded table is not in sequence order on disk).
    for low in range(walk.last_seen, end, batch_size):
        broken = _walk_rows(walk, _window(after=low, up_to=min(low + batch_size, end)), known)
        if broken is not None:
            return walk.report(broken)
    if walk.last_seen < end:
        reason = (
            f"record {end} cannot be reached: records are missing"
            if up_to is not None
            else f"records missing at the end of the chain (the chain head says it has {end})"
        )
        return walk.report(ChainBreak(walk.last_seen + 1, reason))
    return walk.report(None if up_to is not None else _check_head(walk, head))


def _walk_rows(walk: _Walk, rows: list[dict[str, Any]], known: dict[int, str]) -> ChainBreak | None:
    for row in rows:
        sequence = row["sequence"]
        problem = check_record(row, walk.prev, walk.last_seen + 1)
        if not problem and known.get(sequence, row["entry_hash"]) != row["entry_hash"]:
            problem = _CHECKPOINT_MISMATCH
        if problem:
            return ChainBreak(sequence, problem)
        walk.prev, walk.last_seen = row["entry_hash"], sequence
        walk.checked += 1
        if sequence % CHECKPOINT_EVERY == 0:
            walk.milestones.append((sequence, row["entry_hash"]))
    return None


def _window(*, after: int, up_to: int) -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(sequence__gt=after, sequence__lte=up_to)
        .order_by("sequence")
        .values(*CHAIN_COLUMNS)
    )


def _hash_at(sequence: int) -> str | None:
    return AuditEvent.objects.filter(sequence=sequence).values_list("entry_hash", flat=True).first()


def _check_head(walk: _Walk, head: AuditChainHead | None) -> ChainBreak | None:
    if head is not None and walk.prev != head.last_hash:
        return ChainBreak(walk.last_seen, "last record does not match the chain head's hash")
    # Read the newest sequence before the head: a concurrent append then never looks forged.
    bounds = AuditEvent.objects.aggregate(oldest=Min("sequence"), newest=Max("sequence"))
    if bounds["oldest"] is not None and bounds["oldest"] < 1:
        return ChainBreak(bounds["oldest"], "record numbered before the start of the chain")
    fresh_head = AuditChainHead.objects.filter(pk=1).first()
    if (bounds["newest"] or 0) > (fresh_head.sequence if fresh_head else 0):
        reason = "record beyond the chain head" if fresh_head else "the chain head is missing"
        return ChainBreak((fresh_head.sequence if fresh_head else 0) + 1, reason)
    return None


def check_record(row: dict[str, Any], prev: str, expected_sequence: int) -> str:
    """Why this record breaks the chain after `prev`, or "" when it holds."""
    if row["sequence"] != expected_sequence:
        return f"record {expected_sequence} is missing"
    if row["prev_hash"] != prev:
        return "previous-hash link does not match"
    if recompute_hash(row) != row["entry_hash"]:
        return "contents do not match the record's hash"
    return ""


def recompute_hash(row: dict[str, Any]) -> str:
    payload = canonical_payload(
        sequence=row["sequence"],
        occurred_at=row["occurred_at"].astimezone(UTC),
        actor_id=row["actor_id"],
        actor_username=row["actor_username"],
        action=row["action"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        ip_address=row["ip_address"],
        user_agent=row["user_agent"],
        changes=row["changes"],
        metadata=row["metadata"],
    )
    return entry_hash(row["prev_hash"], payload)


def check_event_links(event: AuditEvent) -> str:
    """A quick local check of one record: its own hash and its link to the previous record."""
    row = {name: getattr(event, name) for name in CHAIN_COLUMNS}
    if recompute_hash(row) != event.entry_hash:
        return "contents do not match the record's hash"
    if event.sequence == 1:
        return "" if event.prev_hash == GENESIS_HASH else "previous-hash link does not match"
    previous = _hash_at(event.sequence - 1)
    if previous is None:
        return f"record {event.sequence - 1} is missing"
    return "" if previous == event.prev_hash else "previous-hash link does not match"
