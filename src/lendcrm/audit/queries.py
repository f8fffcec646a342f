"""Reads of the audit log for auditors.

Audit events carry no owner, team or branch, so they have no data scope: access is decided by
the "audit.view" capability alone (identity.access), and every holder sees the whole log.
Lists page by sequence (keyset), never by offset, so the thousandth page costs what the first
does on a log of millions of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from lendcrm.audit.models import AuditCheckpoint, AuditEvent
from lendcrm.core.errors import NotFound

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
EXPORT_BATCH = 2000


@dataclass(frozen=True)
class EventFilters:
    """What the auditor searches for; empty values do not filter.

    `action` ending in "*" matches by prefix ("api_token.*"); the other text filters match
    exactly, which keeps them on their indexes.
    """

    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    ip: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_params(self) -> dict[str, str]:
        """The filters in use, as query-string values (also recorded with an export)."""
        return {k: str(v) for k, v in asdict(self).items() if v not in (None, "")}


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    next_cursor: int | None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_events(filters: EventFilters) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if filters.actor:
        qs = qs.filter(actor_username=filters.actor)
    if filters.action.endswith("*"):
        qs = qs.filter(action__startswith=filters.action.rstrip("*"))
    elif filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.ip:
        qs = qs.filter(ip_address=filters.ip)
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(occurred_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    return qs


def list_events(
    filters: EventFilters, *, before: int | None = None, limit: int = PAGE_SIZE
) -> EventPage:
    """Newest first; `before` is the cursor (a sequence) returned as the previous page's next."""
    qs = filter_events(filters)
    if before is not None:
        qs = qs.filter(sequence__lt=before)
    rows = list(qs.order_by("-sequence")[: limit + 1])
    if len(rows) > limit:
        return EventPage(rows[:limit], rows[limit - 1].sequence)
    return EventPage(rows, None)


def get_event(sequence: int) -> AuditEvent:
    event = AuditEvent.objects.filter(sequence=sequence).first()
    if event is None:
        raise NotFound("audit event not found")
    return event


def neighbours(event: AuditEvent) -> tuple[int | None, int | None]:
    """The sequences of the records before and after this one, when they exist."""
    seqs = set(
        AuditEvent.objects.filter(
            sequence__in=(event.sequence - 1, event.sequence + 1)
        ).values_list("sequence", flat=True)
    )
    before, after = event.sequence - 1, event.sequence + 1
    return (before if before in seqs else None, after if after in seqs else None)


def newest_sequence(filters: EventFilters) -> int:
    newest = filter_events(filters).order_by("-sequence").values_list("sequence", flat=True)
    return newest.first() or 0


def count_events(filters: EventFilters, *, up_to: int) -> int:
    return filter_events(filters).filter(sequence__lte=up_to).count()


def iter_events(filters: EventFilters, *, up_to: int) -> Iterator[AuditEvent]:
    """Every matching event up to a sequence, newest first, read in keyset batches.

    The log is append-only, so the events up to a sequence never change: what is streamed is
    exactly what was counted.
    """
    before = up_to + 1
    while True:
        batch = list(
            filter_events(filters).filter(sequence__lt=before).order_by("-sequence")[:EXPORT_BATCH]
        )
        yield from batch
        if len(batch) < EXPORT_BATCH:
            return
        before = batch[-1].sequence


def latest_checkpoint(*, at_or_before: int) -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.filter(sequence__lte=at_or_before).order_by("-sequence").first()
