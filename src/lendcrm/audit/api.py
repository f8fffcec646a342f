"""GET /api/v1/audit/events: the audit log for auditors, newest first, cursor-paginated."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from lendcrm.audit import queries
from lendcrm.audit.forms import parse_filters
from lendcrm.audit.models import AuditEvent

router = Router(tags=["audit"])


class EventQuery(Schema):
    actor: str | None = Field(None, description="the actor's user name, exact")
    action: str | None = Field(None, description='exact, or a prefix ending in "*"')
    object_type: str | None = Field(None, description='e.g. "customers.customer"')
    object_id: str | None = None
    ip: str | None = None
    date_from: str | None = Field(None, description="YYYY-MM-DD, inclusive, Asia/Shanghai")
    date_to: str | None = Field(None, description="YYYY-MM-DD, inclusive, Asia/Shanghai")
    cursor: int | None = Field(None, ge=1, description="next_cursor of the previous page")
    limit: int = Field(queries.PAGE_SIZE, ge=1, le=queries.MAX_PAGE_SIZE)


class EventOut(Schema):
    sequence: int
    occurred_at: datetime
    actor: str
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    ip: str | None
    user_agent: str
    changes: dict[str, Any]
    metadata: dict[str, Any]
    prev_hash: str
    entry_hash: str


class EventPageOut(Schema):
    items: list[EventOut]
    next_cursor: int | None


def _out(event: AuditEvent) -> EventOut:
    return EventOut(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor=event.actor_username,
        actor_id=event.actor_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        ip=event.ip_address,
        user_agent=event.user_agent,
        changes=event.changes,
        metadata=event.metadata,
        prev_hash=event.prev_hash,
        entry_hash=event.entry_hash,
    )


@router.get("/events", response=EventPageOut)
def list_events(request: HttpRequest, params: Query[EventQuery]) -> EventPageOut:
    filters = parse_filters(params.model_dump(exclude={"cursor", "limit"}))
    page = queries.list_events(filters, before=params.cursor, limit=params.limit)
    return EventPageOut(items=[_out(e) for e in page.events], next_cursor=page.next_cursor)


@router.get("/events/{sequence}", response=EventOut)
def get_event(request: HttpRequest, sequence: int) -> EventOut:
    return _out(queries.get_event(sequence))
