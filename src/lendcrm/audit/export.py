"""CSV rendering of audit events: what an auditor downloads."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils import timezone

from lendcrm.audit.models import AuditEvent

HEADER = (
    "sequence",
    "occurred_at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "ip",
    "user_agent",
    "changes",
    "metadata",
    "prev_hash",
    "entry_hash",
)
# Spreadsheet programs run cells starting with these as formulas; user-typed text (a user
# name tried at the login page, a user agent) must never become one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def event_row(event: AuditEvent) -> list[str]:
    values = (
        event.sequence,
        timezone.localtime(event.occurred_at).isoformat(timespec="seconds"),
        event.actor_username,
        event.action,
        event.object_type,
        event.object_id,
        event.ip_address or "",
        event.user_agent,
        json.dumps(event.changes, ensure_ascii=False, sort_keys=True),
        json.dumps(event.metadata, ensure_ascii=False, sort_keys=True),
        event.prev_hash,
        event.entry_hash,
    )
    return [safe_cell(v) for v in values]


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The CSV text line by line, starting with a byte-order mark so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(HEADER)
    yield "\ufeff" + take()
    for event in events:
        writer.writerow(event_row(event))
        yield take()
