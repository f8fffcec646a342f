"""The log is append-only in the application and, on PostgreSQL, in the database itself."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, transaction

from lendcrm.audit.models import AppendOnlyViolation, AuditChainHead, AuditEvent
from lendcrm.audit.services import record_event, record_events, verify_chain
from lendcrm.audit.tests.helpers import append_events, on_postgresql, raw_sql
from lendcrm.customers.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_saving_an_existing_event_again_is_refused() -> None:
    event = record_event("customer.updated", username="alice")
    event.action = "customer.viewed"

    with pytest.raises(AppendOnlyViolation, match="append-only: update refused"):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "customer.updated"


def test_saving_only_some_fields_is_refused() -> None:
    event = record_event("customer.updated")

    with pytest.raises(AppendOnlyViolation):
        event.save(update_fields=["action"])


def test_an_unsaved_copy_with_an_existing_key_cannot_overwrite_the_row() -> None:
    event = record_event("customer.updated")
    forged = AuditEvent(
        pk=event.pk,
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        action="forged",
        prev_hash=event.prev_hash,
        entry_hash="f" * 64,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        forged.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "customer.updated"


def test_deleting_an_event_is_refused() -> None:
    event = record_event("customer.updated")

    with pytest.raises(AppendOnlyViolation, match="delete refused"):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "operation",
    [
        lambda qs: qs.update(action="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["action"]),
        lambda qs: qs.bulk_create([AuditEvent(sequence=99, action="x")]),
        lambda qs: qs.update_or_create(sequence=1, defaults={"action": "x"}),
    ],
    ids=["update", "delete", "bulk_update", "bulk_create", "update_or_create"],
)
def test_bulk_writes_through_the_manager_are_refused(operation: object) -> None:
    append_events(2)

    with pytest.raises(AppendOnlyViolation):
        operation(AuditEvent.objects.all())  # type: ignore[operator]

    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == ["test.event"] * 2


def test_deleting_a_user_leaves_their_audit_events_and_the_chain_intact() -> None:
    user = UserFactory()
    record_event("customer.updated", actor=user)
    username = user.username

    user.delete()

    event = AuditEvent.objects.get()
    assert event.actor_username == username
    assert verify_chain().ok


@on_postgresql
@pytest.mark.parametrize(
    ("sql", "operation"),
    [
        ("UPDATE audit_auditevent SET action = %s WHERE sequence = %s", "UPDATE"),
        ("DELETE FROM audit_auditevent WHERE sequence = %s AND action <> %s", "DELETE"),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_sql_changes(sql: str, operation: str) -> None:
    append_events(2)
    params: list[object] = ["forged", 1] if operation == "UPDATE" else [1, "forged"]

    with (
        pytest.raises(DatabaseError, match=f"append-only \\({operation} refused\\)"),
        transaction.atomic(),
    ):
        raw_sql(sql, params)

    assert list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)) == [
        "test.event",
        "test.event",
    ]


@on_postgresql
def test_the_database_refuses_to_rewind_the_chain_head() -> None:
    append_events(3)
    first = AuditEvent.objects.get(sequence=1)

    with pytest.raises(DatabaseError, match="may only advance"), transaction.atomic():
        raw_sql(
            "UPDATE audit_auditchainhead SET sequence = 1, last_hash = %s WHERE id = 1",
            [first.entry_hash],
        )

    assert AuditChainHead.objects.get().sequence == 3


@on_postgresql
def test_the_database_refuses_a_head_that_skips_past_the_last_record() -> None:
    append_events(2)
    last = AuditEvent.objects.get(sequence=2)

    with pytest.raises(DatabaseError, match="may only advance"), transaction.atomic():
        raw_sql(
            "UPDATE audit_auditchainhead SET sequence = 3, last_hash = %s WHERE id = 1",
            [last.entry_hash],
        )

    assert AuditChainHead.objects.get().sequence == 2


@on_postgresql
def test_a_batch_of_events_advances_the_head_once_and_verifies() -> None:
    append_events(1)

    record_events([{"action": "test.batch", "metadata": {"n": n}} for n in range(3)])

    head = AuditChainHead.objects.get()
    assert head.sequence == 4
    assert head.last_hash == AuditEvent.objects.get(sequence=4).entry_hash
    assert verify_chain().broken is None


@on_postgresql
def test_the_database_refuses_to_delete_the_chain_head() -> None:
    append_events(1)

    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic():
        raw_sql("DELETE FROM audit_auditchainhead WHERE id = %s", [1])

    assert AuditChainHead.objects.filter(pk=1).exists()
