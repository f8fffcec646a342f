"""Test helpers that reach around the application to tamper with the log, as an attacker would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from lendcrm.audit.models import AuditEvent
from lendcrm.audit.services import record_event

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database triggers exist on PostgreSQL only"
)


@contextmanager
def event_trigger_disabled() -> Iterator[None]:
    """On PostgreSQL lift the append-only trigger for the test's transaction; SQLite has none."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
        try:
            yield
        finally:
            if postgres:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change")


def raw_sql(sql: str, params: list[object]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def append_events(count: int, *, action: str = "test.event", **kwargs: object) -> list[AuditEvent]:
    return [record_event(action, object_id=str(i), **kwargs) for i in range(count)]  # type: ignore[arg-type]


def all_event_text() -> str:
    """Every stored value of every audit row, as one string, for looking for personal data."""
    return "\n".join(repr(row) for row in AuditEvent.objects.order_by("sequence").values_list())
